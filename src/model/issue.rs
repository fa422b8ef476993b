//! An issue of the digest as the rank stage built it: what every later stage
//! (render, deliver, the archive, `explain`) reads, and what the store freezes.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{EditionId, SectionId, SourceId, Story, StoryId};

/// Identifies one issue: an edition and the local date it is for (`morning/2026-11-27`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IssueId {
    /// The edition.
    pub edition: EditionId,
    /// The date in the site's time zone.
    pub date: NaiveDate,
}

impl IssueId {
    /// Parses `edition/YYYY-MM-DD`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let (edition, date) = raw
            .split_once('/')
            .ok_or_else(|| format!("{raw:?} is not an issue id such as morning/2026-11-27"))?;
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|e| format!("{raw:?}: bad date: {e}"))?;
        Ok(IssueId {
            edition: EditionId::parse(edition)?,
            date,
        })
    }
}

impl fmt::Display for IssueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.edition, self.date.format("%Y-%m-%d"))
    }
}

/// Why a story sits where it does: the parts of its score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The product of the factors below.
    pub total: f64,
    /// The source's weight.
    pub weight: f64,
    /// Hours since publication when the issue was built.
    pub age_hours: f64,
    /// `2^(−age / half_life)`.
    pub recency: f64,
    /// Most-read value in [0, 1].
    pub most_read: f64,
    /// `1 + α·most_read`.
    pub most_read_factor: f64,
    /// Distinct outlets carrying the story.
    pub outlets: u32,
    /// `1 + β·ln(outlets)`.
    pub outlets_factor: f64,
}

/// Another outlet's version of the same story ("also in").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlsoIn {
    /// The outlet's name.
    pub outlet: String,
    /// Its source.
    pub source: SourceId,
    /// Its story id.
    pub story: StoryId,
    /// Its headline.
    pub title: String,
    /// Its link.
    pub url: Option<String>,
}

/// How an editor moved a story.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Placed {
    /// By its score.
    Score,
    /// Pinned by an editor.
    Pinned,
}

/// One story chosen for the issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pick {
    /// The representative story of its group.
    pub story: Story,
    /// The outlet that published it.
    pub outlet: String,
    /// Its score and the factors of it.
    pub score: Score,
    /// The same story in other outlets.
    pub also_in: Vec<AlsoIn>,
    /// Its best position in a most-read list in the window, if any.
    pub most_read_rank: Option<u32>,
    /// Whether the score or an editor put it here.
    pub placed: Placed,
    /// Earlier stories of the same storyline, not of this event ("Read also"), newest
    /// first; empty for most-read picks and when the edition turns it off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read_also: Vec<ReadAlso>,
}

/// An earlier story of the same storyline as a pick ("Read also").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReadAlso {
    /// The outlet's name.
    pub outlet: String,
    /// Its story id.
    pub story: StoryId,
    /// Its headline.
    pub title: String,
    /// Its link.
    pub url: Option<String>,
    /// When it was published.
    pub published: DateTime<Utc>,
}

/// One section of an issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionBlock {
    /// The section.
    pub id: SectionId,
    /// Its heading.
    pub title: String,
    /// Its stories, best first.
    pub picks: Vec<Pick>,
}

/// A story that was considered and left out, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeftOut {
    /// The story.
    pub story: StoryId,
    /// Its headline.
    pub title: String,
    /// Its link.
    pub url: Option<String>,
    /// Its outlet.
    pub outlet: String,
    /// Its section, if it had one.
    pub section: Option<SectionId>,
    /// Its score, if it could be scored.
    pub score: Option<f64>,
    /// Why it is not in the issue, in words.
    pub reason: String,
}

/// An issue of the digest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    /// Which issue.
    pub id: IssueId,
    /// The edition's title, e.g. "Morning Review".
    pub title: String,
    /// The instant it was built for.
    pub built_at: DateTime<Utc>,
    /// The start of the window stories were taken from.
    pub window_start: DateTime<Utc>,
    /// "Top stories": the lead block.
    pub lead: Vec<Pick>,
    /// The sections, in reading order.
    pub sections: Vec<SectionBlock>,
    /// The "Most read" block.
    pub most_read: Vec<Pick>,
    /// The near misses and every story that could not be ranked, with the reason.
    pub left_out: Vec<LeftOut>,
}

impl Issue {
    /// Every pick in reading order: lead, sections, most read.
    pub fn picks(&self) -> impl Iterator<Item = &Pick> {
        self.lead
            .iter()
            .chain(self.sections.iter().flat_map(|s| s.picks.iter()))
            .chain(self.most_read.iter())
    }

    /// Every story the issue carries, the "also in" versions included.
    pub fn story_ids(&self) -> impl Iterator<Item = &StoryId> {
        self.picks()
            .flat_map(|p| std::iter::once(&p.story.id).chain(p.also_in.iter().map(|a| &a.story)))
    }
}

/// What the archive's index shows of a frozen issue, read without loading its body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssueSummary {
    /// Which issue.
    pub id: IssueId,
    /// The edition's title when it was built.
    pub title: String,
    /// The instant it was built for.
    pub built_at: DateTime<Utc>,
    /// Stories it carries: lead, sections and most read together.
    pub story_count: usize,
    /// The headlines of its lead block, in order.
    pub lead: Vec<String>,
}

impl IssueSummary {
    /// The summary of `edition` (what the store computes in SQL, for a loaded issue).
    pub fn of(edition: &Issue) -> Self {
        IssueSummary {
            id: edition.id.clone(),
            title: edition.title.clone(),
            built_at: edition.built_at,
            story_count: edition.picks().count(),
            lead: edition.lead.iter().map(|p| p.story.title.clone()).collect(),
        }
    }
}

/// An editor's decision about one story of one issue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    /// The story's canonical URL (any outlet's version of it).
    pub url: String,
    /// What to do with it.
    pub action: OverrideAction,
}

/// Pin or drop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OverrideAction {
    /// Put it in the lead block (`lead`) or keep it in its section, at `position`
    /// (1-based; `None`: first).
    Pin {
        /// In the lead block rather than its section.
        lead: bool,
        /// 1-based position in that block.
        position: Option<u32>,
    },
    /// Leave it out of the issue.
    Drop,
}
