//! Script-neutral keys for names, so that `Хоккайдо` meets `Hokkaido` and `Осло`
//! meets `Oslo`.
//!
//! A Cyrillic name is transliterated, then both scripts go through the same coarse
//! spelling folds (accents dropped, `kh` → `h`, `y`/`j` → `i`, `w` → `v`, `z` → `s`,
//! hard `c` → `k`, doubled letters once) and are cut to [`KEY_CHARS`] letters, which
//! also absorbs Russian case endings (`Камчатки`, `Kamchatka` → `kamc`). The key is
//! coarse on purpose: it is only used to link groups across scripts, together with
//! numbers and with a mutual-best-match rule (see `cluster::crossing`).

/// Letters kept in a key.
pub const KEY_CHARS: usize = 4;

/// Writes the key of a lower-cased word (UTF-8; none if it is not) to `key`;
/// `latin` is scratch space.
pub fn key(word: &[u8], latin: &mut String, key: &mut String) {
    key.clear();
    // Most names are ASCII letters, which transliterate to themselves: no copy.
    let bytes = if word.iter().all(u8::is_ascii_lowercase) {
        word
    } else {
        latin.clear();
        for c in std::str::from_utf8(word).unwrap_or_default().chars() {
            transliterate(c, latin);
        }
        latin.as_bytes()
    };
    let mut i = 0;
    while i < bytes.len() && key.len() < KEY_CHARS {
        let (folded, used) = fold(bytes, i);
        i += used;
        for f in folded.chars() {
            if key.len() < KEY_CHARS && !key.ends_with(f) {
                key.push(f);
            }
        }
    }
}

/// One spelling fold at `bytes[i..]`: the replacement and how many bytes it used.
fn fold(bytes: &[u8], i: usize) -> (&'static str, usize) {
    let next = bytes.get(i + 1).copied();
    match (bytes[i], next) {
        (b'k', Some(b'h')) => ("h", 2),
        (b'p', Some(b'h')) => ("f", 2),
        (b'c', Some(b'h')) => ("ch", 2),
        (b'c', Some(b'k')) => ("k", 2),
        (b'c', Some(b'e' | b'i' | b'y')) => ("s", 1),
        (b'c' | b'q', _) => ("k", 1),
        (b'x', _) => ("ks", 1),
        (b'y' | b'j', _) => ("i", 1),
        (b'w', _) => ("v", 1),
        (b'z', _) => ("s", 1),
        (b, _) => {
            let letter = b
                .checked_sub(b'a')
                .and_then(|k| LETTERS.get(usize::from(k)));
            (letter.copied().unwrap_or(""), 1)
        }
    }
}

const LETTERS: [&str; 26] = [
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s",
    "t", "u", "v", "w", "x", "y", "z",
];

/// Appends the Latin spelling of a lower-case letter: Russian transliteration, or
/// the base letter of an accented Latin one. Other characters are dropped.
fn transliterate(c: char, out: &mut String) {
    let s = match c {
        'a'..='z' => {
            out.push(c);
            return;
        }
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'э' | 'є' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' | 'ї' | 'ы' | 'й' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' | 'щ' => "sh",
        'ю' => "iu",
        'я' => "ia",
        'à'..='å' | 'ā' | 'ą' => "a",
        'ç' | 'č' | 'ć' => "c",
        'è'..='ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì'..='ï' | 'ī' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ò'..='ö' | 'ø' | 'ō' | 'ő' => "o",
        'ù'..='ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'š' | 'ś' | 'ß' => "s",
        'ž' | 'ź' | 'ż' => "z",
        'ł' => "l",
        'ř' => "r",
        _ => "",
    };
    out.push_str(s);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `key` as it was: every word transliterated into `latin` first.
    fn old_key(word: &str, latin: &mut String, key: &mut String) {
        key.clear();
        latin.clear();
        for c in word.chars() {
            transliterate(c, latin);
        }
        let bytes = latin.as_bytes();
        let mut i = 0;
        while i < bytes.len() && key.len() < KEY_CHARS {
            let (folded, used) = fold(bytes, i);
            i += used;
            for f in folded.chars() {
                if key.len() < KEY_CHARS && !key.ends_with(f) {
                    key.push(f);
                }
            }
        }
    }

    #[test]
    fn keys_are_as_before() {
        let pieces = [
            "a", "k", "h", "c", "e", "q", "x", "y", "j", "w", "z", "ph", "ck", "kh", "ch", "0",
            "7", ".", "oo", "é", "ß", "ž", "ł", "日", "х", "ц", "щ", "ю", "я", "ё", "ї", "б", "s",
        ];
        let mut rng = fastrand::Rng::with_seed(3);
        let (mut latin, mut new, mut old) = (String::new(), String::new(), String::new());
        for _ in 0..50_000 {
            let word: String = (0..rng.usize(1..8))
                .map(|_| pieces[rng.usize(..pieces.len())])
                .collect();
            key(word.as_bytes(), &mut latin, &mut new);
            old_key(&word, &mut latin, &mut old);
            assert_eq!(new, old, "{word:?}");
        }
        // Not UTF-8: no key, as before (the caller read it as an empty word).
        key(b"ab\xFFcd", &mut latin, &mut new);
        assert_eq!(new, "");
    }
}
