//! The query plans of every statement that reads or writes `stories` or the delivery
//! `ledger`: each finds its rows through an index, never by scanning the table. The
//! statements are those a save, an update, every read of stories and a prune, and
//! every read and change of the ledger, actually run (SQLite's trace names them), so a
//! new query joins the check by being run here.

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
    statements_of("stories", stories_workload)
}

/// The SQL of each statement `workload` runs on a fresh store that mentions `table`.
fn statements_of(table: &str, workload: impl FnOnce(&mut Store)) -> BTreeSet<String> {
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
    workload(&mut store);
    let statements = seen.lock().unwrap().clone();
    store
        .conn
        .trace_v2(TraceEventCodes::empty(), None::<fn(TraceEvent<'_>)>)
        .unwrap();
    statements
        .into_iter()
        .filter(|sql| {
            sql.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|word| word == table)
        })
        .collect()
}

fn stories_workload(store: &mut Store) {
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
    save(store, &items, at("2026-11-26T10:00:00Z"));
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
    save(store, &changed, at("2026-11-27T10:00:00Z"));
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

/// Reads and changes every state of the delivery ledger: enqueue, each move, a
/// release, every count and list.
fn ledger_workload(store: &mut Store) {
    use crate::{
        model::IssueId,
        store::{DeliveryState, Entry},
    };
    let issue = IssueId::parse("morning/2026-11-27").unwrap();
    let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let entries: Vec<Entry> = ["a", "b", "c", "d"]
        .iter()
        .map(|name| Entry {
            recipient: format!("{name}@x.example"),
            audience: "all".to_owned(),
            message_id: format!("<{name}@x.example>"),
        })
        .collect();
    let mut writer = store.writer().unwrap();
    writer.enqueue(&issue, "email", &entries, at).unwrap();
    let moves = [
        ("a@x.example", DeliveryState::Sent, None),
        (
            "b@x.example",
            DeliveryState::Failed,
            Some(("550 no", "mailbox")),
        ),
        (
            "c@x.example",
            DeliveryState::Pending,
            Some(("451 later", "other")),
        ),
    ];
    for (recipient, state, failure) in moves {
        let sending = DeliveryState::Sending;
        writer
            .transition(&issue, "email", recipient, sending, None, at)
            .unwrap();
        writer
            .transition(&issue, "email", recipient, state, failure, at)
            .unwrap();
    }
    let d = "d@x.example";
    (writer.transition(&issue, "email", d, DeliveryState::Sending, None, at)).unwrap();
    writer.release(&issue, "email", d, "refused", at).unwrap();
    writer.commit().unwrap();
    // a: sent; b: failed; c: deferred; d: pending again.
    assert_eq!(store.outbox_depth().unwrap(), 2);
    assert_eq!(store.deferred_now().unwrap(), 2);
    let counts = store.ledger_counts(&issue, "email").unwrap();
    assert_eq!((counts.sent, counts.failed, counts.pending), (1, 1, 2));
    assert_eq!(store.deliveries(&issue, "email").unwrap().len(), 4);
    assert_eq!(store.causes(&issue, "email").unwrap().len(), 3);
}

#[test]
fn every_query_of_the_ledger_goes_through_an_index() {
    let statements = statements_of("ledger", ledger_workload);
    assert!(
        statements.len() >= 8,
        "the workload ran too few statements: {statements:#?}"
    );
    let store = Store::open_in_memory().unwrap();
    for sql in &statements {
        let plan = plan(&store, sql);
        assert!(
            plan.iter()
                .all(|step| !step.starts_with("SCAN ") || step.contains("INDEX")),
            "{sql}\nscans the table: {plan:?}"
        );
        // Counting what is still to deliver reads only those rows' entries.
        if sql.contains("state IN ('pending', 'sending')") {
            assert!(
                plan.iter()
                    .any(|step| step.contains("INDEX ledger_waiting")),
                "{sql}\n{plan:?}"
            );
        }
    }
    let waiting = |sql: &&String| sql.contains("state IN ('pending', 'sending')");
    assert_eq!(
        statements.iter().filter(waiting).count(),
        2,
        "{statements:#?}"
    );
}
