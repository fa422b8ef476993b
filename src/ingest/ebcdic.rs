//! EBCDIC, which feedparser reads and encoding_rs does not: code page 037 (US/Canada)
//! and 500 (International), chosen by the document's declaration. A feed in EBCDIC is
//! read, with a warning asking the publisher for UTF-8.

/// Code page 037, byte by byte, sixteen to a row.
const CP037: [&str; 16] = [
    "\u{0}\u{1}\u{2}\u{3}\u{9c}\u{9}\u{86}\u{7f}\u{97}\u{8d}\u{8e}\u{b}\u{c}\u{d}\u{e}\u{f}",
    "\u{10}\u{11}\u{12}\u{13}\u{9d}\u{85}\u{8}\u{87}\u{18}\u{19}\u{92}\u{8f}\u{1c}\u{1d}\u{1e}\u{1f}",
    "\u{80}\u{81}\u{82}\u{83}\u{84}\u{a}\u{17}\u{1b}\u{88}\u{89}\u{8a}\u{8b}\u{8c}\u{5}\u{6}\u{7}",
    "\u{90}\u{91}\u{16}\u{93}\u{94}\u{95}\u{96}\u{4}\u{98}\u{99}\u{9a}\u{9b}\u{14}\u{15}\u{9e}\u{1a}",
    " \u{a0}âäàáãåçñ¢.<(+|",
    "&éêëèíîïìß!$*);¬",
    "-/ÂÄÀÁÃÅÇÑ¦,%_>?",
    "øÉÊËÈÍÎÏÌ`:#@'=\u{22}",
    "Øabcdefghi«»ðýþ±",
    "°jklmnopqrªºæ¸Æ¤",
    "µ~stuvwxyz¡¿ÐÝÞ®",
    "^£¥·©§¶¼½¾[]¯¨´×",
    "{ABCDEFGHI\u{ad}ôöòóõ",
    "}JKLMNOPQR¹ûüùúÿ",
    "\u{5c}÷STUVWXYZ²ÔÖÒÓÕ",
    "0123456789³ÛÜÙÚ\u{9f}",
];

/// Where code page 500 differs from 037.
const CP500: [(u8, char); 7] = [
    (0x4A, '['),
    (0x4F, '!'),
    (0x5A, ']'),
    (0x5F, '^'),
    (0xB0, '¢'),
    (0xBA, '¬'),
    (0xBB, '|'),
];

/// `<?xml` or `<rss`/`<feed` in EBCDIC (`<` is 0x4C; `?` 0x6F; `r` 0x99; `f` 0x86),
/// after EBCDIC spaces and newlines.
pub fn looks_like(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, 0x40 | 0x05 | 0x15 | 0x25 | 0x0D))
        .unwrap_or(bytes.len());
    matches!(&bytes[start..], [0x4C, 0x6F | 0x99 | 0x86, ..])
}

/// Decodes EBCDIC: code page 500 when the declaration names it, else 037. Its
/// newline (NEL) becomes a line feed.
pub fn decode(bytes: &[u8]) -> String {
    let table: Vec<char> = CP037.iter().flat_map(|row| row.chars()).collect();
    let read = |table: &[char]| -> String {
        bytes
            .iter()
            .map(|b| match table[usize::from(*b)] {
                '\u{85}' => '\n',
                c => c,
            })
            .collect()
    };
    let text = read(&table);
    let head: String = text
        .chars()
        .take(200)
        .collect::<String>()
        .to_ascii_lowercase();
    if ["500", "ebcdic-cp-be", "ebcdic-cp-ch"]
        .iter()
        .any(|l| head.contains(l))
    {
        let mut table = table;
        for (byte, c) in CP500 {
            table[usize::from(byte)] = c;
        }
        return read(&table);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_code_pages() {
        // "<?xml?><t>[Café]!</t>" in code page 037, and the same text in 500.
        let cp037 = [
            0x4C, 0x6F, 0xA7, 0x94, 0x93, 0x6F, 0x6E, 0x4C, 0xA3, 0x6E, 0xBA, 0xC3, 0x81, 0x86,
            0x51, 0xBB, 0x5A, 0x4C, 0x61, 0xA3, 0x6E,
        ];
        assert!(looks_like(&cp037));
        assert_eq!(decode(&cp037), "<?xml?><t>[Café]!</t>");
    }
}
