//! The preferences page over real HTTP, and the reader's whole flow in headless
//! Chromium: sign up, confirm from the `.eml`, choose sections, receive only those.

use pressroom::signup::token::{self, Purpose};

use crate::support::reader::{decoded, form, link, notice, post, serving};

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
    // The page always says that changes apply from the next issue: wait for the
    // answer to the save itself, or the browser may quit before it is sent.
    browser
        .wait_until(
            "return document.body.innerText",
            "Saved. Your choices apply from the next issue",
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
    let text = decoded(&issue);
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
