//! The language of a piece of text, for the `lang` attribute on text in another
//! language than the page's (WCAG 3.1.2): screen readers pick their voice by it.
//!
//! An outlet's configured language (`[[sources]] language`) comes first. Otherwise
//! (the store does not record a feed's own language) it is told from the text
//! itself, cheaply: the script of its letters (Cyrillic, Greek, Latin), the letters
//! that only some Cyrillic alphabets have, and, for Latin text on a page in another
//! script, English function words. What cannot be told is left unmarked (it inherits
//! the page's language) rather than guessed.

use super::Site;

/// The tag to mark `text`, written by `outlet`, with on a page of `site`: the
/// outlet's configured language, else the one told from the text; `None` when that
/// is the page's or cannot be told.
pub fn of_outlet(text: &str, outlet: &str, site: &Site) -> Option<String> {
    match site.languages.get(outlet) {
        Some(configured) => {
            (primary(configured) != primary(&site.language)).then(|| configured.clone())
        }
        None => mark(text, &site.language),
    }
}

/// The primary subtag of a BCP 47 tag, lower-cased: "en" for "en-GB".
fn primary(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase()
}

/// The BCP 47 tag to mark `text` with on a page in `page` (a BCP 47 tag such as "en"
/// or "en-GB"): `None` when the text is in the page's language or its own cannot be
/// told.
pub fn mark(text: &str, page: &str) -> Option<String> {
    let detected = detect(text)?;
    (detected != primary(page)).then(|| detected.to_owned())
}

/// The language of `text`, as a primary BCP 47 subtag, when its letters tell it.
pub fn detect(text: &str) -> Option<&'static str> {
    let (mut cyrillic, mut greek, mut latin) = (0usize, 0usize, 0usize);
    let mut cyrillic_only = None;
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        match c {
            '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}' => {
                cyrillic += 1;
                cyrillic_only = cyrillic_only.or_else(|| cyrillic_language(c));
            }
            '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => greek += 1,
            'a'..='z' | 'A'..='Z' | '\u{00C0}'..='\u{024F}' => latin += 1,
            _ => {}
        }
    }
    let letters = cyrillic + greek + latin;
    if letters == 0 {
        return None;
    }
    // The script of most letters: a Russian headline naming "NATO" is Russian.
    if cyrillic * 2 > letters {
        Some(cyrillic_only.unwrap_or("ru"))
    } else if greek * 2 > letters {
        Some("el")
    } else if latin * 2 > letters && english(text) {
        Some("en")
    } else {
        None
    }
}

/// The language a letter found only in some Cyrillic alphabets points to.
fn cyrillic_language(c: char) -> Option<&'static str> {
    match c {
        'і' | 'І' | 'ї' | 'Ї' | 'є' | 'Є' | 'ґ' | 'Ґ' => Some("uk"),
        'ў' | 'Ў' => Some("be"),
        'ђ' | 'Ђ' | 'ћ' | 'Ћ' | 'џ' | 'Џ' | 'љ' | 'Љ' | 'њ' | 'Њ' | 'ј' | 'Ј' => {
            Some("sr")
        }
        'ѓ' | 'Ѓ' | 'ќ' | 'Ќ' | 'ѕ' | 'Ѕ' => Some("mk"),
        'ә' | 'Ә' | 'ғ' | 'Ғ' | 'қ' | 'Қ' | 'ң' | 'Ң' | 'ө' | 'Ө' | 'ұ' | 'Ұ' | 'ү' | 'Ү' | 'һ'
        | 'Һ' => Some("kk"),
        _ => None,
    }
}

/// Whether Latin `text` has English function words (a headline in German or French
/// has none of these).
fn english(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "the", "and", "of", "for", "with", "after", "its", "from", "over", "into", "says", "will",
        "their", "this", "that",
    ];
    text.split(|c: char| !c.is_alphabetic())
        .any(|w| WORDS.iter().any(|e| w.eq_ignore_ascii_case(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_text_on_an_english_page_is_marked() {
        assert_eq!(
            mark("Мэрия Велграда продлила режим ЧС из-за снегопада", "en").as_deref(),
            Some("ru")
        );
        assert_eq!(mark("Северный вестник", "en-GB").as_deref(), Some("ru"));
        assert_eq!(
            mark("Київ отримав нові тролейбуси", "en").as_deref(),
            Some("uk")
        );
        // A Russian headline with a Latin acronym is still Russian.
        assert_eq!(
            mark("NATO и ЕС обсудили бюджет", "en").as_deref(),
            Some("ru")
        );
    }

    #[test]
    fn an_outlets_configured_language_comes_first() {
        let mut site = Site {
            title: "T".into(),
            url: "http://127.0.0.1/".into(),
            language: "en-GB".into(),
            languages: Default::default(),
            titles: Default::default(),
            edition_titles: Default::default(),
        };
        site.languages.insert("Kyiv Daily".into(), "uk".into());
        site.languages.insert("Ledger".into(), "en".into());
        // Configured: Ukrainian, though these letters alone would say Russian.
        assert_eq!(
            of_outlet("Новини дня", "Kyiv Daily", &site).as_deref(),
            Some("uk")
        );
        assert_eq!(of_outlet("Whatever it says", "Ledger", &site), None);
        assert_eq!(
            of_outlet("Новости дня", "Unconfigured", &site).as_deref(),
            Some("ru")
        );
    }

    #[test]
    fn text_in_the_pages_language_or_unknown_is_left_alone() {
        assert_eq!(mark("Regulator keeps rates on hold", "en"), None);
        assert_eq!(mark("Регулятор сохранил ставку", "ru"), None);
        assert_eq!(mark("2026", "en"), None);
        assert_eq!(mark("", "en"), None);
        // Latin without English words cannot be told (German? French?): unmarked.
        assert_eq!(mark("Die Zentralbank senkt den Leitzins", "ru"), None);
        assert_eq!(
            mark("The central bank keeps its rate", "ru").as_deref(),
            Some("en")
        );
        assert_eq!(mark("Η κεντρική τράπεζα", "en").as_deref(), Some("el"));
    }
}
