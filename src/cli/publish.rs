//! `pressroom publish` and `pressroom serve`.

use std::{io::IsTerminal, sync::Arc};

use anyhow::Context as _;
use tokio::sync::watch;

use super::{Cli, EXIT_OK, EXIT_PARTIAL, Failure, load_plan};
use crate::{publish, serve, time::Clock};

/// How `publish` runs, from its flags.
pub(super) struct How {
    /// Fetch first.
    pub fetch: bool,
    /// Send a held issue anyway.
    pub force: bool,
    /// How long to wait for the state file's lock.
    pub wait: std::time::Duration,
}

pub(super) async fn run(
    cli: &Cli,
    clock: &Clock,
    edition: Option<String>,
    how: How,
) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    // One sender per state file: a second publish, or one beside the daemon, would
    // send the same people the issue again.
    let _lock = super::lock_state(&plan, how.wait)?;
    let options = publish::Options {
        edition,
        fetch: how.fetch,
        progress: std::io::stderr().is_terminal(),
        due: None,
        force: how.force,
        tally: None,
    };
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        stop_signal().await;
        tracing::warn!("stopping: no new messages will be started");
        let _ = stop.send(true);
    });
    let report = match publish::publish(&plan, clock, &options, stopped).await {
        Ok(report) => report,
        Err(e) => match e.template() {
            Some(template) => return Err(Failure::Config(super::template_problem(cli, template))),
            None => return Err(e.into()),
        },
    };
    if let Some(ingest) = &report.ingest {
        println!("{}", ingest.summary());
    }
    if let Some(held) = &report.held {
        println!(
            "issue {}: held, not sent: {} (nothing written; `publish --force` sends it)",
            report.issue, held.reason
        );
        return Ok(if report.partial() {
            EXIT_PARTIAL
        } else {
            EXIT_OK
        });
    }
    let how = if report.built {
        "built and frozen"
    } else {
        "resumed (frozen earlier)"
    };
    println!("issue {}: {how}", report.issue);
    println!(
        "feeds and archive: {} files written under {}",
        report.written.len(),
        plan.site.output.display()
    );
    if let Some(email) = &report.email {
        println!("{}", email_line(email));
        if email.waiting > 0 {
            println!(
                "email: {} waiting for their local delivery time",
                email.waiting
            );
        }
        if let Some(halted) = &email.halted {
            eprintln!(
                "error: {halted} (the run stopped; {} left pending for the next run)",
                email.stopped
            );
        }
    }
    for (stage, took) in &report.timings {
        tracing::info!(stage, seconds = took.as_secs_f64(), "stage done");
    }
    println!("{}", stages_line(&report.timings));
    Ok(if report.partial() {
        EXIT_PARTIAL
    } else {
        EXIT_OK
    })
}

/// The email report on one line. Each message is counted once: sent, already sent,
/// failed (bounced; some of them now suppressed), refused, deferred, or left; the
/// subscribers suppressed earlier are not among the recipients.
fn email_line(email: &crate::deliver::email::EmailReport) -> String {
    let mut line = format!(
        "email: {} recipients, {} audiences: {} sent ({} resent after an interruption), {} already sent, {} failed (bounced; {} now suppressed), {} refused, {} deferred",
        email.recipients,
        email.audiences,
        email.sent,
        email.resent,
        email.already_sent,
        email.failed,
        email.newly_suppressed,
        email.refused,
        email.deferred,
    );
    if email.stopped > 0 {
        line.push_str(&format!(
            ", {} left for the next run (stopped)",
            email.stopped
        ));
    }
    line.push_str(&format!("; {} suppressed earlier", email.suppressed));
    line
}

/// `stages: ingest 0.00 s, rank 0.02 s, …, email 21.30 s; peak RSS 88 MB`: what the
/// delivery bench (benches/deliver.rs) reads.
fn stages_line(timings: &[(&'static str, std::time::Duration)]) -> String {
    let stages: Vec<String> = timings
        .iter()
        .map(|(stage, took)| format!("{stage} {:.2} s", took.as_secs_f64()))
        .collect();
    let mut line = format!("stages: {}", stages.join(", "));
    if let Some(peak) = super::peak_rss_bytes() {
        line.push_str(&format!("; peak RSS {:.0} MB", peak as f64 / 1e6));
    }
    line
}

pub(super) async fn serve(
    cli: &Cli,
    clock: &Clock,
    listen: std::net::SocketAddr,
) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let shared = Arc::new(serve::Shared {
        plan: std::sync::RwLock::new(plan),
        clock: clock.clone(),
        metrics: None,
        health: None,
    });
    tokio::select! {
        served = serve::serve(shared, listen) => served.with_context(|| format!("cannot serve on {listen}"))?,
        _ = stop_signal() => {}
    }
    Ok(EXIT_OK)
}

/// `pressroom daemon`: `--now` starts the clock at that instant and lets it run.
pub(super) async fn daemon(cli: &Cli) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let clock = cli.now.map_or_else(Clock::system, Clock::starting_at);
    crate::daemon::run(cli.config.clone(), plan, clock).await?;
    Ok(EXIT_OK)
}

/// `pressroom schedule`: the next fire times of every job, in the site's zone.
pub(super) fn schedule(cli: &Cli, clock: &Clock, count: usize) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let zone = plan.site.time_zone;
    println!("fetch: \"{}\" ({})", plan.daemon.fetch.text(), zone);
    for edition in &plan.editions {
        match (&edition.schedule, edition.local_time) {
            (_, Some(time)) => println!(
                "{}: at {} in each reader's zone",
                edition.id,
                time.format("%H:%M")
            ),
            (Some(cadence), None) => println!("{}: \"{}\" ({})", edition.id, cadence.text(), zone),
            (None, None) => println!(
                "{}: not scheduled (publish it with `pressroom publish`)",
                edition.id
            ),
        }
    }
    for fire in crate::daemon::timetable::upcoming(&plan, &plan.daemon.fetch, clock.now(), count) {
        let what = match &fire.job {
            crate::daemon::timetable::Job::Fetch => "fetch".to_owned(),
            crate::daemon::timetable::Job::Publish(due) => format!("publish {}", due.id),
        };
        println!(
            "{}  {}  {what}",
            fire.at.with_timezone(&zone).format("%Y-%m-%d %H:%M:%S %Z"),
            fire.at.format("%H:%M:%SZ")
        );
    }
    Ok(EXIT_OK)
}

/// Resolves on SIGINT or SIGTERM.
pub(super) async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
