//! An issue of the digest as the rank stage built it: what every later stage
//! (render, deliver, the archive, `explain`) reads, and what the store freezes.

use std::{
    collections::{BTreeMap, HashMap},
    fmt,
};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::{EditionId, MostReadList, SectionId, SourceId, Story, StoryId};

/// Identifies one issue: an edition, the local date it is for, and, for an edition
/// that fires more than once a day, the local time of its fire
/// (`morning/2026-11-27`, `evening/2026-11-27T19:00`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IssueId {
    /// The edition it is an issue of.
    pub edition: EditionId,
    /// The date in the site's time zone.
    pub date: NaiveDate,
    /// The local time of the fire, for editions that fire more than once a day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<NaiveTime>,
}

impl IssueId {
    /// Parses `edition/YYYY-MM-DD`, `edition/YYYY-MM-DDTHH:MM` or the path form
    /// `edition/YYYY-MM-DD-HHMM`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let (edition, when) = raw.split_once('/').ok_or_else(|| {
            format!(
                "{raw:?} is not an issue id such as morning/2026-11-27 or evening/2026-11-27T19:00"
            )
        })?;
        let (date, time) = match when.len() {
            10 => (when, None),
            16 if when.as_bytes()[10] == b'T' => (&when[..10], Some(&when[11..])),
            15 if when.as_bytes()[10] == b'-' => (&when[..10], Some(&when[11..])),
            _ => {
                return Err(format!(
                    "{raw:?}: expected a date YYYY-MM-DD, optionally with a time THH:MM"
                ));
            }
        };
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|e| format!("{raw:?}: bad date: {e}"))?;
        let time = time
            .map(|t| {
                NaiveTime::parse_from_str(t, "%H:%M")
                    .or_else(|_| NaiveTime::parse_from_str(t, "%H%M"))
                    .map_err(|e| format!("{raw:?}: bad time: {e}"))
            })
            .transpose()?;
        Ok(IssueId {
            edition: EditionId::parse(edition)?,
            date,
            time,
        })
    }

    /// The issue's place in the archive, safe in a path and a URL:
    /// `morning/2026-11-27`, `evening/2026-11-27-1900`.
    pub fn path(&self) -> String {
        format!("{}/{}", self.edition, self.stamp('-', "%H%M"))
    }

    /// The date, and the time where there is one, joined by `sep`.
    fn stamp(&self, sep: char, time: &str) -> String {
        let date = self.date.format("%Y-%m-%d");
        match self.time {
            Some(t) => format!("{date}{sep}{}", t.format(time)),
            None => date.to_string(),
        }
    }

    /// The date and time packed for an identifier: `20261127` or `202611271900`.
    pub fn compact(&self) -> String {
        let date = self.date.format("%Y%m%d");
        match self.time {
            Some(t) => format!("{date}{}", t.format("%H%M")),
            None => date.to_string(),
        }
    }
}

impl fmt::Display for IssueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.edition, self.stamp('T', "%H:%M"))
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
    /// The source that carried that version.
    pub source: SourceId,
    /// Its story id.
    pub story: StoryId,
    /// That version's headline, as plain text.
    pub title: String,
    /// That version's canonical URL; `None` when its entry had no article link.
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
    /// Its place in the issue's first most-read ranking, where it is listed there: the
    /// badge "#k most read now" (each k at most once in an issue).
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
    /// The earlier story's headline, plain text, as it ran then.
    pub title: String,
    /// Its canonical URL; `None` when its entry had no article link.
    pub url: Option<String>,
    /// When it was published.
    pub published: DateTime<Utc>,
}

/// One section of an issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectionBlock {
    /// The configured section it fills.
    pub id: SectionId,
    /// The section's heading as readers see it, frozen with the issue.
    pub title: String,
    /// Its heading in other languages (`title = { en = "World", ru = "В мире" }`),
    /// by language tag; empty when it has one title.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub titles: BTreeMap<String, String>,
    /// Its stories, best first.
    pub picks: Vec<Pick>,
}

impl SectionBlock {
    /// Its heading in `language`, or in its base language, else the default one.
    pub fn title_in(&self, language: &crate::i18n::Language) -> &str {
        (self.titles.get(language.as_str()))
            .or_else(|| self.titles.get(language.base().as_str()))
            .unwrap_or(&self.title)
    }
}

/// A story that was considered and left out, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeftOut {
    /// The story left out.
    pub story: StoryId,
    /// Its headline, for the explain table.
    pub title: String,
    /// Its canonical URL, if it has one (pins and drops name stories by it).
    pub url: Option<String>,
    /// The name of the outlet that published it.
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
    /// The "Most read" rankings (now, today, this week, as the edition shows them).
    #[serde(deserialize_with = "super::most_read::lists_or_picks")]
    pub most_read: Vec<MostReadList>,
    /// The near misses and every story that could not be ranked, with the reason.
    pub left_out: Vec<LeftOut>,
}

impl Issue {
    /// The stories it carries in the lead and the sections (what makes it worth
    /// sending; the most-read lists point at stories, they do not carry them).
    pub fn story_count(&self) -> usize {
        self.lead.len() + self.sections.iter().map(|s| s.picks.len()).sum::<usize>()
    }

    /// Every pick in reading order: lead, then sections.
    pub fn picks(&self) -> impl Iterator<Item = &Pick> {
        self.lead
            .iter()
            .chain(self.sections.iter().flat_map(|s| s.picks.iter()))
    }

    /// [`Issue::picks`], to change them.
    pub fn picks_mut(&mut self) -> impl Iterator<Item = &mut Pick> {
        self.lead
            .iter_mut()
            .chain(self.sections.iter_mut().flat_map(|s| s.picks.iter_mut()))
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
    /// Stories it carries in the lead and the sections.
    pub story_count: usize,
    /// The headlines of its lead block, in order.
    pub lead: Vec<String>,
}

impl IssueSummary {
    /// The summary of `edition` (what the store reads of a stored body, for a loaded issue).
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

/// What earlier issues of an edition carried, so that no story repeats: read from
/// the store, handed to rank.
#[derive(Clone, Debug, Default)]
pub struct Sent {
    /// Story → the issue that carried it.
    pub stories: HashMap<StoryId, IssueId>,
    /// Canonical URL → the issue that carried it.
    pub urls: HashMap<String, IssueId>,
}
