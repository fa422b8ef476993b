//! Selection: scored groups → the blocks of an issue, with the editor's overrides
//! applied and a reason kept for every near miss.
//!
//! Order of business: drops and stories already sent are set aside; the lead block
//! takes the best groups of any carried section (pins to the lead at their
//! positions); each section then takes its best remaining groups (pins to it first),
//! so that a story appears once per issue. The next few groups of each section are
//! near misses. (The most-read rankings point at stories: `most_read.rs`.)
//!
//! Works on positions in the ranked groups: a group becomes a [`Pick`] (and its
//! story is cloned) only when it is picked.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{
    Input,
    group::{Group, Ranked},
    left,
};
use crate::model::{Issue, IssueId, LeftOut, OverrideAction, Pick, Placed, SectionBlock};

/// Near misses kept per section.
const NEAR_MISSES: usize = 3;

/// Where an editor pinned a group: to the lead or not, at a 1-based position.
type Pin = (bool, Option<u32>);

/// The groups still to place, in score order.
struct Pool<'r> {
    groups: Vec<&'r Group>,
    /// The editor's pin of each group, if any.
    pins: Vec<Option<Pin>>,
    taken: Vec<bool>,
}

pub(super) fn select(input: &Input<'_>, ranked: &Ranked<'_>, left_out: &mut Vec<LeftOut>) -> Issue {
    let mut pool = pool(input, ranked, left_out);
    let lead = block(
        input,
        ranked,
        &mut pool,
        input.edition.lead,
        |_, pin| match pin {
            Some((true, position)) => Slot::Pinned(position),
            Some((false, _)) => Slot::Skip,
            None => Slot::Open,
        },
    );
    let mut sections = Vec::new();
    for (id, count) in &input.edition.sections {
        let section = (input.edition.sections.iter())
            .position(|(s, _)| s == id)
            .unwrap_or_default() as u32;
        let picks = block(input, ranked, &mut pool, *count, |g, pin| {
            match (g.section == section, pin) {
                (false, _) => Slot::Skip,
                (true, Some((false, position))) => Slot::Pinned(position),
                (true, _) => Slot::Open,
            }
        });
        let misses = (0..pool.groups.len())
            .filter(|&k| !pool.taken[k] && pool.groups[k].section == section)
            .take(NEAR_MISSES);
        for k in misses {
            let last = picks.last().map_or(0.0, |p| p.score.total);
            let reason =
                format!("below the cut in {id}: {count} stories, the last scoring {last:.3}");
            let miss = pool.groups[k];
            left_out.push(left(input.plan, ranked.rep(miss), Some(miss.total), reason));
        }
        let configured = input.plan.section(id);
        let title = configured.map_or_else(|| id.to_string(), |s| s.title.clone());
        let titles = configured.map(|s| s.titles.clone()).unwrap_or_default();
        sections.push(SectionBlock {
            id: id.clone(),
            title,
            titles,
            picks,
        });
    }
    Issue {
        id: input.issue.clone(),
        title: input.edition.title.clone(),
        built_at: input.now,
        window_start: input.now,
        lead,
        sections,
        most_read: Vec::new(),
        left_out: Vec::new(),
    }
}

/// The groups that may be placed, in score order, with their pins; the dropped ones
/// and those already sent go to `left_out`.
fn pool<'r>(input: &Input<'_>, ranked: &'r Ranked<'_>, left_out: &mut Vec<LeftOut>) -> Pool<'r> {
    let (mut dropped, mut pinned) = (FxHashSet::default(), FxHashMap::default());
    for o in input.overrides {
        match o.action {
            OverrideAction::Drop => {
                dropped.insert(o.url.as_str());
            }
            OverrideAction::Pin { lead, position } => {
                let order = pinned.len();
                pinned
                    .entry(o.url.as_str())
                    .or_insert((order, (lead, position)));
            }
        }
    }
    let sent_urls: FxHashMap<&str, &IssueId> = (input.sent.urls.iter())
        .map(|(u, i)| (u.as_str(), i))
        .collect();
    let sent_stories: FxHashMap<&str, &IssueId> = (input.sent.stories.iter())
        .map(|(s, i)| (s.as_str(), i))
        .collect();
    let mut pool = Pool {
        groups: Vec::with_capacity(ranked.groups.len()),
        pins: Vec::new(),
        taken: Vec::new(),
    };
    for group in &ranked.groups {
        if !ranked.fresh(group) {
            // Every report of it came before this issue's window: an earlier issue's
            // to carry (or to have left out).
            continue;
        }
        let rep = ranked.rep(group);
        let mut sent = None;
        if !sent_urls.is_empty() {
            sent = ranked.urls(group).find_map(|u| sent_urls.get(u).copied());
        }
        if sent.is_none() && !sent_stories.is_empty() {
            sent = sent_stories.get(rep.id.as_str()).copied();
        }
        if !dropped.is_empty() && ranked.urls(group).any(|u| dropped.contains(u)) {
            let reason = "dropped by the editor".to_owned();
            left_out.push(left(input.plan, rep, Some(group.total), reason));
        } else if let Some(issue) = sent {
            let reason = format!("already in {issue}");
            left_out.push(left(input.plan, rep, Some(group.total), reason));
        } else {
            // The first pin (in the editor's order) of any member's URL.
            let pin = (!pinned.is_empty())
                .then(|| ranked.urls(group).filter_map(|u| pinned.get(u)).min())
                .flatten()
                .map(|&(_, pin)| pin);
            pool.groups.push(group);
            pool.pins.push(pin);
        }
    }
    pool.taken = vec![false; pool.groups.len()];
    pool
}

/// How a group stands towards a block.
enum Slot {
    /// Not for this block.
    Skip,
    /// Pinned here, at a 1-based position (`None`: first).
    Pinned(Option<u32>),
    /// Eligible by score.
    Open,
}

/// Takes a block of `size` from `pool` (in score order): every pinned group, then the
/// best open ones; pins go to their positions.
fn block(
    input: &Input<'_>,
    ranked: &Ranked<'_>,
    pool: &mut Pool<'_>,
    size: usize,
    slot: impl Fn(&Group, Option<Pin>) -> Slot,
) -> Vec<Pick> {
    let mut pinned: Vec<(u32, usize)> = Vec::new();
    for k in 0..pool.groups.len() {
        if pool.pins[k].is_none() || pool.taken[k] {
            continue;
        }
        if let Slot::Pinned(position) = slot(pool.groups[k], pool.pins[k]) {
            pinned.push((position.unwrap_or(1).max(1), k));
            pool.taken[k] = true;
        }
    }
    let mut picks: Vec<Pick> = Vec::new();
    for k in 0..pool.groups.len() {
        if picks.len() + pinned.len() >= size {
            break;
        }
        if !pool.taken[k] && matches!(slot(pool.groups[k], pool.pins[k]), Slot::Open) {
            pool.taken[k] = true;
            picks.push(ranked.pick(input, pool.groups[k], Placed::Score));
        }
    }
    pinned.sort_by_key(|(position, _)| *position);
    for (position, k) in pinned {
        let at = (position as usize - 1).min(picks.len());
        picks.insert(at, ranked.pick(input, pool.groups[k], Placed::Pinned));
    }
    picks
}
