//! Sanitising simple summaries without building a DOM: the fast path in front of
//! ammonia ([`super::text::sanitise`]).
//!
//! Most summaries are a paragraph or two of text with a link and some emphasis. For
//! those, ammonia's work (an html5ever parse into a reference-counted tree, a walk,
//! a serialisation) was a fifth of a fetch's CPU. [`simple`] reads such HTML in one
//! pass and writes what ammonia would write, byte for byte, or returns `None` as soon
//! as the input leaves the small subset whose HTML parse it can predict exactly; the
//! caller then asks ammonia. The subset: properly nested tags of the allowed list
//! (plus `span` and `div`, which ammonia drops keeping their content), no block
//! element inside a paragraph, no element inside another of its name, no comment,
//! no `pre`, a handful of character references, no control characters. What it
//! writes is safe for the same reasons as ammonia's output: only allowed tags and
//! attributes, text and values escaped, links checked against the allowed schemes
//! (the tests compare the two on generated and fixture HTML).

use url::Url;

use super::text::{LINK_REL, SAFE_SCHEMES, SAFE_TAGS};

/// Tags before which html5ever closes an open `p` (those of the allowed list and
/// `div`); this path gives up instead.
const BLOCKS: &[&str] = &[
    "blockquote",
    "div",
    "figcaption",
    "figure",
    "h3",
    "h4",
    "li",
    "ol",
    "p",
    "ul",
];
/// Tags that ammonia removes while keeping their content, and that the HTML parser
/// treats like any other element.
const STRIPPED: &[&str] = &["div", "span"];

/// `html` sanitised as ammonia does with pressroom's rules (relative links resolved
/// against `base`, or dropped without one), when it is simple enough; else `None`.
pub(super) fn simple(html: &str, base: Option<&Url>) -> Option<String> {
    // Without an early exit the compiler reads the bytes many at a time.
    let control = |b: u8| (b < b' ' && b != b'\t' && b != b'\n') || b == 0x7f;
    if html.bytes().fold(false, |found, b| found | control(b)) {
        return None;
    }
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut open: Vec<&'static str> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) else {
            text(rest, &mut out)?;
            break;
        };
        let after = &rest.as_bytes()[lt + 1..];
        match after.first() {
            Some(c) if c.is_ascii_alphabetic() => {}
            Some(b'/') => {}
            Some(b'!' | b'?') => return None,
            // A `<` that opens no tag is text.
            _ => {
                text(&rest[..=lt], &mut out)?;
                rest = &rest[lt + 1..];
                continue;
            }
        }
        text(&rest[..lt], &mut out)?;
        let end = lt + memchr::memchr(b'>', &rest.as_bytes()[lt..])?;
        let tag = &rest[lt + 1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let name = known(name)?;
            if open.pop() != Some(name) {
                return None;
            }
            if !STRIPPED.contains(&name) {
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
        } else {
            start_tag(tag, base, &mut open, &mut out)?;
        }
    }
    // The parser leaves elements open at the end of the input; the serialiser closes them.
    while let Some(name) = open.pop() {
        if !STRIPPED.contains(&name) {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
    Some(out)
}

/// The allowed (or stripped) tag `name`, lower-cased as the tokenizer does.
fn known(name: &str) -> Option<&'static str> {
    SAFE_TAGS
        .iter()
        .chain(STRIPPED)
        .find(|t| t.eq_ignore_ascii_case(name))
        .copied()
        .filter(|t| *t != "pre")
}

/// One start tag (what is between `<` and `>`).
fn start_tag(
    tag: &str,
    base: Option<&Url>,
    open: &mut Vec<&'static str>,
    out: &mut String,
) -> Option<()> {
    let name_end = tag.find([' ', '\t', '\n', '/']).unwrap_or(tag.len());
    let name = known(&tag[..name_end])?;
    let mut attrs = &tag[name_end..];
    let void = matches!(name, "br" | "img");
    if let Some(before) = attrs.strip_suffix('/') {
        // `<img src=a/>` is a `src` of `a/`: a slash closes only after a space or quote.
        let closes = before.is_empty() || before.ends_with([' ', '\t', '\n', '"', '\'']);
        if !void || !closes {
            return None;
        }
        attrs = before;
    }
    if open.contains(&name)
        || (BLOCKS.contains(&name) && open.contains(&"p"))
        || (matches!(name, "h3" | "h4") && open.iter().any(|t| matches!(*t, "h3" | "h4")))
        || (name == "li" && open.contains(&"li"))
    {
        return None;
    }
    let attrs = attributes(attrs)?;
    if !void {
        open.push(name);
    }
    if STRIPPED.contains(&name) {
        return Some(());
    }
    out.push('<');
    out.push_str(name);
    let own: &[&str] = match name {
        "a" => &["href"],
        "img" => &["src", "alt", "width", "height"],
        _ => &[],
    };
    for (attr, value) in attrs {
        // ammonia keeps `lang` and `title` on every element.
        if !(own.contains(&attr.as_str()) || matches!(attr.as_str(), "lang" | "title")) {
            continue;
        }
        let value = if matches!(attr.as_str(), "href" | "src") {
            match url_value(&value, base)? {
                Some(v) => v,
                None => continue,
            }
        } else {
            value
        };
        out.push(' ');
        out.push_str(&attr);
        out.push_str("=\"");
        escape(&value, true, out);
        out.push('"');
    }
    if name == "a" {
        out.push_str(" rel=\"");
        out.push_str(LINK_REL);
        out.push('"');
    }
    out.push('>');
    Some(())
}

/// The attributes of a start tag, names lower-cased and values decoded, in order;
/// `None` for anything unusual (a repeated name, an unquoted value with quotes…).
fn attributes(mut rest: &str) -> Option<Vec<(String, String)>> {
    let ws = |c: char| matches!(c, ' ' | '\t' | '\n');
    let mut attrs: Vec<(String, String)> = Vec::new();
    loop {
        rest = rest.trim_start_matches(ws);
        if rest.is_empty() {
            return Some(attrs);
        }
        let name_end = rest.find(|c: char| ws(c) || c == '=').unwrap_or(rest.len());
        let name = &rest[..name_end];
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return None;
        }
        let name = name.to_ascii_lowercase();
        if attrs.iter().any(|(n, _)| *n == name) {
            return None;
        }
        rest = rest[name_end..].trim_start_matches(ws);
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start_matches(ws);
            let (raw, next) = match after.chars().next()? {
                q @ ('"' | '\'') => {
                    let close = after[1..].find(q)? + 1;
                    let next = &after[close + 1..];
                    // The tokenizer wants a space between attributes.
                    if !(next.is_empty() || next.starts_with(ws)) {
                        return None;
                    }
                    (&after[1..close], next)
                }
                _ => {
                    let end = after.find(ws).unwrap_or(after.len());
                    let raw = &after[..end];
                    if raw.contains(['"', '\'', '<', '=', '`']) {
                        return None;
                    }
                    (raw, &after[end..])
                }
            };
            rest = next;
            decode(raw)?
        } else {
            String::new()
        };
        attrs.push((name, value));
    }
}

/// What a link attribute becomes: `Some(None)` drops it, `None` gives up.
fn url_value(value: &str, base: Option<&Url>) -> Option<Option<String>> {
    match Url::parse(value) {
        Ok(url) => Some(
            SAFE_SCHEMES
                .contains(&url.scheme())
                .then(|| value.to_owned()),
        ),
        Err(url::ParseError::RelativeUrlWithoutBase) => match base {
            None => Some(None),
            // ammonia reorders the attributes when this fails: leave that to it.
            Some(base) => base.join(value).ok().map(|u| Some(u.into())),
        },
        Err(_) => Some(None),
    }
}

/// Text between tags: references decoded, then escaped as html5ever's serialiser does.
fn text(raw: &str, out: &mut String) -> Option<()> {
    if raw.contains('&') {
        escape(&decode(raw)?, false, out);
    } else {
        escape(raw, false, out);
    }
    Some(())
}

/// `raw` with its character references decoded; `None` for one outside the few this
/// path knows (the HTML parser knows two thousand, some without a semicolon).
fn decode(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match after.bytes().next() {
            Some(b'#') => {
                let semi = after.find(';')?;
                let digits = &after[1..semi];
                let code = match digits.strip_prefix(['x', 'X']) {
                    Some(hex) if !hex.is_empty() && hex.len() <= 6 => {
                        hex.bytes().all(|b| b.is_ascii_hexdigit()).then_some(())?;
                        u32::from_str_radix(hex, 16).ok()?
                    }
                    _ if !digits.is_empty() && digits.len() <= 7 => {
                        digits.bytes().all(|b| b.is_ascii_digit()).then_some(())?;
                        digits.parse().ok()?
                    }
                    _ => return None,
                };
                // Controls, NUL, the C1 range (which the parser remaps) and noncharacters give up.
                let noncharacter = (0xfdd0..=0xfdef).contains(&code) || code & 0xfffe == 0xfffe;
                if code < 0x20 && code != 0x09 && code != 0x0a
                    || (0x7f..=0x9f).contains(&code)
                    || noncharacter
                {
                    return None;
                }
                out.push(char::from_u32(code)?);
                rest = &after[semi + 1..];
            }
            Some(c) if c.is_ascii_alphanumeric() => {
                let semi = after.find(';')?;
                let c = match &after[..semi] {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    "nbsp" => '\u{a0}',
                    "ndash" => '–',
                    "mdash" => '—',
                    "hellip" => '…',
                    "lsquo" => '‘',
                    "rsquo" => '’',
                    "ldquo" => '“',
                    "rdquo" => '”',
                    "laquo" => '«',
                    "raquo" => '»',
                    "copy" => '©',
                    _ => return None,
                };
                out.push(c);
                rest = &after[semi + 1..];
            }
            // An `&` that starts no reference is itself.
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

/// html5ever's escaping: `&`, `<`, `>` and no-break spaces, and `"` in attributes
/// (copied a run at a time between the bytes that need it, all of them ASCII or the
/// lead byte of U+00A0, so every cut is at a character boundary).
fn escape(text: &str, attribute: bool, out: &mut String) {
    let bytes = text.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Most bytes need nothing: one look-up each.
        if !ESCAPED[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        let (with, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' if attribute => ("&quot;", 1),
            0xc2 if bytes.get(i + 1) == Some(&0xa0) => ("&nbsp;", 2),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[copied..i]);
        out.push_str(with);
        i += len;
        copied = i;
    }
    out.push_str(&text[copied..]);
}

/// The bytes [`escape`] may replace (the first of U+00A0's two among them).
const ESCAPED: [bool; 256] = {
    let mut escaped = [false; 256];
    escaped[b'&' as usize] = true;
    escaped[b'<' as usize] = true;
    escaped[b'>' as usize] = true;
    escaped[b'"' as usize] = true;
    escaped[0xc2] = true;
    escaped
};

#[cfg(test)]
#[path = "clean_tests.rs"]
mod tests;
