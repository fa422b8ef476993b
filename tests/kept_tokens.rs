//! Tokens kept at ingest (issue 10, point 6): the demo's feeds go through ingest,
//! which keeps every story's tokens in the store; the next issue and every group of
//! its window (`explain --all`) come out the same from the kept tokens, from tokens
//! of another tokenizer version (tokenised afresh) and from none at all.

use pressroom::{issue, rank::kept::TOKENS_VERSION};

use crate::support::{Project, instant, stderr};

const AT: &str = "2026-11-27T06:00:00Z";

/// The issue due at the demo's clock and every group of its window, as JSON.
fn built(project: &Project) -> (String, String) {
    let plan = project.plan();
    let store = project.store();
    let edition = &plan.editions[0];
    let due = issue::next(&plan, edition, &store, instant(AT)).expect("the next issue");
    let issue = issue::assemble(&plan, edition, &store, &due).expect("issue");
    let groups = issue::groups(&plan, edition, &store, &due).expect("groups");
    (
        serde_json::to_string(&issue).unwrap(),
        serde_json::to_string(&groups).unwrap(),
    )
}

fn sql(project: &Project, statement: &str) -> i64 {
    let conn = rusqlite::Connection::open(&project.plan().site.state).unwrap();
    conn.execute_batch(statement).unwrap();
    conn.query_row(
        "SELECT COUNT(*) FROM stories WHERE tokens_version = ?1 AND tokens IS NOT NULL",
        [TOKENS_VERSION],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn the_demo_groups_the_same_from_kept_stale_or_no_tokens() {
    let project = Project::demo();
    let output = project.run(&["fetch"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stories = project.store().story_count().unwrap() as i64;
    assert!(stories > 50, "{stories} stories");
    assert_eq!(
        sql(&project, ""),
        stories,
        "ingest keeps every story's tokens"
    );
    let kept = built(&project);
    assert!(kept.1.contains("also_in") && kept.1.contains("read_also"));

    let stale = sql(
        &project,
        "UPDATE stories SET tokens_version = tokens_version + 1;",
    );
    assert_eq!(stale, 0);
    assert!(kept == built(&project), "tokens of another version");

    let none = sql(
        &project,
        "UPDATE stories SET tokens = NULL, tokens_version = NULL;",
    );
    assert_eq!(none, 0);
    assert!(kept == built(&project), "no kept tokens");
}
