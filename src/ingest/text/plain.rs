//! Words joined by single spaces, in one pass: the plain text of titles and of
//! sanitised summaries (`collapse`, `text_of_sanitised`).
//!
//! `split_whitespace` and `join`, or six `replace`s of ammonia's entities followed
//! by a whitespace collapse, copied the text once per step; the profile of a fresh
//! fetch showed these passes (and a `find` per tag) as much as the rest of a
//! summary's plain text. Here each byte is looked at once, and a run of text
//! between two spaces is copied whole.

/// The words of a text, joined by single spaces as they come.
pub(super) struct Words {
    out: String,
    /// A space was read since the last word.
    gap: bool,
}

impl Words {
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Words {
            out: String::with_capacity(capacity),
            gap: false,
        }
    }

    /// Part of a word (empty: nothing).
    fn piece(&mut self, piece: &str) {
        if piece.is_empty() {
            return;
        }
        if self.gap && !self.out.is_empty() {
            self.out.push(' ');
        }
        self.gap = false;
        self.out.push_str(piece);
    }

    /// Reads `text`; with `entities`, the six ammonia writes (`&nbsp;` as a space)
    /// are decoded as they are met, which gives what decoding them all first would.
    pub(super) fn push(&mut self, text: &str, entities: bool) {
        let bytes = text.as_bytes();
        let (mut i, mut start) = (0, 0);
        while i < bytes.len() {
            let space = match CLASS[usize::from(bytes[i])] {
                PLAIN => 0,
                // One space between two plain bytes stays in the run, which is then
                // copied whole (not word by word).
                SPACE
                    if bytes[i] == b' '
                        && start < i
                        && bytes
                            .get(i + 1)
                            .is_some_and(|&b| CLASS[usize::from(b)] == PLAIN) =>
                {
                    0
                }
                SPACE => 1,
                MAYBE_SPACE => space_at(text, i),
                _ if entities => match entity(&bytes[i..]) {
                    Some((len, with)) => {
                        self.piece(&text[start..i]);
                        match with {
                            " " => self.gap = true,
                            with => self.piece(with),
                        }
                        i += len;
                        start = i;
                        continue;
                    }
                    None => 0,
                },
                _ => 0,
            };
            if space == 0 {
                i += 1;
                continue;
            }
            self.piece(&text[start..i]);
            self.gap = true;
            i += space;
            start = i;
        }
        self.piece(&text[start..]);
    }

    pub(super) fn into_string(self) -> String {
        self.out
    }
}

/// What a byte can begin: nothing special, an ASCII space, maybe a Unicode space
/// (the lead bytes of every one above ASCII, see [`space_at`]), an entity.
const PLAIN: u8 = 0;
const SPACE: u8 = 1;
const MAYBE_SPACE: u8 = 2;
const AMPERSAND: u8 = 3;
const CLASS: [u8; 256] = {
    let mut class = [PLAIN; 256];
    let mut b = 0x09;
    while b <= 0x0D {
        class[b] = SPACE;
        b += 1;
    }
    class[b' ' as usize] = SPACE;
    class[0xC2] = MAYBE_SPACE;
    class[0xE1] = MAYBE_SPACE;
    class[0xE2] = MAYBE_SPACE;
    class[0xE3] = MAYBE_SPACE;
    class[b'&' as usize] = AMPERSAND;
    class
};

/// The entity ammonia writes at the start of `bytes`: its length and what it stands
/// for. No name is the start of another, so the first match is the only one.
fn entity(bytes: &[u8]) -> Option<(usize, &'static str)> {
    const ENTITIES: [(&[u8], &str); 6] = [
        (b"&nbsp;", " "),
        (b"&lt;", "<"),
        (b"&gt;", ">"),
        (b"&quot;", "\""),
        (b"&#39;", "'"),
        (b"&amp;", "&"),
    ];
    ENTITIES
        .iter()
        .find(|(name, _)| bytes.starts_with(name))
        .map(|(name, with)| (name.len(), *with))
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

/// The text of sanitised HTML with its tags taken out, a space for each of `blocks`
/// (what is left of a tag not closed is dropped), before its words are read.
pub(super) fn without_tags(html: &str, blocks: &[&str]) -> String {
    let bytes = html.as_bytes();
    let mut text = String::with_capacity(html.len());
    let mut at = 0;
    while let Some(open) = memchr::memchr(b'<', &bytes[at..]).map(|o| at + o) {
        text.push_str(&html[at..open]);
        let Some(close) = memchr::memchr(b'>', &bytes[open..]).map(|c| open + c) else {
            return text;
        };
        let tag = &html[open + 1..close];
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or("");
        if blocks.contains(&name) {
            text.push(' ');
        }
        at = close + 1;
    }
    text.push_str(&html[at..]);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The forms these replaced: tags cut with `find`, six `replace`s in turn, then
    /// `split_whitespace` and `join`.
    fn old_text_of_sanitised(html: &str, blocks: &[&str]) -> String {
        let mut text = String::new();
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
            if blocks.contains(&name) {
                text.push(' ');
            }
            rest = &rest[open + close + 1..];
        }
        if !rest.contains('<') {
            text.push_str(rest);
        }
        let text = text
            .replace("&nbsp;", " ")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn one_pass_matches_the_old_passes_on_random_html() {
        let pieces = [
            " ",
            "\t",
            "\n",
            "\u{b}",
            "\u{c}",
            "\r",
            "\u{85}",
            "\u{a0}",
            "\u{1680}",
            "\u{2000}",
            "\u{200a}",
            "\u{200b}",
            "\u{2028}",
            "\u{202f}",
            "\u{205f}",
            "\u{3000}",
            "\u{1c}",
            "é",
            "€",
            "\u{e000}",
            "a",
            "word",
            "&",
            "&amp;",
            "&lt;",
            "&gt;",
            "&quot;",
            "&#39;",
            "&nbsp;",
            "&amp;nbsp;",
            "amp;",
            "lt;",
            "&#3",
            "9;",
            "nbsp",
            ";",
            "<p>",
            "</p>",
            "<br>",
            "<br/>",
            "<em>",
            "</em>",
            "<a href=\"x\">",
            "</a>",
            "<img src=\"i\">",
            "<",
            ">",
            "</",
            "<//p>",
            "<p class=x>",
            "<li>",
            "<h3>",
            "&am",
            "p;",
            "&n",
        ];
        let blocks = ["p", "br", "li", "img", "h3"];
        let mut rng = fastrand::Rng::with_seed(15);
        for _ in 0..50_000 {
            let html: String = (0..rng.usize(0..16))
                .map(|_| pieces[rng.usize(..pieces.len())])
                .collect();
            let mut words = Words::with_capacity(html.len());
            words.push(&without_tags(&html, &blocks), true);
            let new = words.into_string();
            assert_eq!(new, old_text_of_sanitised(&html, &blocks), "{html:?}");
            let mut plain = Words::with_capacity(html.len());
            plain.push(&html, false);
            let split: Vec<&str> = html.split_whitespace().collect();
            assert_eq!(plain.into_string(), split.join(" "), "{html:?}");
        }
    }
}
