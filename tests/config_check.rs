//! `pressroom check` and configuration loading: every problem at once, with its place;
//! exit codes; secrets never printed.

use crate::support::{FeedServer, Project, config_with, pressroom, source, stderr, stdout};

#[test]
fn a_valid_configuration_checks_clean() {
    // A complete, valid configuration: exit 0 and a one-line summary.
    let project = Project::new(&config_with(&source("wire", "https://wire.example/rss")));
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("OK: 4 sections, 1 sources, 0 signals"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn every_problem_is_reported_at_once_with_line_column_and_key() {
    // Eleven mistakes of different kinds, spread over all tables.
    let config = r#"[site]
title = "X"
time_zone = "Mars/Olympus"
colour = "red"

[fetch]
concurrency = 0
timeout = "soon"

[[sections]]
id = "Politics"
title = "Politics"

[[sections]]
id = "world"
title = "World"
stories = "five"

[[sources]]
id = "a"
url = "ftp://x.example/rss"
section = "sport"
weight = -1

[[sources]]
id = "b"
urll = "https://x.example/rss"

[[signals]]
id = "s"
kind = "xml"
url = "https://x.example/most"
"#;
    let project = Project::new(config);
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(78));
    let err = stderr(&output);
    let file = project.config().display().to_string();
    for expected in [
        format!("{file}:3:13: site.time_zone: unknown time zone \"Mars/Olympus\""),
        format!("{file}:4:1: site.colour: unknown field `colour`"),
        format!("{file}:7:15: fetch.concurrency: must be between 1 and 1024"),
        format!("{file}:8:11: fetch.timeout: not a duration"),
        format!("{file}:11:6: sections[0].id: section id \"Politics\" must be"),
        format!(
            "{file}:17:11: sections[1].stories: invalid type: string \"five\", expected an integer"
        ),
        format!("{file}:21:7: sources[0].url: unsupported scheme \"ftp\""),
        format!("{file}:22:11: sources[0].section: no section \"sport\" is defined"),
        format!("{file}:23:10: sources[0].weight: must be a number greater than 0"),
        format!("{file}:25:1: sources[1]: missing field `url`"),
        format!("{file}:27:1: sources[1].urll: unknown field `urll`"),
        format!("{file}:31:8: signals[0].kind: unknown kind \"xml\""),
    ] {
        assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    }
    assert!(err.contains("error: 12 configuration problems"), "{err}");
}

#[test]
fn syntax_errors_are_all_reported() {
    // Two syntax errors on different lines: both come back, nothing else is attempted.
    let project = Project::new("[site\ntitle = \"x\"\n[[sections]]\nid = 1 2\n");
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(78));
    let err = stderr(&output);
    assert!(err.contains("pressroom.toml:1:6: TOML syntax"), "{err}");
    assert!(err.contains("pressroom.toml:4:"), "{err}");
}

#[test]
fn a_missing_configuration_file_is_a_configuration_error() {
    let output = pressroom(&["--config", "/nonexistent/pressroom.toml", "check"]);
    assert_eq!(output.status.code(), Some(78));
    assert!(
        stderr(&output).contains("cannot read the configuration"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn fetch_with_a_broken_configuration_does_nothing_and_exits_78() {
    // The state file must not even be created.
    let project = Project::new(&config_with("[[sources]]\nid = \"x\"\nurl = \"nope\"\n"));
    let output = project.run(&["fetch"]);
    assert_eq!(output.status.code(), Some(78));
    assert!(!project.path("pressroom.db").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_come_from_the_environment_and_are_never_printed() {
    // A feed behind basic auth: the password is in an environment variable; neither
    // `check`, `fetch` (which fails with 401 here), the logs nor Debug output show it.
    let server = FeedServer::start().await;
    server.serve("private.xml", crate::support::Canned::status(401));
    let config = config_with(&format!(
        "{}user = \"editor\"\npassword_env = \"PRESSROOM_TEST_SECRET_7\"\n",
        source("private", &server.url("private.xml"))
    ));
    let project = Project::new(&config);
    let secret = "hunter2-very-secret";
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
            .args(["--config", project.config().to_str().unwrap(), "-vv"])
            .args(args)
            .env("PRESSROOM_TEST_SECRET_7", secret)
            .output()
            .unwrap()
    };
    for args in [&["check"][..], &["fetch"][..], &["status"][..]] {
        let output = run(args);
        let all = format!("{}{}", stdout(&output), stderr(&output));
        assert!(!all.contains(secret), "{args:?} printed the secret:\n{all}");
    }
    assert_eq!(
        server.hits("private.xml"),
        1,
        "the fetch did reach the server"
    );
    // Without the variable, check names the variable (not a value) and fails.
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(78));
    assert!(stderr(&output).contains("environment variable PRESSROOM_TEST_SECRET_7 is not set"));
    // The compiled plan's Debug form hides it too (PATH stands in for a secret that
    // is set in this process).
    let plan = pressroom::config::parse(
        &config.replace("PRESSROOM_TEST_SECRET_7", "PATH"),
        &project.config(),
    )
    .unwrap();
    let debug = format!("{plan:?}");
    assert!(debug.contains("Secret(…)"));
    assert!(!debug.contains(&std::env::var("PATH").unwrap()));
}

#[test]
fn every_command_has_help() {
    // `--help` works for the program and each command and sub-command.
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["fetch", "--help"],
        &["status", "--help"],
        &["sources", "--help"],
        &["sources", "import", "--help"],
        &["sources", "export", "--help"],
        &["preview", "--help"],
        &["explain", "--help"],
        &["pin", "--help"],
        &["drop", "--help"],
        &["unpin", "--help"],
        &["publish", "--help"],
        &["serve", "--help"],
        &["daemon", "--help"],
        &["schedule", "--help"],
    ] {
        let output = pressroom(args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(
            stdout(&output).contains("Usage:"),
            "{args:?}: {}",
            stdout(&output)
        );
    }
}

#[test]
fn the_annotated_examples_check_clean() {
    // pressroom.example.toml and subscribers.example.toml are the documentation of every
    // key: they must stay valid.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
        .args([
            "--config",
            root.join("pressroom.example.toml").to_str().unwrap(),
            "check",
        ])
        .env("PRESSROOM_SMTP_PASSWORD", "not-a-real-password")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("4 sections, 2 sources, 3 signals, 2 editions"),
        "{}",
        stdout(&output)
    );
}

/// A project whose subscribers file is `subscribers`, with one edition and `.eml` output.
fn with_subscribers(subscribers: &str) -> crate::support::Project {
    let project = crate::support::Project::new(&config_with(
        "[[editions]]\nid = \"morning\"\ntitle = \"Morning\"\n\n[email]\n\
         from = \"Review <review@news.example>\"\nsubscribers = \"subscribers.toml\"\n\
         transport = \"file\"\nfolder = \"eml\"\n",
    ));
    project.write("subscribers.toml", subscribers);
    project
}

/// 1-based line and column of the first `needle` in `text`.
pub(crate) fn place(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the file"));
    place_at(text, at)
}

/// 1-based line and column of byte `at` of `text`.
fn place_at(text: &str, at: usize) -> (usize, usize) {
    let line = text[..at].matches('\n').count() + 1;
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

#[test]
fn every_subscriber_problem_is_reported_with_its_line_in_a_long_file() {
    // 2,500 subscribers (the file is read a thousand at a time) with a mistake of each
    // kind spread over the parts: every one comes back at its own line and index.
    let mut text = String::from("# readers\n\n");
    for i in 0..2_500 {
        let email = match i {
            3 => "not-an-address".to_owned(),
            2_400 => "reader00010@readers.example".to_owned(),
            _ => format!("reader{i:05}@readers.example"),
        };
        text.push_str(&format!("[[subscribers]]\nemail = \"{email}\"\n"));
        match i {
            1_500 => text.push_str("sections = [\"world\", \"weather\"]\n"),
            2_450 => text.push_str("editions = [\"evening\"]\n"),
            2_499 => text.push_str("format = \"pdf\"\n"),
            _ => {}
        }
        text.push('\n');
    }
    let project = with_subscribers(&text);
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(78), "{}", stdout(&output));
    let err = stderr(&output);
    let file = project.path("subscribers.toml").display().to_string();
    for (key, (line, column), message) in [
        (
            "subscribers[3].email",
            place(&text, "\"not-an-address\""),
            "not-an-address",
        ),
        (
            "subscribers[1500].sections",
            place(&text, "\"weather\""),
            "weather",
        ),
        (
            "subscribers[2400].email",
            place_at(&text, text.rfind("\"reader00010@").unwrap()),
            "is listed twice",
        ),
        (
            "subscribers[2450].editions",
            place(&text, "\"evening\""),
            "no edition \"evening\"",
        ),
        (
            "subscribers[2499].format",
            place(&text, "\"pdf\""),
            "\"pdf\"",
        ),
    ] {
        let at = format!("{file}:{line}:{column}: {key}: ");
        assert!(
            err.lines()
                .any(|l| l.starts_with(&at) && l.contains(message)),
            "missing {at}… {message} in:\n{err}"
        );
    }
    assert!(err.contains("error: 5 configuration problems"), "{err}");
}

#[test]
fn a_header_line_inside_a_multi_line_string_is_not_a_cut() {
    // The 1,001st `[[subscribers]]` line, where the file would be cut, is inside a
    // name in triple quotes: the file is then read whole, and means what it says.
    let mut text = String::new();
    for i in 0..1_200 {
        text.push_str(&format!(
            "[[subscribers]]\nemail = \"reader{i:05}@readers.example\"\n"
        ));
        if i == 999 {
            text.push_str("name = \"\"\"\nThe\n[[subscribers]]\nfan\"\"\"\n");
        }
        text.push('\n');
    }
    let project = with_subscribers(&text);
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("1 editions, 1200 subscribers;"),
        "{}",
        stdout(&output)
    );
}
