use super::*;

fn number(n: i64) -> Arg {
    Arg::Number(n)
}

#[test]
fn russian_plurals_follow_cldr() {
    let catalogues = Catalogues::builtin();
    let ru = catalogues.words(&Language::parse("ru").unwrap());
    let stories = |n| ru.message("stories", &[("count", number(n))]).unwrap();
    assert_eq!(stories(1), "1 материал");
    assert_eq!(stories(2), "2 материала");
    assert_eq!(stories(5), "5 материалов");
    assert_eq!(stories(11), "11 материалов");
    assert_eq!(stories(21), "21 материал");
    assert_eq!(stories(34), "34 материала");
    // Digits grouped as the locale says: a narrow no-break space in Russian.
    assert_eq!(stories(12_345), "12\u{202f}345 материалов");
    let en = catalogues.words(&Language::english());
    assert_eq!(
        en.message("stories", &[("count", number(1))]).unwrap(),
        "1 story"
    );
    assert_eq!(
        en.message("stories", &[("count", number(1234))]).unwrap(),
        "1,234 stories"
    );
}

#[test]
fn dates_are_written_in_the_language() {
    let catalogues = Catalogues::builtin();
    let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let ru = catalogues.words(&Language::parse("ru").unwrap());
    assert_eq!(ru.day(day, None), "пятница, 27 ноября 2026");
    let at = day.and_hms_opt(6, 5, 0).unwrap().and_utc();
    assert_eq!(ru.instant(&at, "date-story").unwrap(), "пт 06:05");
    assert_eq!(ru.instant(&at, "date-read-also").unwrap(), "27 ноя");
    let en = catalogues.words(&Language::english());
    assert_eq!(
        en.day(day, NaiveTime::from_hms_opt(19, 0, 0)),
        "Friday, 27 November 2026, 19:00"
    );
    assert_eq!(en.ago(35 * 60).unwrap(), "35 min ago");
    assert_eq!(ru.ago(3 * 86_400).unwrap(), "3 дня назад");
}

#[test]
fn a_region_falls_back_to_its_language_then_english() {
    let catalogues = Catalogues::builtin();
    let gb = catalogues.words(&Language::parse("en-gb").unwrap());
    assert_eq!(gb.language().as_str(), "en-GB");
    assert_eq!(gb.text("also-in"), "Also in");
    let de = Language::parse("de").unwrap();
    assert!(!catalogues.knows(&de));
    assert_eq!(catalogues.words(&de).text("also-in"), "Also in");
    assert!(
        catalogues
            .words(&de)
            .message("no-such-message", &[])
            .is_err()
    );
    assert!(Language::parse("not a tag").is_err());
}

#[test]
fn the_built_in_catalogues_are_complete() {
    // Every message of the English reference exists in Russian.
    assert_eq!(Catalogues::builtin().gaps(), Vec::<Problem>::new());
}

#[test]
fn a_folder_overrides_adds_and_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let i18n = dir.path().join("i18n");
    std::fs::create_dir(&i18n).unwrap();
    std::fs::write(i18n.join("ru.ftl"), "also-in = Ещё в\n").unwrap();
    std::fs::write(i18n.join("de.ftl"), "locale = de_DE\nalso-in = Auch in\n").unwrap();
    let catalogues = Catalogues::load(Some(dir.path())).unwrap();
    let ru = catalogues.words(&Language::parse("ru").unwrap());
    assert_eq!(ru.text("also-in"), "Ещё в");
    assert_eq!(ru.text("top-stories"), "Главное");
    let de = catalogues.words(&Language::parse("de").unwrap());
    assert_eq!(de.text("also-in"), "Auch in");
    let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    assert_eq!(de.day(day, None), "Freitag, 27 November 2026");
    let gaps = catalogues.gaps();
    assert!(gaps.iter().all(|p| p.file.ends_with("de.ftl")), "{gaps:?}");
    assert!(gaps.iter().any(|p| p.message.contains("`top-stories`")));

    std::fs::write(
        i18n.join("ru.ftl"),
        "also-in = Ещё в\n\ntop-stories = { $x ->\n",
    )
    .unwrap();
    let problems = Catalogues::load(Some(dir.path())).err().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].file.ends_with("ru.ftl"));
    assert_eq!(problems[0].line, 3, "{}", problems[0]);
}

#[test]
fn multiline_messages_keep_their_blank_lines() {
    // The sign-up notice, as it was written in code before it moved to the catalogue.
    let catalogues = Catalogues::builtin();
    let en = catalogues.words(&Language::english());
    let text = en
        .message(
            "notice-confirm-text",
            &[
                ("site", Arg::Text("Review".to_owned())),
                (
                    "url",
                    Arg::Text("http://127.0.0.1/confirm?token=t".to_owned()),
                ),
                ("until", Arg::Text("2026-11-29 06:00".to_owned())),
            ],
        )
        .unwrap();
    assert_eq!(
        text,
        "Someone, probably you, asked to receive Review at this address.\n\n\
         To confirm, open this link and press the button:\n\n\
         http://127.0.0.1/confirm?token=t\n\n\
         The link works until 2026-11-29 06:00 UTC. If you did not ask, ignore this email: \
         nothing will be sent to you."
    );
}

#[test]
fn a_speaker_parses_a_folder_once_until_its_catalogues_change() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("i18n")).unwrap();
    std::fs::write(dir.path().join("i18n/ru.ftl"), "also-in = Ещё в\n").unwrap();
    let mut loads = 0;
    let mut load = || {
        loads += 1;
        Catalogues::load(Some(dir.path())).unwrap()
    };
    let first = files::cached(Some(dir.path()), &mut load);
    let again = files::cached(Some(dir.path()), &mut load);
    assert!(std::sync::Arc::ptr_eq(&first, &again));
    // A new file in the folder: parsed again, and its words used.
    std::fs::write(dir.path().join("i18n/de.ftl"), "also-in = Auch in\n").unwrap();
    let changed = files::cached(Some(dir.path()), &mut load);
    assert!(!std::sync::Arc::ptr_eq(&first, &changed));
    assert_eq!(loads, 2);
    let ru = Language::parse("ru").unwrap();
    assert_eq!(Speaker::new(Some(dir.path()), &ru).text("also-in"), "Ещё в");
}
