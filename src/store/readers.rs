//! Readers kept in the store: subscribers who signed up on the web or were added with
//! `pressroom subscribers add|import`, and sign-ups waiting for their confirmation.
//! The subscribers file is read by `config`; `crate::subscribers` merges the two.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreError, Writer};
use crate::time::{from_unix, to_unix};

/// What a reader chose: the same fields as a `[[subscribers]]` table, as text (the
/// plan they are checked against may have changed since they were stored).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Choice {
    /// Their name, for the greeting.
    pub name: Option<String>,
    /// Section ids they read; `None`: all.
    pub sections: Option<Vec<String>>,
    /// Edition ids they receive; `None`: all.
    pub editions: Option<Vec<String>>,
    /// "html" or "text".
    pub format: String,
    /// IANA zone name; `None`: the site's.
    pub time_zone: Option<String>,
    /// The language they read (a BCP 47 tag); `None`: each edition's first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// A subscriber as the store keeps them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StoredReader {
    /// Their address, lower-cased.
    pub address: String,
    /// What they chose.
    #[serde(flatten)]
    pub choice: Choice,
    /// How they came: "web", "cli" or "import".
    pub origin: String,
    /// When they were added (for a web sign-up: confirmed).
    pub created_at: DateTime<Utc>,
    /// When their choice last changed.
    pub updated_at: DateTime<Utc>,
}

/// A sign-up waiting for its confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signup {
    /// The address to confirm.
    pub address: String,
    /// What they asked for.
    pub choice: Choice,
    /// When they asked (the latest time).
    pub requested_at: DateTime<Utc>,
}

fn list(value: Option<&Vec<String>>) -> Option<String> {
    value.map(|v| serde_json::to_string(v).expect("a list of strings serialises"))
}

fn unlist(value: Option<String>) -> rusqlite::Result<Option<Vec<String>>> {
    value
        .map(|text| {
            serde_json::from_str(&text).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
            })
        })
        .transpose()
}

/// The choice in columns 1..=6 of `row` (after the address).
fn choice(row: &Row<'_>) -> rusqlite::Result<Choice> {
    Ok(Choice {
        name: row.get(1)?,
        sections: unlist(row.get(2)?)?,
        editions: unlist(row.get(3)?)?,
        format: row.get(4)?,
        time_zone: row.get(5)?,
        language: row.get(6)?,
    })
}

const READER_COLUMNS: &str = "address, name, sections, editions, format, time_zone, language, origin, created_at, updated_at";

fn reader(row: &Row<'_>) -> rusqlite::Result<StoredReader> {
    Ok(StoredReader {
        address: row.get(0)?,
        choice: choice(row)?,
        origin: row.get(7)?,
        created_at: from_unix(row.get(8)?),
        updated_at: from_unix(row.get(9)?),
    })
}

impl Store {
    /// Every reader the store keeps, by address.
    pub fn readers(&self) -> Result<Vec<StoredReader>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {READER_COLUMNS} FROM subscribers ORDER BY address"
        ))?;
        let rows = stmt.query_map([], reader)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The reader kept under `address`, if any.
    pub fn reader(&self, address: &str) -> Result<Option<StoredReader>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {READER_COLUMNS} FROM subscribers WHERE address = ?1"),
                [address],
                reader,
            )
            .optional()?)
    }

    /// The sign-up waiting under `address`, if any.
    pub fn signup(&self, address: &str) -> Result<Option<Signup>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT address, name, sections, editions, format, time_zone, language, requested_at
                 FROM signups WHERE address = ?1",
                [address],
                |row| {
                    Ok(Signup {
                        address: row.get(0)?,
                        choice: choice(row)?,
                        requested_at: from_unix(row.get(7)?),
                    })
                },
            )
            .optional()?)
    }
}

impl Writer<'_> {
    /// Adds the reader, or replaces their choice (keeping when they were added);
    /// returns whether they are new.
    pub fn put_reader(
        &mut self,
        address: &str,
        choice: &Choice,
        origin: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let existed = self
            .tx
            .query_row(
                "SELECT 1 FROM subscribers WHERE address = ?1",
                [address],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        self.tx.execute(
            "INSERT INTO subscribers (address, name, sections, editions, format, time_zone, origin, created_at, updated_at, language)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)
             ON CONFLICT(address) DO UPDATE SET name = ?2, sections = ?3, editions = ?4,
                 format = ?5, time_zone = ?6, updated_at = ?8, language = ?9",
            params![
                address,
                choice.name,
                list(choice.sections.as_ref()),
                list(choice.editions.as_ref()),
                choice.format,
                choice.time_zone,
                origin,
                to_unix(at),
                choice.language,
            ],
        )?;
        Ok(!existed)
    }

    /// Removes the reader and any sign-up of theirs; returns whether there was one.
    pub fn remove_reader(&mut self, address: &str) -> Result<bool, StoreError> {
        let removed = self
            .tx
            .execute("DELETE FROM subscribers WHERE address = ?1", [address])?;
        let pending = self
            .tx
            .execute("DELETE FROM signups WHERE address = ?1", [address])?;
        Ok(removed + pending > 0)
    }

    /// Records (or replaces) a sign-up waiting for confirmation.
    pub fn put_signup(
        &mut self,
        address: &str,
        choice: &Choice,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO signups (address, name, sections, editions, format, time_zone, requested_at, language)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(address) DO UPDATE SET name = ?2, sections = ?3, editions = ?4,
                 format = ?5, time_zone = ?6, requested_at = ?7, language = ?8",
            params![
                address,
                choice.name,
                list(choice.sections.as_ref()),
                list(choice.editions.as_ref()),
                choice.format,
                choice.time_zone,
                to_unix(at),
                choice.language,
            ],
        )?;
        Ok(())
    }

    /// Forgets the sign-up of `address` (confirmed, or withdrawn).
    pub fn forget_signup(&mut self, address: &str) -> Result<bool, StoreError> {
        Ok(self
            .tx
            .execute("DELETE FROM signups WHERE address = ?1", [address])?
            > 0)
    }

    /// Forgets sign-ups requested before `before` (never confirmed); returns how many.
    pub fn forget_signups(&mut self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        Ok(self.tx.execute(
            "DELETE FROM signups WHERE requested_at < ?1",
            [to_unix(before)],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn readers_are_added_replaced_and_removed() {
        let mut store = Store::open_in_memory().unwrap();
        let choice = Choice {
            name: Some("Anna".into()),
            sections: Some(vec!["world".into(), "tech".into()]),
            editions: None,
            format: "text".into(),
            time_zone: Some("Europe/Berlin".into()),
            language: Some("ru".into()),
        };
        let mut w = store.writer().unwrap();
        assert!(
            w.put_reader("anna@x.example", &choice, "web", at(0))
                .unwrap()
        );
        let other = Choice {
            format: "html".into(),
            ..Choice::default()
        };
        assert!(
            !w.put_reader("anna@x.example", &other, "cli", at(60))
                .unwrap()
        );
        w.commit().unwrap();
        let anna = store.reader("anna@x.example").unwrap().unwrap();
        // The choice is replaced; the origin and the first time stay.
        assert_eq!(anna.choice, other);
        assert_eq!(
            (anna.origin.as_str(), anna.created_at, anna.updated_at),
            ("web", at(0), at(60))
        );
        let mut w = store.writer().unwrap();
        w.put_reader("bob@x.example", &choice, "import", at(5))
            .unwrap();
        w.commit().unwrap();
        assert_eq!(store.readers().unwrap()[1].choice, choice);
        let mut w = store.writer().unwrap();
        assert!(w.remove_reader("anna@x.example").unwrap());
        assert!(!w.remove_reader("anna@x.example").unwrap());
        w.commit().unwrap();
        assert_eq!(store.readers().unwrap().len(), 1);
    }

    #[test]
    fn signups_wait_until_forgotten_and_unsuppress_lifts_a_suppression() {
        let mut store = Store::open_in_memory().unwrap();
        let choice = Choice {
            format: "html".into(),
            ..Choice::default()
        };
        let mut w = store.writer().unwrap();
        w.put_signup("a@x.example", &choice, at(0)).unwrap();
        w.put_signup("b@x.example", &choice, at(100)).unwrap();
        w.suppress("a@x.example", "unsubscribed", at(0)).unwrap();
        w.commit().unwrap();
        assert_eq!(
            store.signup("a@x.example").unwrap().unwrap().requested_at,
            at(0)
        );
        let mut w = store.writer().unwrap();
        assert_eq!(w.forget_signups(at(50)).unwrap(), 1);
        assert!(w.unsuppress("a@x.example").unwrap());
        assert!(!w.unsuppress("a@x.example").unwrap());
        w.commit().unwrap();
        assert!(store.signup("a@x.example").unwrap().is_none());
        assert!(store.signup("b@x.example").unwrap().is_some());
        assert!(store.suppressed_set().unwrap().is_empty());
    }
}
