//! The digest in the reader's language: the demo's morning edition is written in
//! English and Russian, and its Russian reader gets a digest whose every label, date
//! and plural is Russian (the stories stay in their outlets' languages); a broken
//! catalogue fails `check` at its line.

use std::collections::BTreeSet;

use pressroom::model::IssueId;

use crate::support::{
    Project,
    reader::{hidden, link, notice, post},
    stderr, stdout,
};

/// The decoded HTML part of an `.eml` file (quoted-printable).
pub(crate) fn html_part(eml: &str) -> String {
    let start = eml.find("Content-Type: text/html").expect("an HTML part");
    let body = start + eml[start..].find("\r\n\r\n").expect("part headers end") + 4;
    let end = body + eml[body..].find("\r\n--").expect("the part ends");
    let bytes = quoted_printable::decode(&eml[body..end], quoted_printable::ParseMode::Robust)
        .expect("quoted-printable");
    String::from_utf8(bytes).expect("UTF-8")
}

/// What a reader sees of `html`: its text, without the `<head>`, tags, comments, URLs
/// and addresses, entities decoded.
pub(crate) fn visible_text(html: &str) -> String {
    let body = &html[html.find("<body").unwrap_or(0)..];
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ");
    text.split_whitespace()
        .filter(|w| !w.contains("://") && !w.contains('@') && !w.starts_with('&'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Latin words of three letters or more.
pub(crate) fn latin_words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
        .map(str::to_owned)
        .collect()
}

/// Every string the issue carries from its feeds (headlines, excerpts, outlets,
/// topics, "also in", "read also", most-read lists) and the configured names.
pub(crate) fn strings_of(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push(' ');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings_of(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings_of(v, out)),
        _ => {}
    }
}

#[test]
fn the_russian_reader_gets_a_wholly_russian_digest() {
    let project = Project::demo();
    let published = project.run(&["publish"]);
    assert_eq!(published.status.code(), Some(0), "{}", stderr(&published));
    let read = |who: &str| {
        std::fs::read_to_string(project.path(&format!("state/outbox/{who}.eml"))).unwrap()
    };
    let russian_html = html_part(&read("irina@readers.example"));
    // Mid-line, after the title, the day is in lower case.
    assert!(
        russian_html.contains(", пятница, 27 ноября 2026</title>"),
        "{russian_html}"
    );
    let russian = visible_text(&russian_html);
    let english = visible_text(&html_part(&read("anna.petrova@readers.example")));

    // The labels, dates and plurals, in Russian; a day name in lower case mid-line
    // ("пт 06:05"), a capital where the date starts the dateline.
    for label in [
        "Пятница, 27 ноября 2026 ·",
        "материалов",
        "В этом выпуске",
        "Главное",
        "Также в:",
        "Архив выпусков",
        "Отписаться",
        "Открыть в браузере",
        "Наука и космос",
        "Самое читаемое сейчас",
    ] {
        assert!(
            russian.contains(label),
            "no {label:?} in the Russian digest"
        );
    }
    // The English reader's digest has its English labels (so the check below is
    // looking for words that would be there).
    for label in [
        "Friday, 27 November 2026",
        "Top stories",
        "Also in:",
        "Unsubscribe",
    ] {
        assert!(
            english.contains(label),
            "no {label:?} in the English digest"
        );
    }

    // Every Latin word left in the Russian digest comes from the stories (their
    // outlets write in English) or the configured names, never from pressroom.
    let store = project.store();
    let id = IssueId::parse("morning/2026-11-27").unwrap();
    let issue = store.issue(&id).unwrap().expect("the issue is frozen");
    let mut carried = String::new();
    strings_of(&serde_json::to_value(&issue).unwrap(), &mut carried);
    let plan = project.plan();
    // The configured names, and the reader's time zone (an IANA name, not a label).
    carried.push_str(&format!(" {} Europe/Warsaw ", plan.site.title));
    let from_stories = latin_words(&carried);
    let labels: Vec<String> = latin_words(&russian)
        .difference(&from_stories)
        .cloned()
        .collect();
    assert!(
        labels.is_empty(),
        "English words in the Russian digest: {labels:?}"
    );
    // And no English label, even one made of words some story also uses.
    for label in [
        "Top stories",
        "Also in",
        "Read also",
        "In this issue",
        "View in browser",
        "Past issues",
        "Unsubscribe",
        "Most read",
        "This email was sent",
        "time zone",
        "Friday, 27 November",
        "more stories",
    ] {
        assert!(!russian.contains(label), "{label:?} in the Russian digest");
    }
    // Nor an English day beside a time ("Fri 08:10"), nor a capitalised Russian one
    // ("Пт 08:10"), nor an English plural ("15 stories").
    let words: Vec<&str> = russian.split_whitespace().collect();
    let mut russian_days = 0;
    for pair in words.windows(2) {
        let clock = pair[1].len() == 5 && pair[1].as_bytes()[2] == b':';
        let day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(&pair[0]);
        assert!(!(day && clock), "{pair:?} in the Russian digest");
        let capital = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"].contains(&pair[0]);
        assert!(!(capital && clock), "{pair:?} in the Russian digest");
        russian_days += usize::from(clock && ["чт", "пт"].contains(&pair[0]));
        let count = pair[0].bytes().all(|b| b.is_ascii_digit());
        let plural = pair[1].starts_with("stor") || pair[1].starts_with("issue");
        assert!(!(count && plural), "{pair:?} in the Russian digest");
    }
    assert!(
        russian_days > 0,
        "no story's day and time in the Russian digest"
    );
}

#[test]
fn a_broken_or_incomplete_catalogue_fails_check_at_its_line() {
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config()).unwrap();
    std::fs::write(
        project.config(),
        config.replace("[site]\n", "[site]\ntemplates = \"templates\"\n"),
    )
    .unwrap();
    // A message that does not parse: its file and line.
    project.write(
        "templates/i18n/ru.ftl",
        "also-in = Ещё в\n\ntop-stories = { $x ->\n    [one] Главное\n",
    );
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(78), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(err.contains("i18n/ru.ftl:3:"), "{err}");
    // A language the configuration uses without a complete catalogue.
    project.write("templates/i18n/ru.ftl", "also-in = Ещё в\n");
    project.write("templates/i18n/de.ftl", "also-in = Auch in\n");
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(78), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(err.contains("de has no message `top-stories`"), "{err}");
    // Completed, it checks clean; the override is used.
    std::fs::remove_file(project.path("templates/i18n/de.ftl")).unwrap();
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("in en, ru"), "{}", stdout(&output));
}

/// The pages the site serves to readers speak the site's language: a Russian site's
/// sign-up form, search, unsubscribe and 404 pages are Russian, and the English site's
/// stay as they were.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reader_pages_speak_the_sites_language() {
    let (project, base, _server) = crate::support::reader::serving_with(|config| {
        config.replace("language = \"en\"", "language = \"ru\"")
    })
    .await;
    let get = |path: &str| {
        let url = format!("{base}{path}");
        async move {
            let response = reqwest::get(url).await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, form) = get("subscribe").await;
    assert_eq!(status, 200);
    assert!(form.contains("<html lang=\"ru\""), "{form}");
    for label in [
        "Адрес электронной почты",
        "Разделы",
        "Только текст",
        "Подписаться",
        // The sections' Russian titles.
        "Общество и культура",
    ] {
        assert!(form.contains(label), "no {label:?} in the form");
    }
    for english in ["Email address", "Sections", "Plain text only", "Subscribe<"] {
        assert!(!form.contains(english), "{english:?} in the Russian form");
    }
    let (_, search) = get("search?q=%D1%81%D0%BD%D0%B5%D0%B3").await;
    assert!(
        search.contains("Ничего не найдено по запросу «снег»"),
        "{search}"
    );
    let (status, missing) = get("no/such/page").await;
    assert_eq!(status, 404);
    assert!(missing.contains("Страница не найдена"), "{missing}");
    let (status, unsubscribe) = get("unsubscribe?token=forged").await;
    assert_eq!(status, 400);
    assert!(
        unsubscribe.contains("Ссылка недействительна"),
        "{unsubscribe}"
    );

    // The sign-up's answer, its confirmation page and its result, the preferences
    // page and its answer.
    let client = reqwest::Client::new();
    let fields = |fields: &[(&str, &str)]| crate::support::reader::form(fields);
    let (_, inbox) = post(
        &client,
        &format!("{base}subscribe"),
        fields(&[
            ("form", &hidden(&form, "form")),
            ("email", "zoe@readers.example"),
            ("sections", "science"),
            ("format", "html"),
            ("website", ""),
        ]),
        &[],
    )
    .await;
    assert!(inbox.contains("Проверьте почту"), "{inbox}");
    // The Russian notice is base64 (its lines are long in bytes): decoded first.
    let eml = notice(&project, "zoe@readers.example").await;
    let body = eml[eml.find("\r\n\r\n").unwrap() + 4..].replace("\r\n", "");
    let text = String::from_utf8(
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body.trim()).unwrap(),
    )
    .unwrap();
    assert!(text.contains("Чтобы подтвердить"), "{text}");
    let (_, confirm) = get(&link(&text, &base, "confirm?token=")[base.len()..]).await;
    assert!(confirm.contains("Подтвердите подписку"), "{confirm}");
    let (_, confirmed) = post(
        &client,
        &format!("{base}confirm"),
        fields(&[("token", &hidden(&confirm, "token"))]),
        &[],
    )
    .await;
    assert!(confirmed.contains("Вы подписаны"), "{confirmed}");
    let plan = project.plan();
    let secret = project.store().unsubscribe_secret().unwrap();
    let list = plan.email.as_ref().unwrap().list_id.clone();
    let url = pressroom::signup::preferences_url(&base, &secret, &list, "zoe@readers.example");
    let (_, preferences) = get(&url[base.len()..]).await;
    assert!(preferences.contains("Ваша подписка"), "{preferences}");
    assert!(preferences.contains("Язык писем"), "{preferences}");
    let token = url.split_once("token=").unwrap().1;
    let (_, saved) = post(
        &client,
        &format!("{base}preferences"),
        fields(&[
            ("token", token),
            ("action", "save"),
            ("sections", "science"),
        ]),
        &[("origin", base.trim_end_matches('/'))],
    )
    .await;
    assert!(saved.contains("Сохранено"), "{saved}");

    // No English word on any of them but the configured names, the time zones'
    // names, acronyms (HTML, JSON) and English named in itself as a language.
    let mut allowed = format!(" {} English ", plan.site.title);
    for zone in chrono_tz::TZ_VARIANTS {
        allowed.push_str(&format!(" {} ", zone.name().replace('_', " ")));
    }
    for edition in &plan.editions {
        allowed.push_str(&format!(" {} ", edition.title));
    }
    let allowed = latin_words(&allowed);
    for (name, page) in [
        ("form", &form),
        ("search", &search),
        ("404", &missing),
        ("unsubscribe", &unsubscribe),
        ("check your inbox", &inbox),
        ("confirm", &confirm),
        ("confirmed", &confirmed),
        ("preferences", &preferences),
        ("saved", &saved),
    ] {
        let english: Vec<String> = latin_words(&visible_text(page))
            .into_iter()
            .filter(|w| !allowed.contains(w) && w.chars().any(|c| c.is_ascii_lowercase()))
            .collect();
        assert!(
            english.is_empty(),
            "English on the {name} page: {english:?}"
        );
    }
}
