//! `[[sources]]`: the feeds to ingest, each with its placement in sections, weight,
//! interval and credentials.

use std::{
    collections::{BTreeMap, HashSet},
    path::Path,
    time::Duration,
};

use serde::Deserialize;
use toml::Spanned;

use super::{
    check::{self, duration, location, number, secret, slug},
    fetch::FetchLimits,
    problems::Problems,
    sections,
    values::{Location, Secret},
};
use crate::model::{SectionId, SourceId};

/// `[[sources]]`: one feed of one outlet.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// Identifier: a-z, 0-9, '-' and '_'. It keeps the source's state when its URL changes.
    pub id: Spanned<String>,
    /// Outlet name shown to readers ("also in: …"). Default: the id.
    pub name: Option<String>,
    /// The feed: "https://…", "http://…", or "file://PATH" (a relative PATH is relative
    /// to this file).
    pub url: Spanned<String>,
    /// Section for every story of this feed; overrides categories.
    pub section: Option<Spanned<String>>,
    /// Feed category → section id, consulted before the sections' own `categories`.
    #[serde(default)]
    pub categories: BTreeMap<String, Spanned<String>>,
    /// Section for stories that no rule places; without it they are kept but reported
    /// as unplaced.
    pub fallback_section: Option<Spanned<String>>,
    /// Weight of the outlet in ranking, greater than 0. Default 1.0.
    pub weight: Option<Spanned<f64>>,
    /// Fetch this source at most this often, e.g. "1h". Default: `fetch.interval`.
    pub interval: Option<Spanned<String>>,
    /// User name for HTTP basic authentication.
    pub user: Option<String>,
    /// Name of the environment variable that holds the basic-auth password.
    pub password_env: Option<Spanned<String>>,
    /// Language of the outlet's stories (BCP 47), e.g. "ru": pages mark them with it
    /// when it is not the site's. Default: told from each text's letters.
    pub language: Option<Spanned<String>>,
}

/// How a source's stories find their section.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Placement {
    /// Every story goes here, whatever its categories.
    pub fixed: Option<SectionId>,
    /// Category (lower-cased) → section, tried before the sections' own categories.
    pub categories: BTreeMap<String, SectionId>,
    /// Where stories that no rule places go.
    pub fallback: Option<SectionId>,
}

/// HTTP basic-auth credentials of a source.
#[derive(Clone, Debug, PartialEq)]
pub struct BasicAuth {
    /// The user name.
    pub user: String,
    /// The password, from the environment.
    pub password: Option<Secret>,
}

/// One feed of one outlet.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// The identifier its fetch state and stories are kept under.
    pub id: SourceId,
    /// Outlet name shown to readers.
    pub name: String,
    /// Where the feed is read from.
    pub location: Location,
    /// How its stories find their section.
    pub placement: Placement,
    /// Weight in ranking (> 0).
    pub weight: f64,
    /// Least time between two fetches.
    pub interval: Duration,
    /// Credentials, if the feed needs them.
    pub auth: Option<BasicAuth>,
    /// Language of its stories (BCP 47), when configured.
    pub language: Option<String>,
}

/// Checks the `[[sources]]` tables against the `known` sections.
pub(super) fn compile(
    p: &mut Problems<'_>,
    raw: Vec<(usize, RawSource)>,
    known: &HashSet<SectionId>,
    fetch: &FetchLimits,
    root: &Path,
) -> Vec<Source> {
    let mut seen = HashSet::new();
    let mut sources = Vec::new();
    let mut keys = Keys::default();
    for (i, source) in raw {
        let key = format!("sources[{i}]");
        keys.base(&key);
        let id = slug(p, keys.of("id"), &source.id, SourceId::parse);
        if let Some(id) = &id
            && !seen.insert(id.clone())
        {
            p.on(
                &source.id,
                format!("{key}.id"),
                format!("source \"{id}\" is defined twice"),
            );
        }
        let location = location(p, keys.of("url"), &source.url, root);
        let mut section_ref = |field: &str, value: &Spanned<String>| {
            sections::reference(p, keys.of(field), value, known)
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
        let weight = number(
            p,
            keys.of("weight"),
            &source.weight,
            1.0,
            |w| w > 0.0,
            "must be a number greater than 0",
        );
        let interval = duration(p, keys.of("interval"), &source.interval, fetch.interval);
        let auth = basic_auth(p, &key, &source);
        let language = check::language(p, keys.of("language"), source.language.as_ref())
            .map(|l| l.to_string());
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
                language,
            });
        }
    }
    sources
}

/// A source's keys (`sources[3].url`) written into one reused buffer, for problems
/// that name them: a `format!` per key was an eighth of loading 1,000 sources.
#[derive(Default)]
struct Keys {
    full: String,
    base: usize,
}

impl Keys {
    fn base(&mut self, base: &str) {
        self.full.clear();
        self.full.push_str(base);
        self.full.push('.');
        self.base = self.full.len();
    }

    fn of(&mut self, field: &str) -> &str {
        self.full.truncate(self.base);
        self.full.push_str(field);
        &self.full
    }
}

fn basic_auth(p: &mut Problems<'_>, key: &str, source: &RawSource) -> Option<BasicAuth> {
    let password_key = format!("{key}.password_env");
    let password = source
        .password_env
        .as_ref()
        .and_then(|var| secret(p, &password_key, var));
    match (&source.user, password) {
        (Some(user), password) => Some(BasicAuth {
            user: user.clone(),
            password,
        }),
        (None, Some(_)) => {
            if let Some(var) = &source.password_env {
                p.on(var, password_key, "a password needs a `user`");
            }
            None
        }
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn with_language(language: &str) -> Result<crate::config::Plan, String> {
        let text = format!(
            "[[sections]]\nid = \"world\"\ntitle = \"World\"\n\n[[sources]]\nid = \"vestnik\"\nname = \"Северный вестник\"\nurl = \"https://vestnik.example/rss\"\nsection = \"world\"\nlanguage = \"{language}\"\n"
        );
        crate::config::parse(&text, Path::new("/etc/pressroom/pressroom.toml"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_sources_language_reaches_the_site_by_outlet_name() {
        let plan = with_language("ru").expect("valid");
        assert_eq!(plan.sources[0].language.as_deref(), Some("ru"));
        assert_eq!(
            plan.site
                .outlet_languages
                .get("Северный вестник")
                .map(String::as_str),
            Some("ru")
        );
        assert!(with_language("pt-BR").is_ok());
    }

    #[test]
    fn a_language_that_is_not_a_tag_is_reported_at_its_key() {
        for bad in ["Russian!", "r", "ru-", ""] {
            let error = with_language(bad).expect_err(bad);
            assert!(
                error.contains("sources[0].language:") && error.contains("is not a language tag"),
                "{bad}: {error}"
            );
        }
    }
}
