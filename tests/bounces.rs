//! Bounces that come back later by email: every message carries its reader's VERP
//! return path (checked at aiosmtpd, which records the envelope sender), and
//! `bounces import` reads delivery status notifications (RFC 3464) from a maildir
//! or an mbox (tests/fixtures/dsn: Postfix, Gmail, Exim, Exchange), counting a bad
//! mailbox as a bounce and nothing else, each report once.

use crate::support::{Project, fixtures, smtp::Sink, stderr, stdout};

/// The demo over SMTP to aiosmtpd with VERP return paths and `bounce_limit`.
fn verp_demo(port: u16, bounce_limit: u32) -> Project {
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config()).unwrap().replace(
        "transport = \"file\"",
        &format!(
            "transport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nverp_domain = \"bounces.meridian.example\"\nbounce_limit = {bounce_limit}"
        ),
    );
    std::fs::write(project.config(), config).unwrap();
    project
}

fn suppressed(project: &Project) -> Vec<String> {
    let mut list: Vec<String> = project
        .store()
        .suppressed_set()
        .unwrap()
        .into_iter()
        .collect();
    list.sort();
    list
}

#[test]
fn each_message_returns_to_its_readers_own_path() {
    let sink = Sink::start();
    let project = verp_demo(sink.port, 1);
    let output = project.run(&["publish"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let messages = sink.messages();
    assert_eq!(messages.len(), 6);
    for message in &messages {
        let reader = message.to();
        let (local, host) = reader.split_once('@').unwrap();
        assert_eq!(
            message.header("x-mailfrom"),
            Some(format!("bounces+{local}={host}@bounces.meridian.example").as_str()),
            "the envelope sender of {reader}"
        );
        // The From header readers see does not change.
        assert_eq!(
            message.header("from"),
            Some("\"Meridian Morning Review\" <review@meridian.example>")
        );
    }
}

#[test]
fn imported_reports_suppress_bad_mailboxes_only_and_only_once() {
    let project = verp_demo(2525, 1);
    let maildir = fixtures().join("dsn/maildir");
    let output = project.run(&["bounces", "import", maildir.to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let done: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(done["messages"], 5, "{done}");
    assert_eq!(
        done["reports"], 4,
        "the out-of-office reply is no report: {done}"
    );
    assert_eq!(done["bounces"], 2, "{done}");
    assert_eq!(done["refused"], 1, "Gmail's block of our mail: {done}");
    assert_eq!(done["other"], 1, "Exim's delay: {done}");
    assert_eq!(
        suppressed(&project),
        ["anna.petrova@readers.example", "desk@newsroom.example"]
    );
    // The same maildir again, and the same reports as an mbox: nothing counted twice.
    let again = project.run(&["bounces", "import", maildir.to_str().unwrap()]);
    assert!(
        stdout(&again).contains("5 messages: 0 delivery reports (4 imported before): 0 bounces"),
        "{}",
        stdout(&again)
    );
    let mbox = project.path("bounces.mbox");
    let mut text = String::new();
    for name in [
        "new/1764220000.postfix-user-unknown.eml",
        "new/1764220100.gmail-policy.eml",
        "cur/1764221000.exim-delayed.eml",
        "cur/1764221500.exchange-not-found.eml",
    ] {
        text.push_str("From MAILER-DAEMON Fri Nov 27 06:00:04 2026\n");
        text.push_str(&std::fs::read_to_string(maildir.join(name)).unwrap());
        text.push('\n');
    }
    std::fs::write(&mbox, &text).unwrap();
    let from_mbox = project.run(&["bounces", "import", mbox.to_str().unwrap(), "--json"]);
    let done: serde_json::Value = serde_json::from_str(&stdout(&from_mbox)).unwrap();
    assert_eq!(
        (done["messages"].as_u64(), done["already_imported"].as_u64()),
        (Some(4), Some(4))
    );
    // In a fresh state file with bounce_limit 2, one report counts one bounce: no
    // suppression yet; the mbox is read as the maildir was.
    let fresh = verp_demo(2525, 2);
    let output = fresh.run(&["bounces", "import", mbox.to_str().unwrap()]);
    assert!(
        stdout(&output).contains("4 messages: 4 delivery reports (0 imported before): 2 bounces, 0 newly suppressed, 1 refusals of our mail and 1 delays"),
        "{}",
        stdout(&output)
    );
    assert!(suppressed(&fresh).is_empty());
}
