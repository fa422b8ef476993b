//! `pressroom status`: the health of every configured source and signal, as lines or
//! (`--json`) as one object per source. Text that came from outside (errors, warnings)
//! is printed on one line with its control characters escaped.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{Cli, EXIT_OK, EXIT_PARTIAL, Failure, load_plan};
use crate::{
    deliver::email::CHANNEL,
    model::line::one_line,
    store::{DeliveryState, Health, StateKey, Store},
    time::Clock,
};

/// Prints one line per source and signal (or JSON); exits 2 when any is failing.
pub(super) fn run(cli: &Cli, clock: &Clock, json: bool) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let zone = plan.site.time_zone;
    let now = clock.now();
    if json {
        return print_json(&plan);
    }
    if !plan.site.state.exists() {
        println!(
            "no state yet at {}: run `pressroom fetch`",
            plan.site.state.display()
        );
        return Ok(EXIT_OK);
    }
    let store = Store::open(&plan.site.state)?;
    let health = store.health()?;
    let keys = targets(&plan);
    let width = plan
        .sources
        .iter()
        .map(|s| s.id.as_str().len() + 7)
        .chain([20])
        .max()
        .unwrap_or(20);
    let mut failing = 0;
    for (key, location) in keys {
        let name = key.to_string();
        match health.iter().find(|h| h.key == name) {
            None => println!("{name:width$}  never fetched  {location}"),
            Some(h) => {
                failing += usize::from(h.failure_streak > 0);
                println!("{name:width$}  {}", describe(h, zone, now));
            }
        }
    }
    println!(
        "{} stories, {} most-read snapshots in {}",
        store.story_count()?,
        store.snapshot_count()?,
        plan.site.state.display()
    );
    issues(&plan, &store)?;
    let suppressed = store.suppressed()?;
    println!("{} suppressed addresses", suppressed.len());
    for s in &suppressed {
        println!(
            "  {}  since {}: {}",
            s.address,
            s.at.with_timezone(&zone).format("%Y-%m-%d %H:%M"),
            s.reason
        );
    }
    Ok(if failing > 0 { EXIT_PARTIAL } else { EXIT_OK })
}

/// The latest issues of each edition and their outbox: the counts by state, then
/// what the undelivered were about, by cause, with the latest reply.
fn issues(plan: &crate::config::Plan, store: &Store) -> Result<(), Failure> {
    for edition in &plan.editions {
        for id in store.issues_of(&edition.id)?.into_iter().take(3) {
            let c = store.ledger_counts(&id, CHANNEL)?;
            println!(
                "issue {id}: {} sent, {} failed (bounced), {} refused, {} pending ({} deferred), {} interrupted",
                c.sent, c.failed, c.refused, c.pending, c.deferred, c.sending
            );
            for cause in store.causes(&id, CHANNEL)? {
                println!(
                    "  {} {} ({}): last reply: {}",
                    cause.count,
                    outcome(cause.state),
                    cause.cause,
                    one_line(&cause.last_reply)
                );
            }
        }
    }
    Ok(())
}

/// A ledger state as the run report names its outcome.
fn outcome(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Pending => "deferred",
        other => other.as_str(),
    }
}

/// `status --json`'s "issues": the latest issues of each edition, their counts and
/// causes, as [`issues`] prints them.
fn issues_json(
    plan: &crate::config::Plan,
    store: &Store,
) -> Result<Vec<serde_json::Value>, Failure> {
    let mut list = Vec::new();
    for edition in &plan.editions {
        for id in store.issues_of(&edition.id)?.into_iter().take(3) {
            let c = store.ledger_counts(&id, CHANNEL)?;
            let causes: Vec<_> = (store.causes(&id, CHANNEL)?.iter())
                .map(|cause| {
                    serde_json::json!({
                        "outcome": outcome(cause.state),
                        "cause": cause.cause,
                        "count": cause.count,
                        "last_reply": one_line(&cause.last_reply),
                    })
                })
                .collect();
            list.push(serde_json::json!({
                "id": id.to_string(),
                "sent": c.sent,
                "failed": c.failed,
                "refused": c.refused,
                "pending": c.pending,
                "deferred": c.deferred,
                "interrupted": c.sending,
                "causes": causes,
            }));
        }
    }
    Ok(list)
}

fn describe(h: &Health, zone: Tz, now: DateTime<Utc>) -> String {
    let when = |at: DateTime<Utc>| {
        format!(
            "{} ({})",
            at.with_timezone(&zone).format("%Y-%m-%d %H:%M"),
            ago(now, at)
        )
    };
    let mut line = if h.failure_streak > 0 {
        format!("FAILING  streak {}", h.failure_streak)
    } else {
        format!("ok       {} items", h.items)
    };
    if h.failure_streak == 0 && h.notes.dropped > 0 {
        line.push_str(&format!(
            " ({} more left out: fetch.max_items)",
            h.notes.dropped
        ));
    }
    if h.failure_streak == 0 && h.notes.undated > 0 {
        line.push_str(&format!(" ({} with an unreadable date)", h.notes.undated));
    }
    match h.last_success {
        Some(at) => line.push_str(&format!("  last success {}", when(at))),
        None => line.push_str("  never succeeded"),
    }
    if let Some((at, error)) = &h.last_error {
        line.push_str(&format!("  last error {}: {}", when(*at), one_line(error)));
    }
    line
}

/// `status --json`: `{"sources": [{"id", "ok", "stories", "last_error", …}], "signals":
/// […], "issues": [{"id", "sent", "failed", "refused", "pending", "deferred", "causes":
/// [{"outcome", "cause", "count", "last_reply"}]}]}`, sources and signals in
/// configuration order; exits 2 when any is failing.
fn print_json(plan: &crate::config::Plan) -> Result<u8, Failure> {
    let (health, counts, issues) = if plan.site.state.exists() {
        let store = Store::open(&plan.site.state)?;
        let issues = issues_json(plan, &store)?;
        (store.health()?, store.story_counts()?, issues)
    } else {
        Default::default()
    };
    let keys = targets(plan);
    let mut failing = 0;
    let mut sources = Vec::new();
    let mut signals = Vec::new();
    for (key, location) in keys {
        let name = key.to_string();
        let h = health.iter().find(|h| h.key == name);
        let ok = h.is_some_and(|h| h.failure_streak == 0 && h.last_success.is_some());
        failing += usize::from(h.is_some_and(|h| h.failure_streak > 0));
        let (id, list) = match &key {
            StateKey::Source(id) => (id.as_str().to_owned(), &mut sources),
            StateKey::Signal(id) => (id.as_str().to_owned(), &mut signals),
        };
        let stories = match &key {
            StateKey::Source(_) => counts.get(&id).copied().unwrap_or(0),
            StateKey::Signal(_) => 0,
        };
        list.push(serde_json::json!({
            "id": id,
            "ok": ok,
            "stories": stories,
            "last_error": h.and_then(|h| h.last_error.as_ref()).map(|(_, e)| one_line(e)),
            "last_error_at": h.and_then(|h| h.last_error.as_ref()).map(|(at, _)| at.to_rfc3339()),
            "failure_streak": h.map_or(0, |h| h.failure_streak),
            "last_success": h.and_then(|h| h.last_success).map(|at| at.to_rfc3339()),
            "items": h.map_or(0, |h| h.items),
            "left_out": h.map_or(0, |h| h.notes.dropped),
            "undated": h.map_or(0, |h| h.notes.undated),
            "warnings": h.map(|h| h.notes.warnings.iter().map(|w| one_line(w)).collect::<Vec<_>>()).unwrap_or_default(),
            "location": location,
            "fetched": h.is_some(),
        }));
    }
    let doc = serde_json::json!({ "sources": sources, "signals": signals, "issues": issues });
    println!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(if failing > 0 { EXIT_PARTIAL } else { EXIT_OK })
}

/// "5 min ago", "3 h ago", "2 d ago".
/// Every configured source and signal with its location, in the configuration's order.
fn targets(plan: &crate::config::Plan) -> impl Iterator<Item = (StateKey, String)> + '_ {
    (plan.sources.iter())
        .map(|s| (StateKey::Source(s.id.clone()), s.location.to_string()))
        .chain(
            (plan.signals.iter()).map(|s| (StateKey::Signal(s.id.clone()), s.location.to_string())),
        )
}

fn ago(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let minutes = (now - at).num_minutes();
    match minutes {
        m if m < 1 => "just now".to_owned(),
        m if m < 60 => format!("{m} min ago"),
        m if m < 48 * 60 => format!("{} h ago", m / 60),
        m => format!("{} d ago", m / (24 * 60)),
    }
}
