//! Encodings a person would call right: each fixture (made by
//! tests/fixtures/make_encoded.py) served over HTTP without a charset, and its title
//! and text compared with what the feed says.

use pressroom::ingest::Status;

use crate::fetch_feeds::ingest;

/// The one story's title and excerpt.
async fn read(name: &str) -> (String, String) {
    let feed = ingest(name).await;
    assert!(
        matches!(feed.status(), Status::Fresh { items: 1, .. }),
        "{name}: {:?}",
        feed.status()
    );
    let story = &feed.stories[0];
    (story.title.clone(), story.excerpt.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declared_and_bom_detected_encodings() {
    for name in ["utf32le-bom.xml", "utf32be-bom.xml"] {
        assert_eq!(read(name).await.0, "Zürich 🚀 東京", "{name}");
    }
    assert_eq!(
        read("iso-2022-jp.xml").await,
        (
            "東京で初雪を観測".to_owned(),
            "平年より3日早い初雪".to_owned()
        )
    );
    for name in ["cp437.xml", "cp850.xml"] {
        assert_eq!(
            read(name).await,
            (
                "Café Zürich: Müller gewinnt".to_owned(),
                "Größe ½".to_owned()
            ),
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_with_stray_bytes_stays_utf8() {
    // One 0x92 byte: that byte is a Windows-1252 right quote, the rest stays UTF-8.
    assert_eq!(
        read("utf8-stray-byte.xml").await,
        (
            "Größere Straßen für Köln".to_owned(),
            "It’s done".to_owned()
        )
    );
    // One 0xA9 byte after valid Cyrillic UTF-8: not KOI8-R.
    assert_eq!(
        read("utf8-plus-a9.xml").await,
        (
            "Привет, мир: новости дня".to_owned(),
            "© 2026 Example".to_owned()
        )
    );
    // C1 controls are the Windows-1252 characters of the same byte.
    assert_eq!(
        read("c1-controls.xml").await,
        ("don’t panic".to_owned(), "“quoted”".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ebcdic_is_read_and_reported_as_such() {
    let feed = ingest("ebcdic.xml").await;
    assert_eq!(feed.titles(), ["Mainframe news"]);
    assert_eq!(feed.stories[0].excerpt, "EBCDIC");
    assert_eq!(
        feed.report.targets[0].warnings,
        ["an EBCDIC document (read as IBM code page 037 or 500): ask the publisher for UTF-8"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_missing_and_multibyte_encodings_decode() {
    let titles = [
        "Учёные представили новый телескоп «Орион»",
        "Снегопад в Санкт-Петербурге: движение затруднено",
        "Сборная по хоккею вышла в финал турнира",
    ];
    // Declared windows-1251, and undeclared windows-1251 served without a charset.
    for name in ["cp1251.xml", "cp1251-undeclared.xml"] {
        let feed = ingest(name).await;
        for title in titles {
            feed.titled(title);
        }
        let orion = feed.titled(titles[0]);
        assert_eq!(
            orion.excerpt,
            "Телескоп № 2 установят на Алтае — сообщает пресс-служба обсерватории."
        );
        assert!(feed.stories.iter().all(|s| !s.title.contains('\u{fffd}')));
    }
    // Declared UTF-8, actually ISO-8859-1.
    let latin = ingest("latin1-declared-utf8.xml").await;
    for title in [
        "Le café de la gare rouvre après travaux",
        "Müller übernimmt den Vorsitz des Stadtrats",
        "Grüße aus Köln: Straßenfest zieht Tausende an",
    ] {
        latin.titled(title);
    }
    // UTF-16 with a byte-order mark, both byte orders, astral characters included.
    for name in ["utf16le-bom.xml", "utf16be-bom.xml"] {
        let feed = ingest(name).await;
        assert_eq!(feed.stories.len(), 3, "{name}: {:?}", feed.report);
        feed.titled("Zürich: Ångström-Preis für Physikerin");
        feed.titled("東京で初雪を観測");
        let launch = feed.titled("Rocket launch succeeds 🚀 on second attempt");
        assert_eq!(launch.excerpt, "Ελληνικά: η εκτόξευση πέτυχε.");
    }
}
