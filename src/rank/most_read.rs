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

use super::{
    Input, cluster,
    group::Ranked,
    score::{MostRead, Numbered, ReadUrls},
};
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

/// The readings of each span the edition shows, merged and ordered before the
/// issue's groups are known (they only filter and name the URLs).
pub(super) struct Spans {
    spans: Vec<Span>,
}

/// One span's readings.
struct Span {
    window: ReadWindow,
    /// The readings that count (positions in the readings).
    chosen: Vec<usize>,
    /// The URL ids with a value, most read first (then by best rank, then by URL).
    order: Vec<u32>,
}

impl Spans {
    /// Merges the readings of each span (`numbered`: the readings, with their URL
    /// ids in `urls`); spans that read the same snapshots are merged once.
    pub fn new(input: &Input<'_>, urls: &ReadUrls<'_>, numbered: &Numbered<'_>) -> Spans {
        let mut spans: Vec<Span> = Vec::new();
        if input.edition.most_read == 0 {
            return Spans { spans };
        }
        for &window in &input.edition.most_read_windows {
            let chosen = readings(input, window);
            let order = match spans.last() {
                Some(last) if last.chosen == chosen => last.order.clone(),
                _ => order(urls, numbered, &chosen),
            };
            spans.push(Span {
                window,
                chosen,
                order,
            });
        }
        Spans { spans }
    }
}

/// The URL ids the `chosen` readings give a value, most read first, then by best
/// rank, then by URL.
fn order(urls: &ReadUrls<'_>, numbered: &Numbered<'_>, chosen: &[usize]) -> Vec<u32> {
    let read = MostRead::from_readings(urls.len(), numbered, chosen.iter().copied());
    let mut listed: Vec<(u32, f64, u32)> = read.listed().filter(|l| l.1 > 0.0).collect();
    listed.sort_unstable_by(|a, b| {
        (b.1.total_cmp(&a.1))
            .then(a.2.cmp(&b.2))
            .then_with(|| urls.url(a.0).cmp(urls.url(b.0)))
    });
    listed.into_iter().map(|l| l.0).collect()
}

/// The rankings of the spans `input.edition` shows, numbered 1..n each.
pub(super) fn lists(
    input: &Input<'_>,
    ranked: &Ranked<'_>,
    urls: &ReadUrls<'_>,
    spans: &Spans,
) -> Vec<MostReadList> {
    let size = input.edition.most_read;
    if size == 0 {
        return Vec::new();
    }
    let targets = targets(input, ranked, urls);
    // Spans that read the same snapshots (all readings recent, say) rank alike:
    // merging tens of thousands of entries once is enough.
    let mut last: Option<(&[usize], Vec<MostReadEntry>)> = None;
    let mut lists = Vec::new();
    for span in &spans.spans {
        let entries = match &last {
            Some((same, entries)) if *same == span.chosen.as_slice() => entries.clone(),
            _ => ranking(input, &targets, &span.order, size),
        };
        lists.push(MostReadList {
            window: span.window,
            entries: entries.clone(),
        });
        last = Some((&span.chosen, entries));
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

/// By URL id ([`ReadUrls`]): what to show for it: the groups first (every
/// member's URL points at its group's representative), then any other story the
/// readings name. What the editor dropped from the issue is listed nowhere in it.
fn targets<'a>(
    input: &Input<'a>,
    ranked: &Ranked<'a>,
    urls: &ReadUrls<'_>,
) -> Vec<Option<Target<'a>>> {
    let mut dropped: FxHashSet<&str> = (input.overrides.iter())
        .filter(|o| matches!(o.action, OverrideAction::Drop))
        .map(|o| o.url.as_str())
        .collect();
    let mut targets: Vec<Option<Target<'a>>> = (0..urls.len()).map(|_| None).collect();
    let c = &ranked.candidates;
    for group in &ranked.groups {
        if !dropped.is_empty() && ranked.urls(group).any(|u| dropped.contains(u)) {
            dropped.extend(ranked.urls(group)); // every report of a dropped story
            continue;
        }
        let members = ranked.members(group);
        for &m in members {
            if let Some(id) = c.read_url[m as usize] {
                targets[id as usize].get_or_insert_with(|| Target {
                    story: ranked.rep(group),
                    outlet: c.outlet_names[c.outlet[members[0] as usize] as usize],
                    grouped: true,
                });
            }
        }
    }
    for story in input.readings.stories {
        let url = story.url.as_deref().filter(|u| !dropped.contains(u));
        if let Some(id) = url.and_then(|u| urls.id(u)) {
            targets[id as usize].get_or_insert_with(|| Target {
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

/// The `size` most-read stories of a span (its URL ids in `order`), numbered from
/// 1, one per event.
fn ranking(
    input: &Input<'_>,
    targets: &[Option<Target<'_>>],
    order: &[u32],
    size: usize,
) -> Vec<MostReadEntry> {
    // The most-read stories in order, each once, as many as could fill the ranking
    // after leaving out other reports of an event already listed.
    let mut seen = FxHashSet::default();
    let listed: Vec<&Target<'_>> = (order.iter())
        .filter_map(|&id| targets[id as usize].as_ref())
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
