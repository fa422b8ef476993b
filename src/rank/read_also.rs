//! "Read also": under each lead and section pick, up to three earlier stories of the
//! same storyline from the last [`DAYS`] days, never of the same event and never a
//! story already in the issue (as a pick or as "also in").
//!
//! A storyline links events over days (the eviction ban lapses, then a new moratorium);
//! an event is one happening reported by several outlets. The clustering tells them
//! apart ([`cluster::storylines`]): stories in the same group are one event; stories
//! of other groups whose words are close enough are earlier events of the storyline.

use std::collections::HashSet;

use chrono::Duration;

use super::{Input, cluster};
use crate::model::{Issue, Pick, ReadAlso, Story, StoryTokens};

/// How far back "Read also" looks, in days.
pub const DAYS: i64 = 7;

/// At most this many earlier stories per pick.
const MAX: usize = 3;

/// Fills the `read_also` of the issue's lead and section picks from
/// [`Input::earlier`], when the edition wants it.
pub(crate) fn attach(input: &Input<'_>, issue: &mut Issue) {
    if !input.edition.read_also || input.earlier.is_empty() {
        return;
    }
    let taken = taken(issue);
    let mut targets: Vec<&mut Pick> = issue.picks_mut().collect();
    fill(input, &taken, &mut targets);
}

/// The story ids and URLs of an issue: its picks and their "also in", and the stories
/// its most-read rankings name.
pub(super) fn taken(issue: &Issue) -> HashSet<String> {
    let mut taken = HashSet::new();
    for entry in issue.most_read.iter().flat_map(|l| l.entries.iter()) {
        taken.insert(entry.story.to_string());
        taken.extend(entry.url.clone());
    }
    for pick in issue.picks() {
        taken.insert(pick.story.id.to_string());
        taken.extend(pick.story.url.clone());
        for also in &pick.also_in {
            taken.insert(also.story.to_string());
            taken.extend(also.url.clone());
        }
    }
    taken
}

/// Fills the `read_also` of `targets` from [`Input::earlier`], leaving out the
/// stories (by id or URL) in `taken`.
pub(super) fn fill<'a>(input: &Input<'a>, taken: &HashSet<String>, targets: &mut [&mut Pick]) {
    if !input.edition.read_also || input.earlier.is_empty() || targets.is_empty() {
        return;
    }
    let since = input.now - Duration::days(DAYS);
    let (pool, pool_kept): (Vec<&Story>, Vec<Option<&StoryTokens>>) = (input.earlier.iter())
        .enumerate()
        .filter(|(_, s)| s.dated && s.published >= since && s.published <= input.now)
        .filter(|(_, s)| !taken.contains(s.id.as_str()))
        .filter(|(_, s)| s.url.as_deref().is_none_or(|u| !taken.contains(u)))
        .map(|(at, s)| (s, input.kept.earlier.get(at).and_then(Option::as_ref)))
        .unzip();
    if pool.is_empty() {
        return;
    }
    // Borrowed from the plan: one outlet name a story of the week, not a copy each.
    let outlet = |story: &'a Story| -> &'a str {
        (input.plan.source(&story.source)).map_or(story.source.as_str(), |s| s.name.as_str())
    };
    let pick_outlets: Vec<String> = targets.iter().map(|p| p.outlet.clone()).collect();
    let outlets: Vec<&str> = (pick_outlets.iter().map(String::as_str))
        .chain(pool.iter().map(|s| outlet(s)))
        .collect();
    let docs: Vec<cluster::Doc<'_>> = (targets.iter().map(|p| &p.story))
        .chain(pool.iter().copied())
        .zip(&outlets)
        .map(|(s, outlet)| cluster::Doc {
            outlet,
            url: s.url.as_deref(),
            title: &s.title,
            summary: &s.excerpt,
            published: s.published,
        })
        .collect();
    let options = cluster::Options {
        window: input.edition.ranking.cluster_window,
        ..Default::default()
    };
    // The picks are tokenised afresh (a few dozen); the week's stories read their
    // kept tokens.
    let kept: Vec<Option<&StoryTokens>> = (targets.iter().map(|_| None)).chain(pool_kept).collect();
    let found = cluster::storylines(&docs, &kept, targets.len(), &options);
    let first_pool = targets.len();
    for (pick, related) in targets.iter_mut().zip(found) {
        let mut list: Vec<ReadAlso> = (related.into_iter())
            .map(|j| (pool[j - first_pool], &outlets[j]))
            .filter(|(s, _)| s.published < pick.story.published && s.id != pick.story.id)
            .filter(|(s, _)| pick.also_in.iter().all(|a| a.story != s.id))
            .take(MAX)
            .map(|(s, outlet)| ReadAlso {
                outlet: (*outlet).to_owned(),
                story: s.id.clone(),
                title: s.title.clone(),
                url: s.url.clone(),
                published: s.published,
            })
            .collect();
        list.sort_by_key(|r| std::cmp::Reverse(r.published));
        pick.read_also = list;
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use crate::{
        config,
        model::Sent,
        model::{IssueId, SectionId, SourceId, Story, StoryId},
        rank::{Input, build},
    };

    const NOW: &str = "2026-11-27T06:00:00Z";

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(NOW).unwrap().to_utc()
    }

    fn story(id: &str, source: &str, title: &str, hours_ago: i64) -> Story {
        Story {
            id: StoryId(id.to_owned()),
            source: SourceId::parse(source).unwrap(),
            guid: None,
            url: Some(format!("https://{source}.example/{id}")),
            title: title.to_owned(),
            summary_html: String::new(),
            excerpt: String::new(),
            image: None,
            authors: Vec::new(),
            topics: Vec::new(),
            section: Some(SectionId::parse("politics").unwrap()),
            published: now() - chrono::Duration::hours(hours_ago),
            updated: None,
            first_seen: now(),
            dated: true,
        }
    }

    /// The "Read also" of the lead pick of an issue built from `earlier`, with
    /// `read_also` set as given; the window holds the stories of the last 24 hours.
    fn read_also(earlier: &[Story], on: bool) -> Vec<String> {
        let plan = config::parse(
            r#"
[[sections]]
id = "politics"
title = "Politics"
[[sources]]
id = "wire"
name = "Wire"
url = "https://wire.example/rss"
weight = 1.2
[[sources]]
id = "paper"
name = "Paper"
url = "https://paper.example/rss"
[[editions]]
id = "morning"
lead = 1
most_read = 0
"#,
            std::path::Path::new("/tmp/pressroom.toml"),
        )
        .unwrap();
        let mut edition = plan.editions[0].clone();
        edition.read_also = on;
        let window: Vec<Story> = (earlier.iter())
            .filter(|s| s.published > now() - chrono::Duration::hours(24))
            .cloned()
            .collect();
        let issue = build(&Input {
            plan: &plan,
            edition: &edition,
            issue: IssueId::parse("morning/2026-11-27").unwrap(),
            now: now(),
            window: crate::rank::Window::first(now(), edition.window),
            stories: &window,
            snapshots: &[],
            readings: crate::rank::Readings::default(),
            sent: &Sent::default(),
            overrides: &[],
            earlier,
            kept: Default::default(),
        });
        assert_eq!(issue.lead[0].story.id.0, "today", "{:?}", issue.lead[0]);
        (issue.lead[0].read_also.iter())
            .map(|r| r.story.0.clone())
            .collect()
    }

    fn stories() -> Vec<Story> {
        // Other news of the week, so that words have the weights they have in a store.
        let other = [
            "Gold", "Oil", "Wheat", "Copper", "Rates", "Storms", "Floods", "Trains",
        ];
        let filler = (0..40).map(|n| {
            let title = format!("{} story number {n} of the week", other[n % other.len()]);
            story(&format!("other-{n}"), "paper", &title, 30 + 3 * n as i64)
        });
        let mut list = vec![
            story(
                "today",
                "wire",
                "Kestria extends military service to 12 months",
                2,
            ),
            story(
                "same",
                "paper",
                "Kestria extends military service to 12 months, parliament decides",
                3,
            ),
            story(
                "debate",
                "wire",
                "Kestria parliament to debate longer military service",
                72,
            ),
            story(
                "debate-too",
                "paper",
                "Kestria parliament debates longer military service",
                71,
            ),
            story("gold", "wire", "Gold price hits a record high", 48),
            story(
                "old",
                "wire",
                "Kestria military service debate begins in parliament",
                9 * 24,
            ),
        ];
        list.extend(filler);
        list
    }

    #[test]
    fn an_earlier_event_of_the_storyline_once_never_the_same_event_nor_older_than_a_week() {
        let found = read_also(&stories(), true);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("debate"), "{found:?}");
    }

    #[test]
    fn editors_can_turn_it_off() {
        assert!(read_also(&stories(), false).is_empty());
    }
}
