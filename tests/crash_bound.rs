//! The crash bound: SIGKILL a `publish` at random moments, again and again, against a
//! server that offers PIPELINING (the client sends the next message's commands ahead),
//! and count after each kill the ledger rows whose fate is unknown (`sending`): never
//! more than `email.concurrency`. At the end everybody has the issue, and only those
//! counted unknown at some kill got it more than once (never more than once per kill).

use std::{
    collections::{HashMap, HashSet},
    path::Path,
    time::{Duration, Instant},
};

use crate::support::{
    Project,
    browser::Running,
    smtp::{FaultServer, Script, write_subscribers},
    stderr, stdout,
};

const SUBSCRIBERS: usize = 1_000;
const KILLS: usize = 12;

/// The demo sending to `port` with `concurrency` connections.
fn project(port: u16, concurrency: usize) -> Project {
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config())
        .unwrap()
        .replace(
            "transport = \"file\"",
            &format!(
                "transport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nconcurrency = {concurrency}\nattempts = 2\nbackoff = \"50ms\"\ntimeout = \"2s\""
            ),
        );
    std::fs::write(project.config(), config).unwrap();
    write_subscribers(&project.path("subscribers.toml"), SUBSCRIBERS);
    let fetched = project.run(&["fetch"]);
    assert_eq!(fetched.status.code(), Some(0), "{}", stderr(&fetched));
    project
}

/// Recipients whose row is `sending`: sent or on the wire, not recorded `sent`.
fn unknown(state: &Path) -> Vec<String> {
    let db = rusqlite::Connection::open(state).unwrap();
    let mut stmt = db
        .prepare("SELECT recipient FROM ledger WHERE channel = 'email' AND state = 'sending'")
        .unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn publish(project: &Project) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"));
    command
        .args(["--config", project.config().to_str().unwrap()])
        .args(["--now", crate::support::NOW, "publish", "--no-fetch"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    command
}

async fn kill_repeatedly(concurrency: usize, seed: u64) {
    let server = FaultServer::start(Script {
        pipelining: true,
        ..Default::default()
    })
    .await;
    let project = project(server.port, concurrency);
    let state = project.plan().site.state;
    let count = || server.received.lock().unwrap().len();
    let mut random = fastrand::Rng::with_seed(seed);
    let mut unknown_at: HashMap<String, usize> = HashMap::new();
    let mut most = 0;
    for _ in 0..KILLS {
        let mut child = Running(publish(&project).spawn().unwrap());
        // A random moment: after 1 to 150 more messages went out (every other kill
        // within the first few, when the last crash's unknowns are being resent), then
        // 0 to 15 ms more.
        let target = count()
            + if random.bool() {
                random.usize(1..5)
            } else {
                random.usize(1..150)
            };
        let started = Instant::now();
        while count() < target && started.elapsed() < Duration::from_secs(60) {
            if child.0.try_wait().unwrap().is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        tokio::time::sleep(Duration::from_micros(random.u64(0..15_000))).await;
        child.0.kill().unwrap(); // SIGKILL: no chance to clean up
        let _ = child.0.wait();
        let rows = unknown(&state);
        most = most.max(rows.len());
        assert!(
            rows.len() <= concurrency,
            "{} messages of unknown fate after a kill at concurrency {concurrency}: {rows:?}",
            rows.len()
        );
        for row in rows {
            *unknown_at.entry(row).or_default() += 1;
        }
    }
    let last = publish(&project)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(
        last.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&last),
        stderr(&last)
    );
    assert!(unknown(&state).is_empty());
    let mut copies: HashMap<String, usize> = HashMap::new();
    for (to, _) in server.received.lock().unwrap().iter() {
        *copies.entry(to.clone()).or_default() += 1;
    }
    assert_eq!(copies.len(), SUBSCRIBERS, "somebody was skipped");
    let repeated: HashSet<&String> = copies
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(to, _)| to)
        .collect();
    for to in &repeated {
        let counted = unknown_at.get(*to).copied().unwrap_or(0);
        assert!(
            copies[*to] <= 1 + counted,
            "{to} got {} copies but was counted unknown after {counted} kills",
            copies[*to]
        );
    }
    assert!(
        *server.ahead.lock().unwrap() > SUBSCRIBERS / 2,
        "commands were sent ahead (PIPELINING)"
    );
    eprintln!(
        "concurrency {concurrency}, {KILLS} kills: at most {most} unknown after a kill, {} unknown in all, {} received twice or more",
        unknown_at.len(),
        repeated.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_leaves_at_most_concurrency_messages_of_unknown_fate() {
    kill_repeatedly(4, 11).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bound_holds_with_one_connection_too() {
    kill_repeatedly(1, 27).await;
}

/// What the bound rests on: no message's content ends (after which the server
/// delivers it) before its `sending` is committed. The server reads the ledger at
/// each end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_message_ends_before_it_is_recorded_sending() {
    let server = FaultServer::start(Script {
        pipelining: true,
        ..Default::default()
    })
    .await;
    let project = project(server.port, 4);
    let state = project.plan().site.state;
    *server.ledger.lock().unwrap() = Some(state.clone());
    let out = publish(&project)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ended = server.ended.lock().unwrap().clone();
    assert_eq!(ended.len(), SUBSCRIBERS, "one end per message");
    let early: Vec<_> = ended.iter().filter(|(_, s)| s != "sending").collect();
    assert!(early.is_empty(), "ended before recorded: {early:?}");
    assert!(
        *server.ahead.lock().unwrap() > SUBSCRIBERS / 2,
        "commands were sent ahead (PIPELINING)"
    );
    assert!(unknown(&state).is_empty());
}
