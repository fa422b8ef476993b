//! The compiled configuration: [`Plan`], what a run needs, typed, and its look-ups.

use std::path::PathBuf;

use super::{
    daemon::DaemonPlan, editions::EditionPlan, email::EmailPlan, fetch::FetchLimits,
    retention::Retention, sections::Section, signals::Signal, site::Site, sources::Source,
    subscribers::Subscriber,
};
use crate::model::{EditionId, SectionId, SourceId};

/// The validated configuration: everything a run needs, typed.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The file the plan was read from.
    pub origin: PathBuf,
    /// The digest as a whole.
    pub site: Site,
    /// Download limits.
    pub fetch: FetchLimits,
    /// How long the store keeps what it ingested.
    pub retention: Retention,
    /// Sections, in reading order.
    pub sections: Vec<Section>,
    /// Feeds to ingest.
    pub sources: Vec<Source>,
    /// Most-read signals to read.
    pub signals: Vec<Signal>,
    /// The editions (at least one: a "daily" edition when none is configured).
    pub editions: Vec<EditionPlan>,
    /// Email delivery, if configured.
    pub email: Option<EmailPlan>,
    /// The subscribers (empty without `[email]`).
    pub subscribers: Vec<Subscriber>,
    /// How the daemon runs.
    pub daemon: DaemonPlan,
    /// Source id → index in `sources` (ranking looks sources up per story).
    pub(crate) source_index: rustc_hash::FxHashMap<SourceId, usize>,
}

impl Plan {
    /// This plan with `subscribers` in place of its own, which are not copied (a
    /// hundred thousand of them are tens of megabytes).
    pub fn with_subscribers(&self, subscribers: Vec<Subscriber>) -> Plan {
        Plan {
            origin: self.origin.clone(),
            site: self.site.clone(),
            fetch: self.fetch.clone(),
            retention: self.retention.clone(),
            sections: self.sections.clone(),
            sources: self.sources.clone(),
            signals: self.signals.clone(),
            editions: self.editions.clone(),
            email: self.email.clone(),
            subscribers,
            daemon: self.daemon.clone(),
            source_index: self.source_index.clone(),
        }
    }

    /// The section with this id.
    pub fn section(&self, id: &SectionId) -> Option<&Section> {
        self.sections.iter().find(|s| &s.id == id)
    }

    /// The source with this id.
    pub fn source(&self, id: &SourceId) -> Option<&Source> {
        self.source_position(id).map(|i| &self.sources[i])
    }

    /// Where the source with this id is in [`Plan::sources`].
    pub fn source_position(&self, id: &SourceId) -> Option<usize> {
        self.source_index
            .get(id)
            .copied()
            .filter(|&i| i < self.sources.len())
    }

    /// The edition with this id.
    pub fn edition(&self, id: &EditionId) -> Option<&EditionPlan> {
        self.editions.iter().find(|e| &e.id == id)
    }

    /// Every language the configuration writes in: the site's, the editions', the
    /// subscribers' choices; in that order, without repeats.
    pub fn languages(&self) -> Vec<crate::i18n::Language> {
        let mut all = vec![self.site.language.clone()];
        let chosen = self.subscribers.iter().filter_map(|s| s.language.as_ref());
        for language in self
            .editions
            .iter()
            .flat_map(|e| &e.languages)
            .chain(chosen)
        {
            if !all.contains(language) {
                all.push(language.clone());
            }
        }
        all
    }

    /// The language edition `id` is published in (its first; the site's for an
    /// edition no longer configured): its archive page, feeds and previews.
    pub fn language_of(&self, id: &EditionId) -> &crate::i18n::Language {
        self.edition(id)
            .map_or(&self.site.language, |e| &e.languages[0])
    }
}
