//! The editor's preview: files with no side effects, the explain table, pins and
//! drops, and the preview site in a real headless browser.

use std::time::Duration;

use crate::support::{
    Project,
    browser::{Browser, Running, free_port, wait_for},
    stderr, stdout,
};

/// The demo, fetched at the test clock.
fn fetched_demo() -> Project {
    let project = Project::demo();
    let output = project.run(&["fetch"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    project
}

fn file_digest(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

#[test]
fn preview_writes_each_audience_and_changes_no_state() {
    let project = fetched_demo();
    let state = project.path("state/pressroom.db");
    let before = (
        file_digest(&state),
        file_digest(&project.path("state/pressroom.db-wal")),
    );
    let out = project.path("preview-out");
    let output = project.run(&["preview", "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // One rendering per audience of the demo's six subscribers (two share nothing).
    let lines = stdout(&output);
    assert_eq!(lines.lines().count(), 6, "{lines}");
    assert!(out.join("morning-all.html.europe-moscow.html").exists());
    assert!(out.join("morning-sport.text.america-new-york.txt").exists());
    assert!(out.join("morning-explain.txt").exists());
    // Nothing in the state file moved: no issue frozen, no byte changed.
    let after = (
        file_digest(&state),
        file_digest(&project.path("state/pressroom.db-wal")),
    );
    assert!(before == after, "preview changed the state file");
    let store = project.store();
    let morning = pressroom::model::EditionId::parse("morning").unwrap();
    assert!(store.issues_of(&morning).unwrap().is_empty());
    // One subscriber's issue, with their name.
    let one = project.run(&[
        "preview",
        "--out",
        out.to_str().unwrap(),
        "--subscriber",
        "Tomas@Readers.example",
    ]);
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    let unknown = project.run(&["preview", "--subscriber", "nobody@readers.example"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("no subscriber nobody@readers.example"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn explain_lists_every_factor_and_pins_and_drops_change_it() {
    let project = fetched_demo();
    let explain = |project: &Project| {
        let output = project.run(&["explain", "--json"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let table = explain(&project);
    assert_eq!(table["issue"], "morning/2026-11-27");
    let rows = table["rows"].as_array().unwrap();
    let lead: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["position"].as_str().unwrap().starts_with("lead "))
        .collect();
    assert_eq!(lead.len(), 3);
    for key in [
        "score",
        "weight",
        "age_hours",
        "recency",
        "most_read",
        "outlets",
    ] {
        assert!(lead[0][key].is_number(), "{key} missing: {}", lead[0]);
    }
    assert!(
        rows.iter()
            .any(|r| r["position"] == "-"
                && r["note"].as_str().unwrap().starts_with("below the cut"))
    );
    // Pin a near miss to the lead; drop the current lead story.
    let near_miss = rows
        .iter()
        .find(|r| r["position"] == "-" && r["url"].is_string())
        .unwrap();
    let first = lead[0]["url"].as_str().unwrap().to_owned();
    let pinned = near_miss["url"].as_str().unwrap().to_owned();
    assert_eq!(
        project.run(&["pin", &pinned, "--lead"]).status.code(),
        Some(0)
    );
    assert_eq!(project.run(&["drop", &first]).status.code(), Some(0));
    let after = explain(&project);
    let rows = after["rows"].as_array().unwrap();
    let at = |url: &str| {
        rows.iter()
            .find(|r| r["url"] == url)
            .map(|r| r["position"].as_str().unwrap().to_owned())
    };
    assert_eq!(at(&pinned).as_deref(), Some("lead 1"));
    let listed: Vec<&serde_json::Value> =
        rows.iter().filter(|r| r["url"] == first.as_str()).collect();
    assert_eq!(
        listed.len(),
        1,
        "a dropped story is listed nowhere else: {listed:?}"
    );
    assert_eq!(listed[0]["note"], "dropped by the editor");
    // Unpin puts it back where the score says.
    assert_eq!(project.run(&["unpin", &pinned]).status.code(), Some(0));
    assert_ne!(
        at(&pinned),
        explain(&project)["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["url"] == pinned.as_str())
            .map(|r| r["position"].as_str().unwrap().to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_site_in_a_headless_browser() {
    let project = fetched_demo();
    let port = free_port();
    let server = std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
        .args([
            "--config",
            project.config().to_str().unwrap(),
            "--now",
            crate::support::NOW,
        ])
        .args(["preview", "--serve", &format!("127.0.0.1:{port}")])
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the preview server");
    let _server = Running(server);
    let site = format!("http://127.0.0.1:{port}");
    wait_for(&site, Duration::from_secs(20)).await;
    let browser = Browser::start().await;

    // The index lists the edition's audiences; the issue page shows the email and the table.
    browser.go(&format!("{site}/")).await;
    browser
        .wait_until("return document.body.innerText", "Meridian Morning Review")
        .await;
    browser.go(&format!("{site}/issue?edition=morning")).await;
    let email = "var f = document.getElementById('issue'); return f && f.contentDocument && f.contentDocument.body ? f.contentDocument.body.innerText : ''";
    let lead_title = "var c = document.querySelector('tr[data-position=\"lead 1\"] .title'); return c ? c.textContent : ''";
    let first = browser.wait_until(lead_title, "").await;
    assert!(!first.is_empty(), "no lead story in the table");
    browser.wait_until(email, &first).await;
    // At 1280 px, nothing runs off the side: the ranking table fits or scrolls inside
    // its own box.
    browser.resize(1280, 900).await;
    let overflow = browser
        .eval("return [document.documentElement.scrollWidth, window.innerWidth]")
        .await;
    let (page, window) = (overflow[0].as_u64().unwrap(), overflow[1].as_u64().unwrap());
    assert!(window <= 1280, "the window is {window} px wide");
    assert!(
        page <= window,
        "the page is {page} px wide in a {window} px window"
    );

    // Press "Pin to lead" on the third politics story: it becomes the lead, in the
    // table and in the email.
    let target = browser
        .eval(
            "return document.querySelector('tr[data-position=\"politics 3\"] .title').textContent",
        )
        .await
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(target, first);
    browser
        .click("tr[data-position=\"politics 3\"] button.lead")
        .await;
    browser.wait_until(lead_title, &target).await;
    let text = browser.wait_until(email, &target).await;
    let (pinned_at, old_at) = (
        text.find(&target).unwrap(),
        text.find(&first).unwrap_or(usize::MAX),
    );
    assert!(
        pinned_at < old_at,
        "the pinned story is not above the old lead in the email"
    );

    // A broken template shows in the page; the server keeps running.
    std::fs::create_dir_all(project.path("my-templates")).unwrap();
    std::fs::write(
        project.path("my-templates/email.html.hbs"),
        "{{#each lead}}{{nonexistent_field}}{{/each}}",
    )
    .unwrap();
    let config = std::fs::read_to_string(project.config()).unwrap();
    std::fs::write(
        project.config(),
        config.replace("[site]\n", "[site]\ntemplates = \"my-templates\"\n"),
    )
    .unwrap();
    browser.go(&format!("{site}/email?edition=morning")).await;
    browser
        .wait_until(
            "return document.body.innerText",
            "Cannot render the preview",
        )
        .await;
    browser.go(&format!("{site}/issue?edition=morning")).await;
    browser
        .wait_until("return document.body.innerText", "Ranking")
        .await;
    browser.quit().await;
}

#[test]
fn the_demo_email_matches_its_golden_files() {
    // The demo's issue at the test clock, rendered for the whole-review audience, byte
    // for byte. Regenerate with UPDATE_GOLDEN=1 after a deliberate change, and read the
    // diff: it is the change every subscriber will see.
    let project = fetched_demo();
    let out = project.path("golden");
    let output = project.run(&["preview", "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/render");
    for (rendered, expected) in [
        ("morning-all.html.europe-moscow.html", "demo.html"),
        ("morning-all.html.europe-moscow.txt", "demo.txt"),
        ("morning-sport.text.america-new-york.txt", "demo-sport.txt"),
    ] {
        let got = std::fs::read_to_string(out.join(rendered)).unwrap();
        let path = golden.join(expected);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .map_or(0, |i| i + 1);
            panic!(
                "{rendered} differs from {expected} from line {line}; UPDATE_GOLDEN=1 regenerates it"
            );
        }
    }
}
