//! Value checkers every table uses: counts, numbers, durations, sizes, slugs, choices,
//! time zones, languages, cron cadences, locations and secrets from the environment.
//!
//! Each takes the value as written (spanned, so a problem points at it), records a
//! problem when it is wrong and returns what the plan should hold (a default after a
//! problem: the plan is then never built, but the rest of the file is still checked).
//! This module is a leaf of `config`: it knows [`Problems`] and the value types, and
//! nothing about any table.

use std::{ops::RangeInclusive, path::Path, time::Duration};

use chrono_tz::Tz;
use toml::Spanned;
use url::Url;

use super::{
    problems::Problems,
    values::{Location, Secret},
};
use crate::{i18n::Language, schedule::Cadence};

/// A whole number within `range`; `default` when absent or out of range.
pub(super) fn count(
    p: &mut Problems<'_>,
    key: &str,
    value: &Option<Spanned<i64>>,
    range: RangeInclusive<i64>,
    default: i64,
) -> i64 {
    match value {
        None => default,
        Some(v) if range.contains(v.get_ref()) => *v.get_ref(),
        Some(v) => {
            p.on(
                v,
                key,
                format!("must be between {} and {}", range.start(), range.end()),
            );
            default
        }
    }
}

/// A finite number that `accept`s; otherwise `rule` is the problem.
pub(super) fn number(
    p: &mut Problems<'_>,
    key: &str,
    value: &Option<Spanned<f64>>,
    default: f64,
    accept: fn(f64) -> bool,
    rule: &str,
) -> f64 {
    match value {
        Some(v) if !(v.get_ref().is_finite() && accept(*v.get_ref())) => {
            p.on(v, key, rule);
            default
        }
        Some(v) => *v.get_ref(),
        None => default,
    }
}

/// A duration longer than zero, written as "500ms", "30s", "15m", "24h", "7d"…
pub(super) fn duration(
    p: &mut Problems<'_>,
    key: &str,
    value: &Option<Spanned<String>>,
    default: Duration,
) -> Duration {
    match value {
        None => default,
        Some(v) => match humantime::parse_duration(v.get_ref()) {
            Ok(d) if !d.is_zero() => d,
            Ok(_) => {
                p.on(v, key, "must be longer than zero");
                default
            }
            Err(e) => {
                p.on(v, key, format!("not a duration ({e}); write e.g. \"500ms\", \"30s\", \"15m\", \"24h\", \"7d\""));
                default
            }
        },
    }
}

/// A byte size such as "10 MiB" (see [`parse_size`]).
pub(super) fn size(
    p: &mut Problems<'_>,
    key: &str,
    value: &Option<Spanned<String>>,
    default: u64,
) -> u64 {
    match value {
        None => default,
        Some(v) => parse_size(v.get_ref()).unwrap_or_else(|e| {
            p.on(v, key, e);
            default
        }),
    }
}

/// Parses a byte size such as "10 MiB", "512KiB", "2 MB" or "1048576".
pub(crate) fn parse_size(raw: &str) -> Result<u64, String> {
    let raw = raw.trim();
    let split = raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("not a size: {raw:?}; write e.g. \"10 MiB\""))?;
    let factor: u64 = match unit.trim() {
        "" | "B" => 1,
        "KB" | "kB" => 1_000,
        "KiB" => 1 << 10,
        "MB" => 1_000_000,
        "MiB" => 1 << 20,
        "GB" => 1_000_000_000,
        "GiB" => 1 << 30,
        other => {
            return Err(format!(
                "unknown size unit {other:?}; use B, KiB, MiB, GiB, kB, MB or GB"
            ));
        }
    };
    match number.checked_mul(factor) {
        Some(0) => Err("must be larger than zero".to_owned()),
        Some(bytes) => Ok(bytes),
        None => Err("too large".to_owned()),
    }
}

/// An identifier, parsed by the identifier type's own `parse`.
pub(super) fn slug<T>(
    p: &mut Problems<'_>,
    key: &str,
    value: &Spanned<String>,
    parse: fn(&str) -> Result<T, String>,
) -> Option<T> {
    parse(value.get_ref()).map_err(|e| p.on(value, key, e)).ok()
}

/// A source id from a title: lower-case ASCII letters and digits joined by '-'.
pub(crate) fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(48).collect();
    if slug.is_empty() {
        "feed".to_owned()
    } else {
        slug
    }
}

/// One of `names`; `None` (and a problem) for anything else.
pub(super) fn one_of<'v>(
    p: &mut Problems<'_>,
    key: &str,
    value: &'v Spanned<String>,
    names: &[&str],
) -> Option<&'v str> {
    let written = value.get_ref().as_str();
    if names.contains(&written) {
        return Some(written);
    }
    p.on(
        value,
        key,
        format!("unknown {written:?}; expected {}", alternatives(names)),
    );
    None
}

/// `"a", "b" or "c"`: the names quoted, for a message.
pub(super) fn alternatives(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// An IANA time zone name.
pub(super) fn time_zone(
    p: &mut Problems<'_>,
    key: &str,
    value: &Option<Spanned<String>>,
    default: Tz,
) -> Tz {
    match value {
        None => default,
        Some(v) => v.get_ref().parse().unwrap_or_else(|_| {
            p.on(
                v,
                key,
                format!(
                    "unknown time zone {:?}; use an IANA name such as \"Europe/Moscow\"",
                    v.get_ref()
                ),
            );
            default
        }),
    }
}

/// A language tag (BCP 47); whether a catalogue has it is `check`'s question, once
/// the templates folder is read.
pub(super) fn language(
    p: &mut Problems<'_>,
    key: &str,
    value: Option<&Spanned<String>>,
) -> Option<Language> {
    let value = value?;
    Language::parse(value.get_ref())
        .map_err(|message| p.on(value, key, message))
        .ok()
}

/// A six-field cron expression, read in `zone`.
pub(super) fn cadence(
    p: &mut Problems<'_>,
    key: &str,
    value: &Spanned<String>,
    zone: Tz,
) -> Option<Cadence> {
    Cadence::parse(value.get_ref(), zone)
        .map_err(|e| p.on(value, key, e))
        .ok()
}

/// Where to read a feed or signal (see [`parse_location`]).
pub(super) fn location(
    p: &mut Problems<'_>,
    key: &str,
    value: &Spanned<String>,
    root: &Path,
) -> Option<Location> {
    parse_location(value.get_ref(), root)
        .map_err(|e| p.on(value, key, e))
        .ok()
}

/// Parses a feed location: `http(s)://…` or `file://PATH` (relative to `root`).
pub(crate) fn parse_location(raw: &str, root: &Path) -> Result<Location, String> {
    if let Some(rest) = raw.strip_prefix("file://") {
        if rest.is_empty() {
            return Err("a file:// URL needs a path".to_owned());
        }
        let path = Path::new(rest);
        return Ok(Location::File(if path.is_absolute() {
            path.to_owned()
        } else {
            root.join(path)
        }));
    }
    match Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
            Ok(Location::Http(url))
        }
        Ok(url) => Err(format!(
            "unsupported scheme {:?}; expected http://, https:// or file://",
            url.scheme()
        )),
        Err(e) => Err(format!(
            "not a URL ({e}); expected http://, https:// or file://"
        )),
    }
}

/// The secret in the environment variable that `var` names (a `*_env` key). A name
/// that is written must be set, and not empty: a missing secret would otherwise show
/// only later, as a refused login or links that fail to verify.
pub(super) fn secret(p: &mut Problems<'_>, key: &str, var: &Spanned<String>) -> Option<Secret> {
    let name = var.get_ref();
    let problem = match std::env::var_os(name) {
        None => format!("environment variable {name} is not set"),
        Some(value) if value.is_empty() => format!("environment variable {name} is empty"),
        Some(value) => match value.into_string() {
            Ok(value) => return Some(Secret::new(value)),
            Err(_) => format!("environment variable {name} is not valid UTF-8"),
        },
    };
    p.on(var, key, problem);
    None
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn sizes_in_common_units() {
        assert_eq!(parse_size("10 MiB"), Ok(10 << 20));
        assert_eq!(parse_size("512KiB"), Ok(512 << 10));
        assert_eq!(parse_size("2 MB"), Ok(2_000_000));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("10 parsecs").is_err());
        assert!(parse_size("0").is_err());
    }

    #[test]
    fn locations_are_http_or_files_relative_to_the_config() {
        let root = Path::new("/etc/pressroom");
        assert_eq!(
            parse_location("file://feeds/a.xml", root),
            Ok(Location::File(PathBuf::from("/etc/pressroom/feeds/a.xml")))
        );
        assert_eq!(
            parse_location("file:///srv/a.xml", root),
            Ok(Location::File(PathBuf::from("/srv/a.xml")))
        );
        assert!(matches!(
            parse_location("https://x.example/rss", root),
            Ok(Location::Http(_))
        ));
        assert!(parse_location("ftp://x.example/rss", root).is_err());
        assert!(parse_location("feeds/a.xml", root).is_err());
        assert!(parse_location("http://", root).is_err());
    }

    #[test]
    fn slugs_from_titles() {
        assert_eq!(
            slugify("The Northern Ledger — World"),
            "the-northern-ledger-world"
        );
        assert_eq!(slugify("Вести"), "feed");
        assert_eq!(slugify("  BBC News: UK  "), "bbc-news-uk");
    }

    #[test]
    fn alternatives_read_as_a_sentence() {
        assert_eq!(alternatives(&["html"]), "\"html\"");
        assert_eq!(alternatives(&["html", "text"]), "\"html\" or \"text\"");
        assert_eq!(
            alternatives(&["file", "smtp", "sendmail"]),
            "\"file\", \"smtp\" or \"sendmail\""
        );
    }

    #[test]
    fn a_named_secret_must_be_set_and_not_empty() {
        let text = "a = \"PRESSROOM_CHECK_TEST_UNSET\"\nb = \"PATH\"\n";
        let mut p = Problems::new("x.toml", text);
        let unset = Spanned::new(4..33, "PRESSROOM_CHECK_TEST_UNSET".to_owned());
        assert_eq!(secret(&mut p, "a", &unset), None);
        let set = Spanned::new(38..44, "PATH".to_owned());
        let path = secret(&mut p, "b", &set).expect("PATH is set in any test run");
        assert_eq!(path.expose(), std::env::var("PATH").unwrap());
        let errors = p.into_errors().to_string();
        assert_eq!(
            errors,
            "x.toml:1:5: a: environment variable PRESSROOM_CHECK_TEST_UNSET is not set"
        );
    }
}
