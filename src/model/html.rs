//! HTML escaping, the one copy: text into an element or a quoted attribute value.
//! Ingest escapes plain-text summaries with it, the email's per-subscriber parts, the
//! unsubscribe pages and the previews escape what they print with it.

/// Escapes `text` for HTML: `&`, `<`, `>`, `"` and `'` become character references,
/// so the result is safe between tags and inside an attribute value in either quotes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_both_quotes_are_escaped_and_the_rest_kept() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a> — ü"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt; — ü"
        );
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }
}
