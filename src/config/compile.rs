//! The file as a whole → [`Plan`]: each top-level key handed to its table, the tables
//! compiled in dependency order, every problem collected before anything is returned.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
};

use super::{
    daemon::{self, RawDaemon},
    editions::{self, RawEdition},
    email::{self, RawEmail},
    fetch::{self, RawFetch},
    plan::Plan,
    problems::{ConfigErrors, Problems},
    ranking::{self, Ranking, RawRanking},
    retention::{self, RawRetention},
    sections::{self, RawSection},
    signals,
    site::{self, RawSite},
    sources::{self, RawSource},
    subscribers,
};
use toml::{Spanned, de::DeValue};

use crate::model::SectionId;

const TOP_KEYS: &str =
    "site, fetch, retention, ranking, sections, sources, signals, editions, email, daemon";

/// The file as deserialized, before values are checked.
#[derive(Default)]
struct RawDoc<'t> {
    site: Option<RawSite>,
    fetch: Option<RawFetch>,
    retention: Option<RawRetention>,
    sections: Vec<(usize, RawSection)>,
    sources: Vec<(usize, RawSource)>,
    /// Kept as TOML: a signal's keys depend on its kind.
    signals: Option<Spanned<DeValue<'t>>>,
    ranking: Option<RawRanking>,
    editions: Vec<(usize, RawEdition)>,
    email: Option<RawEmail>,
    daemon: Option<RawDaemon>,
}

/// Compiles `text` (read from `path`) into a plan, or returns every problem in it.
pub(super) fn compile(text: &str, path: &Path) -> Result<Plan, ConfigErrors> {
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
            "signals" => raw.signals = Some(value.clone()),
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
    let mut site = site::compile(&mut p, raw.site.unwrap_or_default(), &root);
    let fetch = fetch::compile(&mut p, raw.fetch.unwrap_or_default());
    let retention = retention::compile(&mut p, raw.retention.unwrap_or_default());
    let sections = sections::compile(&mut p, raw.sections, &site.language);
    let known: HashSet<SectionId> = sections.iter().map(|s| s.id.clone()).collect();
    let sources = sources::compile(&mut p, raw.sources, &known, &fetch, &root);
    site.outlet_languages = (sources.iter())
        .filter_map(|s| Some((s.name.clone(), s.language.clone()?)))
        .collect();
    let signals = signals::compile(&mut p, raw.signals.as_ref(), &fetch, &root);
    let ranking = ranking::compile(&mut p, "ranking", raw.ranking.as_ref(), &Ranking::default());
    let editions = editions::compile(&mut p, raw.editions, &sections, &ranking, &site);
    site.edition_titles = (editions.iter())
        .filter(|e| !e.titles.is_empty())
        .map(|e| (e.id.to_string(), e.titles.clone()))
        .collect();
    let email = raw
        .email
        .and_then(|e| email::compile(&mut p, e, &site, &root));
    let daemon = daemon::compile(&mut p, raw.daemon.unwrap_or_default(), &site);
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
        Some(email) => subscribers::compile(&email.subscribers_file, &sections, &editions, &site)?,
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
