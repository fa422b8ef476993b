//! One sender per state file: a `publish` or `fetch` beside another run that holds
//! the state file's lock (the daemon, another `publish`) exits 75 and names it, after
//! waiting up to `--wait`; read-only commands never wait.

use std::time::{Duration, Instant};

use pressroom::store::StateLock;

use crate::support::{
    Project,
    smtp::{FaultServer, Script, write_subscribers},
    stderr, stdout,
};

#[test]
fn a_second_sender_waits_then_exits_75_and_readers_never_wait() {
    let project = Project::demo();
    let fetched = project.run(&["fetch"]);
    assert_eq!(fetched.status.code(), Some(0), "{}", stderr(&fetched));
    // Another run holds the lock (this test process stands in for it).
    let state = project.plan().site.state;
    let held = StateLock::take(&state).unwrap();

    let refused = project.run(&["publish"]);
    assert_eq!(refused.status.code(), Some(75), "{}", stdout(&refused));
    let message = stderr(&refused);
    assert!(
        message.contains(&format!(
            "another pressroom run (pid {})",
            std::process::id()
        )),
        "{message}"
    );
    assert!(message.contains("pressroom.db.lock"), "{message}");
    assert!(!project.path("state/outbox").exists(), "something was sent");

    let started = Instant::now();
    let waited = project.run(&["publish", "--wait", "1s"]);
    assert_eq!(waited.status.code(), Some(75), "{}", stderr(&waited));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "it did not wait"
    );

    let fetch = project.run(&["fetch"]);
    assert_eq!(fetch.status.code(), Some(75), "{}", stderr(&fetch));

    // Readers and the editor's pins go on.
    for args in [&["explain"][..], &["status"][..], &["preview"][..]] {
        let out = project.run(args);
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "{args:?}: {}",
            stderr(&out)
        );
    }

    // Once the other run has finished, publish goes through.
    drop(held);
    let sent = project.run(&["publish"]);
    assert_eq!(sent.status.code(), Some(0), "{}", stderr(&sent));
    assert!(stdout(&sent).contains("6 sent"), "{}", stdout(&sent));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_overlapping_publish_runs_send_each_reader_one_message() {
    // A slow SMTP server (50 ms a message) and 40 readers: a run takes about half a
    // second to send, so two runs started together overlap. Without the lock the
    // second run sent most readers a second copy.
    let server = FaultServer::start(Script {
        delay: Some(Duration::from_millis(50)),
        ..Default::default()
    })
    .await;
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config()).unwrap().replace(
        "transport = \"file\"",
        &format!(
            "transport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"",
            server.port
        ),
    );
    std::fs::write(project.config(), config).unwrap();
    write_subscribers(&project.path("subscribers.toml"), 40);
    let fetched = project.run(&["fetch"]);
    assert_eq!(fetched.status.code(), Some(0), "{}", stderr(&fetched));
    let run = |wait: &'static str| {
        let config = project.config();
        move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
                .args([
                    "--config",
                    config.to_str().unwrap(),
                    "--now",
                    crate::support::NOW,
                    "publish",
                    "--no-fetch",
                    "--wait",
                    wait,
                ])
                .env_remove("PRESSROOM_CONFIG")
                .env_remove("PRESSROOM_NOW")
                .output()
                .unwrap()
        }
    };
    let first = std::thread::spawn(run("0s"));
    std::thread::sleep(Duration::from_millis(150));
    let second = std::thread::spawn(run("60s"));
    let (a, b) = (first.join().unwrap(), second.join().unwrap());
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    let accepted = server.accepted.lock().unwrap().clone();
    assert_eq!(accepted.len(), 40, "{accepted:?}");
    let twice: Vec<_> = accepted.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "readers who got the issue twice: {twice:?}"
    );
    assert!(stdout(&b).contains("40 already sent"), "{}", stdout(&b));
}
