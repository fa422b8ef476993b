//! Bytes → UTF-8 text: which encoding a document is in, and decoding it.
//!
//! The order of evidence: a byte-order mark (UTF-8, UTF-16, UTF-32); UTF-16 and
//! UTF-32 by their shape, EBCDIC by its (read, see [`super::ebcdic`]); valid UTF-8 (a
//! document that is valid UTF-8 is UTF-8 whatever it declares, unless it declares a
//! 7-bit encoding such as ISO-2022-JP and uses its escapes); the XML declaration; a
//! document that is mostly UTF-8 with a few stray bytes (those bytes are read as
//! Windows-1252, the rest stays UTF-8: never the whole document re-read as another
//! charset); the HTTP charset; then chardetng's guess. C1 control characters, which
//! come from Windows-1252 text mislabelled as Latin-1, are read as Windows-1252.
//! Code pages 437 and 850, which encoding_rs does not know, are decoded here.

use std::borrow::Cow;

use super::ebcdic;
use encoding_rs::{Encoding, ISO_2022_JP, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Why bytes could not be read as text.
pub type CharsetError = String;

/// Decodes `bytes` to UTF-8 text; `http_charset` is the `Content-Type` charset.
/// The XML declaration, if any, is left as written. Valid UTF-8 without C1 control
/// characters (most documents) is borrowed, not copied.
pub fn decode<'a>(
    bytes: &'a [u8],
    http_charset: Option<&str>,
    declared: Option<&str>,
) -> Result<Cow<'a, str>, CharsetError> {
    if let Some(text) = by_bom(bytes) {
        return Ok(Cow::Owned(text));
    }
    if let Some(text) = utf32_by_shape(bytes) {
        return Ok(Cow::Owned(text));
    }
    if let Some(encoding) = utf16_by_shape(bytes) {
        return Ok(Cow::Owned(c1_as_windows_1252(
            &encoding.decode_without_bom_handling(bytes).0,
        )));
    }
    if ebcdic::looks_like(bytes) {
        return Ok(Cow::Owned(ebcdic::decode(bytes)));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let seven_bit = declared
            .or(http_charset)
            .and_then(|l| Encoding::for_label(l.trim().as_bytes()))
            .filter(|e| *e == ISO_2022_JP);
        if let Some(encoding) = seven_bit
            && bytes.contains(&0x1b)
        {
            return Ok(Cow::Owned(
                encoding.decode_without_bom_handling(bytes).0.into_owned(),
            ));
        }
        return Ok(match has_c1(text) {
            true => Cow::Owned(c1_as_windows_1252(text)),
            false => Cow::Borrowed(text),
        });
    }
    decode_other(bytes, http_charset, declared).map(Cow::Owned)
}

/// [`decode`] of bytes that are not UTF-8 and have no byte-order mark or UTF-16,
/// UTF-32 or EBCDIC shape.
fn decode_other(
    bytes: &[u8],
    http_charset: Option<&str>,
    declared: Option<&str>,
) -> Result<String, CharsetError> {
    if bytes.iter().filter(|b| **b == 0).count() > bytes.len() / 8 {
        return Err("binary data, not a text document: check the source's URL".to_owned());
    }
    let label = |l: Option<&str>| l.map(|l| l.trim().to_ascii_lowercase());
    if let Some(text) = label(declared).and_then(|l| by_label(bytes, &l)) {
        return Ok(text);
    }
    let (valid, invalid) = utf8_evidence(bytes);
    if valid > 0 && valid >= invalid {
        return Ok(repair_utf8(bytes));
    }
    if let Some(text) = label(http_charset).and_then(|l| by_label(bytes, &l)) {
        return Ok(text);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    Ok(c1_as_windows_1252(
        &guess.decode_without_bom_handling(bytes).0,
    ))
}

/// A warning when the document declares an encoding nobody knows and it mattered (the
/// bytes are not UTF-8, so they were read by a guess).
pub fn unknown_label(bytes: &[u8], declared: Option<&str>) -> Option<String> {
    if ebcdic::looks_like(bytes) {
        return Some(
            "an EBCDIC document (read as IBM code page 037 or 500): ask the publisher for UTF-8"
                .to_owned(),
        );
    }
    let label = declared?.trim().to_ascii_lowercase();
    let known = Encoding::for_label(label.as_bytes()).is_some()
        || matches!(
            label.as_str(),
            "cp437" | "ibm437" | "437" | "csibm437" | "cspc8codepage437"
        )
        || matches!(label.as_str(), "cp850" | "ibm850" | "850" | "csibm850");
    (!known && std::str::from_utf8(bytes).is_err()).then(|| {
        format!(
            "the document declares the unknown encoding {:?}; it was read by a guess: ask the publisher for UTF-8",
            label.chars().take(40).collect::<String>()
        )
    })
}

/// Decodes with a named charset other than UTF-8 and UTF-16 (which the bytes are not).
fn by_label(bytes: &[u8], label: &str) -> Option<String> {
    let table = match label {
        "cp437" | "ibm437" | "437" | "csibm437" | "cspc8codepage437" => Some(CP437),
        "cp850" | "ibm850" | "850" | "csibm850" => Some(CP850),
        _ => None,
    };
    if let Some(table) = table {
        let high: Vec<char> = table.chars().collect();
        return Some(
            bytes
                .iter()
                .map(|b| match b {
                    0..=0x7f => char::from(*b),
                    _ => high[usize::from(b - 0x80)],
                })
                .collect(),
        );
    }
    let encoding = Encoding::for_label(label.as_bytes())
        .filter(|e| *e != UTF_8 && *e != UTF_16LE && *e != UTF_16BE)?;
    Some(c1_as_windows_1252(
        &encoding.decode_without_bom_handling(bytes).0,
    ))
}

/// Valid non-ASCII UTF-8 sequences and invalid bytes, counted.
fn utf8_evidence(bytes: &[u8]) -> (usize, usize) {
    let (mut valid, mut invalid) = (0, 0);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                valid += text.chars().filter(|c| !c.is_ascii()).count();
                return (valid, invalid);
            }
            Err(e) => {
                let good = &rest[..e.valid_up_to()];
                valid += std::str::from_utf8(good)
                    .map(|t| t.chars().filter(|c| !c.is_ascii()).count())
                    .unwrap_or(0);
                invalid += 1;
                let skip = e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                rest = &rest[e.valid_up_to() + skip..];
            }
        }
    }
}

/// UTF-8 with each invalid byte read as Windows-1252.
fn repair_utf8(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 16);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                out.push_str(text);
                return c1_as_windows_1252(&out);
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let skip = e.error_len().unwrap_or(bad.len());
                out.push_str(&WINDOWS_1252.decode_without_bom_handling(&bad[..skip]).0);
                rest = &bad[skip..];
            }
        }
    }
}

/// Whether `text` has any of U+0080–U+009F.
fn has_c1(text: &str) -> bool {
    // C2 80 to C2 9F in UTF-8: a byte search (memchr for the lead byte, which most
    // documents lack), not a char decode.
    memchr::memchr_iter(0xC2, text.as_bytes())
        .any(|at| matches!(text.as_bytes().get(at + 1), Some(0x80..=0x9F)))
}

/// U+0080–U+009F read as the Windows-1252 characters of the same byte.
pub fn c1_as_windows_1252(text: &str) -> String {
    if !has_c1(text) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| match u32::from(c) {
            code @ 0x80..=0x9f => WINDOWS_1252
                .decode_without_bom_handling(&[code as u8])
                .0
                .chars()
                .next()
                .filter(|d| !('\u{80}'..='\u{9f}').contains(d))
                .unwrap_or(' '),
            _ => c,
        })
        .collect()
}

/// A byte-order mark: UTF-32 (checked before UTF-16, whose mark it begins with),
/// UTF-16 and UTF-8.
fn by_bom(bytes: &[u8]) -> Option<String> {
    match bytes {
        [0xFF, 0xFE, 0, 0, rest @ ..] => Some(utf32(rest, u32::from_le_bytes)),
        [0, 0, 0xFE, 0xFF, rest @ ..] => Some(utf32(rest, u32::from_be_bytes)),
        _ => {
            let (encoding, bom) = Encoding::for_bom(bytes)?;
            Some(c1_as_windows_1252(
                &encoding.decode_without_bom_handling(&bytes[bom..]).0,
            ))
        }
    }
}

/// UTF-32 without a BOM: `<` with three zero bytes.
fn utf32_by_shape(bytes: &[u8]) -> Option<String> {
    match bytes {
        [b'<', 0, 0, 0, ..] => Some(utf32(bytes, u32::from_le_bytes)),
        [0, 0, 0, b'<', ..] => Some(utf32(bytes, u32::from_be_bytes)),
        _ => None,
    }
}

fn utf32(bytes: &[u8], word: fn([u8; 4]) -> u32) -> String {
    bytes
        .chunks_exact(4)
        .map(|c| char::from_u32(word([c[0], c[1], c[2], c[3]])).unwrap_or('\u{fffd}'))
        .collect()
}

/// UTF-16 without a BOM: `<` followed or preceded by a zero byte.
fn utf16_by_shape(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes {
        [b'<', 0, b'?' | b'r' | b'f', 0, ..] => Some(UTF_16LE),
        [0, b'<', 0, b'?' | b'r' | b'f', ..] => Some(UTF_16BE),
        _ => None,
    }
}

/// Code page 437, bytes 0x80–0xFF.
const CP437: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";
/// Code page 850, bytes 0x80–0xFF.
const CP850: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u{ad}±‗¾¶§÷¸°¨·¹³²■\u{a0}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_labels_are_reported_only_when_they_matter() {
        let latin = b"<?xml version=\"1.0\" encoding=\"x-mystery\"?><rss>caf\xe9</rss>";
        let warning = unknown_label(latin, Some("x-mystery")).unwrap();
        assert!(warning.contains("\"x-mystery\""), "{warning}");
        assert_eq!(
            decode(latin, None, Some("x-mystery")).unwrap(),
            "<?xml version=\"1.0\" encoding=\"x-mystery\"?><rss>café</rss>"
        );
        assert_eq!(unknown_label(b"<rss>ascii</rss>", Some("x-mystery")), None);
        assert_eq!(unknown_label(latin, Some("cp850")), None);
        assert_eq!(unknown_label(latin, Some("windows-1252")), None);
    }

    #[test]
    fn stray_bytes_in_utf8_are_repaired_alone() {
        let bytes = "Grüße \u{1}"
            .as_bytes()
            .iter()
            .copied()
            .chain([0x92, b's'])
            .collect::<Vec<u8>>();
        assert_eq!(decode(&bytes, None, None).unwrap(), "Grüße \u{1}’s");
        assert_eq!(
            decode(&[0x4C, 0x6F, 0xA7, 0x94], None, None).unwrap(),
            "<?xm"
        );
    }
}
