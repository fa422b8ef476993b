//! Rank: the stories of an issue's window → an [`Issue`].
//!
//! Pure: data in, data out, no I/O and no clock reads (the caller passes `now`, the
//! stories, the snapshots, what earlier issues sent and the editor's overrides).
//! [`build`] reads like the method: set aside what cannot be ranked, group the same
//! story across outlets ([`cluster`], over [`text`]'s tokens), score each group
//! ([`score`]), then select the lead, the sections and the most-read block
//! (`select.rs`), keeping the reasons for what was left out. [`explain`] turns an edition into the editor's table.

pub mod cluster;
pub mod explain;
mod filter;
mod group;
pub mod kept;
mod most_read;
pub mod read_also;
pub mod score;
mod select;
pub mod text;

use chrono::{DateTime, Utc};

use self::{
    group::Ranked,
    score::{MostRead, ReadUrls},
};
use crate::{
    config::{EditionPlan, Plan},
    model::{
        Issue, IssueId, LeftOut, Override, Pick, Placed, Sent, SignalSnapshot, Story, StoryTokens,
    },
};

/// Everything one issue is built from.
pub struct Input<'a> {
    /// The configuration (sections, sources' weights and names).
    pub plan: &'a Plan,
    /// The edition being built.
    pub edition: &'a EditionPlan,
    /// The issue's id.
    pub issue: IssueId,
    /// The issue's instant: its window ends here and ages are counted from here.
    pub now: DateTime<Utc>,
    /// Where the issue's stories come from.
    pub window: Window,
    /// The stories published from the window's cap on (older ones still group with
    /// new reports of the same story, so that a story sent before is not sent again).
    pub stories: &'a [Story],
    /// The most-read snapshots taken in the window (for the score).
    pub snapshots: &'a [SignalSnapshot],
    /// What the most-read rankings are made of.
    pub readings: Readings<'a>,
    /// What earlier issues of the edition carried.
    pub sent: &'a Sent,
    /// The editor's pins and drops for this issue.
    pub overrides: &'a [Override],
    /// The stories of the last [`read_also::DAYS`] days (the window's too), for "Read
    /// also"; empty when the edition turns it off.
    pub earlier: &'a [Story],
    /// The tokens kept at ingest of `stories` and `earlier`, where the store has them.
    pub kept: Kept<'a>,
}

/// The tokens the store kept for an issue's stories ([`kept`]), by position:
/// `stories[i]` for [`Input::stories`]`[i]`, `earlier[i]` for
/// [`Input::earlier`]`[i]`. Shorter lists, or `None`, leave the stories to be
/// tokenised afresh (with the same result).
#[derive(Clone, Copy, Debug, Default)]
pub struct Kept<'a> {
    /// For [`Input::stories`].
    pub stories: &'a [Option<StoryTokens>],
    /// For [`Input::earlier`].
    pub earlier: &'a [Option<StoryTokens>],
}

/// The readings of the most-read rankings: every snapshot over the longest span the
/// edition shows (up to the issue's instant), and the stored stories their URLs name.
#[derive(Clone, Copy, Debug, Default)]
pub struct Readings<'a> {
    /// The snapshots, oldest first.
    pub snapshots: &'a [SignalSnapshot],
    /// The stories their entries point at (any age).
    pub stories: &'a [Story],
}

/// Where an issue's stories come from: after the previous issue's instant (capped at
/// the edition's `window`), up to the issue's instant, plus the stories first seen
/// after the previous issue was frozen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Stories published after this (at or after it, when `first`).
    pub start: DateTime<Utc>,
    /// Whether `start` itself is in (no earlier issue's window ends there).
    pub first: bool,
    /// Nothing published before this is taken: `start` for an edition's first issue,
    /// else one `window` before `start` (how late a late story may be).
    pub cap: DateTime<Utc>,
    /// When the previous issue was frozen: a story first seen after it missed that
    /// issue and is taken here, if no older than `cap`.
    pub late_since: Option<DateTime<Utc>>,
}

impl Window {
    /// The window of an edition's first issue: `span` back from `instant`.
    pub fn first(instant: DateTime<Utc>, span: std::time::Duration) -> Window {
        let cap = instant - chrono::Duration::from_std(span).unwrap_or_default();
        Window {
            start: cap,
            first: true,
            cap,
            late_since: None,
        }
    }

    /// Whether `story` is this issue's to carry (its own window, or late for the last).
    pub fn holds(&self, story: &Story) -> bool {
        let after_start = match self.first {
            true => story.published >= self.start,
            false => story.published > self.start,
        };
        after_start
            || self
                .late_since
                .is_some_and(|frozen| story.first_seen > frozen && story.published >= self.cap)
    }
}

/// Builds the issue described by `input`.
pub fn build(input: &Input<'_>) -> Issue {
    let mut left_out = Vec::new();
    let (urls, numbered) = ReadUrls::new(&[input.snapshots, input.readings.snapshots]);
    let most_read = MostRead::from_all(urls.len(), &numbered[0]);
    let candidates = filter::candidates(input, &urls, &most_read, &mut left_out);
    // The most-read rankings' own merging and sorting needs nothing of the
    // clustering: it runs on another thread meanwhile.
    let (ranked, spans) = std::thread::scope(|scope| {
        let spans = scope.spawn(|| most_read::Spans::new(input, &urls, &numbered[1]));
        let ranked = Ranked::new(input, candidates);
        (
            ranked,
            spans.join().expect("the most-read rankings do not panic"),
        )
    });
    let mut edition = select::select(input, &ranked, &mut left_out);
    edition.most_read = most_read::lists(input, &ranked, &urls, &spans);
    let badges = most_read::badges(&edition.most_read);
    let picks =
        (edition.lead.iter_mut()).chain(edition.sections.iter_mut().flat_map(|s| &mut s.picks));
    for pick in picks {
        pick.most_read_rank = badges.get(&pick.story.id).copied();
    }
    read_also::attach(input, &mut edition);
    edition.window_start = input.window.start;
    edition.left_out = left_out;
    edition
}

/// Every group of stories in the issue's window, best first, selected or not, each as
/// a pick: the representative, its score, the other outlets' versions and its "Read
/// also" (leaving out what the issue carries). What `explain --all` lists and what
/// the demo's answer key is checked against.
pub fn groups(input: &Input<'_>) -> Vec<Pick> {
    let (urls, numbered) = ReadUrls::new(&[input.snapshots]);
    let most_read = MostRead::from_all(urls.len(), &numbered[0]);
    let candidates = filter::candidates(input, &urls, &most_read, &mut Vec::new());
    let ranked = Ranked::new(input, candidates);
    let mut picks: Vec<Pick> = (ranked.groups.iter())
        .filter(|group| ranked.fresh(group))
        .map(|group| ranked.pick(input, group, Placed::Score))
        .collect();
    if input.edition.read_also && !input.earlier.is_empty() {
        let taken = read_also::taken(&build(input));
        let mut targets: Vec<&mut Pick> = picks.iter_mut().collect();
        read_also::fill(input, &taken, &mut targets);
    }
    picks
}

/// Below this many stories (or groups) the filter and the scoring run on one thread.
const PARALLEL_FROM: usize = 8192;

/// [`PARALLEL_FROM`], or in tests the threshold a test set for its thread.
fn parallel_from() -> usize {
    #[cfg(test)]
    if let Some(n) = tests::SPLIT_FROM.with(std::cell::Cell::get) {
        return n;
    }
    PARALLEL_FROM
}

/// Why a story cannot be ranked, if it cannot.
fn unrankable(plan: &Plan, story: &Story) -> Option<String> {
    if !story.dated {
        return Some("no date in the feed: it cannot be ranked by age".to_owned());
    }
    if story.section.is_none() {
        let topics = if story.topics.is_empty() {
            "no categories".to_owned()
        } else {
            format!("categories {:?}", story.topics)
        };
        let source = plan
            .source(&story.source)
            .map_or(story.source.as_str(), |s| s.id.as_str());
        return Some(format!(
            "no section: source {source} has no rule for {topics}"
        ));
    }
    None
}

pub(crate) fn left(plan: &Plan, story: &Story, score: Option<f64>, reason: String) -> LeftOut {
    LeftOut {
        story: story.id.clone(),
        title: story.title.clone(),
        url: story.url.clone(),
        outlet: outlet(plan, story).to_owned(),
        section: story.section.clone(),
        score,
        reason,
    }
}

fn outlet<'p>(plan: &'p Plan, story: &'p Story) -> &'p str {
    plan.source(&story.source)
        .map_or(story.source.as_str(), |s| s.name.as_str())
}

#[cfg(test)]
mod tests;
