//! Raw configuration → [`Plan`]: every value checked, every problem collected.

use std::{
    collections::{BTreeMap, HashSet},
    path::{Path, PathBuf},
    time::Duration,
};

use toml::Spanned;
use url::Url;

use super::{
    BasicAuth, ConfigErrors, FetchLimits, Location, Placement, Plan, Problems, Ranking, Retention,
    Secret, Section, Signal, SignalKind, Site, Source,
    raw::{
        RawEdition, RawEmail, RawFetch, RawRanking, RawRetention, RawSection, RawSignal, RawSite,
        RawSource,
    },
};
use crate::model::{SectionId, SignalId, SourceId};

const TOP_KEYS: &str =
    "site, fetch, retention, ranking, sections, sources, signals, editions, email, daemon";

/// The file as deserialized, before values are checked.
#[derive(Default)]
struct RawDoc {
    site: Option<RawSite>,
    fetch: Option<RawFetch>,
    retention: Option<RawRetention>,
    sections: Vec<(usize, RawSection)>,
    sources: Vec<(usize, RawSource)>,
    signals: Vec<(usize, RawSignal)>,
    ranking: Option<RawRanking>,
    editions: Vec<(usize, RawEdition)>,
    email: Option<RawEmail>,
    daemon: Option<super::raw::RawDaemon>,
}

/// Compiles `text` (read from `path`) into a plan, or returns every problem in it.
pub fn compile(text: &str, path: &Path) -> Result<Plan, ConfigErrors> {
    let mut p = Problems::new(path, text);
    let Some(doc) = p.parse_document() else {
        return Err(p.into_errors());
    };
    let mut raw = RawDoc::default();
    for (key, value) in doc.get_ref().iter() {
        let name: &str = key.get_ref();
        match name {
            "site" => raw.site = p.deserialize(name, value),
            "fetch" => raw.fetch = p.deserialize(name, value),
            "retention" => raw.retention = p.deserialize(name, value),
            "sections" => raw.sections = p.deserialize_each(name, value),
            "sources" => raw.sources = p.deserialize_each(name, value),
            "signals" => raw.signals = p.deserialize_each(name, value),
            "ranking" => raw.ranking = p.deserialize(name, value),
            "editions" => raw.editions = p.deserialize_each(name, value),
            "email" => raw.email = p.deserialize(name, value),
            "daemon" => raw.daemon = p.deserialize(name, value),
            _ => p.at(
                key.span(),
                name,
                format!("unknown key; expected one of {TOP_KEYS}"),
            ),
        }
    }
    let root = config_root(path);
    let site = compile_site(&mut p, raw.site.unwrap_or_default(), &root);
    let fetch = compile_fetch(&mut p, raw.fetch.unwrap_or_default());
    let retention = compile_retention(&mut p, raw.retention.unwrap_or_default());
    let sections = compile_sections(&mut p, raw.sections);
    let known: HashSet<SectionId> = sections.iter().map(|s| s.id.clone()).collect();
    let sources = compile_sources(&mut p, raw.sources, &known, &fetch, &root);
    let signals = compile_signals(&mut p, raw.signals, &fetch, &root);
    let ranking =
        super::editions::ranking(&mut p, "ranking", raw.ranking.as_ref(), &Ranking::default());
    let editions = super::editions::compile(&mut p, raw.editions, &sections, &ranking, &site);
    let email = raw
        .email
        .and_then(|e| super::email::compile(&mut p, e, &site, &root));
    let daemon = super::editions::daemon(&mut p, raw.daemon.unwrap_or_default(), &site);
    if !p.is_empty() {
        return Err(p.into_errors());
    }
    let source_index = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    // The subscribers file is checked only once the configuration it refers to is sound.
    let subscribers = match &email {
        Some(email) => {
            super::subscribers::subscribers(&email.subscribers_file, &sections, &editions, &site)?
        }
        None => Vec::new(),
    };
    Ok(Plan {
        origin: path.to_owned(),
        site,
        fetch,
        retention,
        sections,
        sources,
        signals,
        editions,
        email,
        subscribers,
        daemon,
        source_index,
    })
}

/// The folder relative paths are resolved against: the configuration file's own.
fn config_root(path: &Path) -> PathBuf {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let parent = parent.unwrap_or(Path::new("."));
    std::path::absolute(parent).unwrap_or_else(|_| parent.to_owned())
}

fn compile_site(p: &mut Problems<'_>, raw: RawSite, root: &Path) -> Site {
    let base_url = match &raw.base_url {
        None => Url::parse("http://127.0.0.1:8080/").expect("valid default"),
        Some(value) => match Url::parse(value.get_ref()) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
                with_trailing_slash(url)
            }
            Ok(_) => {
                p.on(value, "site.base_url", "must be an absolute http(s) URL");
                Url::parse("http://127.0.0.1:8080/").expect("valid default")
            }
            Err(e) => {
                p.on(value, "site.base_url", format!("not a URL: {e}"));
                Url::parse("http://127.0.0.1:8080/").expect("valid default")
            }
        },
    };
    let time_zone = match &raw.time_zone {
        None => chrono_tz::UTC,
        Some(value) => value.get_ref().parse().unwrap_or_else(|_| {
            p.on(
                value,
                "site.time_zone",
                format!(
                    "unknown time zone {:?}; use an IANA name such as \"Europe/Moscow\"",
                    value.get_ref()
                ),
            );
            chrono_tz::UTC
        }),
    };
    Site {
        title: raw.title.unwrap_or_else(|| "Press review".to_owned()),
        base_url,
        time_zone,
        state: root.join(raw.state.as_deref().unwrap_or("pressroom.db")),
        output: root.join(raw.output.as_deref().unwrap_or("public")),
        language: raw.language.unwrap_or_else(|| "en".to_owned()),
        templates: raw.templates.as_deref().map(|t| root.join(t)),
    }
}

fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

fn compile_fetch(p: &mut Problems<'_>, raw: RawFetch) -> FetchLimits {
    let d = FetchLimits::default();
    FetchLimits {
        concurrency: count(
            p,
            "fetch.concurrency",
            &raw.concurrency,
            1..=1024,
            d.concurrency as i64,
        ) as usize,
        per_host: count(
            p,
            "fetch.per_host",
            &raw.per_host,
            1..=256,
            d.per_host as i64,
        ) as usize,
        connect_timeout: duration(
            p,
            "fetch.connect_timeout",
            &raw.connect_timeout,
            d.connect_timeout,
        ),
        timeout: duration(p, "fetch.timeout", &raw.timeout, d.timeout),
        max_body: size(p, "fetch.max_body", &raw.max_body, d.max_body),
        max_redirects: count(
            p,
            "fetch.max_redirects",
            &raw.max_redirects,
            0..=20,
            d.max_redirects as i64,
        ) as usize,
        retries: count(p, "fetch.retries", &raw.retries, 0..=10, d.retries as i64) as u32,
        max_items: count(
            p,
            "fetch.max_items",
            &raw.max_items,
            1..=1_000_000,
            d.max_items as i64,
        ) as usize,
        backoff: duration(p, "fetch.backoff", &raw.backoff, d.backoff),
        max_retry_after: duration(
            p,
            "fetch.max_retry_after",
            &raw.max_retry_after,
            d.max_retry_after,
        ),
        interval: duration(p, "fetch.interval", &raw.interval, d.interval),
    }
}

fn compile_retention(p: &mut Problems<'_>, raw: RawRetention) -> Retention {
    let d = Retention::default();
    Retention {
        stories: duration(p, "retention.stories", &raw.stories, d.stories),
        snapshots: duration(p, "retention.snapshots", &raw.snapshots, d.snapshots),
    }
}

fn compile_sections(p: &mut Problems<'_>, raw: Vec<(usize, RawSection)>) -> Vec<Section> {
    let mut seen = HashSet::new();
    let mut sections = Vec::new();
    for (i, section) in raw {
        let key = format!("sections[{i}]");
        let Some(id) = slug(p, &format!("{key}.id"), &section.id, SectionId::parse) else {
            continue;
        };
        if !seen.insert(id.clone()) {
            p.on(
                &section.id,
                format!("{key}.id"),
                format!("section \"{id}\" is defined twice"),
            );
            continue;
        }
        let stories = count(p, &format!("{key}.stories"), &section.stories, 1..=100, 5) as usize;
        sections.push(Section {
            id,
            title: section.title,
            stories,
            categories: section
                .categories
                .iter()
                .map(|c| c.trim().to_lowercase())
                .collect(),
        });
    }
    if sections.is_empty() && p.is_empty() {
        p.general("sections", "at least one [[sections]] table is required");
    }
    sections
}

fn compile_sources(
    p: &mut Problems<'_>,
    raw: Vec<(usize, RawSource)>,
    sections: &HashSet<SectionId>,
    fetch: &FetchLimits,
    root: &Path,
) -> Vec<Source> {
    let mut seen = HashSet::new();
    let mut sources = Vec::new();
    for (i, source) in raw {
        let key = format!("sources[{i}]");
        let id = slug(p, &format!("{key}.id"), &source.id, SourceId::parse);
        if let Some(id) = &id
            && !seen.insert(id.clone())
        {
            p.on(
                &source.id,
                format!("{key}.id"),
                format!("source \"{id}\" is defined twice"),
            );
        }
        let location = location(p, &format!("{key}.url"), &source.url, root);
        let mut section_ref = |field: &str, value: &Spanned<String>| {
            section(p, &format!("{key}.{field}"), value, sections)
        };
        let fixed = source
            .section
            .as_ref()
            .and_then(|v| section_ref("section", v));
        let fallback = source
            .fallback_section
            .as_ref()
            .and_then(|v| section_ref("fallback_section", v));
        let mut categories = BTreeMap::new();
        for (category, target) in &source.categories {
            if let Some(id) = section_ref(&format!("categories.{category}"), target) {
                categories.insert(category.trim().to_lowercase(), id);
            }
        }
        let weight = match &source.weight {
            Some(w) if !(w.get_ref().is_finite() && *w.get_ref() > 0.0) => {
                p.on(
                    w,
                    format!("{key}.weight"),
                    "must be a number greater than 0",
                );
                1.0
            }
            Some(w) => *w.get_ref(),
            None => 1.0,
        };
        let interval = duration(
            p,
            &format!("{key}.interval"),
            &source.interval,
            fetch.interval,
        );
        let auth = basic_auth(p, &key, &source);
        if let (Some(id), Some(location)) = (id, location) {
            sources.push(Source {
                name: source.name.unwrap_or_else(|| id.to_string()),
                id,
                location,
                placement: Placement {
                    fixed,
                    categories,
                    fallback,
                },
                weight,
                interval,
                auth,
            });
        }
    }
    sources
}

fn basic_auth(p: &mut Problems<'_>, key: &str, source: &RawSource) -> Option<BasicAuth> {
    let password =
        source
            .password_env
            .as_ref()
            .and_then(|var| match std::env::var(var.get_ref()) {
                Ok(value) => Some(Secret::new(value)),
                Err(_) => {
                    p.on(
                        var,
                        format!("{key}.password_env"),
                        format!("environment variable {} is not set", var.get_ref()),
                    );
                    None
                }
            });
    match (&source.user, password) {
        (Some(user), password) => Some(BasicAuth {
            user: user.clone(),
            password,
        }),
        (None, Some(_)) => {
            if let Some(var) = &source.password_env {
                p.on(
                    var,
                    format!("{key}.password_env"),
                    "a password needs a `user`",
                );
            }
            None
        }
        (None, None) => None,
    }
}

fn compile_signals(
    p: &mut Problems<'_>,
    raw: Vec<(usize, RawSignal)>,
    fetch: &FetchLimits,
    root: &Path,
) -> Vec<Signal> {
    let mut seen = HashSet::new();
    let mut signals = Vec::new();
    for (i, signal) in raw {
        let key = format!("signals[{i}]");
        let id = slug(p, &format!("{key}.id"), &signal.id, SignalId::parse);
        if let Some(id) = &id
            && !seen.insert(id.clone())
        {
            p.on(
                &signal.id,
                format!("{key}.id"),
                format!("signal \"{id}\" is defined twice"),
            );
        }
        let location = location(p, &format!("{key}.url"), &signal.url, root);
        let kind = signal_kind(p, &key, &signal);
        let interval = duration(
            p,
            &format!("{key}.interval"),
            &signal.interval,
            fetch.interval,
        );
        if let (Some(id), Some(location), Some(kind)) = (id, location, kind) {
            signals.push(Signal {
                id,
                kind,
                location,
                interval,
            });
        }
    }
    signals
}

fn signal_kind(p: &mut Problems<'_>, key: &str, signal: &RawSignal) -> Option<SignalKind> {
    let url_field = || signal.url_field.clone().unwrap_or_else(|| "url".to_owned());
    let views_field = || {
        signal
            .views_field
            .clone()
            .unwrap_or_else(|| "views".to_owned())
    };
    let kind = match signal.kind.get_ref().as_str() {
        "feed" => SignalKind::Feed,
        "html" => {
            let Some(selector) = &signal.selector else {
                p.on(
                    &signal.kind,
                    format!("{key}.selector"),
                    "kind \"html\" needs a `selector`",
                );
                return None;
            };
            if let Err(e) = scraper::Selector::parse(selector.get_ref()) {
                p.on(
                    selector,
                    format!("{key}.selector"),
                    format!("not a CSS selector: {e}"),
                );
                return None;
            }
            SignalKind::Html {
                selector: selector.get_ref().clone(),
            }
        }
        "json" => SignalKind::Json {
            pointer: signal.pointer.clone().unwrap_or_default(),
            url_field: url_field(),
            views_field: views_field(),
        },
        "csv" => SignalKind::Csv {
            url_field: url_field(),
            views_field: views_field(),
        },
        other => {
            p.on(
                &signal.kind,
                format!("{key}.kind"),
                format!("unknown kind {other:?}; expected \"feed\", \"html\", \"json\" or \"csv\""),
            );
            return None;
        }
    };
    if let Some(selector) = &signal.selector
        && !matches!(kind, SignalKind::Html { .. })
    {
        p.on(
            selector,
            format!("{key}.selector"),
            "only kind \"html\" takes a `selector`",
        );
    }
    Some(kind)
}

pub(super) fn slug<T>(
    p: &mut Problems<'_>,
    key: &str,
    value: &Spanned<String>,
    parse: fn(&str) -> Result<T, String>,
) -> Option<T> {
    parse(value.get_ref()).map_err(|e| p.on(value, key, e)).ok()
}

pub(super) fn section(
    p: &mut Problems<'_>,
    key: &str,
    value: &Spanned<String>,
    known: &HashSet<SectionId>,
) -> Option<SectionId> {
    let id = slug(p, key, value, SectionId::parse)?;
    if known.contains(&id) {
        Some(id)
    } else {
        p.on(
            value,
            key,
            format!("no section \"{id}\" is defined in [[sections]]"),
        );
        None
    }
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

fn location(
    p: &mut Problems<'_>,
    key: &str,
    value: &Spanned<String>,
    root: &Path,
) -> Option<Location> {
    parse_location(value.get_ref(), root)
        .map_err(|e| p.on(value, key, e))
        .ok()
}

pub(super) fn count(
    p: &mut Problems<'_>,
    key: &str,
    value: &Option<Spanned<i64>>,
    range: std::ops::RangeInclusive<i64>,
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

fn size(p: &mut Problems<'_>, key: &str, value: &Option<Spanned<String>>, default: u64) -> u64 {
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

#[cfg(test)]
mod tests {
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
}
