//! What rank reads of the store for one issue, and the build through it.
//!
//! The window's stories are read first; "Read also"'s older days (the rest of the
//! last [`rank::read_also::DAYS`]) are read meanwhile on a second, read-only
//! connection of the same file, while the issue's own clustering runs: nothing of
//! the issue before "Read also" reads them, so they join the window's rows only
//! for "Read also". The same rows in the same order as one read of the whole span
//! ([`Store::stories_for_ranking_before`]).

use chrono::{DateTime, Utc};

use super::{Due, window};
use crate::{
    config::{EditionPlan, Plan},
    model::{Issue, Override, Sent, SignalSnapshot, Story, StoryId, StoryTokens},
    rank::{self, Window},
    store::{Store, StoreError},
};

/// Stories read for ranking, and their kept tokens, by position.
type Read = (Vec<Story>, Vec<Option<StoryTokens>>);

/// Everything else rank reads of the store for one issue.
struct Rest {
    window: Window,
    snapshots: Vec<SignalSnapshot>,
    readings: Vec<SignalSnapshot>,
    read_stories: Vec<Story>,
    sent: Sent,
    overrides: Vec<Override>,
}

impl Rest {
    fn read(
        edition: &EditionPlan,
        store: &Store,
        due: &Due,
        window: Window,
    ) -> Result<Rest, StoreError> {
        let span = chrono::Duration::from_std(edition.window).unwrap_or_default();
        let snapshots = store.snapshots_between(due.at - span, due.at)?;
        let longest = (edition.most_read_windows.iter()).map(|w| w.span()).max();
        let readings = match (edition.most_read, longest) {
            (1.., Some(longest)) => store.snapshots_between(due.at - longest, due.at)?,
            _ => Vec::new(),
        };
        let named: std::collections::BTreeSet<&str> = (readings.iter())
            .flat_map(|s| s.entries.iter().map(|e| e.url.as_str()))
            .collect();
        let read_stories = store.stories_by_urls(named)?;
        Ok(Rest {
            window,
            snapshots,
            sent: store.sent_before(&edition.id, due.at)?,
            overrides: store.overrides(&due.id)?,
            readings,
            read_stories,
        })
    }

    /// Rank's input: `read`'s first `window_end` stories are the window's, and all of
    /// them are "Read also"'s (none when the edition has it off).
    fn input<'a>(
        &'a self,
        plan: &'a Plan,
        edition: &'a EditionPlan,
        due: &Due,
        read: &'a Read,
        window_end: usize,
    ) -> rank::Input<'a> {
        let (stories, kept) = read;
        let (earlier, earlier_kept) = match edition.read_also {
            true => (stories.as_slice(), kept.as_slice()),
            false => (&[][..], &[][..]),
        };
        rank::Input {
            plan,
            edition,
            issue: due.id.clone(),
            now: due.at,
            window: self.window,
            stories: &stories[..window_end],
            snapshots: &self.snapshots,
            readings: rank::Readings {
                snapshots: &self.readings,
                stories: &self.read_stories,
            },
            sent: &self.sent,
            overrides: &self.overrides,
            earlier,
            kept: rank::Kept {
                stories: &kept[..window_end],
                earlier: earlier_kept,
            },
        }
    }
}

/// Where the stories rank reads start: the window's cap, or "Read also"'s first
/// day if the edition has it and it reaches back further.
fn first_read(edition: &EditionPlan, due: &Due, window: &Window) -> DateTime<Utc> {
    let since = due.at - chrono::Duration::days(rank::read_also::DAYS);
    match edition.read_also {
        true => since.min(window.cap),
        false => window.cap,
    }
}

/// The stories of `since..before` on a read-only connection of `path` of its own.
fn read_older(
    path: &std::path::Path,
    since: DateTime<Utc>,
    before: DateTime<Utc>,
) -> Result<Read, StoreError> {
    let store = Store::open_read_only(path)?;
    store.stories_for_ranking_before(since, Some(before), rank::kept::TOKENS_VERSION)
}

/// Loads what rank needs for issue `due` and runs `rank` on it, with every story read
/// before it starts (`explain --all`).
pub(super) fn with_input<R>(
    plan: &Plan,
    edition: &EditionPlan,
    store: &Store,
    due: &Due,
    rank: impl FnOnce(&rank::Input<'_>) -> R,
) -> Result<R, StoreError> {
    let window = window(edition, store, due)?;
    let from = first_read(edition, due, &window);
    let read = store.stories_for_ranking_from(from, rank::kept::TOKENS_VERSION)?;
    let window_end = read.0.partition_point(|s| s.published >= window.cap);
    let rest = Rest::read(edition, store, due, window)?;
    Ok(rank(&rest.input(plan, edition, due, &read, window_end)))
}

/// [`rank::build`] of issue `due`, with the older days' stories read on another
/// thread until "Read also" needs them, and the picks' whole stories read while
/// "Read also" runs; then `after` on the same input, every story read (the tokens
/// `publish` keeps).
pub(super) fn build<R>(
    plan: &Plan,
    edition: &EditionPlan,
    store: &Store,
    due: &Due,
    after: impl FnOnce(&rank::Input<'_>) -> R,
) -> Result<(Issue, R), StoreError> {
    let window = window(edition, store, due)?;
    let from = first_read(edition, due, &window);
    // An in-memory store has no second connection: one read, as `with_input`.
    let split = from < window.cap && store.path() != std::path::Path::new(":memory:");
    let version = rank::kept::TOKENS_VERSION;
    let path = store.path();
    std::thread::scope(|scope| {
        let older = split.then(|| scope.spawn(move || read_older(path, from, window.cap)));
        let first =
            store.stories_for_ranking_from(if split { window.cap } else { from }, version)?;
        let window_end = first.0.partition_point(|s| s.published >= window.cap);
        let rest = Rest::read(edition, store, due, window)?;
        let mut read: Read = first;
        // Without the older days: everything but "Read also", which comes next.
        let mut issue = {
            let mut input = rest.input(plan, edition, due, &read, window_end);
            input.earlier = &[];
            input.kept.earlier = &[];
            rank::build(&input)
        };
        // The picks' whole stories, read meanwhile too.
        let ids: Vec<StoryId> = issue.picks().map(|p| p.story.id.clone()).collect();
        let whole =
            split.then(|| scope.spawn(move || Store::open_read_only(path)?.stories_by_ids(&ids)));
        if let Some(older) = older {
            let (more, more_kept) = older.join().expect("reading the store does not panic")?;
            read.0.extend(more);
            read.1.extend(more_kept);
        }
        let input = rest.input(plan, edition, due, &read, window_end);
        rank::read_also::attach(&input, &mut issue);
        let whole = match whole {
            Some(whole) => whole.join().expect("reading the store does not panic")?,
            None => store.stories_by_ids(issue.picks().map(|p| &p.story.id))?,
        };
        super::give_whole(issue.picks_mut(), &whole);
        let after = after(&input);
        drop(input);
        // 50,000 stories are 100 MB of small allocations: freed off this thread.
        std::thread::spawn(move || drop(read));
        Ok((issue, after))
    })
}
