//! "Most read": the rankings an issue shows, one per span (now, today, this week),
//! as the seed's box with its three tabs. Each is a numbered list of stories.

use chrono::Duration;
use serde::{Deserialize, Deserializer, Serialize};

use super::{Pick, StoryId};

/// The span a most-read ranking covers, ending at the instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadWindow {
    /// The latest readings: the last 3 hours.
    Now,
    /// The last 24 hours.
    Today,
    /// The last 7 days.
    Week,
}

impl ReadWindow {
    /// Every span, in the order the seed's tabs show them.
    pub const ALL: [ReadWindow; 3] = [ReadWindow::Now, ReadWindow::Today, ReadWindow::Week];

    /// How far back it reaches from the instant.
    pub fn span(self) -> Duration {
        match self {
            ReadWindow::Now => Duration::hours(3),
            ReadWindow::Today => Duration::hours(24),
            ReadWindow::Week => Duration::days(7),
        }
    }

    /// Its name in configuration and JSON: `now`, `today`, `week`.
    pub fn name(self) -> &'static str {
        match self {
            ReadWindow::Now => "now",
            ReadWindow::Today => "today",
            ReadWindow::Week => "week",
        }
    }

    /// Parses a configured name.
    pub fn parse(raw: &str) -> Result<ReadWindow, String> {
        Self::ALL
            .into_iter()
            .find(|w| w.name() == raw)
            .ok_or_else(|| format!("unknown {raw:?}; expected \"now\", \"today\" or \"week\""))
    }
}

/// One most-read ranking of an issue, numbered 1..n.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MostReadList {
    /// The span it ranks.
    pub window: ReadWindow,
    /// Its stories, most read first; `rank` runs 1..n.
    pub entries: Vec<MostReadEntry>,
}

/// One story in a most-read ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MostReadEntry {
    /// Its place, from 1.
    pub rank: u32,
    /// The story (the representative of its group, where it is in the window).
    pub story: StoryId,
    /// The story's headline, plain text, copied from the story when the issue was built.
    pub title: String,
    /// The story's canonical URL; `None` when its entry had no article link.
    pub url: Option<String>,
    /// The outlet that published it.
    pub outlet: String,
}

/// Reads an issue's `most_read`: the lists, or, in an issue frozen before there were
/// lists, the one block of picks it carried (as one list of the last 24 hours).
pub(super) fn lists_or_picks<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<MostReadList>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Lists(Vec<MostReadList>),
        Picks(Vec<Pick>),
    }
    Ok(match Stored::deserialize(deserializer)? {
        Stored::Lists(lists) => lists,
        Stored::Picks(picks) if picks.is_empty() => Vec::new(),
        Stored::Picks(picks) => vec![MostReadList {
            window: ReadWindow::Today,
            entries: (picks.into_iter().enumerate())
                .map(|(i, p)| MostReadEntry {
                    rank: i as u32 + 1,
                    story: p.story.id,
                    title: p.story.title,
                    url: p.story.url,
                    outlet: p.outlet,
                })
                .collect(),
        }],
    })
}
