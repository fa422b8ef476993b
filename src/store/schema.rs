//! Migrations, applied in order inside one transaction; `PRAGMA user_version` records
//! how many have run. Never edit a released migration: append a new one.

use std::path::Path;

use rusqlite::Connection;

use super::StoreError;

/// Each entry brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
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
];

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
