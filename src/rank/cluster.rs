//! Clustering: which stories report the same event, across outlets.
//!
//! Pure and deterministic: data in, groups out, no I/O and no clock. The rank stage
//! feeds it the stories of an issue's window and uses the groups to list "also in"
//! outlets and to count distinct outlets in the score; choosing a group's
//! representative (source weight, then earliest) is the caller's job.
//!
//! How, in four steps (one submodule each):
//! 1. `vectors`: each story becomes a TF-IDF vector of stemmed terms
//!    ([`super::text`], tokenised by `tokens`); summary terms weigh less than
//!    title terms.
//! 2. `candidates`: stories are taken in time order; an inverted index of each
//!    story's heaviest informative terms proposes the earlier stories inside the
//!    time window that share one with it, and the most promising get their cosine
//!    similarity computed, fading to nothing at the window's edge. Very common
//!    terms propose no pairs, and every walk of the index is capped
//!    ([`Options::indexed_terms`], [`Options::postings_budget`],
//!    [`Options::max_postings`]), so the work grows linearly with the number of
//!    stories; a window small enough for [`Options::search_work`] is searched with
//!    the caps widened, through all of a story's informative terms. Large inputs are shared between threads (`parallel`), with the
//!    same result.
//! 3. `linkage`: stories with the same article URL start in one group; then the
//!    pairs are merged from the most similar down, but two groups merge only if
//!    their *average* similarity over all cross pairs reaches
//!    [`Options::threshold`] (group-average linkage, which does not chain the way
//!    single linkage does) and, by default, only if no outlet is in both (unless
//!    very similar). It is lowered when the titles give two counts of one thing
//!    (`26-летнего` and `51-летнего`), between Russian groups when their names
//!    (`names`) conflict, and when one group's titles look ahead (a forecast) where
//!    the other's report a record ([`super::text::outlook`]); optional rules lower
//!    it for any disagreeing numbers, and for names in English too.
//! 4. `crossing`: groups in different scripts (English, Russian) are joined when
//!    their names and numbers match and each is the other's best match.

mod candidates;
mod crossing;
mod linkage;
mod names;
pub(super) mod parallel;
mod row;
mod storylines;
mod tokens;
mod vectors;

pub use self::storylines::storylines;
use std::{collections::HashMap, time::Duration};

use chrono::{DateTime, Utc};

use crate::model::StoryTokens;

/// One story as clustering sees it.
#[derive(Clone, Copy, Debug)]
pub struct Doc<'a> {
    /// The outlet (source) that published it.
    pub outlet: &'a str,
    /// Its canonical article URL, if it has one (never an outlet's home page).
    pub url: Option<&'a str>,
    /// The headline, plain text.
    pub title: &'a str,
    /// The plain-text excerpt (may be empty).
    pub summary: &'a str,
    /// When it was published.
    pub published: DateTime<Utc>,
}

/// Tuning knobs. The defaults were chosen on the development data
/// (`benches/clustering.rs`: AllSides headline triples and the Telegram contest
/// pairs) and then checked on the labelled fixture (`tests/clustering.rs`).
#[derive(Clone, Debug)]
pub struct Options {
    /// Two stories further apart in time than this are never compared, and the
    /// similarity of a pair fades linearly from full at 0 to nothing at this gap
    /// (default 48 h: every event of the fixture fits in it).
    pub window: Duration,
    /// Least group-average cosine similarity for two groups to merge (default 0.12).
    /// Lower finds more of each story's coverage and merges more look-alike events.
    pub threshold: f32,
    /// Weight of a summary term relative to a title term (default 0.5: the lede says
    /// what the headline says, at more length).
    pub summary_weight: f32,
    /// How many terms of the summary are read: the lede, not the whole article
    /// (default 30, about two sentences once stop words are left out).
    pub summary_words: usize,
    /// Two stories from the same outlet join one group only through the same URL or
    /// a similarity of [`Options::same_outlet_threshold`]: an outlet rarely reports
    /// one event twice in a window (default true).
    pub one_story_per_outlet: bool,
    /// With [`Options::one_story_per_outlet`], groups that share an outlet still
    /// merge when their similarity reaches this (default 0.3, much more than
    /// [`Options::threshold`]: an outlet's update of its own report, `Пенсии
    /// по-новому: …` twice; above 1 never).
    pub same_outlet_threshold: f32,
    /// When the titles of two groups both give numbers (in digits) and share none,
    /// their similarity is multiplied by this, within and across scripts: a
    /// different toll, vote, score or day is evidence of a different event. 0 never
    /// merges them, 1 ignores numbers (default 1: on the development data every
    /// lower value cost more recall than it gained precision, see
    /// `benches/README.md`).
    pub number_mismatch: f32,
    /// When, besides, a number of each title is followed by the same term (two
    /// counts of one thing: `26-летнего` and `51-летнего`, `94 человека` and `98
    /// человек`, `8 ноября` and `16 ноября`), the similarity is multiplied by this
    /// instead, if lower (default 0: never merged). One event's headlines give
    /// different figures of different things (`65 человек` recovered, `84 новых
    /// случая`), rarely two figures of one.
    pub unit_mismatch: f32,
    /// When the titles of two groups both name someone or something and neither
    /// title's names are in the other's titles and ledes, their similarity is
    /// multiplied by this: another region, person or team is evidence of another
    /// event. A name is a term written capitalised inside sentences more often than
    /// in lower case over all the stories clustered, or only ever capitalised at
    /// the start of one (`Моор ввел режим`). Used between groups not both in
    /// Cyrillic; 1 ignores names (default 1: on the English development data every
    /// lower value cost more recall than it gained precision, see
    /// `benches/README.md`).
    pub name_mismatch: f32,
    /// [`Options::name_mismatch`] between two groups whose titles are all in
    /// Cyrillic (default 0.4). Russian headlines are in sentence case, so their
    /// capitals are names, and the hard negatives of the Russian development pairs
    /// are mostly the same kind of news in another region or with another person.
    pub cyrillic_name_mismatch: f32,
    /// For the name rules: when one side's titles name nobody and the other's
    /// surely name someone (capitalised inside a sentence), the names of the first
    /// side's ledes stand in for its titles' names (default true): `Прогноз погоды
    /// на 8 ноября` is about the region its lede names, not about every region.
    pub lede_names: bool,
    /// When one group's titles all look ahead (a forecast, an expectation:
    /// `forecasters warn`, `brace for`, `ожидается`) and the other's report a record
    /// and none looks ahead, their similarity is multiplied by this (default 0.4):
    /// a record and the forecast or decision it leads to are two events of one
    /// storyline (see [`crate::rank::text::outlook`]). 1 ignores it.
    pub forecast_mismatch: f32,
    /// The group-average similarity of two groups fades linearly to nothing over this
    /// gap between their mean publication times (default 36 h): reports of one event
    /// come within hours of each other, a storyline's next development a day later.
    pub event_span: Duration,
    /// Least cosine similarity (title and lede terms, no fading by time) for an
    /// earlier story of another event to count as the same storyline, for "Read
    /// also" (default 0.2; not tuned: the labelled data mark events, not storylines).
    pub storyline_threshold: f32,
    /// Least key similarity for joining a Latin-script group to a Cyrillic one
    /// (default 0.1); above 1 turns cross-script linking off.
    pub cross_script_threshold: f32,
    /// Terms in more than this share of the stories (and more than 100) propose no
    /// pairs; they still count in the similarity (default 0.05).
    pub common_share: f32,
    /// Each story is indexed, and looks for earlier ones, through this many of its
    /// heaviest informative terms (default 16).
    pub indexed_terms: usize,
    /// Each story looks for earlier ones through its terms, heaviest first, walking
    /// at most this many postings in all (default 64).
    pub postings_budget: usize,
    /// Each term proposes at most this many of the most recent earlier stories, so
    /// that one term cannot spend a story's whole budget (default 16).
    pub max_postings: usize,
    /// Postings the walks may visit in all, shared out among the stories: when the
    /// input is small enough, each story's three caps above grow by the same factor
    /// (up to [`MAX_WIDENING`], and four times for [`Options::indexed_terms`]), so that
    /// a window of a few thousand stories is searched through all its informative
    /// terms, while 100,000 stories keep the caps as given (default 4,000,000).
    pub search_work: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            window: Duration::from_secs(48 * 3600),
            threshold: 0.12,
            summary_weight: 0.5,
            summary_words: 30,
            one_story_per_outlet: true,
            same_outlet_threshold: 0.3,
            number_mismatch: 1.0,
            unit_mismatch: 0.0,
            name_mismatch: 1.0,
            cyrillic_name_mismatch: 0.4,
            lede_names: true,
            forecast_mismatch: 0.4,
            event_span: Duration::from_secs(36 * 3600),
            storyline_threshold: 0.2,
            cross_script_threshold: 0.1,
            common_share: 0.05,
            indexed_terms: 16,
            postings_budget: 64,
            max_postings: 16,
            search_work: 4_000_000,
        }
    }
}

impl Options {
    /// Whether the merge rule reads names ([`Options::name_mismatch`],
    /// [`Options::cyrillic_name_mismatch`]), which costs noting how every word was
    /// written.
    fn uses_names(&self) -> bool {
        self.name_mismatch < 1.0 || self.cyrillic_name_mismatch < 1.0
    }

    fn chrono_window(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::MAX)
    }

    /// The document frequency above which a term is too common to propose pairs:
    /// [`Options::common_share`] of `stories`, but never below [`MIN_COMMON`], so that
    /// small inputs are compared in full.
    fn common_df(&self, stories: usize) -> u32 {
        ((stories as f32 * self.common_share).ceil() as u32).max(MIN_COMMON)
    }

    /// How many times each story's search caps widen for `stories` stories: as many
    /// as [`Options::search_work`] pays for, between 1 and [`MAX_WIDENING`].
    fn widening(&self, stories: usize) -> usize {
        let per_story = self.search_work / stories.max(1) / self.postings_budget.max(1);
        per_story.clamp(1, MAX_WIDENING)
    }
}

/// How many times [`Options::search_work`] can widen a story's search.
pub const MAX_WIDENING: usize = 16;

/// Terms in up to this many stories always propose pairs.
const MIN_COMMON: u32 = 100;

/// Groups of indices into `docs`; every index appears in exactly one group. Members
/// are in ascending order, and groups are ordered by their first member.
pub fn cluster(docs: &[Doc<'_>], options: &Options) -> Vec<Vec<usize>> {
    let partition = partition(docs, options);
    partition
        .groups()
        .map(|group| group.iter().map(|&i| i as usize).collect())
        .collect()
}

/// [`cluster`]'s groups in one flat list, without an allocation per group.
pub fn partition(docs: &[Doc<'_>], options: &Options) -> Partition {
    partition_kept(docs, &[], options)
}

/// [`partition`], reading the tokens kept at ingest where `kept` has usable ones
/// (`kept[d]` for `docs[d]`; see [`super::kept`]): the same groups, without
/// tokenising those stories again.
pub fn partition_kept(
    docs: &[Doc<'_>],
    kept: &[Option<&StoryTokens>],
    options: &Options,
) -> Partition {
    partition_kept_outlets(docs, kept, &outlet_ids(docs), options)
}

/// [`partition_kept`] with each story's outlet id given (`outlets[d]` for
/// `docs[d]`: equal ids for equal outlet names, in any numbering, as the rank
/// stage's candidates have them), not found again by hashing every outlet name.
pub(crate) fn partition_kept_outlets(
    docs: &[Doc<'_>],
    kept: &[Option<&StoryTokens>],
    outlets: &[u32],
    options: &Options,
) -> Partition {
    let tokens = vectors::Tokens::kept(docs, kept, options);
    partition_with(docs, &tokens, &tokens.terms(), outlets, options)
}

/// [`partition`] of `docs` already tokenised, with their term vectors.
fn partition_of(
    docs: &[Doc<'_>],
    tokens: &vectors::Tokens,
    vectors: &vectors::Vectors,
    options: &Options,
) -> Partition {
    partition_with(docs, tokens, vectors, &outlet_ids(docs), options)
}

/// [`partition_of`] with each story's outlet id given. Outlet ids are only ever
/// compared for equality (a pair of one outlet, the outlets two groups share), so
/// their numbering does not change the groups.
fn partition_with(
    docs: &[Doc<'_>],
    tokens: &vectors::Tokens,
    vectors: &vectors::Vectors,
    outlets: &[u32],
    options: &Options,
) -> Partition {
    let edges = candidates::edges(docs, outlets, vectors, options);

    let numbers = tokens.numbers();
    let units = tokens.units();
    let cyrillic = tokens.cyrillic();
    // Only Russian groups read names by default: none, no names to learn.
    let read_names = options.name_mismatch < 1.0
        || (options.cyrillic_name_mismatch < 1.0 && cyrillic.iter().any(|&c| c));
    let names = if read_names {
        names::Names::new(tokens)
    } else {
        names::Names::none(docs.len())
    };
    let outlook: Vec<u8> = (tokens.runs().iter())
        .flat_map(|run| run.outlook.iter().copied())
        .collect();
    let evidence = linkage::Evidence {
        numbers: &numbers,
        units: &units,
        names: &names,
        cyrillic: &cyrillic,
        outlook: &outlook,
    };
    let mut groups = linkage::Groups::new(docs, outlets, vectors, evidence);
    groups.join_same_urls(docs, &tokens.urls());
    groups.join_similar(&edges, options);
    crossing::join_across_scripts(docs, tokens, &mut groups, options);
    groups.into_partition()
}

/// Groups of indices, flat: group `g` is `members[starts[g]..starts[g + 1]]`, members
/// ascending, groups ordered by their first member.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Partition {
    /// Every index, group after group.
    pub members: Vec<u32>,
    /// Where each group starts in `members`, and then `members.len()`.
    pub starts: Vec<u32>,
}

impl Partition {
    /// The groups, in order.
    pub fn groups(&self) -> impl Iterator<Item = &[u32]> {
        self.starts
            .windows(2)
            .map(|w| &self.members[w[0] as usize..w[1] as usize])
    }

    /// The number of groups.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Whether there is no group.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Dense outlet ids, equal for equal outlet names, in order of first appearance.
fn outlet_ids(docs: &[Doc<'_>]) -> Vec<u32> {
    let mut ids: HashMap<&str, u32, tokens::FastStrings> = HashMap::default();
    docs.iter()
        .map(|doc| {
            let next = ids.len() as u32;
            *ids.entry(doc.outlet).or_insert(next)
        })
        .collect()
}
