//! Selection: scored groups → the blocks of an issue, with the editor's overrides
//! applied and a reason kept for every near miss.
//!
//! Order of business: drops and stories already sent are set aside; the lead block
//! takes the best groups of any carried section (pins to the lead at their
//! positions); each section then takes its best remaining groups (pins to it first);
//! the most-read block takes the most-read of what is left, so that a story appears
//! once per issue. The next few groups of each section are near misses.

use std::collections::HashSet;

use super::{Group, Input, left};
use crate::model::{Edition, LeftOut, OverrideAction, Pick, Placed, SectionBlock};

/// Near misses kept per section.
const NEAR_MISSES: usize = 3;

pub(super) fn select(
    input: &Input<'_>,
    groups: Vec<Group<'_>>,
    left_out: &mut Vec<LeftOut>,
) -> Edition {
    let plan = input.plan;
    let dropped: HashSet<&str> = input
        .overrides
        .iter()
        .filter(|o| o.action == OverrideAction::Drop)
        .map(|o| o.url.as_str())
        .collect();
    let mut pool: Vec<Option<Group<'_>>> = Vec::with_capacity(groups.len());
    for group in groups {
        let sent = group
            .urls
            .iter()
            .find_map(|u| input.sent.urls.get(*u))
            .or_else(|| input.sent.stories.get(&group.rep.id));
        if group.urls.iter().any(|u| dropped.contains(u)) {
            left_out.push(left(
                plan,
                group.rep,
                Some(group.score.total),
                "dropped by the editor".to_owned(),
            ));
        } else if let Some(issue) = sent {
            left_out.push(left(
                plan,
                group.rep,
                Some(group.score.total),
                format!("already in {issue}"),
            ));
        } else {
            pool.push(Some(group));
        }
    }
    let pin_of = |group: &Group<'_>| {
        input.overrides.iter().find_map(|o| match o.action {
            OverrideAction::Pin { lead, position } if group.urls.contains(&o.url.as_str()) => {
                Some((lead, position))
            }
            _ => None,
        })
    };

    let lead = block(&mut pool, input.edition.lead, |g| match pin_of(g) {
        Some((true, position)) => Slot::Pinned(position),
        Some((false, _)) => Slot::Skip,
        None => Slot::Open,
    });
    let mut sections = Vec::new();
    for (id, count) in &input.edition.sections {
        let picks = block(&mut pool, *count, |g| match (g.section == id, pin_of(g)) {
            (false, _) => Slot::Skip,
            (true, Some((false, position))) => Slot::Pinned(position),
            (true, _) => Slot::Open,
        });
        for miss in pool
            .iter()
            .flatten()
            .filter(|g| g.section == id)
            .take(NEAR_MISSES)
        {
            let last = picks.last().map_or(0.0, |p| p.score.total);
            let reason =
                format!("below the cut in {id}: {count} stories, the last scoring {last:.3}");
            left_out.push(left(plan, miss.rep, Some(miss.score.total), reason));
        }
        let title = plan
            .section(id)
            .map_or_else(|| id.to_string(), |s| s.title.clone());
        sections.push(SectionBlock {
            id: id.clone(),
            title,
            picks,
        });
    }
    let most_read = most_read_block(&mut pool, input.edition.most_read);
    Edition {
        id: input.issue.clone(),
        title: input.edition.title.clone(),
        built_at: input.now,
        window_start: input.now,
        lead,
        sections,
        most_read,
        left_out: Vec::new(),
    }
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
fn block<'a>(
    pool: &mut [Option<Group<'a>>],
    size: usize,
    slot: impl Fn(&Group<'a>) -> Slot,
) -> Vec<Pick> {
    let mut pinned: Vec<(u32, Group<'a>)> = Vec::new();
    for entry in pool.iter_mut() {
        if let Some(group) = entry
            && let Slot::Pinned(position) = slot(group)
        {
            pinned.push((position.unwrap_or(1).max(1), entry.take().expect("present")));
        }
    }
    let mut picks: Vec<Pick> = Vec::new();
    for entry in pool.iter_mut() {
        if picks.len() + pinned.len() >= size {
            break;
        }
        if entry
            .as_ref()
            .is_some_and(|g| matches!(slot(g), Slot::Open))
        {
            picks.push(pick(entry.take().expect("present"), Placed::Score));
        }
    }
    pinned.sort_by_key(|(position, _)| *position);
    for (position, group) in pinned {
        let at = (position as usize - 1).min(picks.len());
        picks.insert(at, pick(group, Placed::Pinned));
    }
    picks
}

/// The most-read of the remaining groups (read at all), most read first.
fn most_read_block(pool: &mut [Option<Group<'_>>], size: usize) -> Vec<Pick> {
    let mut read: Vec<usize> = pool
        .iter()
        .enumerate()
        .filter(|(_, g)| g.as_ref().is_some_and(|g| g.score.most_read > 0.0))
        .map(|(i, _)| i)
        .collect();
    let key = |i: &usize| pool[*i].as_ref().map_or(0.0, |g| g.score.most_read);
    // Stable: equal values keep score order.
    read.sort_by(|a, b| key(b).total_cmp(&key(a)));
    read.into_iter()
        .take(size)
        .map(|i| pick(pool[i].take().expect("present"), Placed::Score))
        .collect()
}

fn pick(group: Group<'_>, placed: Placed) -> Pick {
    Pick {
        story: group.rep.clone(),
        outlet: group.outlet.to_owned(),
        score: group.score,
        also_in: group.also_in,
        most_read_rank: group.most_read_rank,
        placed,
    }
}
