//! "Most read": one numbered ranking per span the edition shows (now, today, this
//! week), as the seed's box with its tabs, and the "#k most read" badges.
//!
//! A span's ranking is the latest reading of each signal that ranks that span itself
//! (one tab of a site's box, `window = "now"`): the site's own list is the authority.
//! Where no signal ranks the span itself, it pools the readings taken within the span
//! of every signal that ranks no particular span. The readings merge as the score
//! does: a list entry at rank r of N counts (N − r + 1) / N, a view count
//! ln(1 + views) / ln(1 + the reading's most views); a URL's value is averaged over
//! each signal's readings and the best signal counts. Stories are ordered by that
//! value, then by their best rank, then by URL; an event appears once per ranking (the
//! same story across outlets is one, inside the window as its groups say, and
//! before it as clustering the ranking's own stories says), and only stories the
//! store knows are listed. A
//! story may also appear elsewhere in the issue: the lists point at stories, they do
//! not carry them.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Input, cluster, group::Ranked, score::MostRead};
use crate::model::{
    MostReadEntry, MostReadList, OverrideAction, ReadWindow, SignalSnapshot, Story, StoryId,
};

/// What a most-read URL points at: the story an issue shows for it.
struct Target<'a> {
    /// The representative of its group where it is in the window.
    story: &'a Story,
    outlet: &'a str,
    /// Whether it is a group of the window, whose clustering stands.
    grouped: bool,
}

/// The rankings of the spans `input.edition` shows, numbered 1..n each.
pub(super) fn lists(input: &Input<'_>, ranked: &Ranked<'_>) -> Vec<MostReadList> {
    let size = input.edition.most_read;
    if size == 0 {
        return Vec::new();
    }
    let targets = targets(input, ranked);
    // Spans that read the same snapshots (all readings recent, say) rank alike:
    // merging tens of thousands of entries once is enough.
    let mut last: Option<(Vec<usize>, Vec<MostReadEntry>)> = None;
    let mut lists = Vec::new();
    for &window in &input.edition.most_read_windows {
        let chosen = readings(input, window);
        let entries = match &last {
            Some((same, entries)) if *same == chosen => entries.clone(),
            _ => ranking(input, &targets, &chosen, size),
        };
        lists.push(MostReadList {
            window,
            entries: entries.clone(),
        });
        last = Some((chosen, entries));
    }
    lists
}

/// The badge of each listed story: its place in the first ranking shown.
pub(super) fn badges(lists: &[MostReadList]) -> FxHashMap<&StoryId, u32> {
    (lists.first().into_iter())
        .flat_map(|l| l.entries.iter())
        .map(|e| (&e.story, e.rank))
        .collect()
}

/// Canonical URL → what to show for it: the groups first (every member's URL
/// points at its group's representative), then any other story the readings name.
/// What the editor dropped from the issue is listed nowhere in it.
fn targets<'a>(input: &Input<'a>, ranked: &Ranked<'a>) -> FxHashMap<&'a str, Target<'a>> {
    let mut dropped: FxHashSet<&str> = (input.overrides.iter())
        .filter(|o| matches!(o.action, OverrideAction::Drop))
        .map(|o| o.url.as_str())
        .collect();
    let mut targets = FxHashMap::default();
    for group in &ranked.groups {
        if !dropped.is_empty() && ranked.urls(group).any(|u| dropped.contains(u)) {
            dropped.extend(ranked.urls(group)); // every report of a dropped story
            continue;
        }
        let rep = ranked.rep(group);
        let outlet = ranked.candidates.outlet_names
            [ranked.candidates.outlet[ranked.members(group)[0] as usize] as usize];
        for url in ranked.urls(group) {
            targets.entry(url).or_insert(Target {
                story: rep,
                outlet,
                grouped: true,
            });
        }
    }
    for story in input.readings.stories {
        if let Some(url) = story.url.as_deref().filter(|u| !dropped.contains(u)) {
            targets.entry(url).or_insert_with(|| Target {
                story,
                outlet: super::outlet(input.plan, story),
                grouped: false,
            });
        }
    }
    targets
}

/// The readings that count for `window` (positions in the readings), in the order taken.
fn readings(input: &Input<'_>, window: ReadWindow) -> Vec<usize> {
    let (now, snapshots) = (input.now, input.readings.snapshots);
    let from = now - window.span();
    let spans: Vec<Option<ReadWindow>> = snapshots.iter().map(|s| span_of(input, s)).collect();
    // The latest reading of each signal that ranks this span itself: where there is
    // any, the site's own list is the ranking; else every other reading in the span.
    let latest: FxHashMap<&str, usize> = (snapshots.iter().enumerate())
        .filter(|&(i, s)| spans[i] == Some(window) && s.taken_at <= now)
        .map(|(i, s)| (s.signal.as_str(), i))
        .collect();
    let own = !latest.is_empty();
    (snapshots.iter().enumerate())
        .filter(|&(i, s)| match spans[i] {
            None => !own && s.taken_at > from && s.taken_at <= now,
            Some(w) => w == window && latest.get(s.signal.as_str()) == Some(&i),
        })
        .map(|(i, _)| i)
        .collect()
}

/// The span a snapshot's signal ranks itself, if it is one tab of a site's box
/// (`None`: its readings are pooled over each span, as are those of a signal no
/// longer configured).
fn span_of(input: &Input<'_>, snapshot: &SignalSnapshot) -> Option<ReadWindow> {
    (input.plan.signals.iter())
        .find(|s| s.id == snapshot.signal)
        .and_then(|s| s.window)
}

/// How many stories per place a ranking looks at, for the places other reports of a
/// listed event leave free.
const SPARE: usize = 3;

/// The event of each of `listed`, as a group number: the groups already join
/// the reports inside its window, but a ranking also names stories from before it
/// (a week's list, yesterday's match), which may be another outlet's report of an
/// event the ranking lists; they are clustered again among themselves, by the
/// edition's clustering.
fn events(input: &Input<'_>, listed: &[&Target<'_>]) -> Vec<u32> {
    let docs: Vec<cluster::Doc<'_>> = (listed.iter())
        .map(|t| cluster::Doc {
            outlet: t.outlet,
            url: t.story.url.as_deref(),
            title: &t.story.title,
            summary: &t.story.excerpt,
            published: t.story.published,
        })
        .collect();
    let options = cluster::Options {
        window: input.edition.ranking.cluster_window,
        ..Default::default()
    };
    // Two groups of the window stay two events (the clustering, over the
    // whole window, decided so); a story from before the window joins the first
    // listed story of its group here.
    let partition = cluster::partition(&docs, &options);
    let mut event = vec![0; docs.len()];
    let mut next = partition.len() as u32;
    for (g, members) in partition.groups().enumerate() {
        let mut grouped = false;
        for &i in members {
            let i = i as usize;
            event[i] = if listed[i].grouped && grouped {
                next += 1;
                next - 1
            } else {
                grouped |= listed[i].grouped;
                g as u32
            };
        }
    }
    event
}

/// The `size` most-read stories of the `chosen` readings, numbered from 1, one per
/// event.
fn ranking(
    input: &Input<'_>,
    targets: &FxHashMap<&str, Target<'_>>,
    chosen: &[usize],
    size: usize,
) -> Vec<MostReadEntry> {
    let snapshots = input.readings.snapshots;
    let read = MostRead::from_readings(chosen.iter().map(|&i| &snapshots[i]));
    let mut urls: Vec<(&str, f64, u32)> = read
        .urls()
        .filter(|(url, value, _)| *value > 0.0 && targets.contains_key(url))
        .collect();
    urls.sort_unstable_by(|a, b| (b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)).then(a.0.cmp(b.0)));
    // The most-read stories in order, each once, as many as could fill the ranking
    // after leaving out other reports of an event already listed.
    let mut seen = FxHashSet::default();
    let listed: Vec<&Target<'_>> = (urls.iter())
        .map(|(url, _, _)| &targets[url])
        .filter(|target| seen.insert(&target.story.id))
        .take(size * SPARE)
        .collect();
    let events = events(input, &listed);
    let mut shown = FxHashSet::default();
    let mut entries = Vec::with_capacity(size);
    for (target, event) in listed.into_iter().zip(events) {
        if !shown.insert(event) {
            continue; // another report of an event listed above
        }
        entries.push(MostReadEntry {
            rank: entries.len() as u32 + 1,
            story: target.story.id.clone(),
            title: target.story.title.clone(),
            url: target.story.url.clone(),
            outlet: target.outlet.to_owned(),
        });
        if entries.len() == size {
            break;
        }
    }
    entries
}
