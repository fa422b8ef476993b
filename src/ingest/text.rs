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
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    // The words of `split_whitespace`, read a byte at a time: a multi-byte character
    // is only decoded when its lead byte can begin a Unicode space.
    while i < bytes.len() {
        while i < bytes.len() {
            match space_at(text, i) {
                0 => break,
                n => i += n,
            }
        }
        let start = i;
        while i < bytes.len() && space_at(text, i) == 0 {
            i += 1;
        }
        if start < i {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&text[start..i]);
        }
    }
    out
}

/// The length of the whitespace character (`char::is_whitespace`) at byte `i` of
/// `text`, 0 when there is none. Above ASCII, every such character (U+0085, U+00A0,
/// U+1680, U+2000 to U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) begins with one
/// of C2, E1, E2, E3, which are lead bytes, so `i` is a character boundary there.
fn space_at(text: &str, i: usize) -> usize {
    match text.as_bytes()[i] {
        b' ' | 0x09..=0x0D => 1,
        0xC2 | 0xE1..=0xE3 => match text[i..].chars().next() {
            Some(c) if c.is_whitespace() => c.len_utf8(),
            _ => 0,
        },
        _ => 0,
    }
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
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or("");
        if BLOCKS.contains(&name) {
            text.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    if !rest.contains('<') {
        text.push_str(rest);
    }
    // Every entity starts with '&': most summaries have none, and six passes over
    // them would copy the text six times for nothing.
    if !text.contains('&') {
        return collapse(&text);
    }
    collapse(&unescape(&text))
}

/// The entities ammonia writes, replaced in one pass. The same as replacing each in
/// turn (`&amp;` last): every name begins with the only `&` it holds, so no two
/// overlap, and no replacement but the last, `&`, can begin one.
fn unescape(text: &str) -> String {
    const ENTITIES: [(&str, char); 6] = [
        ("&nbsp;", ' '),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&amp;", '&'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let (taken, with) = ENTITIES
            .iter()
            .find(|(name, _)| tail.starts_with(name))
            .map_or((1, '&'), |(name, with)| (name.len(), *with));
        out.push(with);
        rest = &tail[taken..];
    }
    out.push_str(rest);
    out
}

/// `text` cut to at most `max` characters at a word boundary, with "…" when cut.
pub fn excerpt(text: &str, max: usize) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `collapse` and `unescape` against the forms they replaced (`split_whitespace`,
    /// six `replace`s in turn) on random strings of the characters that matter.
    #[test]
    fn one_pass_collapse_and_unescape_match_the_old_forms() {
        let pieces = [
            " ", "\t", "\n", "\u{b}", "\u{c}", "\r", "\u{85}", "\u{a0}", "\u{1680}", "\u{2000}",
            "\u{200a}", "\u{200b}", "\u{2028}", "\u{202f}", "\u{205f}", "\u{3000}", "\u{1c}", "é",
            "€", "\u{e000}", "a", "word", "&", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;",
            "&nbsp;", "amp;", "lt;", "&#3", "9;", "nbsp", ";",
        ];
        let mut rng = fastrand::Rng::with_seed(15);
        for _ in 0..20_000 {
            let text: String = (0..rng.usize(0..12))
                .map(|_| pieces[rng.usize(..pieces.len())])
                .collect();
            let split: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(collapse(&text), split.join(" "), "{text:?}");
            let replaced = text
                .replace("&nbsp;", " ")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            assert_eq!(unescape(&text), replaced, "{text:?}");
        }
    }

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
