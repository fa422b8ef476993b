//! The per-subscriber parts of a message. An audience's rendering is cut once at its
//! placeholders (the reader's name and address, their unsubscribe and preferences
//! links) into a
//! [`Template`];
//! filling it in for each of thousands of readers is then a few copies, with no
//! search through 30 KB per reader.

use std::ops::Range;

use crate::{model::html, render::view::token};

/// One audience's rendered part (HTML or text), with CRLF line ends, cut at its
/// placeholders.
#[derive(Clone, Debug)]
pub struct Template {
    text: String,
    pieces: Vec<Piece>,
    /// Each literal piece in quoted-printable, in order.
    encoded: Vec<String>,
}

/// One audience's rendering, cut at its per-subscriber parts.
pub struct Rendered {
    /// The subject line (it may greet the reader).
    pub subject: Template,
    /// The HTML part, unless the audience reads text only.
    pub html: Option<Template>,
    /// The text part.
    pub text: Template,
}

#[derive(Clone, Debug)]
enum Piece {
    Literal(Range<usize>),
    Name,
    Address,
    Unsubscribe,
    Preferences,
}

/// What `{{reader.name}}` becomes for a subscriber the subscribers file gives no name.
pub const NO_NAME: &str = "reader";

/// One subscriber's values for the placeholders.
#[derive(Clone, Copy, Debug)]
pub struct Personal<'a> {
    /// Their name, or what stands for it.
    pub name: &'a str,
    /// Their address.
    pub address: &'a str,
    /// Their one-click unsubscribe link.
    pub unsubscribe_url: &'a str,
    /// Their preferences page.
    pub preferences_url: &'a str,
}

impl Personal<'_> {
    /// The four values, escaped for HTML when `html`.
    fn values(&self, html: bool) -> [String; 4] {
        let values = [
            self.name,
            self.address,
            self.unsubscribe_url,
            self.preferences_url,
        ];
        values.map(|v| if html { html::escape(v) } else { v.to_owned() })
    }
}

impl Piece {
    /// The value of a placeholder among `[name, address, unsubscribe, preferences]`.
    fn value<'v>(&self, values: &'v [String; 4]) -> Option<&'v str> {
        match self {
            Piece::Literal(_) => None,
            Piece::Name => Some(&values[0]),
            Piece::Address => Some(&values[1]),
            Piece::Unsubscribe => Some(&values[2]),
            Piece::Preferences => Some(&values[3]),
        }
    }
}

impl Template {
    /// Cuts `rendered` at the placeholders of [`token`], after giving it CRLF line ends
    /// (as the message needs them: done once here, not in every message).
    pub fn new(rendered: &str) -> Template {
        let text = crlf(rendered);
        let mut pieces = Vec::new();
        let mut from = 0;
        while let Some(at) = text[from..].find("[[pressroom:").map(|i| i + from) {
            let rest = &text[at..];
            let (piece, len) = if rest.starts_with(token::NAME) {
                (Piece::Name, token::NAME.len())
            } else if rest.starts_with(token::ADDRESS) {
                (Piece::Address, token::ADDRESS.len())
            } else if rest.starts_with(token::UNSUBSCRIBE) {
                (Piece::Unsubscribe, token::UNSUBSCRIBE.len())
            } else if rest.starts_with(token::PREFERENCES) {
                (Piece::Preferences, token::PREFERENCES.len())
            } else {
                // Not ours (a story could quote the marker): left as it is.
                let next = at + "[[pressroom:".len();
                pieces.push(Piece::Literal(from..next));
                from = next;
                continue;
            };
            pieces.push(Piece::Literal(from..at));
            pieces.push(piece);
            from = at + len;
        }
        pieces.push(Piece::Literal(from..text.len()));
        let encoded = pieces
            .iter()
            .filter_map(|piece| match piece {
                Piece::Literal(range) => Some(qp_piece(&text[range.clone()])),
                Piece::Name | Piece::Address | Piece::Unsubscribe | Piece::Preferences => None,
            })
            .collect();
        Template {
            text,
            pieces,
            encoded,
        }
    }

    /// The part for one subscriber: their values in place of the placeholders,
    /// escaped for HTML when `html`.
    pub fn fill(&self, personal: &Personal<'_>, html: bool) -> String {
        let values = personal.values(html);
        let extra: usize = values.iter().map(String::len).sum();
        let mut out = String::with_capacity(self.text.len() + 4 * extra);
        for piece in &self.pieces {
            out.push_str(match piece {
                Piece::Literal(range) => &self.text[range.clone()],
                placeholder => placeholder.value(&values).unwrap_or_default(),
            });
        }
        out
    }

    /// [`Template::fill`] in quoted-printable, ready to be a part's body. The literal
    /// pieces were encoded once; only the subscriber's values are encoded here.
    pub fn fill_quoted_printable(&self, personal: &Personal<'_>, html: bool) -> String {
        let values = personal.values(html).map(|v| qp_piece(&v));
        let size = self.encoded.iter().map(String::len).sum::<usize>();
        let extra: usize = values.iter().map(String::len).sum();
        let mut out = String::with_capacity(size + 4 * extra);
        let mut literals = self.encoded.iter();
        for piece in &self.pieces {
            out.push_str(match piece {
                Piece::Literal(_) => literals.next().map_or("", String::as_str),
                placeholder => placeholder.value(&values).unwrap_or_default(),
            });
        }
        out
    }
}

/// `text` in quoted-printable (RFC 2045 6.7), as one piece of a longer body: it
/// starts a line, and unless it ends with a line break it ends with a soft one
/// (`=` CRLF, which decodes to nothing), so pieces encoded apart can be joined in any
/// order and still decode to the joined text with no line over 76 characters.
fn qp_piece(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    // 75, so that the closing `=` fits on the last line.
    let options = quoted_printable::Options::default().line_length_limit(75);
    let mut encoded = quoted_printable::encode_with_options(text, options);
    if !encoded.ends_with("\r\n") {
        encoded.push_str("=\r\n");
    }
    encoded
}

/// `text` with CRLF line ends.
fn crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        if lines.peek().is_some() {
            if !line.ends_with('\r') {
                out.push('\r');
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who<'a>(name: &'a str, unsubscribe_url: &'a str) -> Personal<'a> {
        Personal {
            name,
            address: "anna@readers.example",
            unsubscribe_url,
            preferences_url: "https://n.example/preferences?token=p",
        }
    }

    #[test]
    fn personal_parts_are_escaped_for_html_only() {
        let html = Template::new("Hi [[pressroom:name]] <a href=\"[[pressroom:unsubscribe]]\">");
        assert_eq!(
            html.fill(&who("Anna <P>", "https://n.example/u?t=a&x=1"), true),
            "Hi Anna &lt;P&gt; <a href=\"https://n.example/u?t=a&amp;x=1\">"
        );
        let text = Template::new("Hi [[pressroom:name]] [[pressroom:unsubscribe]]");
        assert_eq!(
            text.fill(&who("Anna <P>", "https://n.example/u?t=a&x=1"), false),
            "Hi Anna <P> https://n.example/u?t=a&x=1"
        );
    }

    #[test]
    fn every_placeholder_is_filled_and_nothing_else_changes() {
        let template = Template::new(
            "[[pressroom:name]]\n[[pressroom:other]] [[pressroom:name]]\r\n\
             [[pressroom:unsubscribe]] [[pressroom:address]][[pressroom:",
        );
        assert_eq!(
            template.fill(&who("Zoë", "https://u.example/"), false),
            "Zoë\r\n[[pressroom:other]] Zoë\r\nhttps://u.example/ anna@readers.example[[pressroom:"
        );
        // A name that looks like a placeholder stays a name.
        let template = Template::new("[[pressroom:name]] [[pressroom:unsubscribe]]");
        assert_eq!(
            template.fill(&who("[[pressroom:unsubscribe]]", "u"), false),
            "[[pressroom:unsubscribe]] u"
        );
        assert_eq!(Template::new("").fill(&who("a", "b"), false), "");
        assert_eq!(crlf("a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
    }

    /// Decodes as a mail reader does.
    fn decode(encoded: &str) -> String {
        let bytes = ::quoted_printable::decode(encoded, ::quoted_printable::ParseMode::Strict)
            .expect("valid quoted-printable");
        String::from_utf8(bytes).expect("UTF-8")
    }

    #[test]
    fn quoted_printable_pieces_decode_to_the_filled_text() {
        let long = "x".repeat(150);
        let rendered = format!(
            "<p style=\"a=b\">Caf\u{e9} [[pressroom:name]]{long} </p>\n\
             <a href=\"[[pressroom:unsubscribe]]\">\u{bb} unsubscribe</a> \n\
             [[pressroom:name]][[pressroom:unsubscribe]][[pressroom:address]]\n"
        );
        let template = Template::new(&rendered);
        for (name, url) in [
            ("Zo\u{eb} = \"Z\"", "https://n.example/u?t=a&x=1"),
            ("", ""),
            (&*"N".repeat(200), "u"),
        ] {
            for html in [true, false] {
                let encoded = template.fill_quoted_printable(&who(name, url), html);
                assert_eq!(decode(&encoded), template.fill(&who(name, url), html));
                assert!(encoded.is_ascii());
                for line in encoded.split("\r\n") {
                    assert!(line.len() <= 76, "{line:?}");
                    assert!(!line.ends_with(' '), "trailing space: {line:?}");
                    assert!(!line.contains(['\r', '\n']));
                }
            }
        }
    }
}
