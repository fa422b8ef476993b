//! Delivery: publish over real SMTP (aiosmtpd), faults from a scripted server, a crash
//! in the middle of a run, one-click unsubscribe, the sendmail transport.

use std::{collections::HashMap, time::Duration};

use crate::support::{
    Project,
    browser::{Running, free_port, wait_for},
    smtp::{FaultServer, Script, Sink, write_subscribers},
    stderr, stdout,
};

/// The demo, delivering over SMTP to 127.0.0.1:`port` with short timeouts.
pub(crate) fn smtp_demo(port: u16, base_url: &str) -> Project {
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config()).unwrap();
    let config = config
        .replace("base_url = \"http://127.0.0.1:8080/\"", &format!("base_url = \"{base_url}\""))
        .replace(
            "transport = \"file\"",
            &format!(
                "transport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nattempts = 2\nbackoff = \"50ms\"\ntimeout = \"2s\"\nbounce_limit = 1\nlist_id = \"morning.meridian.example\""
            ),
        );
    std::fs::write(project.config(), config).unwrap();
    project
}

#[test]
fn publish_delivers_each_subscriber_their_sections_once_over_real_smtp() {
    let sink = Sink::start();
    let project = smtp_demo(sink.port, "https://review.meridian.example/");
    let output = project.run(&["publish"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("6 sent"), "{}", stdout(&output));
    let messages = sink.messages();
    assert_eq!(messages.len(), 6, "one message per subscriber");
    let by_rcpt: HashMap<String, _> = messages.iter().map(|m| (m.to(), m)).collect();
    assert_eq!(by_rcpt.len(), 6, "no subscriber got two");
    for message in &messages {
        // The headers a careful newsletter sends.
        assert_eq!(
            message.header("from"),
            Some("\"Meridian Morning Review\" <review@meridian.example>")
        );
        // The demo's Russian reader gets the date in Russian (RFC 2047-encoded):
        // "пятница, 27 ноября 2026", the day in lower case after the colon.
        let subject = match message.to().as_str() {
            "irina@readers.example" => {
                "Meridian Morning Review: =?utf-8?b?0L/Rj9GC0L3QuNGG0LAs?= 27 =?utf-8?b?0L3QvtGP0LHRgNGP?= 2026"
            }
            _ => "Meridian Morning Review: Friday, 27 November 2026",
        };
        assert_eq!(message.header("subject"), Some(subject));
        assert_eq!(
            message.header("list-id"),
            Some("\"Meridian Morning Review\" <morning.meridian.example>")
        );
        assert_eq!(
            message.header("list-unsubscribe-post"),
            Some("List-Unsubscribe=One-Click")
        );
        let unsubscribe = message.header("list-unsubscribe").unwrap();
        assert!(
            unsubscribe.starts_with("<https://review.meridian.example/unsubscribe?token="),
            "{unsubscribe}"
        );
        assert!(unsubscribe.contains("<mailto:review@meridian.example?subject=unsubscribe>"));
        assert!(
            message
                .header("message-id")
                .unwrap()
                .ends_with("@meridian.example>")
        );
        assert!(message.header("date").is_some());
        let text = message.part("text/plain").expect("a text part");
        assert!(
            text.contains("https://review.meridian.example/morning/2026-11-27/"),
            "view-in-browser link"
        );
    }
    // HTML subscribers get multipart/alternative; the text-only one gets text/plain.
    let anna = by_rcpt["anna.petrova@readers.example"];
    assert!(
        anna.header("content-type")
            .unwrap()
            .starts_with("multipart/alternative")
    );
    let html = anna.part("text/html").unwrap();
    assert!(
        html.contains("sent to anna.petrova@readers.example because"),
        "footer filled in"
    );
    assert!(html.contains("Politics &amp; Diplomacy") && html.contains("Sport"));
    let sam = by_rcpt["sam@readers.example"];
    assert!(
        sam.header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(sam.part("text/html").is_none());
    let sam_text = sam.part("text/plain").unwrap();
    assert!(
        sam_text.contains("Sport") && !sam_text.contains("Politics & Diplomacy"),
        "only his sections:\n{sam_text}"
    );
    assert!(sam_text.contains("sent to sam@readers.example\nbecause"));
    let li = by_rcpt["li.wei@readers.example"].part("text/html").unwrap();
    assert!(
        !li.contains(">Sport<"),
        "Li Wei chose world, politics, defense"
    );
    // Publishing again resumes: nothing more is sent.
    let again = project.run(&["publish"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("resumed") && stdout(&again).contains("6 already sent"),
        "{}",
        stdout(&again)
    );
    assert_eq!(sink.count(), 6);
}

/// A project of five subscribers a..e at the fault server.
fn fault_project(port: u16, extra: &str) -> Project {
    let project = smtp_demo(port, "http://127.0.0.1:8080/");
    let mut subscribers = String::new();
    for name in ["a", "b", "c", "d", "e"] {
        subscribers.push_str(&format!(
            "[[subscribers]]\nemail = \"{name}@readers.example\"\n\n"
        ));
    }
    project.write("subscribers.toml", subscribers);
    let config = std::fs::read_to_string(project.config())
        .unwrap()
        .replace("bounce_limit = 1", extra);
    std::fs::write(project.config(), config).unwrap();
    project
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_end_as_the_rules_say() {
    faults_end_as_the_rules_say_with(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_end_as_the_rules_say_with_commands_pipelined() {
    // With PIPELINING, MAIL, RCPT and DATA go out together; the refusal reported is
    // RCPT's, not the 554 DATA gets after it.
    faults_end_as_the_rules_say_with(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_answer_goes_to_its_own_message_when_commands_go_ahead() {
    // One connection, PIPELINING: every message's commands follow the content of the
    // one before. The server refuses c's content at its end: c alone is refused (a
    // refusal of the content, not a bounce), and the answers of a message and of the
    // commands behind it are never mixed up.
    let server = FaultServer::start(Script {
        pipelining: true,
        data_reply: HashMap::from([(
            "c@readers.example".to_owned(),
            "554 5.6.0 content rejected".to_owned(),
        )]),
        ..Default::default()
    })
    .await;
    let project = fault_project(server.port, "bounce_limit = 1\nconcurrency = 1");
    let output = pressroom_at(&project, crate::support::NOW, &["publish"]).await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    for (address, n) in [("a", 1), ("b", 1), ("c", 0), ("d", 1), ("e", 1)] {
        assert_eq!(
            server.accepted(&format!("{address}@readers.example")),
            n,
            "{address}"
        );
    }
    let line = stdout(&output);
    assert!(
        line.contains("4 sent") && line.contains("0 failed") && line.contains("1 refused"),
        "{line}"
    );
    let store = project.store();
    let issue = pressroom::model::IssueId::parse("morning/2026-11-27").unwrap();
    let c = (store
        .deliveries(&issue, pressroom::deliver::email::CHANNEL)
        .unwrap()
        .into_iter())
    .find(|d| d.recipient == "c@readers.example")
    .unwrap();
    assert_eq!(c.state, pressroom::store::DeliveryState::Refused);
    assert!(c.last_error.as_deref().unwrap().contains("554"), "{c:?}");
    assert_eq!(c.cause.as_deref(), Some("content"));
    assert!(store.suppressed_set().unwrap().is_empty());
    // b, c and d went behind the content of a, b and c; c's refusal closed that
    // connection with d's transaction open (dropped by the server, as the counts
    // above show), d started afresh on a second one and e went behind it.
    assert_eq!(*server.ahead.lock().unwrap(), 4);
    assert_eq!(*server.connections.lock().unwrap(), 2);
}

async fn faults_end_as_the_rules_say_with(pipelining: bool) {
    let script = Script {
        pipelining,
        rcpt: HashMap::from([
            (
                "b@readers.example".to_owned(),
                "451 4.2.1 mailbox busy, try later".to_owned(),
            ),
            (
                "c@readers.example".to_owned(),
                "550 5.1.1 no such user".to_owned(),
            ),
        ]),
        drop_data_once: vec!["d@readers.example".to_owned()],
        ..Default::default()
    };
    let server = FaultServer::start(script).await;
    let project = fault_project(server.port, "bounce_limit = 1");
    let output = pressroom_at(&project, crate::support::NOW, &["publish"]).await;
    let pipelined = *server.pipelined.lock().unwrap();
    let ahead = *server.ahead.lock().unwrap();
    if pipelining {
        assert!(pipelined >= 5, "{pipelined} transactions pipelined");
        // Four slots take a..e; the first knows b is next and sends its commands
        // behind a's content (c, next on the second, is refused before its content,
        // so nothing goes ahead behind it).
        assert_eq!(ahead, 1, "transactions sent ahead");
    } else {
        assert_eq!(pipelined, 0, "pipelined without the server's PIPELINING");
        assert_eq!(ahead, 0, "sent ahead without the server's PIPELINING");
    }
    // Partial failure: exit 2; a, d (after a retry) and e sent; b deferred; c refused.
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let line = stdout(&output);
    assert!(
        line.contains("3 sent")
            && line.contains("1 failed")
            && line.contains("1 deferred")
            && line.contains("1 now suppressed"),
        "{line}"
    );
    for (address, n) in [("a", 1), ("b", 0), ("c", 0), ("d", 1), ("e", 1)] {
        assert_eq!(
            server.accepted(&format!("{address}@readers.example")),
            n,
            "{address}"
        );
    }
    let store = project.store();
    let issue = pressroom::model::IssueId::parse("morning/2026-11-27").unwrap();
    let rows: HashMap<String, pressroom::store::Delivery> = store
        .deliveries(&issue, pressroom::deliver::email::CHANNEL)
        .unwrap()
        .into_iter()
        .map(|d| (d.recipient.clone(), d))
        .collect();
    assert_eq!(
        rows["b@readers.example"].state,
        pressroom::store::DeliveryState::Pending
    );
    assert_eq!(
        rows["b@readers.example"].attempts, 2,
        "retried up to email.attempts"
    );
    assert!(
        rows["b@readers.example"]
            .last_error
            .as_deref()
            .unwrap()
            .contains("451")
    );
    assert_eq!(
        rows["c@readers.example"].state,
        pressroom::store::DeliveryState::Failed
    );
    assert!(
        rows["c@readers.example"]
            .last_error
            .as_deref()
            .unwrap()
            .contains("550")
    );
    assert_eq!(
        rows["d@readers.example"].attempts, 2,
        "the cut-off DATA was retried"
    );
    assert!(
        store
            .suppressed_set()
            .unwrap()
            .contains("c@readers.example"),
        "one hard bounce suppresses here"
    );
    drop(store);
    // Status shows the suppression; a second run sends only what is left (b, still refused).
    let status = project.run(&["status"]);
    assert!(
        stdout(&status).contains("c@readers.example"),
        "{}",
        stdout(&status)
    );
    let again = pressroom_at(&project, crate::support::NOW, &["publish", "--no-fetch"]).await;
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stdout(&again).contains("0 sent") && stdout(&again).contains("3 already sent"),
        "{}",
        stdout(&again)
    );
    for address in ["a", "d", "e"] {
        assert_eq!(
            server.accepted(&format!("{address}@readers.example")),
            1,
            "{address} got a second copy"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_refuses_or_stalls_defers_everyone_in_bounded_time() {
    for script in [
        Script {
            refuse_connections: true,
            ..Default::default()
        },
        Script {
            stall: true,
            ..Default::default()
        },
    ] {
        let stalled = script.stall;
        let server = FaultServer::start(script).await;
        let project = fault_project(server.port, "bounce_limit = 1");
        let config = std::fs::read_to_string(project.config())
            .unwrap()
            .replace("attempts = 2", "attempts = 1");
        std::fs::write(project.config(), config).unwrap();
        let output = pressroom_at(&project, crate::support::NOW, &["publish"]).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "stall={stalled}: {}",
            stderr(&output)
        );
        assert!(
            stdout(&output).contains("0 sent") && stdout(&output).contains("5 deferred"),
            "stall={stalled}: {}",
            stdout(&output)
        );
        let counts = project
            .store()
            .ledger_counts(
                &pressroom::model::IssueId::parse("morning/2026-11-27").unwrap(),
                pressroom::deliver::email::CHANNEL,
            )
            .unwrap();
        assert_eq!((counts.pending, counts.deferred, counts.sent), (5, 5, 0));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_mid_run_loses_nobody_and_repeats_only_in_flight_messages() {
    let sink = Sink::start();
    let messages = || {
        (sink.messages().into_iter())
            .map(|m| (m.to(), m.header("message-id").unwrap().to_owned()))
            .collect()
    };
    crash_and_resume(sink.port, || sink.count(), messages).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_loses_nobody_when_commands_go_ahead_of_each_message() {
    // With PIPELINING each connection sends its next message's commands behind the
    // current content; a kill then leaves a transaction open at the server, which
    // must never become a message, and the guarantee stays the same.
    let server = FaultServer::start(Script {
        pipelining: true,
        ..Default::default()
    })
    .await;
    let received = server.received.clone();
    crash_and_resume(
        server.port,
        || received.lock().unwrap().len(),
        || received.lock().unwrap().clone(),
    )
    .await;
    assert!(
        *server.ahead.lock().unwrap() > 1_000,
        "commands were sent ahead"
    );
}

/// Kills `publish` for 2,000 subscribers three times, then lets it finish; checks what
/// the server received: `count` messages so far, `messages` as (recipient, Message-ID).
async fn crash_and_resume(
    port: u16,
    count: impl Fn() -> usize,
    messages: impl Fn() -> Vec<(String, String)>,
) {
    let project = smtp_demo(port, "http://127.0.0.1:8080/");
    write_subscribers(&project.path("subscribers.toml"), 2_000);
    let fetched = project.run(&["fetch"]);
    assert_eq!(fetched.status.code(), Some(0));
    let concurrency = 4; // the default of email.concurrency
    let mut kills = 0;
    for stop_after in [150, 700, 1_400] {
        let mut child = Running(
            std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
                .args([
                    "--config",
                    project.config().to_str().unwrap(),
                    "--now",
                    crate::support::NOW,
                    "publish",
                    "--no-fetch",
                ])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        );
        let started = std::time::Instant::now();
        while count() < stop_after && started.elapsed() < Duration::from_secs(120) {
            if child.0.try_wait().unwrap().is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        child.0.kill().unwrap(); // SIGKILL: no chance to clean up
        let _ = child.0.wait();
        kills += 1;
    }
    let last = project.run(&["publish", "--no-fetch"]);
    assert_eq!(
        last.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&last),
        stderr(&last)
    );
    // Every subscriber has the issue; repeats are few and carry the same Message-ID.
    let mut by_rcpt: HashMap<String, Vec<String>> = HashMap::new();
    for (to, message_id) in messages() {
        by_rcpt.entry(to).or_default().push(message_id);
    }
    assert_eq!(by_rcpt.len(), 2_000, "somebody was skipped");
    let repeated: Vec<_> = by_rcpt.iter().filter(|(_, ids)| ids.len() > 1).collect();
    for (address, ids) in &repeated {
        assert!(
            ids.iter().all(|id| id == &ids[0]),
            "{address} got different Message-IDs: {ids:?}"
        );
    }
    assert!(
        repeated.len() <= kills * concurrency,
        "{} repeats after {kills} kills",
        repeated.len()
    );
    assert!(by_rcpt.values().all(|ids| ids.len() <= 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_click_unsubscribe_end_to_end() {
    let sink = Sink::start();
    let port = free_port();
    let project = smtp_demo(sink.port, &format!("http://127.0.0.1:{port}/"));
    let config = project.config();
    let published = pressroom_at(&project, crate::support::NOW, &["publish"]).await;
    assert_eq!(published.status.code(), Some(0), "{}", stderr(&published));
    let anna = sink
        .messages()
        .into_iter()
        .find(|m| m.to() == "anna.petrova@readers.example")
        .unwrap();
    let header = anna.header("list-unsubscribe").unwrap();
    let url = header[1..header.find('>').unwrap()].to_owned();
    let _server = Running(
        std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
            .args([
                "--config",
                config.to_str().unwrap(),
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(
        &format!("http://127.0.0.1:{port}/healthz"),
        Duration::from_secs(20),
    )
    .await;
    let client = reqwest::Client::new();
    // A GET (what a link scanner does) only shows a confirmation page.
    let page = client.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<form method=\"post\""));
    assert!(
        project.store().suppressed_set().unwrap().is_empty(),
        "a GET unsubscribed"
    );
    // A forged token changes nothing.
    let forged = url.replace("token=", "token=x");
    assert_eq!(client.post(&forged).send().await.unwrap().status(), 400);
    assert!(project.store().suppressed_set().unwrap().is_empty());
    // The one-click POST (RFC 8058) suppresses.
    let done = client
        .post(&url)
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    assert!(
        project
            .store()
            .suppressed_set()
            .unwrap()
            .contains("anna.petrova@readers.example")
    );
    // The next day's issue (forced: the demo's feeds bring nothing new, so it would be
    // held as empty) goes to everyone else.
    let tomorrow = pressroom_at(
        &project,
        "2026-11-28T06:00:00Z",
        &["publish", "--no-fetch", "--force"],
    )
    .await;
    assert!(
        stdout(&tomorrow).contains("5 recipients"),
        "{}",
        stdout(&tomorrow)
    );
    let to_anna = sink
        .messages()
        .iter()
        .filter(|m| m.to() == "anna.petrova@readers.example")
        .count();
    assert_eq!(to_anna, 1);
}

#[test]
fn the_sendmail_transport_hands_each_message_to_the_program() {
    let project = Project::demo();
    let spool = project.path("spool");
    std::fs::create_dir_all(&spool).unwrap();
    let script = project.path("fake-sendmail");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ncat > \"{}/$$.eml\"\n", spool.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = std::fs::read_to_string(project.config()).unwrap().replace(
        "transport = \"file\"",
        &format!(
            "transport = \"sendmail\"\nsendmail = \"{}\"",
            script.display()
        ),
    );
    std::fs::write(project.config(), config).unwrap();
    let output = project.run(&["publish"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(std::fs::read_dir(&spool).unwrap().count(), 6);
}

#[test]
fn local_time_delivery_releases_each_reader_at_their_hour() {
    // The demo's morning edition delivered at 07:00 in each reader's zone instead.
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config())
        .unwrap()
        .replace("schedule = \"0 0 9 * * *\"", "local_time = \"07:00\"");
    std::fs::write(project.config(), config).unwrap();
    let run = |now: &str| {
        crate::support::pressroom(&[
            "--config",
            project.config().to_str().unwrap(),
            "--now",
            now,
            "publish",
        ])
    };
    let outbox = project.path("state/outbox");
    let delivered = || {
        let mut names: Vec<String> = std::fs::read_dir(&outbox)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    // 06:00Z: 07:00 has come in Moscow, Shanghai, Warsaw and Madrid; New York waits.
    let morning = run("2026-11-27T06:00:00Z");
    assert_eq!(morning.status.code(), Some(0), "{}", stderr(&morning));
    assert!(
        stdout(&morning).contains("1 waiting for their local delivery time"),
        "{}",
        stdout(&morning)
    );
    assert_eq!(delivered().len(), 5);
    assert!(!delivered().contains(&"sam@readers.example.eml".to_owned()));
    // 12:30Z: 07:30 in New York. The same frozen issue, to Sam only.
    let later = run("2026-11-27T12:30:00Z");
    assert_eq!(later.status.code(), Some(0), "{}", stderr(&later));
    assert!(
        stdout(&later).contains("resumed") && stdout(&later).contains("1 sent"),
        "{}",
        stdout(&later)
    );
    assert_eq!(delivered().len(), 6);
}

/// Runs the binary against `project` at `now` on a blocking thread, so that servers the
/// test runs on its async runtime keep answering meanwhile.
async fn pressroom_at(project: &Project, now: &str, args: &[&str]) -> std::process::Output {
    let config = project.config();
    let (now, args): (String, Vec<String>) = (
        now.to_owned(),
        args.iter().map(|a| (*a).to_owned()).collect(),
    );
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
