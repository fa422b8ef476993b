//! The daemon's jobs side by side: a first start fetches before its catch-up issue, a
//! publish waits only so long for a fetch stuck on a silent server, runs of one edition
//! take turns, SIGTERM during such a fetch exits within `shutdown_grace`, a cancelled
//! fetch leaves the store consistent, and every source failing (and the issue held for
//! it) shows on `/healthz` and `/metrics`.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use tokio::{io::AsyncReadExt, net::TcpListener};

use crate::{
    daemon::{daemon_demo, finish, signal, start, until},
    support::{
        Canned, FeedServer, Project, browser::free_port, clock, config_with, rss, smtp::Sink,
        source, stderr,
    },
};

/// A server on 127.0.0.1 that accepts connections, reads what it is sent and never
/// answers; counts the connections. Returns a feed URL on it.
async fn silent() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while socket.read(&mut buf).await.is_ok_and(|n| n > 0) {}
            });
        }
    });
    (format!("http://{addr}/feed.xml"), accepted)
}

/// A server on 127.0.0.1 that answers every request with `body` after `delay`.
async fn slow(body: String, delay: Duration) -> String {
    use tokio::io::AsyncWriteExt;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                tokio::time::sleep(delay).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/rss+xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}/feed.xml")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_fetch_against_a_silent_server_exits_within_the_grace() {
    let (url, accepted) = silent().await;
    let port = free_port();
    // The fetch settings are the defaults (10 s to connect, 30 s to answer, retries).
    let project = Project::new(&format!(
        "[site]\ntitle = \"Silent\"\ntime_zone = \"UTC\"\n[[sections]]\nid = \"world\"\ntitle = \"World\"\n{}\n[daemon]\nlisten = \"127.0.0.1:{port}\"\nfetch = \"* * * * * *\"\nshutdown_grace = \"2s\"\n",
        source("silent", &url)
    ));
    let daemon = start(&project);
    until(Duration::from_secs(30), || {
        accepted.load(Ordering::SeqCst) >= 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await; // more fires come and go
    let asked = Instant::now();
    signal(&daemon, "TERM");
    let output = finish(daemon, Duration::from_secs(60));
    let took = asked.elapsed();
    let log = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{log}");
    assert!(
        took < Duration::from_secs(5),
        "exited {took:?} after SIGTERM, grace 2 s: {log}"
    );
    assert!(log.contains("fetch cancelled at shutdown"), "{log}");
    assert!(
        log.contains("fetch fire skipped"),
        "a fire while the fetch was in flight: {log}"
    );
    // The store opens, and its write lock is free at once.
    let mut store = project.store();
    let started = Instant::now();
    store.writer().unwrap().commit().unwrap();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        store
            .health()
            .unwrap()
            .iter()
            .all(|h| h.key != "source/silent"),
        "the cancelled fetch recorded nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_waits_for_a_stuck_fetch_only_so_long() {
    let sink = Sink::start();
    let port = free_port();
    let project = daemon_demo(sink.port, port, 3);
    let (url, accepted) = silent().await;
    // A source that never answers within the minute, fetched every second; no catch-up,
    // so the issue comes from a fire scheduled after the fetch is stuck.
    let config = std::fs::read_to_string(project.config())
        .unwrap()
        .replace("timeout = \"10s\"", "timeout = \"60s\"")
        .replace("catch_up = \"send-late\"", "catch_up = \"skip\"")
        .replace("fetch = \"0 0 * * * *\"", "fetch = \"* * * * * *\"")
        + &source("silent", &url);
    std::fs::write(project.config(), config).unwrap();
    let daemon = start(&project);
    until(Duration::from_secs(30), || {
        accepted.load(Ordering::SeqCst) >= 1
    })
    .await;
    let stuck = Instant::now();
    until(Duration::from_secs(40), || sink.count() >= 6).await;
    let waited = stuck.elapsed();
    signal(&daemon, "TERM");
    let output = finish(daemon, Duration::from_secs(40));
    let log = stderr(&output);
    // It waits for the fetch in flight (fresh data first) for 15 s at most.
    assert!(
        waited < Duration::from_secs(30),
        "the issue went out {waited:?} after the fetch got stuck: {log}"
    );
    assert!(
        log.contains("without waiting longer for the fetch in flight"),
        "{log}"
    );
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "the fetch was still on its first attempt, and no second fetch started: {log}"
    );
    assert!(log.contains("issue delivered"), "{log}");
    assert!(log.contains("fetch fire skipped"), "{log}");
    assert_eq!(output.status.code(), Some(0), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_fetch_leaves_what_it_committed_and_nothing_half_done() {
    let server = FeedServer::start().await;
    server.serve("fast.xml", Canned::feed(rss("fast", 3)));
    let delayed = slow(rss("late", 2), Duration::from_millis(400)).await;
    let (stuck, _) = silent().await;
    let config = config_with(&format!(
        "{}{}{}",
        source("fast", &server.url("fast.xml")),
        source("late", &delayed),
        source("stuck", &stuck)
    ));
    let project = Project::new(&config);
    let plan = project.plan();
    let mut store = project.store();
    let options = pressroom::ingest::Options::default();
    let at = clock();
    let run = pressroom::ingest::ingest(&plan, &mut store, &at, &options);
    // Dropped after the first two were written (a batch is written 250 ms after its
    // first result at the latest), while the third waits on a silent server.
    let cut = tokio::time::timeout(Duration::from_millis(1500), run).await;
    assert!(cut.is_err(), "the ingest should still have been waiting");
    let keys: Vec<String> = store.health().unwrap().into_iter().map(|h| h.key).collect();
    assert_eq!(
        keys,
        ["source/fast", "source/late"],
        "what was committed stays"
    );
    let stories = store.stories_since(clock().now() - chrono::Duration::days(30));
    assert_eq!(stories.unwrap().len(), 5);
    // Nothing is left open: a write goes through at once.
    let started = Instant::now();
    let mut writer = store.writer().unwrap();
    writer.set_last_fire("probe", clock().now()).unwrap();
    drop(writer); // and a writer dropped uncommitted writes nothing
    assert_eq!(store.last_fire("probe").unwrap(), None);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_source_failing_is_degraded_and_a_held_issue_shows() {
    let port = free_port();
    let refused = format!("http://127.0.0.1:{}/feed.xml", free_port());
    let project = Project::new(&config_with(&format!(
        "{}\n[[editions]]\nid = \"brief\"\nschedule = \"*/2 * * * * *\"\n[daemon]\nlisten = \"127.0.0.1:{port}\"\nfetch = \"* * * * * *\"\nshutdown_grace = \"2s\"\n",
        source("gone", &refused)
    )));
    let daemon = crate::support::browser::Running(start(&project));
    let site = format!("http://127.0.0.1:{port}");
    crate::support::browser::wait_for(&format!("{site}/healthz"), Duration::from_secs(20)).await;
    let started = Instant::now();
    let body = loop {
        let answer = reqwest::get(format!("{site}/healthz")).await.unwrap();
        assert_eq!(answer.status(), 200, "degraded is still alive");
        let body: serde_json::Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
        if body["status"] == "degraded" && body["last_issue"]["held"].is_string() {
            break body;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(body["sources"], 1);
    assert_eq!(body["sources_failing"], 1);
    assert!(body["last_fetch"].is_string(), "{body}");
    assert!(body["last_tick"].is_string(), "{body}");
    let problems = body["problems"].to_string();
    assert!(problems.contains("every source is failing"), "{body}");
    let metrics = reqwest::get(format!("{site}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Nothing to say: the issue is held, which is not a failure of its own.
    assert_eq!(body["last_issue"]["ok"], true, "{body}");
    assert!(
        metrics.contains("pressroom_issues_held_total{edition=\"brief\"} "),
        "{metrics}"
    );
    for line in [
        "pressroom_up 1",
        "pressroom_degraded 1",
        "pressroom_sources 1",
        "pressroom_sources_failing 1",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line}: {metrics}");
    }
    drop(daemon);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_of_one_edition_take_turns() {
    // Sending takes about 2 s (30 readers, 250 ms a message, 4 connections); the
    // edition fires every second.
    let server = crate::support::smtp::FaultServer::start(crate::support::smtp::Script {
        delay: Some(Duration::from_millis(250)),
        ..Default::default()
    })
    .await;
    let port = free_port();
    let project = daemon_demo(server.port, port, 1);
    crate::support::smtp::write_subscribers(&project.path("subscribers.toml"), 30);
    let daemon = start(&project);
    let received = server.received.clone();
    until(Duration::from_secs(60), || {
        received.lock().unwrap().len() >= 30
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    signal(&daemon, "TERM");
    let output = finish(daemon, Duration::from_secs(40));
    let log = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{log}");
    let received = received.lock().unwrap();
    let mut seen = std::collections::HashSet::new();
    for message in received.iter() {
        assert!(seen.insert(message.clone()), "sent twice: {message:?}");
    }
    assert!(
        log.contains("waiting for the previous run of this edition"),
        "{log}"
    );
    // A fire that waited its turn says how late it started.
    assert!(
        log.lines()
            .any(|l| l.contains("fire started late") && l.contains("late_seconds")),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_start_fetches_before_the_issue_it_catches_up_on() {
    // The demo as it is (its issue is due at the clock's instant), never fetched, with
    // SMTP and a listener: the catch-up's issue must not be built from an empty store.
    let sink = Sink::start();
    let port = free_port();
    let project = crate::support::Project::demo();
    let config =
        std::fs::read_to_string(project.config()).unwrap().replace(
            "transport = \"file\"",
            &format!(
                "transport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"",
                sink.port
            ),
        ) + &format!("\n[daemon]\nlisten = \"127.0.0.1:{port}\"\nfetch = \"0 0 * * * *\"\n");
    std::fs::write(project.config(), config).unwrap();
    let daemon = start(&project);
    until(Duration::from_secs(60), || sink.count() >= 6).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    signal(&daemon, "TERM");
    let output = finish(daemon, Duration::from_secs(40));
    let log = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{log}");
    assert!(log.contains("catching up on a missed issue"), "{log}");
    assert_eq!(sink.count(), 6, "once each");
    let store = project.store();
    let morning = pressroom::model::EditionId::parse("morning").unwrap();
    let issues = store.issues_of(&morning).unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");
    let issue = store.issue(&issues[0]).unwrap().unwrap();
    assert!(
        issue.story_count() > 0,
        "an empty issue went out: {issue:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_stalled_smtp_transaction_exits_within_the_grace() {
    let server = crate::support::smtp::FaultServer::start(crate::support::smtp::Script {
        stall: true,
        ..Default::default()
    })
    .await;
    let port = free_port();
    let project = daemon_demo(server.port, port, 59);
    let config = std::fs::read_to_string(project.config())
        .unwrap()
        .replace("timeout = \"5s\"", "timeout = \"60s\"")
        .replace("shutdown_grace = \"20s\"", "shutdown_grace = \"2s\"");
    std::fs::write(project.config(), config).unwrap();
    let daemon = start(&project);
    let connections = server.connections.clone();
    until(Duration::from_secs(30), || {
        *connections.lock().unwrap() >= 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let asked = Instant::now();
    signal(&daemon, "TERM");
    let output = finish(daemon, Duration::from_secs(60));
    let took = asked.elapsed();
    let log = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{log}");
    assert!(took < Duration::from_secs(5), "{took:?}: {log}");
    assert!(log.contains("publish cut short"), "{log}");
    // Left for resume: nobody is recorded sent, nobody failed.
    let store = project.store();
    let morning = pressroom::model::EditionId::parse("morning").unwrap();
    let issue = store.issues_of(&morning).unwrap().remove(0);
    let counts = store
        .ledger_counts(&issue, pressroom::deliver::email::CHANNEL)
        .unwrap();
    assert_eq!((counts.sent, counts.failed), (0, 0), "{counts:?}");
    assert_eq!(counts.pending + counts.sending, 6, "{counts:?}");
}
