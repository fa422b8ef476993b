//! Dates as real feeds write them: RFC 822 and RFC 3339 first, then the common
//! deviations (named zones such as MSK, a wrong weekday, no seconds, ISO 8601 without
//! a zone, `26.11.2026 10:00`, `November 26, 2026 10:00 AM`). A date without a zone is
//! taken as UTC. What cannot be read returns `None`, and the store falls back to the
//! updated time, then to the time the story was first seen.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// Parses a feed date, or `None` when no known format fits.
pub fn parse(raw: &str) -> Option<DateTime<Utc>> {
    let text = raw.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.to_utc());
    }
    let rfc822 = with_numeric_zone(text);
    if let Ok(at) = DateTime::parse_from_rfc2822(&rfc822) {
        return Some(at.to_utc());
    }
    // A weekday that contradicts the date is a common mistake: drop it and retry.
    if let Some((_, rest)) = rfc822.split_once(',')
        && let Ok(at) = DateTime::parse_from_rfc2822(rest.trim())
    {
        return Some(at.to_utc());
    }
    with_offset(text).or_else(|| naive(text))
}

/// Replaces a trailing zone name that RFC 2822 parsers do not know by its offset.
fn with_numeric_zone(text: &str) -> String {
    const ZONES: &[(&str, &str)] = &[
        ("MSK", "+0300"),
        ("CET", "+0100"),
        ("CEST", "+0200"),
        ("EET", "+0200"),
        ("EEST", "+0300"),
        ("WET", "+0000"),
        ("WEST", "+0100"),
        ("BST", "+0100"),
        ("JST", "+0900"),
        ("KST", "+0900"),
        ("AEST", "+1000"),
        ("AEDT", "+1100"),
        ("UTC", "+0000"),
        ("Z", "+0000"),
    ];
    if let Some((head, zone)) = text.rsplit_once(' ')
        && let Some((_, offset)) = ZONES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(zone))
    {
        return format!("{head} {offset}");
    }
    text.to_owned()
}

/// ISO-8601-like forms with an explicit offset that RFC 3339 rejects.
fn with_offset(text: &str) -> Option<DateTime<Utc>> {
    const FORMATS: &[&str] = &[
        "%Y-%m-%d %H:%M:%S%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
    ];
    FORMATS
        .iter()
        .find_map(|f| DateTime::parse_from_str(text, f).ok())
        .map(|at| at.to_utc())
}

/// Forms without a zone, read as UTC.
fn naive(text: &str) -> Option<DateTime<Utc>> {
    const FORMATS: &[&str] = &[
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%d.%m.%Y %H:%M:%S",
        "%d.%m.%Y %H:%M",
        "%d/%m/%Y %H:%M",
        "%B %d, %Y %I:%M %p",
        "%B %d, %Y %H:%M",
        "%b %d, %Y %I:%M %p",
        "%d %B %Y %H:%M",
        "%a, %d %b %Y %H:%M:%S",
        "%d %b %Y %H:%M:%S",
    ];
    if let Some(at) = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    {
        return Some(at.and_utc());
    }
    const DAYS: &[&str] = &["%Y-%m-%d", "%d.%m.%Y", "%B %d, %Y"];
    DAYS.iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Option<DateTime<Utc>> {
        Some(DateTime::parse_from_rfc3339(s).unwrap().to_utc())
    }

    #[test]
    fn standard_forms() {
        assert_eq!(
            parse("Thu, 26 Nov 2026 14:05:00 +0000"),
            utc("2026-11-26T14:05:00Z")
        );
        assert_eq!(
            parse("Thu, 26 Nov 2026 14:05:00 GMT"),
            utc("2026-11-26T14:05:00Z")
        );
        assert_eq!(
            parse("Thu, 26 Nov 2026 09:05:00 EST"),
            utc("2026-11-26T14:05:00Z")
        );
        assert_eq!(
            parse("2026-11-26T10:00:00+03:00"),
            utc("2026-11-26T07:00:00Z")
        );
        assert_eq!(
            parse("2026-11-26T10:00:00.123Z").map(|d| d.timestamp()),
            utc("2026-11-26T10:00:00Z").map(|d| d.timestamp())
        );
    }

    #[test]
    fn common_deviations() {
        assert_eq!(
            parse("Thu, 26 Nov 2026 10:00:00 MSK"),
            utc("2026-11-26T07:00:00Z")
        );
        assert_eq!(
            parse("Thu, 26 Nov 2026 14:05 +0000"),
            utc("2026-11-26T14:05:00Z")
        );
        assert_eq!(
            parse("Thu, 6 Nov 2026 14:05:00 +0000"),
            utc("2026-11-06T14:05:00Z")
        );
        assert_eq!(
            parse("26 Nov 2026 14:05:00 +0000"),
            utc("2026-11-26T14:05:00Z")
        );
        assert_eq!(
            parse("Mon, 26 Nov 2026 14:05:00 +0000"),
            utc("2026-11-26T14:05:00Z"),
            "wrong weekday"
        );
        assert_eq!(parse("2026-11-26 10:00:00"), utc("2026-11-26T10:00:00Z"));
        assert_eq!(
            parse("2026-11-26 10:00:00+0300"),
            utc("2026-11-26T07:00:00Z")
        );
        assert_eq!(parse("26.11.2026 10:00"), utc("2026-11-26T10:00:00Z"));
        assert_eq!(
            parse("November 26, 2026 10:00 AM"),
            utc("2026-11-26T10:00:00Z")
        );
        assert_eq!(parse("2026-11-26"), utc("2026-11-26T00:00:00Z"));
    }

    #[test]
    fn nonsense_is_none() {
        for text in ["", "yesterday", "soon", "32.13.2026 10:00", "Thu, 26 Nov"] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
