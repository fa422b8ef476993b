//! Causes in plain sight and counts that agree: a daemon publishing, resuming the same
//! issue every few seconds, to a server on 127.0.0.1 that refuses some messages for
//! policy and defers one; `/metrics`, `status --json` and the daemon's log say the
//! same thing, however many runs retried the deferred message.

use std::{collections::HashMap, time::Duration};

use crate::{
    daemon::{daemon_demo, finish, signal, start, until},
    support::{
        browser::{free_port, wait_for},
        smtp::{FaultServer, Script},
        stderr, stdout,
    },
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_status_and_the_log_agree_on_refused_and_deferred() {
    let policy = "550 5.7.1 Message rejected due to local policy";
    let server = FaultServer::start(Script {
        rcpt: HashMap::from([(
            "sam@readers.example".to_owned(),
            "451 4.2.1 mailbox busy, try later".to_owned(),
        )]),
        data_reply: HashMap::from([
            ("tomas@readers.example".to_owned(), policy.to_owned()),
            ("irina@readers.example".to_owned(), policy.to_owned()),
        ]),
        ..Default::default()
    })
    .await;
    let port = free_port();
    let project = daemon_demo(server.port, port, 3);
    let daemon = start(&project);
    let site = format!("http://127.0.0.1:{port}");
    wait_for(&format!("{site}/healthz"), Duration::from_secs(20)).await;
    let accepted = || server.accepted.lock().unwrap().values().sum::<usize>();
    until(Duration::from_secs(60), || accepted() >= 3).await;
    // A few more fires: each resumes the issue and retries sam (attempts = 1).
    tokio::time::sleep(Duration::from_secs(8)).await;
    let metrics = reqwest::get(format!("{site}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    signal(&daemon, "TERM");
    let output = finish(daemon, Duration::from_secs(30));
    let has = |line: &str| metrics.lines().any(|l| l == line);
    assert!(
        has("pressroom_issues_published_total{edition=\"morning\"} 1"),
        "{metrics}"
    );
    assert!(
        has("pressroom_messages_total{result=\"sent\"} 3"),
        "{metrics}"
    );
    assert!(
        has("pressroom_messages_total{result=\"refused\"} 2"),
        "{metrics}"
    );
    assert!(
        has("pressroom_messages_total{result=\"failed\"} 0"),
        "{metrics}"
    );
    // Deferred is what waits now, as `status` counts it: one message, not one per run.
    assert!(has("pressroom_messages_deferred 1"), "{metrics}");
    let log = stderr(&output);
    let runs = log.matches("issue delivered").count();
    assert!(runs >= 2, "the issue was resumed: {log}");
    assert!(
        log.lines().any(|l| l.contains("WARN")
            && l.contains("issue left readers without it: 1 deferred (mailbox)")),
        "{log}"
    );
    assert!(
        log.lines()
            .any(|l| l.contains("WARN") && l.contains("2 refused: policy") && l.contains("5.7.1")),
        "{log}"
    );
    let status = project.run(&["status", "--json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&status)).unwrap();
    let issue = &doc["issues"][0];
    assert_eq!(issue["id"], "morning/2026-11-27T09:00", "{doc}");
    let count = |key: &str| issue[key].as_u64().unwrap();
    assert_eq!(
        (
            count("sent"),
            count("refused"),
            count("failed"),
            count("deferred")
        ),
        (3, 2, 0, 1),
        "{issue}"
    );
    let causes = issue["causes"].as_array().unwrap();
    assert_eq!(causes.len(), 2, "{issue}");
    assert_eq!(
        (
            &causes[0]["outcome"],
            &causes[0]["cause"],
            &causes[0]["count"]
        ),
        (&"refused".into(), &"policy".into(), &2.into())
    );
    assert!(
        causes[0]["last_reply"]
            .as_str()
            .unwrap()
            .contains("local policy")
    );
    assert_eq!(
        (
            &causes[1]["outcome"],
            &causes[1]["cause"],
            &causes[1]["count"]
        ),
        (&"deferred".into(), &"mailbox".into(), &1.into())
    );
    assert!(
        causes[1]["last_reply"]
            .as_str()
            .unwrap()
            .contains("(451): 4.2.1 mailbox busy")
    );
    let text = stdout(&project.run(&["status"]));
    assert!(
        text.contains("3 sent, 0 failed (bounced), 2 refused, 1 pending (1 deferred)")
            && text.contains("2 refused (policy): last reply: ")
            && text.contains("1 deferred (mailbox): last reply: "),
        "{text}"
    );
}
