//! The fast path against ammonia: wherever [`simple`] answers, it must answer exactly
//! what ammonia does.

use super::*;
use crate::ingest::text::sanitise_with_ammonia;

fn bases() -> [Option<Url>; 3] {
    [
        None,
        Some(Url::parse("https://news.example/a/b.html").unwrap()),
        Some(Url::parse("http://x.example").unwrap()),
    ]
}

/// Compares the two on `html` under every base; returns how many bases took the fast path.
fn agree(html: &str) -> usize {
    let mut fast = 0;
    for base in bases() {
        if let Some(out) = simple(html, base.as_ref()) {
            assert_eq!(
                out,
                sanitise_with_ammonia(html, base.as_ref()),
                "{html:?} with base {base:?}"
            );
            fast += 1;
        }
    }
    fast
}

#[test]
fn common_summaries_take_the_fast_path_and_match_ammonia() {
    for html in [
        "",
        "Plain text, no markup at all.",
        "Tom & Jerry <3 > 2 \"quoted\" 'single' \u{a0}nbsp",
        "<p>One <strong>two</strong> <em>three</em>.</p><p>Four &amp; five&nbsp;six &#8212; &#x2014; &mdash; &hellip;</p>",
        r#"<p><strong>Oslo</strong> — the council <a href="https://news.example/x/1">voted</a> on Monday.</p>"#,
        r#"<a href="/relative/path?a=1&amp;b=2" title="T &quot;q&quot;">rel</a>"#,
        r#"<a href="page.html">relative to the document</a> <a href="//cdn.example/x">scheme-relative</a>"#,
        r#"<a href='mailto:a@x.example'>mail</a> <a href="javascript:alert(1)">js</a> <a href="ftp://x.example/">ftp</a>"#,
        r#"<A HREF="https://x.example/" Onclick="x()" CLASS=c>upper</A>"#,
        r#"<img src="i.jpg" alt="An image" width="10" height=20 data-x="y"><br><br/><br />"#,
        r#"<img src="https://x.example/i.jpg" />text<img alt=x src=y.png>"#,
        "<ul><li>one</li><li>two <b>bold</b></li></ul><ol><li lang=en title=t class=c>x</li></ol>",
        "<blockquote><p>quoted</p></blockquote><figure><img src=a.png><figcaption>cap</figcaption></figure>",
        "<h3>Head</h3><p>para</p><h4>",
        "<div><p>in a div</p></div><span class=x>span</span>",
        "<p>unclosed <em>at the end",
        "<strong><p>a paragraph inside strong</p></strong>",
        "<a href=\"https://x.example/\"><p>block in a link</p></a>",
        "<p>line\nbreaks\tand tabs</p>\n<p>second</p>",
        "<q>q</q><cite>c</cite><code>x &lt; y</code><sub>1</sub><sup>2</sup><s>s</s><u>u</u><small>sm</small><abbr title=t>ab</abbr><i>i</i>",
        "Кириллица &laquo;в кавычках&raquo; и ёжик",
    ] {
        assert_eq!(agree(html), 3, "{html:?} should take the fast path");
    }
}

#[test]
fn unusual_html_is_left_to_ammonia() {
    for html in [
        "<p>one<p>two",
        "<p>a <ul><li>list in a paragraph</li></ul></p>",
        "<b>a <i>mis</b>nested</i>",
        "<script>alert(1)</script>text",
        "<!-- comment -->text",
        "<pre>\ncode</pre>",
        "&copy 2026 without a semicolon",
        "&notit; legacy prefix",
        "&#0; &#x80;",
        "<a href=x>one<a href=y>two</a></a>",
        "<li>one<li>two",
        "<table><tr><td>cell</td></tr></table>",
        "<p>CR\r\nLF</p>",
        "<img src=a/>",
        r#"<a href="https://x.example/?a=1&b=2">raw ampersand</a>"#,
        "<p/>self-closed",
        "<h3><h4>nested headings</h4></h3>",
        "</p>stray end",
        "x </ y",
        "<p title=\"unclosed>",
        "<font color=red>font</font>",
    ] {
        agree(html);
        assert_eq!(simple(html, None), None, "{html:?} should go to ammonia");
    }
}

/// Random soups of tags, attributes, references and text: every answer of the fast
/// path is compared with ammonia's.
#[test]
fn generated_html_matches_ammonia_wherever_the_fast_path_answers() {
    const PIECES: &[&str] = &[
        "<p>",
        "</p>",
        "<P>",
        "<strong>",
        "</strong>",
        "<em>",
        "</em>",
        "<b>",
        "</b>",
        "<i>",
        "</i>",
        "<a href=\"https://x.example/p?q=1&amp;r=2\">",
        "<a href=rel/x>",
        "<a href=\"javascript:x\" title='t'>",
        "<a title=\"a&quot;b\" href=\"#frag\">",
        "<a href=\"http://[bad\">",
        "</a>",
        "<br>",
        "<br/>",
        "<img src=\"i.png\" alt=\"a b\">",
        "<img src=//cdn.example/i.png width=1>",
        "<img src=\"data:x\">",
        "<ul>",
        "</ul>",
        "<li>",
        "</li>",
        "<ol>",
        "</ol>",
        "<blockquote>",
        "</blockquote>",
        "<h3>",
        "</h3>",
        "<div>",
        "</div>",
        "<span>",
        "</span>",
        "<code>",
        "</code>",
        "<q>",
        "</q>",
        "<pre>",
        "</pre>",
        "<figure>",
        "</figure>",
        "<figcaption>",
        "</figcaption>",
        "<script>",
        "</script>",
        "<style>",
        "<font>",
        "</font>",
        "<!--c-->",
        "<u>",
        "</u>",
        "text",
        " ",
        "\n",
        "\t",
        "word ",
        "&amp;",
        "&lt;",
        "&gt;",
        "&quot;",
        "&nbsp;",
        "&#39;",
        "&#x41;",
        "&#233;",
        "&mdash;",
        "&copy;",
        "&copy",
        "&",
        "& ",
        "&x;",
        "<",
        "< ",
        "<3",
        ">",
        "\"",
        "'",
        "\u{a0}",
        "é",
        "Ж",
        "😀",
        "/",
        "=",
        "</",
        "<!",
        "<?",
        "\r",
        "\0",
        "&#0;",
        "&#128;",
        "&#xD800;",
        "&#1114112;",
        "&#65535;",
    ];
    let mut rng = fastrand::Rng::with_seed(15);
    let (mut fast, mut total) = (0, 0);
    for _ in 0..6000 {
        let len = rng.usize(1..14);
        let html: String = (0..len)
            .map(|_| PIECES[rng.usize(..PIECES.len())])
            .collect();
        fast += agree(&html);
        total += 3;
    }
    // The comparison means something only if the fast path answers often.
    assert!(fast * 10 > total, "{fast} of {total}");
}

/// Random trees: well nested mostly, so that the fast path answers often, with tags,
/// attributes, references and text drawn from lists of the usual and the tricky.
#[test]
fn generated_trees_match_ammonia_wherever_the_fast_path_answers() {
    const TAGS: &[&str] = &[
        "p",
        "P",
        "strong",
        "em",
        "b",
        "i",
        "a",
        "A",
        "img",
        "br",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h3",
        "h4",
        "div",
        "span",
        "code",
        "q",
        "cite",
        "small",
        "s",
        "u",
        "sub",
        "sup",
        "abbr",
        "figure",
        "figcaption",
        "pre",
        "font",
        "table",
        "script",
    ];
    const ATTRS: &[&str] = &[
        " href=\"https://x.example/a?b=1&amp;c=2\"",
        " href='/abs/path'",
        " href=rel.html",
        " href=\"javascript:alert(1)\"",
        " href=\"mailto:a@x.example\"",
        " href=\"ftp://x/\"",
        " href=\"http://[::1\"",
        " href=\"  https://x.example/sp \"",
        " href=\"//cdn.example/x\"",
        " href=\"?q=1\"",
        " href=\"#f\"",
        " href=\"\"",
        " src=\"i.png\"",
        " src=https://x.example/i.png",
        " alt=\"a &quot;b&quot; &lt;c&gt;\"",
        " alt='it&#39;s'",
        " width=10",
        " height=\"5\"",
        " title=\"T&nbsp;t\"",
        " lang=en",
        " class=c",
        " style=\"color:red\"",
        " onclick=\"x()\"",
        " TITLE=\"upper\"",
        " data-x=y",
        " alt",
        " title = \"spaced\"",
        " title=\"a>b\"",
        " title=\"x\"/",
        " title=\"é\u{a0}ж\"",
        " title=\"&b=2\"",
        " title=\"x\"title=\"y\"",
        " title=a title=b",
    ];
    const TEXTS: &[&str] = &[
        "word",
        " ",
        "\n  ",
        "Tom &amp; Jerry",
        "a < b",
        "c > d",
        "&lt;tag&gt;",
        "&nbsp;",
        "\u{a0}",
        "\"q\" 'q'",
        "&#233;&#xe9;",
        "&mdash;&hellip;",
        "&copy;",
        "&copy",
        "& x",
        "&#128;",
        "&#0;",
        "&#xFFFE;",
        "<3",
        "Ж😀",
        "\t",
        "&rsquo;s",
        "&bogus;",
        "x\r\ny",
    ];
    fn tree(rng: &mut fastrand::Rng, depth: usize, out: &mut String) {
        for _ in 0..rng.usize(0..4) {
            if depth == 0 || rng.bool() {
                out.push_str(TEXTS[rng.usize(..TEXTS.len())]);
                continue;
            }
            let tag = TAGS[rng.usize(..TAGS.len())];
            out.push('<');
            out.push_str(tag);
            for _ in 0..rng.usize(0..3) {
                out.push_str(ATTRS[rng.usize(..ATTRS.len())]);
            }
            if rng.usize(..8) == 0 {
                out.push_str(" /");
            }
            out.push('>');
            if matches!(tag, "img" | "br") {
                continue;
            }
            tree(rng, depth - 1, out);
            // Now and then an element is left open.
            if rng.usize(..10) != 0 {
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
            }
        }
    }
    let mut rng = fastrand::Rng::with_seed(1515);
    let (mut fast, mut total) = (0, 0);
    for _ in 0..8000 {
        let mut html = String::new();
        tree(&mut rng, 3, &mut html);
        fast += agree(&html);
        total += 3;
    }
    assert!(fast * 4 > total, "{fast} of {total}");
}

/// Every summary and content of the feed fixtures.
#[test]
fn fixture_summaries_match_ammonia() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
    let (mut fast, mut seen) = (0, 0);
    for file in std::fs::read_dir(dir).unwrap() {
        let path = file.unwrap().path();
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(feed) = crate::ingest::adapter::read_feed(&bytes, None, None) else {
            continue;
        };
        for entry in &feed.entries {
            for html in [&entry.summary, &entry.content].into_iter().flatten() {
                fast += agree(html);
                seen += 3;
            }
        }
    }
    assert!(fast * 2 > seen, "{fast} of {seen}");
}
