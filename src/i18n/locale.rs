//! Dates and numbers in a language, from the C library's locale data as
//! `pure-rust-locales` carries it (through chrono's `unstable-locales`): day and
//! month names (Russian months in the genitive after a day: "27 ноября"), and the
//! thousands separator. No table here is written by hand.
//!
//! The C data capitalises some languages' names where the language does not
//! (glibc's `ru_RU` has "Пятница", "Пт"; Russian writes "пятница", "пт" mid-line).
//! A catalogue says how its language writes them ([`Names`], message `date-names`);
//! where a line starts, a template capitalises (the `capital` helper), as a
//! sentence would.

use std::fmt::Write as _;

use chrono::{Locale, NaiveDate, NaiveDateTime};
use fluent_bundle::FluentValue;

use super::Language;

/// The C locale for `language`: its region's (`pt-BR` → `pt_BR`), else the one its
/// catalogue names (`named`, the message `locale`), else `ru` → `ru_RU`; the POSIX
/// locale (English names, no grouping) when the data has none of them.
pub fn for_language(language: &Language, named: Option<&str>) -> Locale {
    let tag = language.as_str();
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or("en").to_ascii_lowercase();
    let region = parts.find(|p| p.len() == 2).map(str::to_ascii_uppercase);
    let candidates = [
        region.map(|r| format!("{lang}_{r}")),
        named.map(str::to_owned),
        Some(format!("{lang}_{}", lang.to_ascii_uppercase())),
    ];
    candidates
        .into_iter()
        .flatten()
        .find_map(|name| Locale::try_from(name.as_str()).ok())
        .unwrap_or(Locale::POSIX)
}

/// How a language writes day and month names in running text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Names {
    /// As the locale data has them (English "Friday", German "Freitag").
    AsLocale,
    /// In lower case, whatever the data says (Russian "пятница", "пт", "ноября").
    Lower,
}

impl Names {
    /// The value of a catalogue's message `date-names`: `lower`, or anything else
    /// (`locale`, absent) for the data's own case.
    pub fn from_message(value: Option<&str>) -> Names {
        match value.map(str::trim) {
            Some("lower") => Names::Lower,
            _ => Names::AsLocale,
        }
    }
}

/// `day` (at `time`, if any) written with `pattern` in `locale`; `None` when the
/// pattern is not a valid chrono pattern.
pub fn format_day(
    day: NaiveDate,
    time: Option<chrono::NaiveTime>,
    pattern: &str,
    locale: Locale,
    names: Names,
) -> Option<String> {
    let at = NaiveDateTime::new(day, time.unwrap_or_default()).and_utc();
    format_instant(&at, pattern, locale, names)
}

/// An instant written with `pattern` in `locale`, its day and month names
/// (`%A %a %B %b %h`) cased as `names` says; the rest (a zone's "MSK") as it is.
pub fn format_instant<Tz: chrono::TimeZone>(
    at: &chrono::DateTime<Tz>,
    pattern: &str,
    locale: Locale,
    names: Names,
) -> Option<String>
where
    Tz::Offset: std::fmt::Display,
{
    let mut out = String::new();
    for (piece, is_name) in pieces(pattern) {
        let start = out.len();
        write!(out, "{}", at.format_localized(piece, locale)).ok()?;
        if is_name && names == Names::Lower {
            let lower = out[start..].to_lowercase();
            out.truncate(start);
            out.push_str(&lower);
        }
    }
    Some(out)
}

/// `pattern` cut into runs of whole specifiers, each day or month name
/// (`%A`, `%-a`, `%B`, `%b`, `%h`) a run of its own (`true`).
fn pieces(pattern: &str) -> Vec<(&str, bool)> {
    let bytes = pattern.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        let modifier = usize::from(matches!(bytes.get(i + 1), Some(b'-' | b'_' | b'0')));
        match bytes.get(i + 1 + modifier) {
            Some(b'A' | b'a' | b'B' | b'b' | b'h') => {
                let end = i + 2 + modifier;
                if start < i {
                    out.push((&pattern[start..i], false));
                }
                out.push((&pattern[i..end], true));
                (start, i) = (end, end);
            }
            // `%%` and every other specifier stay in the current run.
            Some(_) => i += 2,
            None => i += 1,
        }
    }
    if start < bytes.len() {
        out.push((&pattern[start..], false));
    }
    out
}

/// `text` with its first letter in upper case: a date that starts a line
/// ("Пятница, 27 ноября 2026"), as a sentence starts.
pub fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The separator between groups of three digits in `locale` ("," in English, a
/// narrow no-break space in Russian), empty where the locale groups none.
pub fn thousands_separator(locale: Locale) -> &'static str {
    pure_rust_locales::locale_match!(locale => LC_NUMERIC::THOUSANDS_SEP)
}

/// `digits` (ASCII, optionally signed) grouped by threes with `separator`.
pub fn group(digits: &str, separator: &str) -> String {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", digits),
    };
    if separator.is_empty() || digits.len() <= 3 {
        return format!("{sign}{digits}");
    }
    let mut out = String::from(sign);
    let first = digits.len() % 3;
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (i + 3 - first) % 3 == 0 {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

/// The formatter a bundle uses for numbers: whole numbers grouped with the
/// language's separator. Fluent takes a plain function, so there is one per
/// separator the locale data uses; others fall back to Fluent's own writing.
pub fn number_formatter<M>(locale: Locale) -> Option<fn(&FluentValue<'_>, &M) -> Option<String>> {
    fn whole(value: &FluentValue<'_>) -> Option<String> {
        match value {
            FluentValue::Number(n) if n.value.fract() == 0.0 && n.value.abs() < 1e15 => {
                Some(format!("{}", n.value as i64))
            }
            _ => None,
        }
    }
    fn comma<M>(v: &FluentValue<'_>, _: &M) -> Option<String> {
        whole(v).map(|d| group(&d, ","))
    }
    fn dot<M>(v: &FluentValue<'_>, _: &M) -> Option<String> {
        whole(v).map(|d| group(&d, "."))
    }
    fn narrow_space<M>(v: &FluentValue<'_>, _: &M) -> Option<String> {
        whole(v).map(|d| group(&d, "\u{202f}"))
    }
    fn no_break_space<M>(v: &FluentValue<'_>, _: &M) -> Option<String> {
        whole(v).map(|d| group(&d, "\u{a0}"))
    }
    fn apostrophe<M>(v: &FluentValue<'_>, _: &M) -> Option<String> {
        whole(v).map(|d| group(&d, "'"))
    }
    match thousands_separator(locale) {
        "," => Some(comma::<M>),
        "." => Some(dot::<M>),
        "\u{202f}" => Some(narrow_space::<M>),
        "\u{a0}" | " " => Some(no_break_space::<M>),
        "'" | "’" => Some(apostrophe::<M>),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(tag: &str) -> Language {
        Language::parse(tag).unwrap()
    }

    #[test]
    fn days_and_months_come_from_the_locale() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let ru = for_language(&lang("ru"), None);
        // The C data capitalises Russian day names; Russian does not, mid-line.
        assert_eq!(
            format_day(day, None, "%A, %-d %B %Y", ru, Names::AsLocale).unwrap(),
            "Пятница, 27 ноября 2026"
        );
        assert_eq!(
            format_day(day, None, "%A, %-d %B %Y", ru, Names::Lower).unwrap(),
            "пятница, 27 ноября 2026"
        );
        let en = for_language(&lang("en"), None);
        assert_eq!(
            format_day(day, None, "%A, %-d %B %Y", en, Names::AsLocale).unwrap(),
            "Friday, 27 November 2026"
        );
        assert_eq!(for_language(&lang("pt-BR"), Some("pt_PT")), Locale::pt_BR);
        assert_eq!(en, Locale::POSIX);
        assert_eq!(for_language(&lang("en"), Some("en_GB")), Locale::en_GB);
        assert!(format_day(day, None, "%Q", en, Names::AsLocale).is_none());
    }

    #[test]
    fn only_names_are_lowered() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-27T06:05:00+03:00").unwrap();
        let ru = for_language(&lang("ru"), None);
        let write = |p| format_instant(&at, p, ru, Names::Lower).unwrap();
        assert_eq!(write("%a %H:%M"), "пт 06:05");
        assert_eq!(write("%a %H:%M UTC%%A"), "пт 06:05 UTC%A");
        assert_eq!(write("%-d %b, %A"), "27 ноя, пятница");
        assert_eq!(write("%a|%:z"), "пт|+03:00");
        assert_eq!(capital("пятница, 27 ноября"), "Пятница, 27 ноября");
        assert_eq!(capital(""), "");
        assert_eq!(capital("27 ноя"), "27 ноя");
    }

    #[test]
    fn numbers_are_grouped_by_the_locale() {
        assert_eq!(group("1234567", ","), "1,234,567");
        assert_eq!(group("-12345", "."), "-12.345");
        assert_eq!(group("999", ","), "999");
        assert_eq!(
            thousands_separator(for_language(&lang("ru"), None)),
            "\u{202f}"
        );
        assert_eq!(thousands_separator(Locale::en_US), ",");
    }
}
