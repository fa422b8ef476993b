//! Dates and numbers in a language, from the C library's locale data as
//! `pure-rust-locales` carries it (through chrono's `unstable-locales`): day and
//! month names (Russian months in the genitive after a day: "27 ноября"), and the
//! thousands separator. No table here is written by hand.

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

/// `day` (at `time`, if any) written with `pattern` in `locale`; `None` when the
/// pattern is not a valid chrono pattern.
pub fn format_day(
    day: NaiveDate,
    time: Option<chrono::NaiveTime>,
    pattern: &str,
    locale: Locale,
) -> Option<String> {
    let at = NaiveDateTime::new(day, time.unwrap_or_default());
    let mut out = String::new();
    write!(out, "{}", at.and_utc().format_localized(pattern, locale)).ok()?;
    Some(out)
}

/// An instant written with `pattern` in `locale`.
pub fn format_instant<Tz: chrono::TimeZone>(
    at: &chrono::DateTime<Tz>,
    pattern: &str,
    locale: Locale,
) -> Option<String>
where
    Tz::Offset: std::fmt::Display,
{
    let mut out = String::new();
    write!(out, "{}", at.format_localized(pattern, locale)).ok()?;
    Some(out)
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
        assert_eq!(
            format_day(day, None, "%A, %-d %B %Y", ru).unwrap(),
            "Пятница, 27 ноября 2026"
        );
        let en = for_language(&lang("en"), None);
        assert_eq!(
            format_day(day, None, "%A, %-d %B %Y", en).unwrap(),
            "Friday, 27 November 2026"
        );
        assert_eq!(for_language(&lang("pt-BR"), Some("pt_PT")), Locale::pt_BR);
        assert_eq!(en, Locale::POSIX);
        assert_eq!(for_language(&lang("en"), Some("en_GB")), Locale::en_GB);
        assert!(format_day(day, None, "%Q", en).is_none());
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
