//! A reader kept in the store chooses the language of their emails among their
//! editions' languages: from the command line (`subscribers add --language`,
//! `import`, `export`) and on the preferences page over real HTTP; the issue they get
//! is written in it, and audiences split by it like the subscribers file's.

use crate::support::{
    reader::{form, post, serving},
    stderr, stdout,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_reader_chooses_a_language_and_gets_the_issue_in_it() {
    let (project, base, _server) = serving().await;
    // Only a language one of their editions is written in.
    let wrong = project.run(&[
        "subscribers",
        "add",
        "zoe@readers.example",
        "--language",
        "de",
    ]);
    assert_eq!(wrong.status.code(), Some(1), "{}", stdout(&wrong));
    assert!(
        stderr(&wrong).contains("written in de"),
        "{}",
        stderr(&wrong)
    );
    let added = project.run(&[
        "subscribers",
        "add",
        "zoe@readers.example",
        "--language",
        "ru",
    ]);
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    let zoe = project
        .store()
        .reader("zoe@readers.example")
        .unwrap()
        .unwrap();
    assert_eq!(zoe.choice.language.as_deref(), Some("ru"));

    let listed = stdout(&project.run(&["subscribers", "list"]));
    let line = (listed.lines())
        .find(|l| l.starts_with("zoe@readers.example"))
        .expect("zoe listed");
    assert!(line.contains("editions: all language: ru"), "{line}");
    // `export` writes it, `import` reads it back.
    let exported = project.run(&["subscribers", "export"]);
    let text = stdout(&exported);
    let table = &text[text
        .find("email = \"zoe@readers.example\"")
        .expect("zoe exported")..];
    assert!(
        table[..table.find("\n\n").unwrap_or(table.len())].contains("language = \"ru\""),
        "{text}"
    );
    project.write(
        "more.toml",
        "[[subscribers]]\nemail = \"yuri@readers.example\"\nlanguage = \"ru\"\n",
    );
    let more = project.path("more.toml");
    let imported = project.run(&["subscribers", "import", more.to_str().unwrap()]);
    assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));
    let yuri = project
        .store()
        .reader("yuri@readers.example")
        .unwrap()
        .unwrap();
    assert_eq!(yuri.choice.language.as_deref(), Some("ru"));

    // The preferences page offers the edition's two languages, each named in
    // itself, hers checked.
    let plan = project.plan();
    let secret = project.store().unsubscribe_secret().unwrap();
    let list = plan.email.as_ref().unwrap().list_id.clone();
    let url = pressroom::signup::preferences_url(&base, &secret, &list, "zoe@readers.example");
    let token = url.split_once("token=").unwrap().1.to_owned();
    let client = reqwest::Client::new();
    // Her pages speak her language; the choice is offered in it.
    let page = client.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<html lang=\"ru\""), "{page}");
    assert!(page.contains("Язык писем"), "{page}");
    assert!(
        page.contains("value=\"ru\" checked> <span lang=\"ru\">Русский</span>"),
        "{page}"
    );
    assert!(
        page.contains("value=\"en\"> <span lang=\"en\">English</span>"),
        "{page}"
    );

    // Saving another language; one the editions are not written in is ignored.
    let save = |language: &str| {
        form(&[
            ("token", &token),
            ("action", "save"),
            ("sections", "science"),
            ("format", "html"),
            ("language", language),
        ])
    };
    let origin = [("origin", base.trim_end_matches('/'))];
    let (status, saved) = post(&client, &format!("{base}preferences"), save("en"), &origin).await;
    assert_eq!(status, 200);
    // The answer speaks the language just chosen.
    assert!(saved.contains("<html lang=\"en\""), "{saved}");
    assert!(saved.contains("Saved."), "{saved}");
    let stored = |who: &str| {
        (project
            .store()
            .reader(who)
            .unwrap()
            .unwrap()
            .choice
            .language)
            .clone()
    };
    assert_eq!(stored("zoe@readers.example").as_deref(), Some("en"));
    let (status, _) = post(&client, &format!("{base}preferences"), save("de"), &origin).await;
    assert_eq!(status, 200);
    assert_eq!(stored("zoe@readers.example"), None);
    let (_, saved) = post(&client, &format!("{base}preferences"), save("ru"), &origin).await;
    assert_eq!(stored("zoe@readers.example").as_deref(), Some("ru"));
    assert!(saved.contains("<html lang=\"ru\""), "{saved}");
    assert!(saved.contains("Сохранено"), "{saved}");
    // Her page is Russian on an English site: labels and section headings.
    let page = client.get(&url).send().await.unwrap().text().await.unwrap();
    for label in ["Ваша подписка", "Язык писем", "Наука и космос", "Сохранить"]
    {
        assert!(page.contains(label), "no {label:?} on her page: {page}");
    }

    // Her issue is Russian, Yuri's too, in audiences of their own language.
    let published = project.run(&["publish"]);
    assert_eq!(published.status.code(), Some(0), "{}", stderr(&published));
    let decoded = |who: &str| {
        crate::support::reader::decoded(
            &std::fs::read_to_string(project.path(&format!("state/outbox/{who}.eml"))).unwrap(),
        )
    };
    let zoe = decoded("zoe@readers.example");
    assert!(zoe.contains("Главное"), "{zoe}");
    assert!(!zoe.contains("Top stories"), "{zoe}");
    assert!(decoded("yuri@readers.example").contains("Главное"));
    let store = project.store();
    let issue = pressroom::model::IssueId::parse("morning/2026-11-27").unwrap();
    let deliveries = store.deliveries(&issue, "email").unwrap();
    let audience = |who: &str| {
        (deliveries.iter().find(|d| d.recipient == who))
            .map(|d| d.audience.clone())
            .unwrap()
    };
    assert_eq!(
        audience("zoe@readers.example"),
        "science.html.europe-moscow.ru"
    );
    assert!(audience("yuri@readers.example").ends_with(".ru"));

    // A sign-up choosing Russian on the English site's form: the answer is in the
    // site's language (the same for every address), the confirmation email in hers.
    let page = client.get(format!("{base}subscribe")).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("value=\"ru\""), "{page}");
    let (status, answer) = post(
        &client,
        &format!("{base}subscribe"),
        form(&[
            ("form", &crate::support::reader::hidden(&page, "form")),
            ("email", "vera@readers.example"),
            ("sections", "science"),
            ("format", "html"),
            ("language", "ru"),
            ("website", ""),
        ]),
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert!(answer.contains("<html lang=\"en\""), "{answer}");
    let eml = crate::support::reader::notice(&project, "vera@readers.example").await;
    let body = eml[eml.find("\r\n\r\n").unwrap() + 4..].replace("\r\n", "");
    let text = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body.trim())
        .map(|bytes| String::from_utf8(bytes).unwrap())
        .unwrap_or_else(|_| panic!("a base64 body: {eml}"));
    assert!(text.contains("Чтобы подтвердить"), "{text}");
    let pending = project
        .store()
        .signup("vera@readers.example")
        .unwrap()
        .unwrap();
    assert_eq!(pending.choice.language.as_deref(), Some("ru"));
    // The confirmation page and its answer speak it too.
    let confirm = crate::support::reader::link(&text, &base, "confirm?token=");
    let page = client
        .get(&confirm)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<html lang=\"ru\""), "{page}");
    assert!(page.contains("Подтвердить подписку"), "{page}");
    let (status, done) = post(
        &client,
        &format!("{base}confirm"),
        form(&[("token", &crate::support::reader::hidden(&page, "token"))]),
        &[("origin", base.trim_end_matches('/'))],
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("Вы подписаны"), "{done}");
    let vera = project
        .store()
        .reader("vera@readers.example")
        .unwrap()
        .unwrap();
    assert_eq!(vera.choice.language.as_deref(), Some("ru"));
}
