//! Rejections told apart and failing fast, against real SMTP servers on 127.0.0.1
//! (the scripted fault server, a port nothing listens on, a server that never
//! greets): a refusal of our mail suppresses nobody and, repeated, stops the run; a
//! bad mailbox bounces; no connection stops the run without using anyone's attempts;
//! the causes agree between the run, `status --json` and the log.

use std::{collections::HashMap, time::Duration};

use pressroom::{
    deliver::email::CHANNEL,
    model::IssueId,
    store::{Delivery, DeliveryState},
};

use crate::support::{
    Project,
    browser::free_port,
    smtp::{FaultServer, Script},
    stderr, stdout,
};

/// The demo with `n` subscribers r00..r{n-1}, over SMTP to 127.0.0.1:`port`;
/// `extra`: more `[email]` keys.
fn project(port: u16, n: usize, extra: &str) -> Project {
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config())
        .unwrap()
        .replace(
            "transport = \"file\"",
            &format!(
                "transport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nbackoff = \"50ms\"\ntimeout = \"1s\"\n{extra}"
            ),
        );
    std::fs::write(project.config(), config).unwrap();
    let subscribers: String = (0..n)
        .map(|i| format!("[[subscribers]]\nemail = \"{}\"\n\n", address(i)))
        .collect();
    project.write("subscribers.toml", subscribers);
    project
}

fn address(i: usize) -> String {
    format!("r{i:02}@readers.example")
}

fn issue() -> IssueId {
    IssueId::parse("morning/2026-11-27").unwrap()
}

fn rows(project: &Project) -> HashMap<String, Delivery> {
    (project
        .store()
        .deliveries(&issue(), CHANNEL)
        .unwrap()
        .into_iter())
    .map(|d| (d.recipient.clone(), d))
    .collect()
}

/// Runs the binary on a blocking thread (the fault server runs on the test's runtime).
async fn run(project: &Project, args: &[&str]) -> std::process::Output {
    let mut all = vec![
        "--config".to_owned(),
        project.config().to_str().unwrap().to_owned(),
        "--now".to_owned(),
        crate::support::NOW.to_owned(),
    ];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    tokio::task::spawn_blocking(move || {
        crate::support::pressroom(&all.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .unwrap()
}

fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output)).unwrap_or_else(|e| panic!("{e}: {}", stdout(output)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_refusal_suppresses_nobody_and_repeated_stops_the_run() {
    // Every message refused at the end of DATA, as a content filter or a block list
    // does: not one reader's fault.
    let refusal = "550 5.7.1 Message rejected as spam by Content Filtering";
    let server = FaultServer::start(Script {
        data_reply: (0..20).map(|i| (address(i), refusal.to_owned())).collect(),
        ..Default::default()
    })
    .await;
    let project = project(
        server.port,
        20,
        "bounce_limit = 1\nconcurrency = 1\nrefusal_limit = 5",
    );
    let first = run(&project, &["publish"]).await;
    assert_eq!(first.status.code(), Some(2), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("error: the server refuses our mail: permanent error (550): 5.7.1 Message rejected as spam"),
        "{}",
        stderr(&first)
    );
    let line = stdout(&first);
    assert!(
        line.contains("0 sent")
            && line.contains("0 failed")
            && line.contains("5 refused")
            && line.contains("15 left for the next run"),
        "{line}"
    );
    // The refusal is grouped at WARN with its count and reply.
    assert!(
        stderr(&first).contains("5 refused: policy") && stderr(&first).contains("WARN"),
        "{}",
        stderr(&first)
    );
    let ledger = rows(&project);
    let refused: Vec<_> = ledger
        .values()
        .filter(|d| d.state == DeliveryState::Refused)
        .collect();
    assert_eq!(refused.len(), 5);
    assert!(refused.iter().all(|d| d.cause.as_deref() == Some("policy")));
    let untouched = (ledger.values())
        .filter(|d| d.state == DeliveryState::Pending && d.attempts == 0 && d.last_error.is_none())
        .count();
    assert_eq!(untouched, 15, "the rest left pending, untried");
    // Run again, twice (the issue's bug: two runs later every address was suppressed).
    for _ in 0..2 {
        let again = run(&project, &["publish", "--no-fetch"]).await;
        assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    }
    let list = run(&project, &["suppressions", "list", "--json"]).await;
    assert_eq!(list.status.code(), Some(0));
    assert_eq!(json(&list), serde_json::json!([]), "nobody suppressed");
    assert_eq!(
        (rows(&project).values())
            .filter(|d| d.state == DeliveryState::Refused)
            .count(),
        15
    );
    // status --json counts what the runs reported, with the cause and the last reply.
    let status = run(&project, &["status", "--json"]).await;
    let doc = json(&status);
    let issue = &doc["issues"][0];
    assert_eq!(issue["id"], "morning/2026-11-27");
    assert_eq!(
        (
            issue["refused"].as_u64(),
            issue["failed"].as_u64(),
            issue["pending"].as_u64()
        ),
        (Some(15), Some(0), Some(5))
    );
    assert_eq!(issue["causes"][0]["outcome"], "refused");
    assert_eq!(issue["causes"][0]["cause"], "policy");
    assert_eq!(issue["causes"][0]["count"], 15);
    assert!(
        issue["causes"][0]["last_reply"]
            .as_str()
            .unwrap()
            .contains("5.7.1"),
        "{issue}"
    );
    assert_eq!(server.accepted.lock().unwrap().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_mailbox_bounces_and_the_operator_lifts_its_suppression() {
    let server = FaultServer::start(Script {
        rcpt: HashMap::from([
            (address(1), "550 5.1.1 <r01@readers.example>: Recipient address rejected: User unknown in local recipient table".to_owned()),
            (address(3), "550 5.1.1 no such user".to_owned()),
        ]),
        ..Default::default()
    })
    .await;
    let project = project(server.port, 6, "bounce_limit = 1");
    let output = run(&project, &["publish"]).await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let line = stdout(&output);
    assert!(
        line.contains("4 sent")
            && line.contains("2 failed (bounced; 2 now suppressed)")
            && line.contains("0 refused")
            && line.contains("0 deferred"),
        "{line}"
    );
    let ledger = rows(&project);
    for i in [1, 3] {
        let row = &ledger[&address(i)];
        assert_eq!(row.state, DeliveryState::Failed);
        assert_eq!(row.cause.as_deref(), Some("mailbox"));
    }
    let list = run(&project, &["suppressions", "list", "--json"]).await;
    let addresses: Vec<String> = (json(&list).as_array().unwrap().iter())
        .map(|s| s["address"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(addresses, [address(1), address(3)]);
    // Lifted by hand; a second removal says it was not suppressed (exit 2).
    let removed = run(&project, &["suppressions", "remove", "R01@readers.example"]).await;
    assert_eq!(removed.status.code(), Some(0), "{}", stderr(&removed));
    assert!(stdout(&removed).contains("r01@readers.example: no longer suppressed"));
    let again = run(
        &project,
        &["suppressions", "remove", "r01@readers.example", "--json"],
    )
    .await;
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(json(&again)["changed"], false);
    let added = run(
        &project,
        &[
            "suppressions",
            "add",
            "r05@readers.example",
            "--reason",
            "asked by phone",
        ],
    )
    .await;
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    let list = run(&project, &["suppressions", "list"]).await;
    let text = stdout(&list);
    assert!(
        !text.contains("r01@")
            && text.contains("r03@")
            && text.contains("r05@readers.example")
            && text.contains("asked by phone")
            && text.contains("2 suppressed addresses"),
        "{text}"
    );
    // The next issue skips r03 and r05, and goes to r01 again.
    let tomorrow = run_at(
        &project,
        "2026-11-28T06:00:00Z",
        &["publish", "--no-fetch", "--force"],
    )
    .await;
    assert!(
        stdout(&tomorrow).contains("4 recipients"),
        "{}",
        stdout(&tomorrow)
    );
    assert!(
        stdout(&tomorrow).contains("2 suppressed earlier"),
        "{}",
        stdout(&tomorrow)
    );
}

async fn run_at(project: &Project, now: &str, args: &[&str]) -> std::process::Output {
    let (config, now) = (project.config(), now.to_owned());
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let mut all = vec![
            "--config".to_owned(),
            config.to_str().unwrap().to_owned(),
            "--now".to_owned(),
            now,
        ];
        all.extend(args);
        crate::support::pressroom(&all.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_listening_stops_the_run_at_once_and_uses_up_nobodys_attempts() {
    let port = free_port(); // bound, then released: nothing listens there
    let project = project(port, 40, "attempts = 4\nconcurrency = 4");
    let started = std::time::Instant::now();
    let output = run(&project, &["publish"]).await;
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("error: cannot deliver to the mail server: 127.0.0.1:")
            && err.contains("connect: Connection refused"),
        "{err}"
    );
    assert!(
        err.contains("deferred: connection"),
        "grouped at WARN: {err}"
    );
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let ledger = rows(&project);
    assert_eq!(ledger.len(), 40);
    assert!(
        ledger
            .values()
            .all(|d| d.state == DeliveryState::Pending && d.attempts == 0),
        "{:?}",
        ledger.values().find(|d| d.attempts > 0)
    );
    // The run report, `status` and `status --json` count the same deferred messages.
    let line = stdout(&output);
    let deferred: usize = line
        .split(", ")
        .find_map(|part| part.strip_suffix(" deferred")?.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!((1..40).contains(&deferred), "{line}");
    assert!(
        line.contains(&format!("{} left for the next run", 40 - deferred)),
        "{line}"
    );
    let doc = json(&run(&project, &["status", "--json"]).await);
    assert_eq!(doc["issues"][0]["deferred"].as_u64(), Some(deferred as u64));
    assert_eq!(doc["issues"][0]["pending"].as_u64(), Some(40));
    assert_eq!(doc["issues"][0]["causes"][0]["cause"], "connection");
    assert_eq!(
        doc["issues"][0]["causes"][0]["count"].as_u64(),
        Some(deferred as u64)
    );
    let text = stdout(&run(&project, &["status"]).await);
    assert!(
        text.contains(&format!("40 pending ({deferred} deferred)"))
            && text.contains(&format!(
                "{deferred} deferred (connection): last reply: 127.0.0.1:"
            )),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_greets_stops_the_run_within_its_timeout() {
    let server = FaultServer::start(Script {
        stall: true,
        ..Default::default()
    })
    .await;
    let project = project(server.port, 30, "attempts = 4\nconcurrency = 4");
    let started = std::time::Instant::now();
    let output = run(&project, &["publish"]).await;
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot deliver to the mail server")
            && stderr(&output).contains("greeting: no answer within 1s"),
        "{}",
        stderr(&output)
    );
    // One timeout per slot, a back-off, then two more: a few seconds, not 30 × 4.
    assert!(took < Duration::from_secs(15), "took {took:?}");
    assert!(rows(&project).values().all(|d| d.attempts == 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_starttls_or_no_authentication_stops_the_run_and_names_the_step() {
    // The fault server offers neither STARTTLS nor AUTH.
    let server = FaultServer::start(Script::default()).await;
    for (extra, step) in [
        ("tls = \"starttls\"", "STARTTLS: "),
        (
            "user = \"review\"\npassword_env = \"PRESSROOM_TEST_SMTP_PASSWORD\"",
            "authentication: ",
        ),
    ] {
        let project = project(server.port, 12, "attempts = 4\nconcurrency = 2");
        let config = std::fs::read_to_string(project.config()).unwrap();
        let config = if extra.starts_with("tls") {
            config.replace("tls = \"none\"", extra)
        } else {
            config.replace("tls = \"none\"", &format!("tls = \"none\"\n{extra}"))
        };
        std::fs::write(project.config(), config).unwrap();
        let path = project.config();
        let output = tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
                .args([
                    "--config",
                    path.to_str().unwrap(),
                    "--now",
                    crate::support::NOW,
                ])
                .arg("publish")
                .env("PRESSROOM_TEST_SMTP_PASSWORD", "not-a-real-one")
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(
            err.contains("error: cannot deliver to the mail server: 127.0.0.1:")
                && err.contains(step),
            "{step}: {err}"
        );
        // The test process has no password: read the ledger without asking for one.
        let config = std::fs::read_to_string(project.config()).unwrap();
        std::fs::write(project.config(), config.replace(extra, "")).unwrap();
        let ledger = rows(&project);
        assert_eq!(ledger.len(), 12, "{step}");
        assert!(ledger.values().all(|d| d.attempts == 0), "{step}");
        assert_eq!(server.accepted.lock().unwrap().len(), 0);
    }
}
