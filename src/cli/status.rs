//! `pressroom status`: the health of every configured source and signal.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{Cli, EXIT_OK, EXIT_PARTIAL, Failure, load_plan};
use crate::{
    store::{Health, StateKey, Store},
    time::Clock,
};

/// Prints one line per source and signal; exits 2 when any is failing.
pub(super) fn run(cli: &Cli, clock: &Clock) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let zone = plan.site.time_zone;
    let now = clock.now();
    if !plan.site.state.exists() {
        println!(
            "no state yet at {}: run `pressroom fetch`",
            plan.site.state.display()
        );
        return Ok(EXIT_OK);
    }
    let store = Store::open(&plan.site.state)?;
    let health = store.health()?;
    let keys = plan
        .sources
        .iter()
        .map(|s| (StateKey::Source(s.id.clone()), s.location.to_string()))
        .chain(
            plan.signals
                .iter()
                .map(|s| (StateKey::Signal(s.id.clone()), s.location.to_string())),
        );
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

/// The latest issues of each edition and their outbox.
fn issues(plan: &crate::config::Plan, store: &Store) -> Result<(), Failure> {
    for edition in &plan.editions {
        for id in store.issues_of(&edition.id)?.into_iter().take(3) {
            let c = store.ledger_counts(&id, crate::deliver::email::CHANNEL)?;
            println!(
                "issue {id}: {} sent, {} failed, {} pending ({} deferred), {} interrupted",
                c.sent, c.failed, c.pending, c.deferred, c.sending
            );
        }
    }
    Ok(())
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
    match h.last_success {
        Some(at) => line.push_str(&format!("  last success {}", when(at))),
        None => line.push_str("  never succeeded"),
    }
    if let Some((at, error)) = &h.last_error {
        line.push_str(&format!("  last error {}: {error}", when(*at)));
    }
    line
}

/// "5 min ago", "3 h ago", "2 d ago".
fn ago(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let minutes = (now - at).num_minutes();
    match minutes {
        m if m < 1 => "just now".to_owned(),
        m if m < 60 => format!("{m} min ago"),
        m if m < 48 * 60 => format!("{} h ago", m / 60),
        m => format!("{} d ago", m / (24 * 60)),
    }
}
