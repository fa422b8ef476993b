//! Canonical URLs: the one form of a web link that ingest, preview and the editor
//! compare stories by (http(s) only, host lower-cased, no fragment, no tracking
//! parameters).

use url::Url;

/// Query parameters that only track the reader, removed from canonical URLs.
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "yclid",
    "igshid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ocid",
    "ns_mchannel",
    "ns_source",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
    "at_medium",
    "at_campaign",
    "spm",
    "cmpid",
];

/// The canonical form of `raw` (resolved against `base`): http(s) only, host
/// lower-cased, fragment and tracking parameters removed. `None` if it is not a
/// usable web link.
pub fn canonical_url(raw: &str, base: Option<&Url>) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let url = match base {
        Some(base) => base.join(raw).ok()?,
        None => Url::parse(raw).ok()?,
    };
    canonical_of(url)
}

/// [`canonical_url`] of a link already parsed: `canonical_of(url)` is
/// `canonical_url(url.as_str(), base)` for any base, since parsing a serialised
/// http(s) URL gives it back (a URL of another scheme is `None` either way).
pub fn canonical_of(mut url: Url) -> Option<String> {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    if url.query().is_some() {
        // Most queries of feed links are tracking alone (`utm_…`): no key lower-cased
        // into a new string, and no list of the kept pairs when none is kept.
        if url.query_pairs().all(|(k, _)| is_tracking(&k)) {
            url.set_query(None);
        } else {
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| !is_tracking(k))
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Some(url.into())
}

/// Whether a query key, in any case, tracks the reader: `utm_…` or one of
/// [`TRACKING`] (all lower-case ASCII, so comparing without case is comparing the
/// key lower-cased).
fn is_tracking(key: &str) -> bool {
    key.as_bytes()
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"utm_"))
        || TRACKING.iter().any(|t| t.eq_ignore_ascii_case(key))
}

/// The [`Url`] a feed entry's link was read as, kept so that normalising does not parse
/// the link a second time ([`canonical_of`]). It is the link itself in
/// another form, so it takes no part in comparing entries (ingest's readers are
/// compared on what they read: the fast one keeps it, feed-rs's adapter does not).
#[derive(Clone, Default)]
pub struct LinkUrl(pub Option<Url>);

impl PartialEq for LinkUrl {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for LinkUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkUrl")
    }
}

/// Parsed URLs of an entry's images, each the [`Url`] an image's `url` is the
/// serialisation of (normalising looks them up by that string, so order does not
/// matter), so that [`canonical_of`] takes them instead of
/// parsing the image again. Like [`LinkUrl`], the images in another form: they take
/// no part in comparing entries.
#[derive(Clone, Default)]
pub struct ImageUrls(pub Vec<Url>);

impl ImageUrls {
    /// The parsed form of `url`, if the reader kept one.
    pub fn of(&self, url: &str) -> Option<&Url> {
        self.0.iter().find(|u| u.as_str() == url)
    }
}

impl PartialEq for ImageUrls {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for ImageUrls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ImageUrls")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_urls_drop_tracking_and_fragments() {
        let base = Url::parse("https://news.example/feeds/world.rss").unwrap();
        let canon = |raw| canonical_url(raw, Some(&base));
        assert_eq!(
            canon("HTTPS://News.EXAMPLE:443/a?utm_source=x&id=2#c").as_deref(),
            Some("https://news.example/a?id=2")
        );
        assert_eq!(
            canon("/b?fbclid=1&gclid=2").as_deref(),
            Some("https://news.example/b")
        );
        assert_eq!(
            canon("c.html").as_deref(),
            Some("https://news.example/feeds/c.html")
        );
        assert_eq!(
            canon("//cdn.example/x").as_deref(),
            Some("https://cdn.example/x")
        );
        assert_eq!(
            canon("  https://n.example/d?page=2&utm_medium=rss  ").as_deref(),
            Some("https://n.example/d?page=2")
        );
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "mailto:a@b.example",
            "http://[bad",
            "",
        ] {
            assert_eq!(canon(bad), None, "{bad}");
        }
        assert_eq!(canonical_url("relative/only", None), None);
    }

    /// A parsed link gives the same canonical form as its serialisation parsed again,
    /// whatever the base: what lets ingest skip the second parse (`canonical_of`).
    #[test]
    fn parsed_links_need_no_second_parse() {
        let pieces = [
            "https://",
            "http://",
            "HTTP://",
            "ftp://",
            "N.Example",
            "xn--bcher-kva.example",
            "bücher.example",
            "[::1]",
            "127.0.0.1",
            "0x7f.1",
            ":443",
            ":80",
            ":8080",
            "user:pw@",
            "/",
            "//",
            "/./",
            "/../",
            "/a b",
            "/%2e%2E/",
            "/é",
            "/%41",
            "\\",
            "?",
            "?q=a b",
            "&utm_source=x",
            "&id=%7e",
            "&x=é",
            "#",
            "#frag ment",
            "\t",
            " ",
            "%",
            "a",
            ".",
        ];
        let bases = [
            None,
            Some(Url::parse("https://news.example/feeds/world.rss").unwrap()),
            Some(Url::parse("http://other.example:8080/a/").unwrap()),
        ];
        let mut rng = fastrand::Rng::with_seed(44);
        let mut parsed = 0;
        for _ in 0..30_000 {
            let raw: String = (0..rng.usize(1..9))
                .map(|_| pieces[rng.usize(..pieces.len())])
                .collect();
            for base in &bases {
                let Ok(url) = (match base {
                    Some(b) => b.join(&raw),
                    None => Url::parse(&raw),
                }) else {
                    continue;
                };
                parsed += 1;
                let link = url.as_str().to_owned();
                let canonical = canonical_of(url);
                for b in &bases {
                    assert_eq!(
                        canonical_url(&link, b.as_ref()),
                        canonical,
                        "{raw:?} → {link:?}"
                    );
                }
            }
        }
        assert!(parsed > 20_000, "{parsed}");
    }

    /// [`is_tracking`] against the form it replaced (the key lower-cased, then
    /// compared), on keys made of the tracking names' pieces in either case.
    #[test]
    fn tracking_keys_match_lower_casing_them() {
        let old = |k: &str| {
            let k = k.to_ascii_lowercase();
            k.starts_with("utm_") || TRACKING.contains(&k.as_str())
        };
        let pieces = [
            "utm", "_", "UTM_", "Utm_", "fb", "CLID", "gclid", "mc_", "cid", "spm", "x", "é", "İ",
            "K",
        ];
        let mut rng = fastrand::Rng::with_seed(37);
        for _ in 0..20_000 {
            let key: String = (0..rng.usize(0..4))
                .map(|_| pieces[rng.usize(..pieces.len())])
                .collect();
            assert_eq!(is_tracking(&key), old(&key), "{key:?}");
        }
        for key in TRACKING {
            assert!(
                is_tracking(key) && is_tracking(&key.to_uppercase()),
                "{key}"
            );
        }
        // The whole function against its old form, on random links.
        let old_canonical = |raw: &str| -> Option<String> {
            let mut url = Url::parse(raw.trim()).ok()?;
            if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty)
            {
                return None;
            }
            url.set_fragment(None);
            if url.query().is_some() {
                let kept: Vec<(String, String)> = url
                    .query_pairs()
                    .filter(|(k, _)| !old(k))
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                if kept.is_empty() {
                    url.set_query(None);
                } else {
                    url.query_pairs_mut().clear().extend_pairs(kept);
                }
            }
            Some(url.into())
        };
        let parts = [
            "utm_source=x",
            "UTM_Medium=",
            "fbclid=1",
            "q=a%20b",
            "q=a+b",
            "z=~",
            "k",
            "=",
            "&",
            "&&",
            "#f",
            "é=ü",
            "%41=%",
            "?",
        ];
        for _ in 0..20_000 {
            let query: String = (0..rng.usize(0..5))
                .map(|_| parts[rng.usize(..parts.len())])
                .collect();
            let raw = format!("https://N.example/a?{query}");
            assert_eq!(canonical_url(&raw, None), old_canonical(&raw), "{raw:?}");
        }
    }
}
