//! Issues: which one is next, and assembling it from the store through the (pure)
//! rank stage. Shared by `preview`, `explain`, `pin`/`drop` and `publish`.

use chrono::{DateTime, Duration, Utc};

use crate::{
    config::{EditionPlan, Plan},
    model::{EditionId, Issue, IssueId},
    rank,
    store::{Store, StoreError},
};

/// The edition `requested`, or the first configured one.
pub fn edition<'p>(plan: &'p Plan, requested: Option<&str>) -> Result<&'p EditionPlan, String> {
    match requested {
        None => Ok(&plan.editions[0]),
        Some(name) => {
            let known: Vec<&str> = plan.editions.iter().map(|e| e.id.as_str()).collect();
            EditionId::parse(name)
                .ok()
                .and_then(|id| plan.edition(&id))
                .ok_or_else(|| {
                    format!(
                        "no edition {name:?}; the configuration has {}",
                        known.join(", ")
                    )
                })
        }
    }
}

/// The issue of `edition` for the local date of `now`.
pub fn issue_at(plan: &Plan, edition: &EditionPlan, now: DateTime<Utc>) -> IssueId {
    IssueId {
        edition: edition.id.clone(),
        date: now.with_timezone(&plan.site.time_zone).date_naive(),
    }
}

/// The next issue of `edition` at `now`: today's (local date), or tomorrow's once
/// today's has been built.
pub fn next_issue(
    plan: &Plan,
    edition: &EditionPlan,
    store: &Store,
    now: DateTime<Utc>,
) -> Result<IssueId, StoreError> {
    let today = issue_at(plan, edition, now);
    if store.issue(&today)?.is_none() {
        return Ok(today);
    }
    Ok(IssueId {
        date: today.date + Duration::days(1),
        ..today
    })
}

/// Builds issue `id` of `edition` as it would be at `now`, from the store, without
/// writing anything.
pub fn assemble(
    plan: &Plan,
    edition: &EditionPlan,
    store: &Store,
    id: IssueId,
    now: DateTime<Utc>,
) -> Result<Issue, StoreError> {
    with_input(plan, edition, store, id, now, rank::build)
}

/// Every group of stories in the window of issue `id` at `now`, selected or not
/// (`explain --all`).
pub fn groups(
    plan: &Plan,
    edition: &EditionPlan,
    store: &Store,
    id: IssueId,
    now: DateTime<Utc>,
) -> Result<Vec<crate::model::Pick>, StoreError> {
    with_input(plan, edition, store, id, now, rank::groups)
}

/// Loads what rank needs for issue `id` at `now` and runs `rank` on it.
fn with_input<R>(
    plan: &Plan,
    edition: &EditionPlan,
    store: &Store,
    id: IssueId,
    now: DateTime<Utc>,
    rank: impl FnOnce(&rank::Input<'_>) -> R,
) -> Result<R, StoreError> {
    let window = Duration::from_std(edition.window).unwrap_or(Duration::days(1));
    let stories = store.stories_since(now - window)?;
    let snapshots = store.snapshots_between(now - window, now)?;
    let sent = store.sent_before(&id)?;
    let overrides = store.overrides(&id)?;
    let earlier = match edition.read_also {
        true => store.stories_since(now - Duration::days(rank::read_also::DAYS))?,
        false => Vec::new(),
    };
    let input = rank::Input {
        plan,
        edition,
        issue: id,
        now,
        stories: &stories,
        snapshots: &snapshots,
        sent: &sent,
        overrides: &overrides,
        earlier: &earlier,
    };
    Ok(rank(&input))
}
