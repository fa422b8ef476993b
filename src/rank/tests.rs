//! Properties of ranking and selection, on generated issues.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};

mod split;

use super::{Input, build};
use crate::{
    config::{self, EditionPlan, Plan},
    model::{
        EditionId, Issue, IssueId, Measure, Override, OverrideAction, SectionId, Sent, SignalEntry,
        SignalId, SignalSnapshot, SourceId, Story, StoryId,
    },
};

thread_local! {
    /// How many stories (or groups) the filter and scoring split from on this
    /// test's thread, if not [`super::PARALLEL_FROM`].
    pub(super) static SPLIT_FROM: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

const NOW: &str = "2026-11-27T06:00:00Z";

fn plan() -> Plan {
    let text = r#"
[[sections]]
id = "politics"
title = "Politics"
[[sections]]
id = "sport"
title = "Sport"
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
lead = 2
most_read = 2
stories = { politics = 3, sport = 3 }
"#;
    config::parse(text, std::path::Path::new("/tmp/pressroom.toml")).unwrap()
}

fn story(n: usize, source: &str, section: &str, hours_ago: f64) -> Story {
    Story {
        id: StoryId(format!("s{n:04}")),
        source: SourceId::parse(source).unwrap(),
        guid: None,
        url: Some(format!("https://{source}.example/{n}")),
        // Words no other story shares, so that clustering leaves every story alone.
        title: format!("{} {} {}", word(n), word(n + 10_000), word(n + 20_000)),
        summary_html: String::new(),
        excerpt: String::new(),
        image: None,
        authors: Vec::new(),
        topics: Vec::new(),
        section: Some(SectionId::parse(section).unwrap()),
        published: at(NOW) - Duration::seconds((hours_ago * 3600.0) as i64),
        updated: None,
        first_seen: at(NOW),
        dated: true,
    }
}

/// A made-up word, unique to `n`.
fn word(n: usize) -> String {
    let mut n = n;
    let mut word = String::from("q");
    for _ in 0..5 {
        word.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    word
}

fn snapshot(urls: &[String]) -> SignalSnapshot {
    SignalSnapshot {
        signal: SignalId::parse("mr").unwrap(),
        taken_at: at(NOW) - Duration::hours(1),
        measure: Measure::Rank,
        entries: urls
            .iter()
            .enumerate()
            .map(|(i, u)| SignalEntry {
                url: u.clone(),
                rank: i as u32 + 1,
                views: None,
            })
            .collect(),
    }
}

fn issue(edition: &EditionPlan) -> IssueId {
    IssueId {
        edition: edition.id.clone(),
        date: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        time: None,
    }
}

fn run(
    plan: &Plan,
    edition: &EditionPlan,
    stories: &[Story],
    snapshots: &[SignalSnapshot],
    sent: &Sent,
    overrides: &[Override],
) -> Issue {
    build(&Input {
        plan,
        edition,
        issue: issue(edition),
        now: at(NOW),
        window: crate::rank::Window::first(at(NOW), edition.window),
        stories,
        snapshots,
        readings: crate::rank::Readings { snapshots, stories },
        sent,
        earlier: &[],
        kept: Default::default(),
        overrides,
    })
}

/// An edition that lists every story of one section in score order.
fn everything(plan: &Plan) -> EditionPlan {
    let mut edition = plan.editions[0].clone();
    edition.lead = 0;
    edition.most_read = 0;
    edition.sections = vec![(SectionId::parse("politics").unwrap(), 10_000)];
    edition
}

fn position(edition: &Issue, id: &str) -> usize {
    edition.sections[0]
        .picks
        .iter()
        .position(|p| p.story.id.0 == id)
        .expect("listed")
}

/// A generated field of `n` politics stories from both sources, of random ages.
fn field(seed: u64, n: usize) -> Vec<Story> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..n)
        .map(|i| {
            story(
                i,
                if rng.bool() { "wire" } else { "paper" },
                "politics",
                rng.f64() * 23.0,
            )
        })
        .collect()
}

#[test]
fn more_most_read_never_ranks_lower() {
    let plan = plan();
    let edition = everything(&plan);
    for seed in 0..40 {
        let stories = field(seed, 30);
        let mut rng = fastrand::Rng::with_seed(seed + 1000);
        let target = rng.usize(..stories.len());
        let mut others: Vec<String> = stories.iter().filter_map(|s| s.url.clone()).collect();
        rng.shuffle(&mut others);
        others.retain(|u| Some(u) != stories[target].url.as_ref());
        others.truncate(10);
        let without = run(
            &plan,
            &edition,
            &stories,
            &[snapshot(&others)],
            &Sent::default(),
            &[],
        );
        // The same list with the target read more: inserted at a random rank.
        let mut with = others.clone();
        with.insert(
            rng.usize(..=with.len()),
            stories[target].url.clone().unwrap(),
        );
        let with = run(
            &plan,
            &edition,
            &stories,
            &[snapshot(&with)],
            &Sent::default(),
            &[],
        );
        let id = &stories[target].id.0;
        assert!(
            position(&with, id) <= position(&without, id),
            "seed {seed}: read more, ranked lower"
        );
    }
}

#[test]
fn older_never_ranks_higher() {
    let plan = plan();
    let edition = everything(&plan);
    for seed in 0..40 {
        let stories = field(seed, 30);
        let target = fastrand::Rng::with_seed(seed).usize(..stories.len());
        let before = run(&plan, &edition, &stories, &[], &Sent::default(), &[]);
        let mut aged = stories.clone();
        // Older, but still inside the 24-hour window (the field is at most 23 h old).
        aged[target].published -= Duration::minutes(1 + (seed as i64 * 37) % 55);
        let after = run(&plan, &edition, &aged, &[], &Sent::default(), &[]);
        let id = &stories[target].id.0;
        assert!(
            position(&after, id) >= position(&before, id),
            "seed {seed}: older, ranked higher"
        );
    }
}

#[test]
fn a_story_appears_once_and_order_does_not_depend_on_input_order() {
    let plan = plan();
    let edition = &plan.editions[0];
    let mut stories = field(7, 40);
    stories.extend((100..120).map(|n| story(n, "paper", "sport", (n % 20) as f64)));
    let reads: Vec<String> = stories
        .iter()
        .step_by(3)
        .filter_map(|s| s.url.clone())
        .collect();
    let snapshots = [snapshot(&reads)];
    let first = run(&plan, edition, &stories, &snapshots, &Sent::default(), &[]);
    let mut seen = HashSet::new();
    for id in first.story_ids() {
        assert!(seen.insert(id.clone()), "{id} appears twice");
    }
    assert_eq!(first.lead.len(), 2);
    // Three rankings (now, today, this week), two stories each, numbered 1 and 2.
    assert_eq!(first.most_read.len(), 3);
    for list in &first.most_read {
        let ranks: Vec<u32> = list.entries.iter().map(|e| e.rank).collect();
        assert_eq!(ranks, [1, 2], "{:?}", list.window);
    }
    assert!(first.sections.iter().all(|s| s.picks.len() == 3));
    for seed in 0..5 {
        let mut shuffled = stories.clone();
        fastrand::Rng::with_seed(seed).shuffle(&mut shuffled);
        assert_eq!(
            run(&plan, edition, &shuffled, &snapshots, &Sent::default(), &[]),
            first
        );
    }
}

#[test]
fn stories_already_sent_unrankable_or_dropped_are_reported_not_lost() {
    let plan = plan();
    let edition = &plan.editions[0];
    let mut stories = field(3, 12);
    let mut undated = story(500, "wire", "politics", 1.0);
    undated.dated = false;
    let mut unplaced = story(501, "paper", "politics", 1.0);
    unplaced.section = None;
    unplaced.topics = vec!["Weather".to_owned()];
    stories.extend([undated, unplaced]);
    let yesterday = IssueId {
        edition: EditionId::parse("morning").unwrap(),
        date: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        time: None,
    };
    let mut sent = Sent::default();
    sent.stories
        .insert(stories[0].id.clone(), yesterday.clone());
    let dropped = Override {
        url: stories[1].url.clone().unwrap(),
        action: OverrideAction::Drop,
    };
    let result = run(&plan, edition, &stories, &[], &sent, &[dropped]);
    let reason = |id: &str| {
        result
            .left_out
            .iter()
            .find(|l| l.story.0 == id)
            .map(|l| l.reason.clone())
    };
    assert_eq!(
        reason(&stories[0].id.0).as_deref(),
        Some("already in morning/2026-11-26")
    );
    assert_eq!(
        reason(&stories[1].id.0).as_deref(),
        Some("dropped by the editor")
    );
    assert!(reason("s0500").unwrap().starts_with("no date"));
    assert_eq!(
        reason("s0501").unwrap(),
        "no section: source paper has no rule for categories [\"Weather\"]"
    );
    let picked: HashSet<&StoryId> = result.story_ids().collect();
    for id in ["s0000", "s0001", "s0500", "s0501"] {
        assert!(!picked.contains(&StoryId(id.to_owned())), "{id} was picked");
    }
}

#[test]
fn pins_go_to_their_place() {
    let plan = plan();
    let edition = &plan.editions[0];
    let stories = field(11, 20);
    let plain = run(&plan, edition, &stories, &[], &Sent::default(), &[]);
    // The worst-ranked story, pinned to lead position 2; another pinned first in its section.
    let last = &plain
        .left_out
        .iter()
        .rfind(|l| l.reason.starts_with("below the cut"))
        .unwrap()
        .story;
    let url = |id: &StoryId| {
        stories
            .iter()
            .find(|s| &s.id == id)
            .unwrap()
            .url
            .clone()
            .unwrap()
    };
    let section_pin = &plain.sections[0].picks[2].story.id;
    let overrides = [
        Override {
            url: url(last),
            action: OverrideAction::Pin {
                lead: true,
                position: Some(2),
            },
        },
        Override {
            url: url(section_pin),
            action: OverrideAction::Pin {
                lead: false,
                position: None,
            },
        },
    ];
    let pinned = run(&plan, edition, &stories, &[], &Sent::default(), &overrides);
    assert_eq!(pinned.lead.len(), 2);
    assert_eq!(&pinned.lead[1].story.id, last);
    assert_eq!(pinned.lead[1].placed, crate::model::Placed::Pinned);
    assert_eq!(&pinned.sections[0].picks[0].story.id, section_pin);
}
