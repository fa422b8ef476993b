//! Subscribers kept in the store beside the subscribers file: `pressroom subscribers
//! list|add|remove|import|export`, the file winning for the addresses it lists, and a
//! publish that delivers to both kinds the same way.

use crate::support::{Project, stderr, stdout};

fn ok(output: &std::process::Output) -> String {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    stdout(output)
}

#[test]
fn add_list_import_export_remove_and_the_file_wins() {
    let project = Project::demo();
    // A reader added by hand: checked against the configuration.
    let bad = project.run(&[
        "subscribers",
        "add",
        "x@readers.example",
        "--sections",
        "gardening",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("no section \"gardening\""),
        "{}",
        stderr(&bad)
    );
    let added = ok(&project.run(&[
        "subscribers",
        "add",
        "Zoe@Readers.Example",
        "--name",
        "Zoe",
        "--sections",
        "science,sport",
        "--format",
        "text",
        "--time-zone",
        "Asia/Tokyo",
    ]));
    assert!(added.contains("added zoe@readers.example"), "{added}");
    // An address the file lists stays the file's.
    let taken = project.run(&["subscribers", "add", "anna.petrova@readers.example"]);
    assert_eq!(taken.status.code(), Some(1));
    assert!(stderr(&taken).contains("the file wins") || stderr(&taken).contains("which wins"));

    // Import: one new reader, one the file lists (skipped), one already in the store.
    project.write(
        "more.toml",
        "[[subscribers]]\nemail = \"yan@readers.example\"\nsections = [\"world\"]\n\
         [[subscribers]]\nemail = \"sam@readers.example\"\nformat = \"html\"\n\
         [[subscribers]]\nemail = \"zoe@readers.example\"\nname = \"Zoë\"\nsections = [\"science\", \"sport\"]\nformat = \"text\"\ntime_zone = \"Asia/Tokyo\"\n",
    );
    let imported = ok(&project.run(&[
        "subscribers",
        "import",
        project.path("more.toml").to_str().unwrap(),
    ]));
    assert!(
        imported.contains("1 added, 1 updated, 1 skipped"),
        "{imported}"
    );
    // A bad import file is a configuration problem with its line, and changes nothing.
    project.write(
        "bad.toml",
        "[[subscribers]]\nemail = \"q@readers.example\"\nformat = \"pdf\"\n",
    );
    let refused = project.run(&[
        "subscribers",
        "import",
        project.path("bad.toml").to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(78), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("bad.toml:3"),
        "{}",
        stderr(&refused)
    );

    let listed: serde_json::Value =
        serde_json::from_str(&ok(&project.run(&["subscribers", "list", "--json"]))).unwrap();
    let rows = listed.as_array().unwrap();
    let origin = |email: &str| {
        rows.iter()
            .find(|r| r["email"] == email)
            .map(|r| r["origin"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        origin("anna.petrova@readers.example").as_deref(),
        Some("file")
    );
    assert_eq!(origin("zoe@readers.example").as_deref(), Some("cli"));
    assert_eq!(origin("yan@readers.example").as_deref(), Some("import"));
    assert!(rows.iter().all(|r| r["email"] != "q@readers.example"));
    let zoe = rows
        .iter()
        .find(|r| r["email"] == "zoe@readers.example")
        .unwrap();
    assert_eq!(zoe["name"], "Zoë");
    assert_eq!(zoe["time_zone"], "Asia/Tokyo");
    assert_eq!(zoe["format"], "text");
    let file_count = rows.iter().filter(|r| r["origin"] == "file").count();
    assert_eq!(rows.len(), file_count + 2);
    let table = ok(&project.run(&["subscribers", "list"]));
    assert!(table.contains("store (import)"), "{table}");
    assert!(
        table.contains(&format!("{} from the file, 2 from the store", file_count)),
        "{table}"
    );

    // Export as tables, import into a fresh project: the same subscribers come back.
    let exported = ok(&project.run(&["subscribers", "export"]));
    assert!(
        exported
            .contains("# origin: store (cli)\n[[subscribers]]\nemail = \"zoe@readers.example\""),
        "{exported}"
    );
    let fresh = Project::demo();
    std::fs::write(fresh.path("subscribers.toml"), "").unwrap();
    fresh.write("all.toml", &exported);
    let again = ok(&fresh.run(&[
        "subscribers",
        "import",
        fresh.path("all.toml").to_str().unwrap(),
    ]));
    assert!(again.contains(&format!("{} added", rows.len())), "{again}");
    let theirs: serde_json::Value =
        serde_json::from_str(&ok(&fresh.run(&["subscribers", "export", "--json"]))).unwrap();
    let strip = |v: &serde_json::Value| {
        let mut list: Vec<serde_json::Value> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.as_object_mut().unwrap().remove("origin");
                r
            })
            .collect();
        list.sort_by_key(|r| r["email"].as_str().unwrap().to_owned());
        list
    };
    assert_eq!(strip(&theirs), strip(&listed));

    // Remove.
    assert!(
        ok(&project.run(&["subscribers", "remove", "yan@readers.example"])).contains("removed")
    );
    let gone = project.run(&["subscribers", "remove", "yan@readers.example"]);
    assert_eq!(gone.status.code(), Some(1));
}

#[test]
fn a_publish_delivers_to_store_readers_with_their_sections_and_zone() {
    let project = Project::demo();
    ok(&project.run(&[
        "subscribers",
        "add",
        "zoe@readers.example",
        "--name",
        "Zoe",
        "--sections",
        "sport",
        "--format",
        "text",
        "--time-zone",
        "Asia/Tokyo",
    ]));
    // In the store too, but the file's entry (all sections, HTML) is what counts.
    let store_path = project.plan().site.state;
    {
        let mut store = pressroom::store::Store::open(&store_path).unwrap();
        let mut w = store.writer().unwrap();
        let choice = pressroom::store::Choice {
            sections: Some(vec!["sport".into()]),
            format: "text".into(),
            ..Default::default()
        };
        w.put_reader(
            "anna.petrova@readers.example",
            &choice,
            "web",
            crate::support::instant(crate::support::NOW),
        )
        .unwrap();
        w.commit().unwrap();
    }
    let published = project.run(&["publish"]);
    assert_eq!(published.status.code(), Some(0), "{}", stderr(&published));
    let outbox = project.path("state/outbox");
    let zoe = std::fs::read_to_string(outbox.join("zoe@readers.example.eml")).unwrap();
    assert!(zoe.contains("To: Zoe <zoe@readers.example>"), "{zoe}");
    assert!(zoe.contains("Content-Type: text/plain"), "{zoe}");
    assert!(!zoe.contains("text/html"), "a text-only reader got HTML");
    let text = crate::support::reader::decoded(&zoe);
    assert!(
        text.contains("times are in the Asia/Tokyo time zone"),
        "{text}"
    );
    assert!(text.contains("\nSport\n====="), "{text}");
    assert!(!text.contains("\nWorld\n====="), "{text}");
    let anna = std::fs::read_to_string(outbox.join("anna.petrova@readers.example.eml")).unwrap();
    assert!(
        anna.contains("text/html"),
        "the file's entry (HTML) lost to the store's"
    );
    // A store reader is previewed like a file's.
    let out = project.path("preview");
    let preview = project.run(&[
        "preview",
        "--subscriber",
        "zoe@readers.example",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(preview.status.code(), Some(0), "{}", stderr(&preview));
    // Once only: a second run sends nobody anything.
    let again = project.run(&["publish", "--no-fetch"]);
    assert!(
        stdout(&again).contains("0 sent") || stdout(&again).contains("already"),
        "{}",
        stdout(&again)
    );
}
