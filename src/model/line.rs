//! Text from outside (feed content, server messages, parser errors) made safe for one
//! line of a log, a terminal or `status`: control characters, line separators and
//! bidirectional overrides are written as escapes (`\n`, `\u{1b}`), so that no feed can
//! start a new log line, move the cursor or colour a terminal.

use std::fmt::Write as _;

/// The longest line kept, in characters (longer ones end with "…").
const MAX_CHARS: usize = 1000;

/// Whether `c` must not reach a terminal or a log as itself.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` on one line, its unsafe characters escaped, at most [`MAX_CHARS`] long.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, c) in text.chars().enumerate() {
        if n == MAX_CHARS {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_text_kept() {
        assert_eq!(
            one_line("bad\n2026-11-27T06:00:00Z  INFO fetched OK\u{1b}[2K"),
            "bad\\n2026-11-27T06:00:00Z  INFO fetched OK\\u{1b}[2K"
        );
        assert_eq!(one_line("Zürich — «ok»"), "Zürich — «ok»");
        assert_eq!(one_line("a\u{202e}b\u{85}c"), "a\\u{202e}b\\u{85}c");
        assert_eq!(one_line(&"x".repeat(2000)).chars().count(), MAX_CHARS + 1);
    }
}
