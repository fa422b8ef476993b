//! The reader's side over real HTTP: sign-up with double opt-in, the abuse cases
//! (forged and expired tokens, cross-site posts, the honeypot, rate limits, address
//! enumeration), and the whole flow in headless Chromium.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use pressroom::{
    model::IssueId,
    signup::token::{self, Purpose},
    store::DeliveryState,
};

use crate::support::{
    NOW, Project,
    browser::{Running, free_port, wait_for},
    instant,
};

/// The demo with its public site on 127.0.0.1:`port` (also its base URL), serving.
async fn serving() -> (Project, String, Running) {
    serving_with(|config| config).await
}

/// [`serving`], its configuration changed by `edit` first.
async fn serving_with(edit: impl Fn(String) -> String) -> (Project, String, Running) {
    let project = Project::demo();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/");
    let config = std::fs::read_to_string(project.config()).unwrap().replace(
        "base_url = \"http://127.0.0.1:8080/\"",
        &format!("base_url = \"{base}\""),
    );
    assert!(config.contains(&base));
    std::fs::write(project.config(), edit(config)).unwrap();
    let server = Running(
        std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
            .args([
                "--config",
                project.config().to_str().unwrap(),
                "--now",
                NOW,
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(&format!("{base}healthz"), Duration::from_secs(20)).await;
    (project, base, server)
}

/// The value of the hidden field `name` in `html`.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

/// Waits for the `.eml` of a notice to `address`, and returns its text.
async fn notice(project: &Project, address: &str) -> String {
    let path = project.path(&format!("state/outbox/notice-{address}.eml"));
    let started = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&path) {
            return text;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no notice to {address}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The first link under `base` that contains `path` in a message.
fn link(eml: &str, base: &str, path: &str) -> String {
    let text = crate::subscribers::decoded(eml);
    let start = text
        .find(&format!("{base}{path}"))
        .unwrap_or_else(|| panic!("no {path} in {text}"));
    let end = text[start..]
        .find(|c: char| c.is_whitespace())
        .map_or(text.len(), |e| start + e);
    text[start..end].to_owned()
}

fn form(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    body: String,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut request = client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn sent_notices(project: &Project, address: &str) -> Vec<(DeliveryState, u32)> {
    let day = IssueId::parse("signup/2026-11-27").unwrap();
    project
        .store()
        .deliveries(&day, "notice")
        .unwrap()
        .into_iter()
        .filter(|d| d.recipient == address)
        .map(|d| (d.state, d.attempts))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_confirm_and_the_abuse_cases_over_http() {
    let (project, base, _server) = serving().await;
    let client = reqwest::Client::new();
    let page = client.get(format!("{base}subscribe")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("<html lang=\"en\""), "{page}");
    assert!(page.contains("<label for=\"email\">"), "{page}");
    let token = hidden(&page, "form");
    let subscribe = format!("{base}subscribe");
    let signup = |email: &str, extra: &[(&str, &str)]| {
        let mut fields = vec![
            ("form", token.as_str()),
            ("email", email),
            ("sections", "sport"),
            ("sections", "science"),
            ("format", "text"),
            ("time_zone", "Asia/Tokyo"),
            ("website", ""),
        ];
        fields.extend_from_slice(extra);
        form(&fields)
    };

    // CSRF: no form token, a forged one, or a post from another site: refused.
    let no_token = form(&[("email", "zoe@readers.example"), ("sections", "sport")]);
    assert_eq!(post(&client, &subscribe, no_token, &[]).await.0, 403);
    let forged = signup("zoe@readers.example", &[]).replace("form=", "form=x");
    assert_eq!(post(&client, &subscribe, forged, &[]).await.0, 403);
    let (status, _) = post(
        &client,
        &subscribe,
        signup("zoe@readers.example", &[]),
        &[("origin", "http://evil.example")],
    )
    .await;
    assert_eq!(status, 403);
    // An opaque origin (a sandboxed frame, a page that sends no referrer) is not ours.
    let (status, _) = post(
        &client,
        &subscribe,
        signup("zoe@readers.example", &[]),
        &[("origin", "null")],
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        project
            .store()
            .signup("zoe@readers.example")
            .unwrap()
            .is_none()
    );

    // A bad address is shown again with the problem.
    let (status, body) = post(&client, &subscribe, signup("not-an-address", &[]), &[]).await;
    assert_eq!(status, 400);
    assert!(body.contains("role=\"alert\""), "{body}");

    // The honeypot: the same page as anyone, and nothing recorded or sent.
    let (status, trapped) = post(
        &client,
        &subscribe,
        signup("bot@readers.example", &[("website", "http://spam.example")]),
        &[("origin", base.trim_end_matches('/'))],
    )
    .await;
    assert_eq!(status, 200);

    // A new address and one the subscribers file lists: the same page.
    let (status, new) = post(&client, &subscribe, signup("Zoe@Readers.Example", &[]), &[]).await;
    assert_eq!(status, 200);
    let (status, known) = post(
        &client,
        &subscribe,
        signup("anna.petrova@readers.example", &[]),
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(new, known, "the page tells a subscribed address apart");
    assert_eq!(new, trapped);
    assert!(
        !new.contains("readers.example"),
        "the page shows the address"
    );

    // The known address is told so by email, with its preferences link.
    let anna = notice(&project, "anna.petrova@readers.example").await;
    assert!(anna.contains("Subject: You already receive"), "{anna}");
    link(&anna, &base, "preferences?token=");
    // The new one gets the confirmation link; nothing is subscribed until it is used.
    let zoe = notice(&project, "zoe@readers.example").await;
    assert!(zoe.contains("Subject: Confirm your subscription"), "{zoe}");
    assert!(!Path::new(&project.path("state/outbox/notice-bot@readers.example.eml")).exists());
    let confirm = link(&zoe, &base, "confirm?token=");
    assert!(
        project
            .store()
            .signup("zoe@readers.example")
            .unwrap()
            .is_some()
    );

    // A GET (what a link scanner does) only shows the button.
    let shown = client.get(&confirm).send().await.unwrap();
    assert_eq!(shown.status(), 200);
    let shown = shown.text().await.unwrap();
    assert!(
        shown.contains("<form method=\"post\" action=\"/confirm\">"),
        "{shown}"
    );
    assert!(
        project
            .store()
            .reader("zoe@readers.example")
            .unwrap()
            .is_none()
    );

    // Forged, tampered, expired and cross-site confirmations change nothing.
    let real = hidden(&shown, "token");
    let confirm_url = format!("{base}confirm");
    for bad in ["", "abc", &real.replace('.', "x."), &format!("{real}A")] {
        let (status, _) = post(&client, &confirm_url, form(&[("token", bad)]), &[]).await;
        assert_eq!(status, 400, "{bad}");
    }
    let plan = project.plan();
    let secret = project.store().unsubscribe_secret().unwrap();
    let list = &plan.email.as_ref().unwrap().list_id;
    let expired = token::make(
        &secret,
        Purpose::Confirm,
        "zoe@readers.example",
        list,
        Some(instant(NOW) - chrono::Duration::seconds(1)),
    );
    let (status, body) = post(&client, &confirm_url, form(&[("token", &expired)]), &[]).await;
    assert_eq!(status, 400);
    assert!(body.contains("expired"), "{body}");
    // A preferences token is not a confirmation token.
    let other = token::make(
        &secret,
        Purpose::Preferences,
        "zoe@readers.example",
        list,
        None,
    );
    assert_eq!(
        post(&client, &confirm_url, form(&[("token", &other)]), &[])
            .await
            .0,
        400
    );
    let (status, _) = post(
        &client,
        &confirm_url,
        form(&[("token", &real)]),
        &[("origin", "http://evil.example")],
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        project
            .store()
            .reader("zoe@readers.example")
            .unwrap()
            .is_none()
    );

    // The real one, from the site's own page.
    let (status, body) = post(
        &client,
        &confirm_url,
        form(&[("token", &real)]),
        &[("origin", base.trim_end_matches('/'))],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("You are subscribed"), "{body}");
    let zoe = project
        .store()
        .reader("zoe@readers.example")
        .unwrap()
        .unwrap();
    assert_eq!(zoe.origin, "web");
    assert_eq!(
        zoe.choice.sections,
        Some(vec!["science".to_owned(), "sport".to_owned()])
    );
    assert_eq!(zoe.choice.format, "text");
    assert_eq!(zoe.choice.time_zone.as_deref(), Some("Asia/Tokyo"));
    assert!(
        project
            .store()
            .signup("zoe@readers.example")
            .unwrap()
            .is_none()
    );
    // Twice is harmless.
    assert_eq!(
        post(&client, &confirm_url, form(&[("token", &real)]), &[])
            .await
            .0,
        200
    );

    // Per address: more sign-ups the same day send no more email (the outbox's key),
    // and the page stays the same.
    for _ in 0..4 {
        let (status, body) = post(
            &client,
            &subscribe,
            signup("zoe@readers.example", &[]),
            &[("x-forwarded-for", "198.51.100.7")],
        )
        .await;
        assert_eq!((status, body.as_str()), (200, new.as_str()));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sent_notices(&project, "zoe@readers.example"),
        vec![(DeliveryState::Sent, 1)]
    );

    // Per client: ten sign-ups an hour, then 429; another client is not affected.
    let mut statuses = Vec::new();
    for i in 0..11 {
        let email = format!("reader{i}@readers.example");
        statuses.push(
            post(
                &client,
                &subscribe,
                signup(&email, &[]),
                &[("x-forwarded-for", "203.0.113.9")],
            )
            .await
            .0,
        );
    }
    assert_eq!(&statuses[..10], &[200; 10]);
    assert_eq!(statuses[10], 429);
    let other = post(
        &client,
        &subscribe,
        signup("yan@readers.example", &[]),
        &[("x-forwarded-for", "203.0.113.10")],
    )
    .await;
    assert_eq!(other.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preferences_change_download_unsubscribe_and_delete() {
    let (project, base, _server) = serving().await;
    let added = project.run(&["subscribers", "add", "zoe@readers.example", "--name", "Zoe"]);
    assert_eq!(
        added.status.code(),
        Some(0),
        "{}",
        crate::support::stderr(&added)
    );
    let plan = project.plan();
    let secret = project.store().unsubscribe_secret().unwrap();
    let list = plan.email.as_ref().unwrap().list_id.clone();
    let url = |address: &str| pressroom::signup::preferences_url(&base, &secret, &list, address);
    let client = reqwest::Client::new();
    let zoe = url("zoe@readers.example");
    let token = zoe.split_once("token=").unwrap().1.to_owned();

    // A forged or other-purpose token shows nothing.
    for bad in [
        format!("{base}preferences?token=x"),
        format!("{base}preferences?token={}", token.replace('.', "x.")),
        format!(
            "{base}preferences?token={}",
            token::make(
                &secret,
                Purpose::Confirm,
                "zoe@readers.example",
                &list,
                None
            )
        ),
    ] {
        assert_eq!(
            client.get(&bad).send().await.unwrap().status(),
            400,
            "{bad}"
        );
    }
    let page = client.get(&zoe).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("z…@readers.example"), "{page}");
    assert!(
        !page.contains("zoe@readers.example"),
        "the page shows the address"
    );
    assert!(page.contains("value=\"Zoe\""), "{page}");

    // Saving: from another site refused; from the page, applied.
    let prefs = format!("{base}preferences");
    let choice = form(&[
        ("token", &token),
        ("action", "save"),
        ("name", "Zoë"),
        ("sections", "world"),
        ("format", "text"),
        ("time_zone", "America/Sao_Paulo"),
    ]);
    let (status, _) = post(
        &client,
        &prefs,
        choice.clone(),
        &[("origin", "http://evil.example")],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        project
            .store()
            .reader("zoe@readers.example")
            .unwrap()
            .unwrap()
            .choice
            .name
            .as_deref(),
        Some("Zoe")
    );
    let (status, body) = post(
        &client,
        &prefs,
        choice,
        &[("origin", base.trim_end_matches('/'))],
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.contains("from the next issue"), "{body}");
    let stored = project
        .store()
        .reader("zoe@readers.example")
        .unwrap()
        .unwrap();
    assert_eq!(stored.choice.sections, Some(vec!["world".to_owned()]));
    assert_eq!(stored.choice.format, "text");
    assert_eq!(
        stored.choice.time_zone.as_deref(),
        Some("America/Sao_Paulo")
    );
    assert_eq!(stored.origin, "cli");
    // No section at all is refused, with the problem shown.
    let (_, body) = post(
        &client,
        &prefs,
        form(&[("token", &token), ("action", "save")]),
        &[],
    )
    .await;
    assert!(body.contains("Choose at least one section"), "{body}");

    // Download what is stored.
    let data = client
        .get(format!("{base}preferences/data?token={token}"))
        .send()
        .await
        .unwrap();
    assert!(
        data.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let data: serde_json::Value = serde_json::from_str(&data.text().await.unwrap()).unwrap();
    assert_eq!(data["address"], "zoe@readers.example");
    assert_eq!(data["store"]["name"], "Zoë");
    assert_eq!(data["store"]["sections"], serde_json::json!(["world"]));

    // Unsubscribe and subscribe again from the page.
    post(
        &client,
        &prefs,
        form(&[("token", &token), ("action", "unsubscribe")]),
        &[],
    )
    .await;
    assert!(
        project
            .store()
            .suppressed_set()
            .unwrap()
            .contains("zoe@readers.example")
    );
    post(
        &client,
        &prefs,
        form(&[("token", &token), ("action", "resubscribe")]),
        &[],
    )
    .await;
    assert!(project.store().suppressed_set().unwrap().is_empty());

    // Delete: a store reader is forgotten; one the file lists is suppressed instead.
    let delete = format!("{base}preferences/delete");
    assert_eq!(
        post(
            &client,
            &delete,
            form(&[("token", &token)]),
            &[("origin", "http://evil.example")]
        )
        .await
        .0,
        403
    );
    assert_eq!(
        post(&client, &delete, form(&[("token", &token)]), &[])
            .await
            .0,
        200
    );
    assert!(
        project
            .store()
            .reader("zoe@readers.example")
            .unwrap()
            .is_none()
    );
    let anna = url("anna.petrova@readers.example");
    let anna_token = anna.split_once("token=").unwrap().1;
    let page = client
        .get(&anna)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("kept by the editors by hand"), "{page}");
    assert_eq!(
        post(&client, &delete, form(&[("token", anna_token)]), &[])
            .await
            .0,
        200
    );
    assert!(
        project
            .store()
            .suppressed_set()
            .unwrap()
            .contains("anna.petrova@readers.example")
    );
}

/// The whole flow as a reader does it, in headless Chromium: sign up, open the
/// confirmation email's link, confirm, choose sections on the preferences page; the
/// next issue carries only those, and its "Manage your subscription" link works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_signs_up_confirms_and_chooses_sections_in_chromium() {
    let (project, base, _server) = serving().await;
    let browser = crate::support::browser::Browser::start().await;
    browser.go(&format!("{base}subscribe")).await;
    browser
        .wait_until("return document.body.innerText", "Email address")
        .await;
    // Every field a person fills has a label.
    let unlabelled = browser
        .eval(
            "return [...document.querySelectorAll('input:not([type=hidden]), select')]\
             .filter(i => i.labels.length === 0).map(i => i.name).join(',')",
        )
        .await;
    assert_eq!(unlabelled, "", "fields without a label");
    browser
        .eval(
            "document.getElementById('email').value = 'zoe@readers.example';\
             document.getElementById('name').value = 'Zoe';\
             for (const box of document.querySelectorAll('input[name=sections]')) box.checked = ['science', 'sport'].includes(box.value);\
             document.querySelector('input[name=format][value=html]').checked = true;\
             document.getElementById('time_zone').value = 'Asia/Tokyo'; return '';",
        )
        .await;
    browser.click("button[type=submit]").await;
    browser
        .wait_until("return document.title", "Check your inbox")
        .await;

    let email = notice(&project, "zoe@readers.example").await;
    browser.go(&link(&email, &base, "confirm?token=")).await;
    browser.wait_until("return document.title", "Confirm").await;
    assert!(
        project
            .store()
            .reader("zoe@readers.example")
            .unwrap()
            .is_none()
    );
    browser.click("button[type=submit]").await;
    browser
        .wait_until("return document.title", "You are subscribed")
        .await;
    assert!(
        project
            .store()
            .reader("zoe@readers.example")
            .unwrap()
            .is_some()
    );

    // Preferences, from the confirmation page: sport only, text.
    browser.click("a[href*='preferences?token=']").await;
    browser
        .wait_until("return document.title", "Your subscription")
        .await;
    browser
        .eval(
            "for (const box of document.querySelectorAll('input[name=sections]')) box.checked = box.value === 'sport';\
             document.querySelector('input[name=format][value=text]').checked = true; return '';",
        )
        .await;
    browser.click("button[value=save]").await;
    browser
        .wait_until(
            "return document.body.innerText",
            "apply from the next issue",
        )
        .await;
    browser.quit().await;

    // The next issue carries her sections, in her format and zone.
    let published = project.run(&["publish"]);
    assert_eq!(
        published.status.code(),
        Some(0),
        "{}",
        crate::support::stderr(&published)
    );
    let issue =
        std::fs::read_to_string(project.path("state/outbox/zoe@readers.example.eml")).unwrap();
    assert!(!issue.contains("text/html"), "she chose text");
    let text = crate::subscribers::decoded(&issue);
    assert!(text.contains("Hello Zoe") || text.contains("Zoe"), "{text}");
    assert!(
        text.contains("times are in the Asia/Tokyo time zone"),
        "{text}"
    );
    assert!(text.contains("\nSport\n====="), "{text}");
    assert!(!text.contains("\nScience & Space\n====="), "{text}");
    assert!(!text.contains("\nWorld\n====="), "{text}");
    // Its "Manage your subscription" link opens her page.
    let manage = link(&issue, &base, "preferences?token=");
    let page = reqwest::get(&manage).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("value=\"sport\" checked")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_archived_stories_and_links_to_their_issue() {
    let (project, base, _server) = serving().await;
    let published = project.run(&["publish"]);
    assert_eq!(
        published.status.code(),
        Some(0),
        "{}",
        crate::support::stderr(&published)
    );
    let id = IssueId::parse("morning/2026-11-27").unwrap();
    let issue = project.store().issue(&id).unwrap().unwrap();
    let title = issue.lead[0].story.title.clone();
    // Its two longest words, the second cut short (words match as prefixes), in
    // another case.
    let mut words: Vec<&str> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 3)
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    let prefix: String = words[1].chars().take(4).collect();
    let q = format!("{} {}", words[0].to_uppercase(), prefix);
    let client = reqwest::Client::new();
    let page = client
        .get(format!("{base}search?{}", form(&[("q", q.as_str())])))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    let href = format!(
        "<a href=\"{base}morning/2026-11-27/\">{}</a>",
        pressroom::model::html::escape(&title)
    );
    assert!(page.contains(&href), "{q}: {page}");
    assert!(page.contains("<mark>"), "{page}");
    // Words that no story has; FTS5 syntax and markup, taken as plain words.
    for q in [
        "zzyzx qwertyuiop",
        "NEAR(\"a\" OR",
        "<script>alert(1)</script>",
    ] {
        let page = client
            .get(format!("{base}search?{}", form(&[("q", q)])))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{q}");
        let page = page.text().await.unwrap();
        assert!(page.contains("No stories"), "{q}: {page}");
        assert!(!page.contains("<script>"), "{page}");
    }
}

/// Publishing writes a static page per topic and per section, and their index, under
/// the output folder; `serve` serves them like the rest of the archive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topic_and_section_pages_list_the_archived_stories() {
    let (project, base, _server) = serving().await;
    let published = project.run(&["publish"]);
    assert_eq!(
        published.status.code(),
        Some(0),
        "{}",
        crate::support::stderr(&published)
    );
    let id = IssueId::parse("morning/2026-11-27").unwrap();
    let issue = project.store().issue(&id).unwrap().unwrap();
    let out = project.plan().site.output;
    let index = std::fs::read_to_string(out.join("topics/index.html")).unwrap();
    // Every section that carried a story, and every topic, has a page linked here.
    for block in issue.sections.iter().filter(|s| !s.picks.is_empty()) {
        let url = format!("{base}sections/{}/", block.id);
        assert!(index.contains(&format!("href=\"{url}\"")), "{url}");
        let page =
            std::fs::read_to_string(out.join(format!("sections/{}/index.html", block.id))).unwrap();
        let page = quotes(&page);
        for pick in &block.picks {
            assert!(
                page.contains(&quotes(&pressroom::model::html::escape(&pick.story.title))),
                "{}",
                pick.story.title
            );
        }
        assert!(page.contains(&format!("<a href=\"{base}morning/2026-11-27/\">")));
    }
    let topics: Vec<&String> = issue.picks().flat_map(|p| p.story.topics.iter()).collect();
    assert!(!topics.is_empty(), "the demo's stories have topics");
    for topic in topics {
        let slug = pressroom::render::view::topic_slug(topic);
        let page = std::fs::read_to_string(out.join(format!("topics/{slug}/index.html")))
            .unwrap_or_else(|e| panic!("{topic}: {e}"));
        assert!(
            page.contains(&pressroom::model::html::escape(topic.trim())),
            "{topic}"
        );
    }
    let served = reqwest::get(format!("{base}topics/")).await.unwrap();
    assert_eq!(served.status(), 200);
    assert!(served.text().await.unwrap().contains("Topics and sections"));
}

/// HTML with its quotes spelled one way (Handlebars and `html::escape` differ).
fn quotes(html: &str) -> String {
    html.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#x22;", "\"")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_can_be_turned_off_and_its_links_expire_as_configured() {
    let with = |extra: &'static str| {
        move |config: String| {
            config.replace(
                "transport = \"file\"",
                &format!("transport = \"file\"\n{extra}"),
            )
        }
    };
    let (_project, base, _server) = serving_with(with("signup = false")).await;
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(format!("{base}subscribe"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        post(
            &client,
            &format!("{base}subscribe"),
            form(&[("email", "a@readers.example")]),
            &[]
        )
        .await
        .0,
        404
    );
    assert_eq!(
        client
            .get(format!("{base}confirm?token=x"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // Managing a subscription still works: a bad link is refused, not missing.
    assert_eq!(
        client
            .get(format!("{base}preferences?token=x"))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );

    let (project, base, _server) = serving_with(with("confirm_within = \"1h\"")).await;
    let page = client
        .get(format!("{base}subscribe"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let fields = form(&[
        ("form", &hidden(&page, "form")),
        ("email", "zoe@readers.example"),
        ("sections", "sport"),
    ]);
    let (status, body) = post(&client, &format!("{base}subscribe"), fields, &[]).await;
    assert_eq!(status, 200);
    assert!(body.contains("within 1 hour to confirm"), "{body}");
    let email = crate::subscribers::decoded(&notice(&project, "zoe@readers.example").await);
    assert!(
        email.contains("works until 2026-11-27 07:00 UTC"),
        "{email}"
    );
    let link = link(&email, &base, "confirm?token=");
    let token = link.split_once("token=").unwrap().1;
    let plan = project.plan();
    let secret = project.store().unsubscribe_secret().unwrap();
    let list = &plan.email.as_ref().unwrap().list_id;
    let check = |at: &str| token::check(&secret, Purpose::Confirm, token, list, instant(at));
    assert!(check("2026-11-27T06:59:59Z").is_ok());
    assert_eq!(
        check("2026-11-27T07:00:00Z"),
        Err(token::TokenError::Expired)
    );
}
