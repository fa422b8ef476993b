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
    let mut url = match base {
        Some(base) => base.join(raw).ok()?,
        None => Url::parse(raw).ok()?,
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| {
                let k = k.to_ascii_lowercase();
                !k.starts_with("utm_") && !TRACKING.contains(&k.as_str())
            })
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Some(url.into())
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
}
