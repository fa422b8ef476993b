//! The daemon: a short real run that delivers over SMTP and reports in /metrics and
//! /healthz, one instance per state file, SIGHUP with a broken configuration or a new
//! address, SIGTERM mid-send.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::support::{
    Project,
    browser::{Running, free_port, wait_for},
    smtp::{FaultServer, Script, Sink, write_subscribers},
    stderr, stdout,
};

/// The demo as a daemon: SMTP at `smtp`, listening on `listen`, publishing every
/// `every` seconds, fetching hourly.
pub(crate) fn daemon_demo(smtp: u16, listen: u16, every: u32) -> Project {
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config())
        .unwrap()
        .replace("schedule = \"0 0 9 * * *\"", &format!("schedule = \"*/{every} * * * * *\""))
        .replace(
            "transport = \"file\"",
            &format!("transport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {smtp}\ntls = \"none\"\ntimeout = \"5s\"\nattempts = 1"),
        )
        + &format!("\n[daemon]\nlisten = \"127.0.0.1:{listen}\"\nfetch = \"0 0 * * * *\"\nshutdown_grace = \"20s\"\n");
    std::fs::write(project.config(), config).unwrap();
    let fetched = project.run(&["fetch"]);
    assert_eq!(fetched.status.code(), Some(0), "{}", stderr(&fetched));
    project
}

pub(crate) fn start(project: &Project) -> Child {
    Command::new(env!("CARGO_BIN_EXE_pressroom"))
        .args([
            "--config",
            project.config().to_str().unwrap(),
            "--now",
            crate::support::NOW,
            "daemon",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the daemon")
}

pub(crate) fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for the child to exit (up to `limit`) and returns its output.
pub(crate) fn finish(mut child: Child, limit: Duration) -> std::process::Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the daemon did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

pub(crate) async fn until(limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_real_run_delivers_an_issue_and_reports_it_in_metrics() {
    let sink = Sink::start();
    let port = free_port();
    let project = daemon_demo(sink.port, port, 3);
    let daemon = start(&project);
    let site = format!("http://127.0.0.1:{port}");
    wait_for(&format!("{site}/healthz"), Duration::from_secs(20)).await;
    until(Duration::from_secs(60), || sink.count() >= 6).await;
    // Let a few more fires pass: the issue is resumed, nobody gets a second copy.
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(sink.count(), 6);
    let metrics = reqwest::get(format!("{site}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // One issue, however many fires resumed it.
    assert!(
        metrics
            .lines()
            .any(|l| l == "pressroom_issues_published_total{edition=\"morning\"} 1"),
        "{metrics}"
    );
    assert!(metrics.lines().any(|l| l == "pressroom_up 1"), "{metrics}");
    assert!(
        metrics.lines().any(|l| l == "pressroom_degraded 0"),
        "{metrics}"
    );
    let health = reqwest::get(format!("{site}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    let health: serde_json::Value = serde_json::from_str(&health.text().await.unwrap()).unwrap();
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(
        health["last_issue"]["id"], "morning/2026-11-27T09:00",
        "{health}"
    );
    assert_eq!(health["last_issue"]["ok"], true, "{health}");
    assert_eq!(health["sources_failing"], 0, "{health}");
    assert!(health["last_fetch"].is_string(), "{health}");
    assert!(
        metrics.contains("pressroom_messages_total{result=\"sent\"} 6"),
        "{metrics}"
    );
    assert!(metrics.contains("pressroom_outbox_depth 0"), "{metrics}");
    assert!(
        metrics.contains("pressroom_last_issue_timestamp_seconds{edition=\"morning\"}"),
        "{metrics}"
    );
    // The archive page the emails link to is served.
    // An edition that fires every few seconds names its issues to the minute (site time: Moscow).
    let page = reqwest::get(format!("{site}/morning/2026-11-27-0900/"))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    signal(&daemon, "TERM");
    let output = finish(daemon, Duration::from_secs(30));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let log = stderr(&output);
    assert!(log.contains("issue delivered"), "{log}");
    // Each stage of the publish run is logged, email among them, and the stop.
    assert!(
        log.lines()
            .any(|l| l.contains("stage done") && l.contains("stage=\"email\"")),
        "{log}"
    );
    assert!(log.contains("daemon stopped"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_daemon_per_state_file() {
    let port = free_port();
    let project = daemon_demo(free_port(), port, 59);
    let first = Running(start(&project));
    wait_for(
        &format!("http://127.0.0.1:{port}/healthz"),
        Duration::from_secs(20),
    )
    .await;
    let second = finish(start(&project), Duration::from_secs(20));
    assert_ne!(second.status.code(), Some(0));
    let message = stderr(&second);
    assert!(message.contains("another pressroom run (pid "), "{message}");
    assert!(
        message.contains(&first.0.id().to_string()),
        "names the holder: {message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_with_a_broken_configuration_keeps_the_old_one() {
    let port = free_port();
    let project = daemon_demo(free_port(), port, 59);
    let daemon = start(&project);
    let health = format!("http://127.0.0.1:{port}/healthz");
    wait_for(&health, Duration::from_secs(20)).await;
    let good = std::fs::read_to_string(project.config()).unwrap();
    std::fs::write(
        project.config(),
        good.replace("[site]", "[site]\ncolour = \"red\""),
    )
    .unwrap();
    signal(&daemon, "HUP");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        reqwest::get(&health).await.unwrap().status(),
        200,
        "still serving"
    );
    std::fs::write(project.config(), &good).unwrap();
    signal(&daemon, "HUP");
    tokio::time::sleep(Duration::from_secs(1)).await;
    // A new address needs a restart: said, and the old one still serves.
    let elsewhere = free_port();
    std::fs::write(
        project.config(),
        good.replace(&format!(":{port}\""), &format!(":{elsewhere}\"")),
    )
    .unwrap();
    signal(&daemon, "HUP");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(reqwest::get(&health).await.unwrap().status(), 200);
    signal(&daemon, "TERM");
    let output = finish(daemon, Duration::from_secs(30));
    assert_eq!(output.status.code(), Some(0));
    let log = stderr(&output);
    assert!(
        log.contains("reload refused") && log.contains("colour"),
        "{log}"
    );
    assert!(log.contains("still running on the previous one"), "{log}");
    assert!(log.contains("configuration reloaded"), "{log}");
    assert!(
        log.contains(&format!(
            "changed from 127.0.0.1:{port} to 127.0.0.1:{elsewhere}"
        )) && log.contains("restart the daemon"),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_send_loses_nothing() {
    // A slow server (200 ms a message), 60 subscribers, 4 at a time: about 3 s of sending.
    let server = FaultServer::start(Script {
        delay: Some(Duration::from_millis(200)),
        ..Default::default()
    })
    .await;
    let port = free_port();
    let project = daemon_demo(server.port, port, 2);
    write_subscribers(&project.path("subscribers.toml"), 60);
    let daemon = start(&project);
    let accepted = server.accepted.clone();
    until(Duration::from_secs(60), || {
        accepted.lock().unwrap().values().sum::<usize>() >= 8
    })
    .await;
    signal(&daemon, "TERM");
    let output = finish(daemon, Duration::from_secs(30));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Nothing is left in flight: what the server accepted is recorded sent.
    let store = project.store();
    let issue = pressroom::model::IssueId::parse("morning/2026-11-27T09:00").unwrap();
    let counts = store
        .ledger_counts(&issue, pressroom::deliver::email::CHANNEL)
        .unwrap();
    assert_eq!(counts.sending, 0, "a transaction was left unrecorded");
    let sent_by_server: usize = accepted.lock().unwrap().values().sum();
    assert_eq!(counts.sent, sent_by_server);
    assert!(
        counts.pending > 0,
        "the stop came too late to test anything"
    );
    drop(store);
    // The next run sends the rest, once each.
    let rest = project.run(&["publish", "--no-fetch"]);
    assert_eq!(rest.status.code(), Some(0), "{}", stdout(&rest));
    let accepted = accepted.lock().unwrap();
    assert_eq!(accepted.len(), 60);
    assert!(accepted.values().all(|n| *n == 1), "{accepted:?}");
}
