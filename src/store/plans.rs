//! The query plans of every statement that reads or writes `stories`: each finds its
//! rows through an index, never by scanning the table. The statements are those a
//! save, an update, every read of stories and a prune actually run (SQLite's trace
//! names them), so a new query joins the check by being run here.

use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Utc};
use rusqlite::trace::{TraceEvent, TraceEventCodes};

use super::Store;
use crate::{
    config::Retention,
    model::{Item, Lists, SourceId, StoryTokens},
};

fn item(guid: Option<&str>, url: Option<&str>, url_is_key: bool, title: &str) -> Item {
    Item {
        guid: guid.map(str::to_owned),
        url: url.map(str::to_owned),
        url_is_key,
        title_key: crate::ingest::normalise::title_key(title, ""),
        title: title.to_owned(),
        ..Item::default()
    }
}

/// Runs every store function that touches `stories` and returns the SQL of each
/// statement that mentions the table.
fn statements_of_stories() -> BTreeSet<String> {
    let mut store = Store::open_in_memory().unwrap();
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let sink = seen.clone();
    store
        .conn
        .trace_v2(
            TraceEventCodes::SQLITE_TRACE_STMT,
            Some(move |event: TraceEvent<'_>| {
                if let TraceEvent::Stmt(stmt, _) = event {
                    sink.lock().unwrap().insert(stmt.sql().into_owned());
                }
            }),
        )
        .unwrap();
    let source = SourceId::parse("s").unwrap();
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
    let items = [
        item(Some("g1"), Some("https://x.example/1"), true, "One"),
        item(None, Some("https://x.example/2"), true, "Two"),
        item(None, Some("https://x.example/3"), false, "Three"),
        item(None, None, false, "Four"),
    ];
    let save = |store: &mut Store, items: &[Item], now: DateTime<Utc>| {
        let mut writer = store.writer().unwrap();
        writer.save_items(&source, items, now).unwrap();
        writer.commit().unwrap();
    };
    save(&mut store, &items, at("2026-11-26T10:00:00Z"));
    // Again, changed: every item meets its story and updates it, tokens and all.
    let tokens = StoryTokens::new(
        1,
        &Lists {
            title_terms: &[7],
            title_cases: &[1],
            summary_limit: 30,
            ..Lists::default()
        },
    );
    let changed: Vec<Item> = items
        .iter()
        .map(|i| Item {
            title: format!("{} again", i.title),
            tokens: Some(tokens.clone()),
            ..i.clone()
        })
        .collect();
    save(&mut store, &changed, at("2026-11-27T10:00:00Z"));
    let since = at("2026-11-01T00:00:00Z");
    store.stories_since(since).unwrap();
    let (stories, _) = store.stories_for_ranking(since, 1).unwrap();
    let ids: Vec<_> = stories.iter().map(|s| s.id.clone()).collect();
    store.stories_by_ids(&ids).unwrap();
    store
        .stories_by_urls(["https://x.example/1", "https://x.example/3"])
        .unwrap();
    store.stories_of(&source).unwrap();
    store.story_count().unwrap();
    store.story_counts().unwrap();
    let mut writer = store.writer().unwrap();
    writer
        .keep_tokens(stories.iter().map(|s| (&s.id, &tokens)))
        .unwrap();
    writer
        .prune(&Retention::default(), at("2027-06-01T00:00:00Z"))
        .unwrap();
    writer.commit().unwrap();
    let statements = seen.lock().unwrap().clone();
    store
        .conn
        .trace_v2(TraceEventCodes::empty(), None::<fn(TraceEvent<'_>)>)
        .unwrap();
    statements
        .into_iter()
        .filter(|sql| {
            sql.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|word| word == "stories")
        })
        .collect()
}

/// The plan of `sql`, one line per step.
fn plan(store: &Store, sql: &str) -> Vec<String> {
    let mut stmt = store
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap();
    // The plan does not depend on the values: NULL for each parameter.
    let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
    stmt.query_map(rusqlite::params_from_iter(nulls), |row| {
        row.get::<_, String>(3)
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn every_query_of_stories_goes_through_an_index() {
    let statements = statements_of_stories();
    let store = Store::open_in_memory().unwrap();
    let mut used = BTreeSet::new();
    for sql in &statements {
        let plan = plan(&store, sql);
        for step in &plan {
            // A `SCAN` of the table (under its name or an alias) reads every row;
            // `SCAN … USING COVERING INDEX` (counting) reads an index only, and a
            // `VIRTUAL TABLE` is a list of keys (`json_each`).
            assert!(
                !step.starts_with("SCAN ")
                    || step.contains("COVERING INDEX")
                    || step.contains("VIRTUAL TABLE"),
                "{sql}\nscans the table: {plan:?}"
            );
            if let Some(index) = step.split("INDEX ").nth(1) {
                used.insert(index.split(' ').next().unwrap_or_default().to_owned());
            }
        }
    }
    // The look-ups by URL (an item's key within its source, and stories by canonical
    // URL) both go through the index on the URL alone.
    let by_url = |sql: &&String| sql.contains("url IN");
    assert_eq!(
        statements.iter().filter(by_url).count(),
        2,
        "{statements:#?}"
    );
    for sql in statements.iter().filter(by_url) {
        assert!(
            plan(&store, sql)
                .iter()
                .any(|step| step.contains("USING INDEX stories_by_canonical (url=?)")),
            "{sql}\n{:?}",
            plan(&store, sql)
        );
    }
    assert!(
        statements.len() >= 10,
        "the workload ran too few statements: {statements:#?}"
    );
    let expected = [
        "sqlite_autoindex_stories_1",
        "stories_by_canonical",
        "stories_by_guid",
        "stories_by_published",
        "stories_by_title_key",
    ];
    for index in expected {
        assert!(used.contains(index), "{index} unused: {used:?}");
    }
}

/// The indexes of `stories` are exactly those the queries above use.
#[test]
fn stories_keep_no_index_that_no_query_uses() {
    let store = Store::open_in_memory().unwrap();
    let mut stmt = store
        .conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'stories' ORDER BY name")
        .unwrap();
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        names,
        [
            "sqlite_autoindex_stories_1",
            "stories_by_canonical",
            "stories_by_guid",
            "stories_by_published",
            "stories_by_title_key",
        ]
    );
}
