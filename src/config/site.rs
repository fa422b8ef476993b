//! `[site]`: the digest as a whole (title, public address, time zone, files).

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;
use url::Url;

use super::{
    check,
    problems::Problems,
    sections::{self, Title},
};
use crate::i18n::Language;

/// `[site]`: the digest as a whole.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    /// Name of the digest, used in subjects, pages and feeds; or one per language,
    /// e.g. `{ en = "Press review", ru = "Обзор прессы" }`. Default "Press review".
    pub title: Option<Spanned<Title>>,
    /// Public address of the archive; links in email and feeds point below it.
    /// Default "http://127.0.0.1:8080/".
    pub base_url: Option<Spanned<String>>,
    /// IANA time zone of the newsroom, e.g. "Europe/Moscow". Default "UTC".
    pub time_zone: Option<Spanned<String>>,
    /// The SQLite state file, relative to this file. Default "pressroom.db".
    pub state: Option<String>,
    /// Folder for feeds, archive pages and `.eml` files, relative to this file.
    /// Default "public".
    pub output: Option<String>,
    /// Language of the digest (BCP 47), e.g. "en" or "ru": the words pressroom
    /// writes come from its message catalogue. Default "en".
    pub language: Option<Spanned<String>>,
    /// Folder of templates overriding the built-in ones by name, relative to this file.
    /// Default: none (the built-in templates).
    pub templates: Option<String>,
}

/// `[site]`, compiled.
#[derive(Clone, Debug)]
pub struct Site {
    /// Name of the digest, in the site's language (or the first one given).
    pub title: String,
    /// Its name in each language given, by tag (empty for a single title).
    pub titles: BTreeMap<String, String>,
    /// Each edition's titles by language, by edition id (filled in from the editions
    /// when the plan is compiled; editions with a single title are absent).
    pub edition_titles: BTreeMap<String, BTreeMap<String, String>>,
    /// Public address of the archive, ending in '/'.
    pub base_url: Url,
    /// The newsroom's time zone.
    pub time_zone: Tz,
    /// The SQLite state file.
    pub state: PathBuf,
    /// The output folder.
    pub output: PathBuf,
    /// Language of the digest, the default of every edition.
    pub language: Language,
    /// Folder whose templates override the built-in ones, if any.
    pub templates: Option<PathBuf>,
    /// The language of each outlet whose `[[sources]]` set one, by outlet name (filled
    /// in from the sources when the plan is compiled): pages mark its stories with it.
    pub outlet_languages: BTreeMap<String, String>,
}

/// Where the archive is served when `base_url` is not set.
const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080/";

/// Checks `[site]`; relative paths are taken from `root`.
pub(super) fn compile(p: &mut Problems<'_>, raw: RawSite, root: &Path) -> Site {
    let default_base = || Url::parse(DEFAULT_BASE_URL).expect("valid default");
    let base_url = match &raw.base_url {
        None => default_base(),
        Some(value) => match Url::parse(value.get_ref()) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
                with_trailing_slash(url)
            }
            Ok(_) => {
                p.on(value, "site.base_url", "must be an absolute http(s) URL");
                default_base()
            }
            Err(e) => {
                p.on(value, "site.base_url", format!("not a URL: {e}"));
                default_base()
            }
        },
    };
    let language = check::language(p, "site.language", raw.language.as_ref())
        .unwrap_or_else(Language::english);
    let (title, titles) = match &raw.title {
        Some(raw) => sections::title(p, "site.title", raw, &language),
        None => ("Press review".to_owned(), BTreeMap::new()),
    };
    Site {
        title,
        titles,
        edition_titles: BTreeMap::new(),
        base_url,
        time_zone: check::time_zone(p, "site.time_zone", &raw.time_zone, chrono_tz::UTC),
        state: root.join(raw.state.as_deref().unwrap_or("pressroom.db")),
        output: root.join(raw.output.as_deref().unwrap_or("public")),
        language,
        templates: raw.templates.as_deref().map(|t| root.join(t)),
        outlet_languages: BTreeMap::new(),
    }
}

fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}
