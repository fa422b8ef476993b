//! The editor's preview in the languages: it shows the Russian reader's issue word
//! for word as she gets it, and a Russian site's preview has no English label.

use std::time::Duration;

use crate::{
    languages::{html_part, latin_words, strings_of, visible_text},
    support::{
        Project,
        browser::{Running, free_port, wait_for},
        stderr,
    },
};

/// The preview server on the demo `project`, until the value is dropped.
async fn preview_site(project: &Project) -> (String, Running) {
    let port = free_port();
    let server = std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
        .args(["--config", project.config().to_str().unwrap()])
        .args(["--now", crate::support::NOW])
        .args(["preview", "--serve", &format!("127.0.0.1:{port}")])
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the preview server");
    let site = format!("http://127.0.0.1:{port}");
    wait_for(&site, Duration::from_secs(20)).await;
    (site, Running(server))
}

async fn get(url: String) -> String {
    reqwest::get(url).await.unwrap().text().await.unwrap()
}

/// The editor's preview shows the Russian reader's issue exactly as she gets it,
/// word for word, while the preview itself speaks the site's language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_shows_the_russian_readers_issue_as_she_gets_it() {
    let project = Project::demo();
    let fetched = project.run(&["fetch"]);
    assert_eq!(fetched.status.code(), Some(0), "{}", stderr(&fetched));
    let (site, server) = preview_site(&project).await;
    let index = get(format!("{site}/")).await;
    // Her audience, by the link the index gives (a '+' in it stays a '+').
    let link = "/issue?edition=morning&amp;audience=business%2Bscience.html.europe-warsaw.ru";
    assert!(index.contains(link), "{index}");
    let page = get(format!("{site}{}", link.replace("&amp;", "&"))).await;
    let frame =
        "src=\"/email?edition=morning&amp;audience=business%2Bscience.html.europe-warsaw.ru\"";
    assert!(page.contains(frame), "{page}");
    let previewed = get(format!(
        "{site}/email?edition=morning&audience=business%2Bscience.html.europe-warsaw.ru"
    ))
    .await;
    // An audience nobody is in is an error, not another audience's email.
    let wrong = reqwest::get(format!("{site}/email?edition=morning&audience=nobody.html"))
        .await
        .unwrap();
    assert_eq!(wrong.status(), 500);
    drop(server);
    assert!(page.contains("<html lang=\"en\""), "{page}");
    assert!(page.contains(">Ranking</h2>"), "{page}");

    let published = project.run(&["publish"]);
    assert_eq!(published.status.code(), Some(0), "{}", stderr(&published));
    let eml =
        std::fs::read_to_string(project.path("state/outbox/irina@readers.example.eml")).unwrap();
    let delivered = visible_text(&html_part(&eml));
    assert!(delivered.contains("Главное"), "{delivered}");
    assert_eq!(visible_text(&previewed), delivered);
}

/// A Russian site's preview is Russian, every label of it: no English word but the
/// stories', the configured names and the sources' keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_speaks_the_sites_language() {
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config()).unwrap();
    std::fs::write(
        project.config(),
        config.replacen("language = \"en\"", "language = \"ru\"", 1),
    )
    .unwrap();
    let fetched = project.run(&["fetch"]);
    assert_eq!(fetched.status.code(), Some(0), "{}", stderr(&fetched));
    let (site, server) = preview_site(&project).await;
    let index = get(format!("{site}/")).await;
    let page = get(format!("{site}/issue?edition=morning")).await;
    drop(server);
    assert!(index.contains("<html lang=\"ru\""), "{index}");
    assert!(index.contains("Следующие выпуски"), "{index}");
    assert!(page.contains("<html lang=\"ru\""), "{page}");
    for label in [
        "Рейтинг",
        "Источники",
        "Сделать главным",
        "Убрать",
        "главное 1",
    ] {
        assert!(page.contains(label), "no {label:?} in the preview");
    }

    // Every Latin word left comes from the stories, the configuration or the sources.
    let store = project.store();
    let plan = project.plan();
    let mut carried = format!(" {} ", plan.site.title);
    for edition in &plan.editions {
        carried.push_str(&format!(" {} {} ", edition.title, edition.id));
    }
    for section in &plan.sections {
        carried.push_str(&format!(" {} ", section.id));
    }
    for health in store.health().unwrap() {
        carried.push_str(&format!(" {} ", health.key));
    }
    let id = pressroom::issue::edition(&plan, Some("morning")).unwrap();
    let due = pressroom::issue::next(
        &plan,
        id,
        &store,
        crate::support::instant(crate::support::NOW),
    )
    .unwrap();
    let issue = pressroom::issue::assemble(&plan, id, &store, &due).unwrap();
    strings_of(&serde_json::to_value(&issue).unwrap(), &mut carried);
    // The audiences' names (`all.html.europe-moscow`) are identifiers.
    carried.push_str(" all html text ");
    for subscriber in &plan.subscribers {
        carried.push_str(&format!(
            " {} ",
            subscriber.time_zone.name().replace('_', " ")
        ));
    }
    let from_elsewhere = latin_words(&carried.to_lowercase());
    let visible = visible_text(&page) + " " + &visible_text(&index);
    let labels: Vec<String> = latin_words(&visible)
        .into_iter()
        .filter(|w| !from_elsewhere.contains(&w.to_lowercase()))
        .collect();
    assert!(
        labels.is_empty(),
        "English words in the Russian preview: {labels:?}"
    );
}
