//! Migrations, applied in order inside one transaction; `PRAGMA user_version` records
//! how many have run. Never edit a released migration: append a new one.

use std::path::Path;

use rusqlite::Connection;

use super::StoreError;

/// Each entry brings the schema from version `i` to `i + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: stories, fetch state, most-read snapshots.
    r#"
    CREATE TABLE fetch_state (
        key            TEXT PRIMARY KEY,      -- 'source/ID' or 'signal/ID'
        location       TEXT NOT NULL,
        etag           TEXT,
        last_modified  TEXT,
        body_hash      TEXT,
        last_attempt   INTEGER,
        last_success   INTEGER,
        last_error     TEXT,
        last_error_at  INTEGER,
        failure_streak INTEGER NOT NULL DEFAULT 0,
        items          INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;

    CREATE TABLE stories (
        id           TEXT PRIMARY KEY,
        source       TEXT NOT NULL,
        guid         TEXT,
        url          TEXT,
        title_key    TEXT NOT NULL,
        title        TEXT NOT NULL,
        summary_html TEXT NOT NULL,
        excerpt      TEXT NOT NULL,
        image        TEXT,                  -- JSON
        authors      TEXT NOT NULL,         -- JSON array
        topics       TEXT NOT NULL,         -- JSON array
        section      TEXT,
        published    INTEGER NOT NULL,
        updated      INTEGER,
        first_seen   INTEGER NOT NULL,
        last_seen    INTEGER NOT NULL,
        dated        INTEGER NOT NULL
    );
    CREATE INDEX stories_by_guid      ON stories(source, guid) WHERE guid IS NOT NULL;
    CREATE INDEX stories_by_url       ON stories(source, url) WHERE url IS NOT NULL;
    CREATE INDEX stories_by_title_key ON stories(source, title_key);
    CREATE INDEX stories_by_published ON stories(published);
    CREATE INDEX stories_by_canonical ON stories(url);

    CREATE TABLE snapshots (
        id       INTEGER PRIMARY KEY,
        signal   TEXT NOT NULL,
        taken_at INTEGER NOT NULL,
        measure  TEXT NOT NULL              -- 'rank' or 'views'
    );
    CREATE INDEX snapshots_by_time ON snapshots(taken_at);

    CREATE TABLE snapshot_entries (
        snapshot INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
        rank     INTEGER NOT NULL,
        url      TEXT NOT NULL,
        views    INTEGER,
        PRIMARY KEY (snapshot, rank)
    ) WITHOUT ROWID;
    CREATE INDEX snapshot_entries_by_url ON snapshot_entries(url);
    "#,
    // 2: frozen issues, the stories each carried, editors' overrides.
    r#"
    CREATE TABLE issues (
        id        TEXT PRIMARY KEY,          -- 'morning/2026-11-27'
        edition   TEXT NOT NULL,
        date      TEXT NOT NULL,             -- local date, YYYY-MM-DD
        built_at  INTEGER NOT NULL,
        body      TEXT NOT NULL              -- the Issue, as JSON
    ) WITHOUT ROWID;
    CREATE INDEX issues_by_edition ON issues(edition, date);

    CREATE TABLE issue_stories (
        issue TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
        story TEXT NOT NULL,
        url   TEXT,
        PRIMARY KEY (issue, story)
    ) WITHOUT ROWID;
    CREATE INDEX issue_stories_by_story ON issue_stories(story);
    CREATE INDEX issue_stories_by_url ON issue_stories(url);

    CREATE TABLE overrides (
        issue      TEXT NOT NULL,
        url        TEXT NOT NULL,
        action     TEXT NOT NULL,            -- 'pin' or 'drop'
        lead       INTEGER NOT NULL DEFAULT 0,
        position   INTEGER,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (issue, url)
    ) WITHOUT ROWID;
    "#,
    // 3: the outbox, the suppression list, bounces, and settings the store keeps.
    r#"
    CREATE TABLE outbox (
        issue      TEXT NOT NULL,
        address    TEXT NOT NULL,
        audience   TEXT NOT NULL,
        message_id TEXT NOT NULL,
        state      TEXT NOT NULL,            -- pending, sending, sent, failed
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        updated_at INTEGER NOT NULL,
        sent_at    INTEGER,
        PRIMARY KEY (issue, address)
    ) WITHOUT ROWID;
    CREATE INDEX outbox_by_state ON outbox(state, issue);

    CREATE TABLE suppressed (
        address TEXT PRIMARY KEY,
        reason  TEXT NOT NULL,
        at      INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE bounces (
        address    TEXT PRIMARY KEY,
        count      INTEGER NOT NULL,
        last_error TEXT,
        at         INTEGER
    ) WITHOUT ROWID;

    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 4: issues keep when they were frozen (a story first seen later goes in the next
    // issue) and are ordered by their instant; issues held for being too thin.
    r#"
    ALTER TABLE issues ADD COLUMN frozen_at INTEGER;
    UPDATE issues SET frozen_at = built_at;
    CREATE INDEX issues_by_instant ON issues(edition, built_at);

    CREATE TABLE held_issues (
        id       TEXT PRIMARY KEY,           -- 'morning/2026-11-28'
        edition  TEXT NOT NULL,
        instant  INTEGER NOT NULL,
        stories  INTEGER NOT NULL,
        reason   TEXT NOT NULL,
        at       INTEGER NOT NULL            -- when it was last held
    ) WITHOUT ROWID;
    "#,
    // 5: the outbox becomes the email channel's part of one delivery ledger, keyed on
    // (issue, channel, recipient), that any channel delivering once-only shares.
    r#"
    CREATE TABLE ledger (
        issue      TEXT NOT NULL,
        channel    TEXT NOT NULL,            -- 'email', …
        recipient  TEXT NOT NULL,            -- an address, a URL, …
        audience   TEXT NOT NULL,
        message_id TEXT NOT NULL,
        state      TEXT NOT NULL,            -- pending, sending, sent, failed
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        updated_at INTEGER NOT NULL,
        sent_at    INTEGER,
        PRIMARY KEY (issue, channel, recipient)
    ) WITHOUT ROWID;
    INSERT INTO ledger (issue, channel, recipient, audience, message_id, state, attempts,
                        last_error, updated_at, sent_at)
        SELECT issue, 'email', address, audience, message_id, state, attempts,
               last_error, updated_at, sent_at
        FROM outbox;
    DROP TABLE outbox;
    CREATE INDEX ledger_by_state ON ledger(state, issue);
    "#,
    // 6: what a source's last read left out (fetch.max_items), could not date, and
    // warned about, for `status`.
    r#"
    ALTER TABLE fetch_state ADD COLUMN dropped INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE fetch_state ADD COLUMN undated INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE fetch_state ADD COLUMN warnings TEXT;                -- one per line
    "#,
    // 7: what a delivery's last failure was about (deliver::refusal's cause:
    // mailbox, policy, content, system, protocol, connection, other), beside the
    // reply in last_error; state 'refused' (our mail refused, not the mailbox).
    r#"
    ALTER TABLE ledger ADD COLUMN cause TEXT;
    "#,
    // 8: delivery status notifications already imported (`bounces import`), by their
    // Message-ID, so that importing a mailbox twice counts nothing twice.
    r#"
    CREATE TABLE bounce_reports (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 9: readers kept in the store (web sign-ups, `pressroom subscribers add|import`)
    // beside the subscribers file, and sign-ups waiting for their confirmation.
    r#"
    CREATE TABLE subscribers (
        address    TEXT PRIMARY KEY,         -- lower-cased
        name       TEXT,
        sections   TEXT,                     -- JSON array; NULL: all
        editions   TEXT,                     -- JSON array; NULL: all
        format     TEXT NOT NULL,            -- 'html' or 'text'
        time_zone  TEXT,                     -- IANA name; NULL: the site's
        origin     TEXT NOT NULL,            -- 'web', 'cli', 'import'
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE signups (
        address      TEXT PRIMARY KEY,
        name         TEXT,
        sections     TEXT,
        editions     TEXT,
        format       TEXT NOT NULL,
        time_zone    TEXT,
        requested_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 10: full-text search over the stories of frozen issues (titles and summaries),
    // filled when an issue is frozen; the issues frozen before are indexed here.
    r#"
    CREATE VIRTUAL TABLE story_search USING fts5(
        title, summary,
        issue UNINDEXED, story UNINDEXED, built_at UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO story_search (title, summary, issue, story, built_at)
        SELECT json_extract(p.value, '$.story.title'), json_extract(p.value, '$.story.excerpt'),
               i.id, json_extract(p.value, '$.story.id'), i.built_at
        FROM issues i, json_each(i.body, '$.lead') p
        UNION ALL
        SELECT json_extract(p.value, '$.story.title'), json_extract(p.value, '$.story.excerpt'),
               i.id, json_extract(p.value, '$.story.id'), i.built_at
        FROM issues i, json_each(i.body, '$.sections') s, json_each(s.value, '$.picks') p;
    "#,
    // 11: each story's tokens for clustering, made at ingest (store/tokens.rs), with
    // the version of the tokenizer that made them. Columns of the story, written by
    // its own INSERT: a table of their own cost a fresh fetch of 50,000 stories
    // about 1.2 s more on the writing thread (benches/README.md), a column nothing
    // measurable.
    r#"
    ALTER TABLE stories ADD COLUMN tokens BLOB;
    ALTER TABLE stories ADD COLUMN tokens_version INTEGER;
    "#,
    // 12: the language a reader kept in the store chose (a BCP 47 tag; NULL: each
    // edition's first), on readers and on sign-ups waiting for confirmation.
    r#"
    ALTER TABLE subscribers ADD COLUMN language TEXT;
    ALTER TABLE signups ADD COLUMN language TEXT;
    "#,
    // 13: `stories_by_url` (source, url) goes: `stories_by_canonical` (url) serves
    // every query that looks stories up by URL (a test in `plans.rs` checks each
    // query's plan), and one index fewer to write costs a fresh fetch of 50,000
    // stories less on the writing thread (benches/README.md).
    r#"
    DROP INDEX stories_by_url;
    "#,
    // 14: the ledger's index holds only the rows still to deliver, keyed by issue, not
    // by state: a delivery moving pending -> sending -> sent rewrote its entry in
    // `ledger_by_state` twice, each time on another page of the index (four pages of
    // write-ahead log a message with the row's own). Now the entry stays where it is
    // until the row is done, then goes. Every query by state names the index's
    // condition (a test in `ledger.rs` checks their plans).
    r#"
    DROP INDEX ledger_by_state;
    CREATE INDEX ledger_waiting ON ledger(issue) WHERE state IN ('pending', 'sending');
    "#,
];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the schema of `conn` up to date.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as i64;
    let found: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > known {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found,
            known,
        });
    }
    if found == known {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for sql in &MIGRATIONS[found as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", known)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A state file as the pressroom before the ledger left it (schema 4: the email
    /// outbox in a table of its own, mid-run) opens, upgraded, with every row kept.
    #[test]
    fn an_outbox_of_schema_4_becomes_the_email_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pressroom.db");
        {
            let conn = Connection::open(&path).unwrap();
            for sql in &MIGRATIONS[..4] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 4).unwrap();
            conn.execute_batch(
                "INSERT INTO outbox VALUES
                   ('morning/2026-11-27', 'a@x.example', 'all.html.utc', '<1@x>', 'sent', 1, NULL, 100, 100),
                   ('morning/2026-11-27', 'b@x.example', 'all.html.utc', '<2@x>', 'sending', 2, '451 later', 101, NULL),
                   ('morning/2026-11-27', 'c@x.example', 'all.text.utc', '<3@x>', 'pending', 0, NULL, 102, NULL);",
            )
            .unwrap();
        }
        let store = crate::store::Store::open(&path).unwrap();
        let issue = crate::model::IssueId::parse("morning/2026-11-27").unwrap();
        let rows = store.deliveries(&issue, "email").unwrap();
        let seen: Vec<(&str, &str, String, u32, Option<&str>)> = rows
            .iter()
            .map(|d| {
                (
                    d.recipient.as_str(),
                    d.message_id.as_str(),
                    d.state.to_string(),
                    d.attempts,
                    d.last_error.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                ("a@x.example", "<1@x>", "sent".to_owned(), 1, None),
                (
                    "b@x.example",
                    "<2@x>",
                    "sending".to_owned(),
                    2,
                    Some("451 later")
                ),
                ("c@x.example", "<3@x>", "pending".to_owned(), 0, None),
            ]
        );
        assert_eq!(rows[2].audience, "all.text.utc");
        assert_eq!(store.outbox_depth().unwrap(), 2);
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, VERSION);
        drop(store);
        // Opening it again changes nothing.
        let again = crate::store::Store::open(&path).unwrap();
        assert_eq!(again.deliveries(&issue, "email").unwrap(), rows);
    }
}
