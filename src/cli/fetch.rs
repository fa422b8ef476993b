//! `pressroom fetch`: the sources and signals that are due (all, with `--force`).

use std::io::IsTerminal;

use super::{Cli, EXIT_OK, EXIT_PARTIAL, Failure, load_plan, lock_state, peak_rss_bytes};
use crate::{ingest, store::Store, time::Clock};

pub(super) async fn fetch(cli: &Cli, clock: &Clock, force: bool) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let _lock = lock_state(&plan, std::time::Duration::ZERO)?;
    let mut store = Store::open(&plan.site.state)?;
    let options = ingest::Options {
        force,
        progress: std::io::stderr().is_terminal(),
    };
    let report = ingest::ingest(&plan, &mut store, clock, &options).await?;
    let mut line = report.summary();
    if let Some(peak) = peak_rss_bytes() {
        line.push_str(&format!("; peak RSS {:.0} MB", peak as f64 / 1e6));
    }
    // Each failure was logged with its source as it happened.
    println!("{line}");
    Ok(if report.failures().next().is_some() {
        EXIT_PARTIAL
    } else {
        EXIT_OK
    })
}
