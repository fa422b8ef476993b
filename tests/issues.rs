//! Issues over several days, as a user meets them: the demo published three mornings
//! in a row, thin issues held, the preview describing exactly the next issue, and a
//! late feed's story carried by the next issue rather than lost.

use std::path::Path;

use crate::support::{Project, stderr, stdout};

const DAY1: &str = "2026-11-27T06:00:00Z";
const DAY2: &str = "2026-11-28T06:00:00Z";
const DAY3: &str = "2026-11-29T06:00:00Z";

/// The `.eml` files the demo has written, by name.
fn outbox(project: &Project) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(project.path("state/outbox"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Adds an item to the top of a demo RSS feed.
fn add_story(project: &Project, feed: &str, guid: &str, title: &str, published: &str) {
    let path = project.path(&format!("feeds/{feed}"));
    let xml = std::fs::read_to_string(&path).unwrap();
    let item = format!(
        "<item><title>{title}</title><link>https://meridian.example/world/{guid}/</link>\
         <guid isPermaLink=\"false\">{guid}</guid><pubDate>{published}</pubDate>\
         <description>{title}.</description></item>\n    <item>"
    );
    std::fs::write(&path, xml.replacen("<item>", &item, 1)).unwrap();
}

fn explain_json(project: &Project, now: &str) -> serde_json::Value {
    let out = project.run_at(now, &["explain", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The stories an `explain --json` carries in the lead and sections, as (position,
/// url) in order.
fn selected(explain: &serde_json::Value) -> Vec<(String, String)> {
    explain["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["position"] != "-" && !r["position"].as_str().unwrap().starts_with("most-read")
        })
        .map(|r| {
            (
                r["position"].as_str().unwrap_or_default().to_owned(),
                r["url"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn three_mornings_of_the_demo_send_one_issue_and_hold_the_empty_ones() {
    let project = Project::demo();
    let first = project.run_at(DAY1, &["publish"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("issue morning/2026-11-27: built and frozen"),
        "{}",
        stdout(&first)
    );
    let sent = outbox(&project);
    assert_eq!(sent.len(), 6, "{sent:?}");
    let stamps: Vec<_> = sent
        .iter()
        .map(|n| {
            std::fs::metadata(project.path(&format!("state/outbox/{n}")))
                .unwrap()
                .modified()
                .unwrap()
        })
        .collect();

    // The feeds bring nothing new: the next two mornings are held, not sent.
    for day in [DAY2, DAY3] {
        let run = project.run_at(day, &["publish"]);
        assert_eq!(run.status.code(), Some(0), "{day}: {}", stderr(&run));
        let out = stdout(&run);
        let date = &day[..10];
        assert!(
            out.contains(&format!(
                "issue morning/{date}: held, not sent: no story in its window"
            )),
            "{out}"
        );
        assert!(!out.contains("email:"), "{out}");
        assert!(
            !project.path(&format!("out/morning/{date}")).exists(),
            "an archive page for the held issue {date}"
        );
    }
    // Nobody got a second message, and the feed has one entry: the first issue.
    assert_eq!(outbox(&project), sent);
    for (name, stamp) in sent.iter().zip(&stamps) {
        let now = std::fs::metadata(project.path(&format!("state/outbox/{name}")))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(&now, stamp, "{name} was written again");
    }
    let feed = std::fs::read_to_string(project.path("out/feeds/morning.json")).unwrap();
    let feed: serde_json::Value = serde_json::from_str(&feed).unwrap();
    assert_eq!(feed["items"].as_array().unwrap().len(), 1, "{feed}");

    // The editor sees why, and can send it anyway.
    let preview = explain_json(&project, "2026-11-29T07:00:00Z");
    assert_eq!(preview["issue"], "morning/2026-11-30");
    assert!(
        preview["held"].as_str().unwrap().contains("no story"),
        "{preview}"
    );
    let forced = project.run_at(DAY3, &["publish", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(
        stdout(&forced).contains("built and frozen"),
        "{}",
        stdout(&forced)
    );
    assert!(project.path("out/morning/2026-11-29/index.html").exists());
}

#[test]
fn explain_between_issues_selects_what_the_next_issue_carries() {
    let project = Project::demo();
    let first = project.run_at(DAY1, &["publish"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    // During the day, two stories arrive: one published after the first issue, and
    // one published before it but first seen after it was built (a late feed).
    add_story(
        &project,
        "meridian-world.xml",
        "late-1",
        "Harbour strike ends after three days of talks",
        "Fri, 27 Nov 2026 05:50:00 +0000",
    );
    add_story(
        &project,
        "meridian-world.xml",
        "new-1",
        "Northern rail link reopens after storm repairs",
        "Fri, 27 Nov 2026 12:00:00 +0000",
    );
    let fetched = project.run_at("2026-11-27T13:00:00Z", &["fetch"]);
    assert_eq!(fetched.status.code(), Some(0), "{}", stderr(&fetched));

    // At any moment before the next issue, explain describes it as it will be.
    let afternoon = explain_json(&project, "2026-11-27T14:00:00Z");
    let evening = explain_json(&project, "2026-11-27T21:30:00Z");
    let at_its_time = explain_json(&project, DAY2);
    assert_eq!(afternoon["issue"], "morning/2026-11-28");
    assert_eq!(afternoon["held"], serde_json::Value::Null, "{afternoon}");
    let picks = selected(&afternoon);
    assert_eq!(picks, selected(&evening));
    assert_eq!(picks, selected(&at_its_time));
    assert_eq!(afternoon["rows"], at_its_time["rows"]);
    let urls: Vec<&str> = picks.iter().map(|(_, u)| u.as_str()).collect();
    assert!(
        urls.contains(&"https://meridian.example/world/late-1/"),
        "the late story is carried by the next issue: {urls:?}"
    );
    assert!(
        urls.contains(&"https://meridian.example/world/new-1/"),
        "{urls:?}"
    );
    assert_eq!(
        urls.len(),
        2,
        "nothing of the first issue's window comes back: {urls:?}"
    );

    // And publishing it at its time carries exactly those.
    let second = project.run_at(DAY2, &["publish"]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert!(
        stdout(&second).contains("built and frozen"),
        "{}",
        stdout(&second)
    );
    let page = std::fs::read_to_string(project.path("out/morning/2026-11-28/index.html")).unwrap();
    assert!(page.contains("Harbour strike ends"), "late story missing");
    assert!(page.contains("Northern rail link reopens"));
    assert!(Path::new(&project.path("out/morning/2026-11-27/index.html")).exists());
}

#[test]
fn explain_lists_the_three_most_read_rankings_numbered_from_one() {
    let project = Project::demo();
    let fetched = project.run_at(DAY1, &["fetch"]);
    assert_eq!(fetched.status.code(), Some(0), "{}", stderr(&fetched));
    let explain = explain_json(&project, DAY1);
    let lists = explain["most_read"].as_object().unwrap();
    let names: Vec<&str> = lists.keys().map(String::as_str).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    for window in ["now", "today", "week"] {
        let list = lists[window].as_array().unwrap();
        let ranks: Vec<u64> = list.iter().map(|e| e["rank"].as_u64().unwrap()).collect();
        assert_eq!(ranks, (1..=7).collect::<Vec<u64>>(), "{window}");
        let urls: std::collections::HashSet<&str> =
            list.iter().map(|e| e["url"].as_str().unwrap()).collect();
        assert_eq!(urls.len(), 7, "{window}: a story listed twice");
    }
    // The agency's own tabs are the rankings: its "This week" list leads with the
    // prime minister story, which no other list has first.
    assert!(
        lists["week"][0]["title"]
            .as_str()
            .unwrap()
            .contains("Ilie Varga"),
        "{}",
        lists["week"][0]
    );
    assert!(
        lists["today"][0]["title"]
            .as_str()
            .unwrap()
            .contains("Central bank"),
        "{}",
        lists["today"][0]
    );
    // Every badge refers to the first ranking ("now"), and each rank at most once.
    let rows = explain["rows"].as_array().unwrap();
    let mut badges: Vec<(u64, &str)> = rows
        .iter()
        .filter(|r| {
            r["position"] != "-" && !r["position"].as_str().unwrap().starts_with("most-read")
        })
        .filter_map(|r| Some((r["most_read_rank"].as_u64()?, r["url"].as_str()?)))
        .collect();
    badges.sort();
    assert!(!badges.is_empty());
    for (rank, url) in &badges {
        let listed = &lists["now"][(*rank - 1) as usize];
        assert_eq!(listed["url"].as_str(), Some(*url), "badge #{rank}");
    }
    let mut ranks: Vec<u64> = badges.iter().map(|b| b.0).collect();
    ranks.dedup();
    assert_eq!(ranks.len(), badges.len(), "a rank badged twice: {badges:?}");
}

/// The demo at a scale that passes Gmail's clipping: ten stories a section, five
/// lead stories, ten per most-read list, two days of news.
fn large_demo() -> Project {
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config()).unwrap();
    let config = config
        .replace("stories = 5\n", "stories = 10\n")
        .replace("stories = 4\n", "stories = 10\n")
        .replace(
            "stories = { sport = 3 }",
            "stories = { sport = 10 }\nmost_read = 10",
        )
        .replace("lead = 3\n", "lead = 5\n")
        .replace("window = \"24h\"", "window = \"48h\"");
    std::fs::write(project.config(), config).unwrap();
    project
}

/// The HTML part of an `.eml` file as sent: its quoted-printable body.
fn encoded_html_part(eml: &str) -> &str {
    let start = eml.find("Content-Type: text/html").expect("an HTML part");
    let body = start + eml[start..].find("\r\n\r\n").expect("part headers end") + 4;
    let end = body + eml[body..].find("\r\n--").expect("the part ends");
    &eml[body..end]
}

#[test]
fn a_large_issue_stays_under_the_size_budget_and_says_what_it_left_out() {
    let project = large_demo();
    let fetched = project.run_at(DAY1, &["fetch"]);
    assert_eq!(fetched.status.code(), Some(0), "{}", stderr(&fetched));
    // The editor sees what would be left out of the email of a reader of everything.
    let explain = explain_json(&project, DAY1);
    let trimmed = explain["left_out_for_size"].as_array().unwrap();
    assert!(
        !trimmed.is_empty(),
        "this configuration no longer needs the budget"
    );
    let lead: Vec<&str> = (explain["rows"].as_array().unwrap().iter())
        .filter(|r| r["position"].as_str().unwrap().starts_with("lead "))
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(lead.len(), 5);
    for story in trimmed {
        assert!(
            !lead.contains(&story["title"].as_str().unwrap()),
            "a lead story left out"
        );
    }

    let published = project.run_at(DAY1, &["publish"]);
    assert_eq!(published.status.code(), Some(0), "{}", stderr(&published));
    let eml =
        std::fs::read_to_string(project.path("state/outbox/anna.petrova@readers.example.eml"))
            .unwrap();
    let html = encoded_html_part(&eml);
    assert!(html.len() < 100 * 1024, "{} bytes encoded", html.len());
    let decoded = String::from_utf8(
        quoted_printable::decode(html.as_bytes(), quoted_printable::ParseMode::Robust).unwrap(),
    )
    .unwrap();
    let more = format!("{} more stories in the archive", trimmed.len());
    assert!(decoded.contains(&more), "no {more:?} line");
    assert!(
        decoded.contains("href=\"http://127.0.0.1:8080/morning/2026-11-27/\""),
        "the line links to the issue's page"
    );
    for title in lead {
        assert!(
            decoded.contains(&escaped(title)),
            "lead story {title:?} missing"
        );
    }
    // The issue's page still carries every story.
    let page = std::fs::read_to_string(project.path("out/morning/2026-11-27/index.html")).unwrap();
    for story in trimmed {
        let title = story["title"].as_str().unwrap();
        assert!(
            page.contains(&escaped(title)),
            "{title:?} is not on the issue's page"
        );
    }
}

/// `text` as Handlebars escapes it in HTML.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('`', "&#x60;")
        .replace('=', "&#x3D;")
}

#[test]
fn an_edition_that_fires_twice_a_day_publishes_two_issues() {
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config()).unwrap();
    assert!(config.contains("schedule = \"0 0 9 * * *\""));
    std::fs::write(
        project.config(),
        config.replace(
            "schedule = \"0 0 9 * * *\"",
            "schedule = \"0 0 9,19 * * *\"",
        ),
    )
    .unwrap();
    let morning = project.run_at(DAY1, &["publish"]);
    assert_eq!(morning.status.code(), Some(0), "{}", stderr(&morning));
    assert!(
        stdout(&morning).contains("issue morning/2026-11-27T09:00: built and frozen"),
        "{}",
        stdout(&morning)
    );
    add_story(
        &project,
        "meridian-world.xml",
        "noon-1",
        "Harbour cranes restart after the strike",
        "Fri, 27 Nov 2026 12:00:00 +0000",
    );
    // The schedule shows the issue each fire publishes.
    let schedule = project.run_at("2026-11-27T13:00:00Z", &["schedule", "-n", "2"]);
    let listed = stdout(&schedule);
    assert!(
        listed.contains("publish morning/2026-11-27T19:00"),
        "{listed}"
    );
    assert!(
        listed.contains("publish morning/2026-11-28T09:00"),
        "{listed}"
    );

    // 19:00 in Velgrad: the evening's own issue, with what came since the morning.
    let evening = project.run_at("2026-11-27T16:00:00Z", &["publish"]);
    assert_eq!(evening.status.code(), Some(0), "{}", stderr(&evening));
    assert!(
        stdout(&evening).contains("issue morning/2026-11-27T19:00: built and frozen"),
        "{}",
        stdout(&evening)
    );
    let page =
        std::fs::read_to_string(project.path("out/morning/2026-11-27-1900/index.html")).unwrap();
    assert!(page.contains("Harbour cranes restart"), "the new story");
    // It carries that one story alone (the morning's are in the most-read lists only).
    assert!(
        page.contains("· 1 story ·"),
        "the evening issue carries more than the new story"
    );
    assert!(
        project
            .path("out/morning/2026-11-27-0900/index.html")
            .exists()
    );
    let eml =
        std::fs::read_to_string(project.path("state/outbox/anna.petrova@readers.example.eml"))
            .unwrap();
    assert!(
        eml.contains("Message-ID: <morning.202611271900."),
        "{}",
        &eml[..800]
    );
}

#[test]
fn the_daemons_first_start_fetches_before_it_builds_the_issue() {
    // A fresh copy of the demo, never fetched: the daemon catches up on the morning's
    // issue at once, and must fetch first (it used to send six "0 stories" emails).
    let project = Project::demo();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = std::fs::read_to_string(project.config()).unwrap();
    config.push_str(&format!(
        "\n[daemon]\nlisten = \"127.0.0.1:{port}\"\nfetch = \"0 0 * * * *\"\nshutdown_grace = \"5s\"\n"
    ));
    std::fs::write(project.config(), config).unwrap();
    let log = std::fs::File::create(project.path("daemon.log")).unwrap();
    let mut daemon = std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
        .args([
            "--config",
            project.config().to_str().unwrap(),
            "--now",
            DAY1,
            "daemon",
        ])
        .env_remove("PRESSROOM_CONFIG")
        .env_remove("PRESSROOM_NOW")
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while outbox(&project).len() < 6 && started.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &daemon.id().to_string()])
        .status();
    let status = daemon.wait().unwrap();
    let log = std::fs::read_to_string(project.path("daemon.log")).unwrap();
    assert_eq!(status.code(), Some(0), "{log}");
    assert_eq!(outbox(&project).len(), 6, "{log}");
    let eml =
        std::fs::read_to_string(project.path("state/outbox/anna.petrova@readers.example.eml"))
            .unwrap();
    let text = String::from_utf8(
        quoted_printable::decode(eml.as_bytes(), quoted_printable::ParseMode::Robust).unwrap(),
    )
    .unwrap();
    assert!(text.contains("32 stories"), "{log}");
    assert!(text.contains("Magnitude 6.4 earthquake"), "{log}");
}

#[test]
fn an_http_base_url_gets_no_one_click_header_and_check_says_why() {
    // RFC 8058 allows one-click unsubscribe only with an https link; the demo serves
    // its archive and unsubscribe links from http://127.0.0.1:8080/.
    let project = Project::demo();
    let check = project.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(
        stderr(&check).contains("List-Unsubscribe-Post"),
        "{}",
        stderr(&check)
    );
    let published = project.run_at(DAY1, &["publish"]);
    assert_eq!(published.status.code(), Some(0), "{}", stderr(&published));
    let eml =
        std::fs::read_to_string(project.path("state/outbox/anna.petrova@readers.example.eml"))
            .unwrap();
    let head = &eml[..eml.find("\r\n\r\n").unwrap()];
    assert!(
        head.contains("List-Unsubscribe: <http://127.0.0.1:8080/unsubscribe?"),
        "{head}"
    );
    assert!(!head.contains("List-Unsubscribe-Post"), "{head}");
}
