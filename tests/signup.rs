//! Sign-up with double opt-in over real HTTP, and its abuse cases: forged, expired
//! and other-purpose tokens, cross-site posts, the honeypot, rate limits, address
//! enumeration; and the settings that turn it off or shorten its links.

use std::{path::Path, time::Duration};

use pressroom::{
    model::IssueId,
    signup::token::{self, Purpose},
    store::DeliveryState,
};

use crate::support::{
    NOW, Project, instant,
    reader::{decoded, form, hidden, link, notice, post, serving, serving_with},
};

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
    let email = decoded(&notice(&project, "zoe@readers.example").await);
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

/// The confirmation goes out through the configured transport like an issue: here
/// real SMTP to aiosmtpd, recorded sent in the ledger, and its link confirms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_confirmation_goes_out_over_real_smtp() {
    let sink = crate::support::smtp::Sink::start();
    let port = sink.port;
    let (project, base, _server) = serving_with(move |config| {
        config.replace(
            "transport = \"file\"",
            &format!("transport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\ntimeout = \"5s\""),
        )
    })
    .await;
    let client = reqwest::Client::new();
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
        ("sections", "world"),
    ]);
    assert_eq!(
        post(&client, &format!("{base}subscribe"), fields, &[])
            .await
            .0,
        200
    );
    let started = std::time::Instant::now();
    let message = loop {
        if let Some(m) = sink
            .messages()
            .into_iter()
            .find(|m| m.to() == "zoe@readers.example")
        {
            break m;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "nothing reached the SMTP server"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        message
            .header("subject")
            .unwrap()
            .starts_with("Confirm your subscription")
    );
    assert!(
        message.header("message-id").unwrap().contains("signup."),
        "{:?}",
        message.header("message-id")
    );
    assert!(
        message
            .part("text/plain")
            .unwrap()
            .contains("/confirm?token=")
    );
    let confirm = link(&message.raw, &base, "confirm?token=");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sent_notices(&project, "zoe@readers.example"),
        vec![(DeliveryState::Sent, 1)]
    );
    let token = confirm.split_once("token=").unwrap().1;
    let (status, _) = post(
        &client,
        &format!("{base}confirm"),
        form(&[("token", token)]),
        &[],
    )
    .await;
    assert_eq!(status, 200);
    let zoe = project
        .store()
        .reader("zoe@readers.example")
        .unwrap()
        .unwrap();
    assert_eq!(zoe.choice.sections, Some(vec!["world".to_owned()]));
}
