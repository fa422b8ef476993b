//! Rank: the stories of an issue's window → an [`Edition`].
//!
//! Pure: data in, data out, no I/O and no clock reads (the caller passes `now`, the
//! stories, the snapshots, what earlier issues sent and the editor's overrides).
//! [`build`] reads like the method: set aside what cannot be ranked, group the same
//! story across outlets ([`cluster`], over [`text`]'s tokens), score each group
//! ([`score`]), then select the lead, the sections and the most-read block
//! (`select.rs`), keeping the reasons for what was left out. [`explain`] turns an edition into the editor's table.

pub mod cluster;
pub mod explain;
pub mod score;
mod select;
pub mod text;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use self::score::MostRead;
use crate::{
    config::{EditionPlan, Plan},
    model::{AlsoIn, Edition, IssueId, LeftOut, Override, Score, SectionId, SignalSnapshot, Story},
    store::Sent,
};

/// Everything one issue is built from.
pub struct Input<'a> {
    /// The configuration (sections, sources' weights and names).
    pub plan: &'a Plan,
    /// The edition being built.
    pub edition: &'a EditionPlan,
    /// The issue's id.
    pub issue: IssueId,
    /// The instant the issue is built for.
    pub now: DateTime<Utc>,
    /// The stories published in the window.
    pub stories: &'a [Story],
    /// The most-read snapshots taken in the window.
    pub snapshots: &'a [SignalSnapshot],
    /// What earlier issues of the edition carried.
    pub sent: &'a Sent,
    /// The editor's pins and drops for this issue.
    pub overrides: &'a [Override],
}

/// A group of stories reporting the same event, scored.
#[derive(Debug)]
pub(crate) struct Group<'a> {
    /// The representative story.
    pub rep: &'a Story,
    /// Its outlet.
    pub outlet: &'a str,
    /// Its section.
    pub section: &'a SectionId,
    /// The other outlets' versions.
    pub also_in: Vec<AlsoIn>,
    /// Every member's URL.
    pub urls: Vec<&'a str>,
    /// The score.
    pub score: Score,
    /// The best most-read rank of any member.
    pub most_read_rank: Option<u32>,
}

/// Builds the issue described by `input`.
pub fn build(input: &Input<'_>) -> Edition {
    let window_start =
        input.now - chrono::Duration::from_std(input.edition.window).unwrap_or_default();
    let carried: BTreeSet<&SectionId> = input.edition.sections.iter().map(|(id, _)| id).collect();
    let mut left_out = Vec::new();
    let mut candidates: Vec<&Story> = Vec::new();
    for story in input.stories {
        if story.published < window_start || story.published > input.now {
            continue;
        }
        match unrankable(input.plan, story) {
            Some(reason) => left_out.push(left(input.plan, story, None, reason)),
            None if story.section.as_ref().is_some_and(|s| carried.contains(s)) => {
                candidates.push(story)
            }
            None => {} // a section this edition does not carry
        }
    }
    // Deterministic order whatever the store returned.
    candidates.sort_by(|a, b| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));
    let most_read = MostRead::from_snapshots(input.snapshots);
    let mut groups = group(input, &candidates, &most_read);
    groups.sort_by(|a, b| {
        b.score
            .total
            .total_cmp(&a.score.total)
            .then_with(|| b.rep.published.cmp(&a.rep.published))
            .then_with(|| a.rep.id.cmp(&b.rep.id))
    });
    let mut edition = select::select(input, groups, &mut left_out);
    edition.window_start = window_start;
    edition.left_out = left_out;
    edition
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

/// Groups the candidates by event and scores each group.
fn group<'a>(input: &Input<'a>, candidates: &[&'a Story], most_read: &MostRead) -> Vec<Group<'a>> {
    let plan = input.plan;
    // One lookup per story: its outlet's name and weight.
    let info: Vec<(&'a str, f64)> = candidates
        .iter()
        .map(|s| match plan.source(&s.source) {
            Some(source) => (source.name.as_str(), source.weight),
            None => (s.source.as_str(), 1.0),
        })
        .collect();
    let docs: Vec<cluster::Doc<'_>> = candidates
        .iter()
        .zip(&info)
        .map(|(s, (outlet, _))| cluster::Doc {
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
    cluster::cluster(&docs, &options)
        .into_iter()
        .map(|mut members| {
            // The representative: the heaviest source, then the earliest, then by id.
            members.sort_by(|&a, &b| {
                info[b]
                    .1
                    .total_cmp(&info[a].1)
                    .then_with(|| candidates[a].published.cmp(&candidates[b].published))
                    .then_with(|| candidates[a].id.cmp(&candidates[b].id))
            });
            let rep = candidates[members[0]];
            let outlet = info[members[0]].0;
            let urls: Vec<&str> = members
                .iter()
                .filter_map(|&i| candidates[i].url.as_deref())
                .collect();
            // Other outlets' versions, one per outlet (groups are small: a list will do).
            let mut outlets: Vec<&str> = vec![outlet];
            let mut also_in = Vec::new();
            for &i in &members[1..] {
                if !outlets.contains(&info[i].0) {
                    outlets.push(info[i].0);
                    let s = candidates[i];
                    also_in.push(AlsoIn {
                        outlet: info[i].0.to_owned(),
                        source: s.source.clone(),
                        story: s.id.clone(),
                        title: s.title.clone(),
                        url: s.url.clone(),
                    });
                }
            }
            let read = urls.iter().map(|u| most_read.value(u)).fold(0.0, f64::max);
            let most_read_rank = urls.iter().filter_map(|u| most_read.rank(u)).min();
            let score = score::score(
                &input.edition.ranking,
                info[members[0]].1,
                rep.published,
                input.now,
                read,
                outlets.len() as u32,
            );
            Group {
                rep,
                outlet,
                section: rep.section.as_ref().expect("candidates have a section"),
                also_in,
                urls,
                score,
                most_read_rank,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
