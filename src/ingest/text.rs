//! Feed text → what pressroom keeps: plain text for titles and excerpts, sanitised
//! HTML for summaries.
//!
//! HTML from feeds is sanitised with ammonia: no script, style, iframe, event handler
//! or `javascript:` URL survives, and relative links are resolved against the entry's
//! base. Titles and excerpts are plain text; templates escape them.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

use url::Url;

mod plain;

/// Plain text from a feed's text field: entities decoded, tags stripped (script and
/// style with their content), whitespace collapsed.
pub fn clean_text(raw: &str) -> String {
    if !raw.contains(['<', '&']) {
        return collapse(raw);
    }
    let fragment = scraper::Html::parse_fragment(raw);
    let mut text = String::with_capacity(raw.len());
    for node in fragment.root_element().descendants() {
        let scraper::Node::Text(chunk) = node.value() else {
            continue;
        };
        let hidden = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "script" | "style" | "noscript" | "template"))
        });
        if !hidden {
            text.push_str(chunk);
        }
    }
    // Feeds that escape twice leave entities such as "&nbsp;" after one decoding.
    if text.contains('&') && text.contains(';') && text != raw {
        return clean_text(&text);
    }
    collapse(&text)
}

/// The words of `text` joined by single spaces (without the vector of words a
/// `collect` and `join` would build: this runs on every title and summary).
fn collapse(text: &str) -> String {
    let mut words = plain::Words::with_capacity(text.len());
    words.push(text, false);
    words.into_string()
}

/// Sanitises feed HTML, resolving relative links against `base`: simple HTML in one
/// pass ([`super::clean`]), the rest with ammonia, the same bytes either way.
pub fn sanitise(html: &str, base: Option<&Url>) -> String {
    super::clean::simple(html, base).unwrap_or_else(|| sanitise_with_ammonia(html, base))
}

/// [`sanitise`] by ammonia alone.
pub(super) fn sanitise_with_ammonia(html: &str, base: Option<&Url>) -> String {
    static SAFE: LazyLock<ammonia::Builder<'static>> = LazyLock::new(safe_html);
    thread_local! {
        // The builder for the base seen last on this thread. Building one (ammonia
        // fills its default tag and attribute tables, then we replace them) costs as
        // much as cleaning a summary, and the entries of a feed share one base.
        static WITH_BASE: RefCell<Option<(Url, ammonia::Builder<'static>)>> =
            const { RefCell::new(None) };
    }
    let Some(base) = base else {
        return SAFE.clean(html).to_string();
    };
    WITH_BASE.with_borrow_mut(|cached| {
        let builder = match cached {
            Some((url, builder)) if url == base => builder,
            _ => {
                let mut builder = safe_html();
                builder.url_relative(ammonia::UrlRelative::RewriteWithBase(base.clone()));
                &mut cached.insert((base.clone(), builder)).1
            }
        };
        builder.clean(html).to_string()
    })
}

/// The tags a sanitised summary may keep.
pub(super) const SAFE_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "em",
    "figcaption",
    "figure",
    "h3",
    "h4",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
    "u",
    "ul",
];
/// The URL schemes a sanitised link or image may have.
pub(super) const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto"];
/// The `rel` of every sanitised link.
pub(super) const LINK_REL: &str = "noopener noreferrer nofollow";

fn safe_html() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(SAFE_TAGS.iter().copied().collect())
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href", "title"])),
            ("img", HashSet::from(["src", "alt", "width", "height"])),
        ]))
        .url_schemes(SAFE_SCHEMES.iter().copied().collect())
        .link_rel(Some(LINK_REL))
        .clean_content_tags(HashSet::from([
            "script", "style", "iframe", "object", "embed", "noscript", "template",
        ]))
        .url_relative(ammonia::UrlRelative::Deny)
        .strip_comments(true);
    builder
}

/// Plain text of sanitised HTML (whose only entities are those ammonia writes).
/// Block elements separate words; inline ones do not.
pub fn text_of_sanitised(html: &str) -> String {
    const BLOCKS: &[&str] = &[
        "p",
        "br",
        "li",
        "ul",
        "ol",
        "blockquote",
        "figure",
        "figcaption",
        "h3",
        "h4",
        "pre",
        "img",
    ];
    // Tags out, then the words read with ammonia's entities decoded on the way (one
    // pass where there were six `replace`s and a collapse).
    let text = plain::without_tags(html, BLOCKS);
    let mut words = plain::Words::with_capacity(text.len());
    words.push(&text, true);
    words.into_string()
}

/// [`excerpt`] of a string of one's own: the string itself when it is not cut.
pub fn excerpt_owned(text: String, max: usize) -> String {
    match text.len() <= max || text.char_indices().nth(max).is_none() {
        true => text,
        false => excerpt(&text, max),
    }
}

/// `text` cut to at most `max` characters at a word boundary, with "…" when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    // No more bytes than `max` is no more characters; else the cut is found without
    // collecting the first `max` characters one by one into a new string.
    let cut = match text.len() <= max {
        true => None,
        false => text.char_indices().nth(max).map(|(at, _)| &text[..at]),
    };
    let Some(cut) = cut else {
        return text.to_owned();
    };
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut,
    };
    let kept = at_word.trim_end_matches(|c: char| c.is_whitespace() || ",;:.-–—".contains(c));
    let mut out = String::with_capacity(kept.len() + '…'.len_utf8());
    out.push_str(kept);
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_plain_text() {
        assert_eq!(
            clean_text("  AT&amp;T <b>wins</b>\n\tbig "),
            "AT&T wins big"
        );
        assert_eq!(
            clean_text("<script>alert(1)</script>Council votes"),
            "Council votes"
        );
        assert_eq!(
            clean_text("Snow&nbsp;day &mdash; schools close"),
            "Snow day — schools close"
        );
        assert_eq!(
            clean_text("Snow&amp;nbsp;day"),
            "Snow day",
            "double-escaped"
        );
        assert_eq!(
            clean_text("Inflation < 3% & falling"),
            "Inflation < 3% & falling"
        );
    }

    #[test]
    fn sanitising_keeps_text_and_safe_links_only() {
        let base = Url::parse("https://news.example/a/").unwrap();
        let html = sanitise(
            r#"<p onclick="x()">Hi <a href="javascript:alert(1)">bad</a> <a href="/ok">ok</a><script>alert(2)</script><iframe src="https://x.example"></iframe><img src="i.jpg" onerror="y()"></p><style>p{}</style>"#,
            Some(&base),
        );
        assert!(
            !html.contains("script") && !html.contains("iframe") && !html.contains("style"),
            "{html}"
        );
        assert!(
            !html.contains("onclick") && !html.contains("onerror") && !html.contains("javascript"),
            "{html}"
        );
        assert!(html.contains(r#"href="https://news.example/ok""#), "{html}");
        assert!(
            html.contains(r#"src="https://news.example/a/i.jpg""#),
            "{html}"
        );
        // Without a web base, relative links are dropped rather than left dangling.
        assert!(!sanitise(r#"<a href="/ok">ok</a>"#, None).contains("href"));
    }

    #[test]
    fn collapsing_joins_the_words_with_single_spaces() {
        for text in [
            "",
            "  ",
            "a",
            " a  b\t\nc ",
            "x\u{3000}y\u{a0}z",
            "\u{2003}é  ü\r\n",
        ] {
            let words: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(collapse(text), words.join(" "), "{text:?}");
        }
        assert_eq!(text_of_sanitised("<p>a</p><p>b &amp; c</p>"), "a b & c");
        assert_eq!(text_of_sanitised("<p>a  <em>b</em></p>"), "a b");
    }

    /// `excerpt` against the form it replaced (the first `max` characters collected,
    /// then `format!`), on random strings of the characters that matter.
    #[test]
    fn excerpts_match_the_collecting_form() {
        fn old(text: &str, max: usize) -> String {
            if text.chars().count() <= max {
                return text.to_owned();
            }
            let cut: String = text.chars().take(max).collect();
            let at_word = match cut.rfind(char::is_whitespace) {
                Some(i) if i > max / 2 => &cut[..i],
                _ => &cut[..],
            };
            format!(
                "{}…",
                at_word.trim_end_matches(|c: char| c.is_whitespace() || ",;:.-–—".contains(c))
            )
        }
        let pieces = [
            " ", "\u{a0}", "\u{3000}", "a", "word", "é", "€", "Жж", ",", ".", "—", "-",
        ];
        let mut rng = fastrand::Rng::with_seed(280);
        for _ in 0..20_000 {
            let text: String = (0..rng.usize(0..30))
                .map(|_| pieces[rng.usize(..pieces.len())])
                .collect();
            let max = rng.usize(0..40);
            assert_eq!(excerpt(&text, max), old(&text, max), "{text:?} {max}");
        }
    }

    #[test]
    fn excerpts_cut_at_a_word_boundary() {
        assert_eq!(excerpt("short text", 50), "short text");
        assert_eq!(excerpt("one two three four five", 12), "one two…");
        let cyrillic = "Правительство утвердило бюджет на следующий год";
        assert_eq!(excerpt(cyrillic, 25), "Правительство утвердило…");
        assert_eq!(
            text_of_sanitised("<p>A <b>bold</b> move.</p><p>Next&nbsp;one &amp; more</p>"),
            "A bold move. Next one & more"
        );
    }
}
