//! The site's and an edition's titles given per language, like sections': a Russian
//! reader's email carries the Russian ones, an English reader's the English ones,
//! and the plain string form stays valid (the demo's).

use crate::{
    languages::html_part,
    support::{Project, stderr, stdout},
};

#[test]
fn titles_per_language_reach_the_readers_of_that_language() {
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config()).unwrap();
    let site = "[site]\ntitle = \"Meridian Morning Review\"\n";
    let edition = "id = \"morning\"\ntitle = \"Meridian Morning Review\"\n";
    assert!(config.contains(site) && config.contains(edition));
    let config = config
        .replace(
            site,
            "[site]\ntitle = { en = \"Meridian Review\", ru = \"Обзор «Меридиана»\" }\n",
        )
        .replace(
            edition,
            "id = \"morning\"\ntitle = { en = \"Meridian Morning Review\", ru = \"Утро «Меридиана»\" }\n",
        );
    std::fs::write(project.config(), &config).unwrap();
    let checked = project.run(&["check"]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));

    let published = project.run(&["publish"]);
    assert_eq!(published.status.code(), Some(0), "{}", stderr(&published));
    let html = |who: &str| {
        html_part(
            &std::fs::read_to_string(project.path(&format!("state/outbox/{who}.eml"))).unwrap(),
        )
    };
    let russian = html("irina@readers.example");
    assert!(
        russian.contains(
            "<title>Утро «Меридиана», пятница, 27 ноября 2026: Обзор «Меридиана»</title>"
        ),
        "{russian}"
    );
    let english = html("anna.petrova@readers.example");
    assert!(
        english.contains(
            "<title>Meridian Morning Review, Friday, 27 November 2026: Meridian Review</title>"
        ),
        "{english}"
    );

    // A tag that is not a language, and a table without a title, are placed.
    std::fs::write(
        project.config(),
        config.replace("ru = \"Утро «Меридиана»\"", "\"no such tag!\" = \"x\""),
    )
    .unwrap();
    let broken = project.run(&["check"]);
    assert_eq!(broken.status.code(), Some(78), "{}", stdout(&broken));
    assert!(
        stderr(&broken).contains("editions[0].title.no such tag!"),
        "{}",
        stderr(&broken)
    );
    std::fs::write(
        project.config(),
        config.replace(
            "title = { en = \"Meridian Review\", ru = \"Обзор «Меридиана»\" }",
            "title = {}",
        ),
    )
    .unwrap();
    let empty = project.run(&["check"]);
    assert_eq!(empty.status.code(), Some(78), "{}", stdout(&empty));
    assert!(stderr(&empty).contains("site.title"), "{}", stderr(&empty));
}
