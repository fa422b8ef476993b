//! Accessibility (WCAG 2.2 AA) of the pages `serve` shows readers: sign-up, the
//! confirmation button, preferences, search (with results and with none), the
//! unsubscribe confirmation and the 404 page, audited with axe-core in the headless
//! Chromium like the demo's pages ([`crate::a11y`], [`crate::support::axe`]): light and dark, 1280, 375 and
//! 320 px. Their tokens are the ones a reader gets: from the notices sign-up sends,
//! and the unsubscribe link delivery writes.

use pressroom::model::IssueId;

use crate::support::{
    axe::{audit_at_every_width, axe_source},
    browser::Browser,
    reader::{form, hidden, link, notice, post, serving},
    stderr,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_reader_page_passes_axe_light_and_dark_at_every_width() {
    let Some(axe) = axe_source() else {
        return;
    };
    let (project, base, _server) = serving().await;
    let published = project.run(&["publish"]);
    assert_eq!(published.status.code(), Some(0), "{}", stderr(&published));

    // Sign up a new address (for its confirmation link) and a known one (told so,
    // with its preferences link), as the form does.
    let client = reqwest::Client::new();
    let subscribe = format!("{base}subscribe");
    let page = client.get(&subscribe).send().await.unwrap();
    let token = hidden(&page.text().await.unwrap(), "form");
    let signup = |address: &str| {
        form(&[
            ("form", token.as_str()),
            ("email", address),
            ("sections", "science"),
            ("format", "html"),
            ("time_zone", "Europe/Paris"),
            ("website", ""),
        ])
    };
    for address in ["zoe@readers.example", "anna.petrova@readers.example"] {
        let (status, body) = post(&client, &subscribe, signup(address), &[]).await;
        assert_eq!(status, 200, "{address}: {body}");
    }
    let confirm = link(
        &notice(&project, "zoe@readers.example").await,
        &base,
        "confirm?token=",
    );
    let preferences = link(
        &notice(&project, "anna.petrova@readers.example").await,
        &base,
        "preferences?token=",
    );
    // The unsubscribe link of the issue's email, as delivery makes it.
    let plan = project.plan();
    let secret = project.store().unsubscribe_secret().unwrap();
    let list = &plan.email.as_ref().unwrap().list_id;
    let unsubscribe = pressroom::deliver::unsubscribe::url(
        &base,
        &pressroom::deliver::unsubscribe::token(&secret, "anna.petrova@readers.example", list),
    );
    // A word of the lead story's headline finds it.
    let id = IssueId::parse("morning/2026-11-27").unwrap();
    let issue = project.store().issue(&id).unwrap().unwrap();
    let title = &issue.lead[0].story.title;
    let word = title
        .split(|c: char| !c.is_alphanumeric())
        .max_by_key(|w| w.chars().count())
        .unwrap();
    let search = |q: &str| format!("{base}search?{}", form(&[("q", q)]));

    // Each page, and the status that shows it is the one meant; a stale or forged
    // link's page too, which a reader meets as well.
    let expected: [(&str, String, u16); 10] = [
        ("sign-up", subscribe.clone(), 200),
        ("confirm", confirm, 200),
        ("confirm, bad link", format!("{base}confirm?token=x"), 400),
        ("preferences", preferences, 200),
        (
            "preferences, bad link",
            format!("{base}preferences?token=x"),
            400,
        ),
        ("search", search(word), 200),
        ("search without results", search("zzyzx qwertyuiop"), 200),
        ("unsubscribe", unsubscribe, 200),
        (
            "unsubscribe, bad link",
            format!("{base}unsubscribe?token=x"),
            400,
        ),
        ("not found", format!("{base}no/such/page"), 404),
    ];
    let mut preferences_page = String::new();
    for (name, url, status) in &expected {
        let response = client.get(url).send().await.unwrap();
        assert_eq!(response.status().as_u16(), *status, "{name}: {url}");
        let html = response.text().await.unwrap();
        if *name == "preferences" {
            preferences_page.clone_from(&html);
        }
        if *name == "search" {
            assert!(html.contains("<mark>"), "{name}: {html}");
        }
        if ["confirm", "unsubscribe"].contains(name) {
            assert!(html.contains("<button type=\"submit\""), "{name}: {html}");
        }
    }
    let mut pages: Vec<(String, String)> = expected
        .into_iter()
        .map(|(name, url, _)| (name.to_owned(), url))
        .collect();

    // The answers to the forms' POSTs, kept as files (they load nothing else): the
    // sign-up's "check your inbox" and its error, the confirmation, the saved
    // preferences and the done unsubscribe; for a third address, so that the links
    // above stay as they were.
    let yan = "yan@readers.example";
    let sent = post(&client, &subscribe, signup(yan), &[]).await;
    let refused = post(&client, &subscribe, signup("not-an-address"), &[]).await;
    let shown = reqwest::get(link(&notice(&project, yan).await, &base, "confirm?token="))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let confirm = form(&[("token", &hidden(&shown, "token"))]);
    let confirmed = post(&client, &format!("{base}confirm"), confirm, &[]).await;
    let choice = form(&[
        ("token", &hidden(&preferences_page, "token")),
        ("action", "save"),
        ("sections", "world"),
        ("format", "text"),
        ("time_zone", "Europe/Paris"),
    ]);
    let saved = post(&client, &format!("{base}preferences"), choice, &[]).await;
    let yan_token = pressroom::deliver::unsubscribe::token(&secret, yan, list);
    let unsubscribed = post(
        &client,
        &pressroom::deliver::unsubscribe::url(&base, &yan_token),
        String::new(),
        &[],
    )
    .await;
    for (name, (status, html), wanted) in [
        ("sign-up sent", sent, 200),
        ("sign-up refused", refused, 400),
        ("confirmed", confirmed, 200),
        ("preferences saved", saved, 200),
        ("unsubscribed", unsubscribed, 200),
    ] {
        assert_eq!(status, wanted, "{name}: {html}");
        let file = project.path(&format!("{}.html", name.replace(' ', "-")));
        std::fs::write(&file, html).unwrap();
        pages.push((name.to_owned(), format!("file://{}", file.display())));
    }

    let browser = Browser::start().await;
    let (audits, failures) = audit_at_every_width(&browser, &axe, &pages).await;
    browser.quit().await;
    assert_eq!(audits, 90);
    assert!(
        failures.is_empty(),
        "{} accessibility failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
