//! Bounces that come back later by email: delivery status notifications read from a
//! maildir (its `new/` and `cur/`, or a folder of messages) or an mbox file, each
//! imported once (by Message-ID). A permanent failure of the reader's mailbox counts
//! as a bounce and suppresses the address at `email.bounce_limit`, as a bounce during
//! the SMTP transaction does; a refusal of our mail, a delay or a success counts
//! nothing ([`super::refusal`] tells them apart, as for replies).

use std::path::Path;

use chrono::{DateTime, Utc};

use super::dsn;
use crate::store::{Store, StoreError};

/// What an import found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// Messages read.
    pub messages: usize,
    /// Of those, delivery status notifications not imported before.
    pub reports: usize,
    /// Reports imported before, skipped.
    pub seen: usize,
    /// Bounces counted (a reader's mailbox refused for good).
    pub bounces: usize,
    /// Addresses suppressed by them (past `bounce_limit`).
    pub suppressed: Vec<String>,
    /// Permanent failures that were refusals of our mail: not counted.
    pub refused: usize,
    /// Delays and other notices: not counted.
    pub other: usize,
}

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The maildir or mbox could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// What could not be read.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The state file failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Imports the reports in `path` (a maildir, a folder of messages, or an mbox file)
/// into `store`, suppressing at `bounce_limit`.
pub fn import(
    store: &mut Store,
    path: &Path,
    bounce_limit: u32,
    at: DateTime<Utc>,
) -> Result<Imported, ImportError> {
    let messages = read(path)?;
    let mut imported = Imported {
        messages: messages.len(),
        ..Default::default()
    };
    let mut writer = store.writer()?;
    for raw in &messages {
        let Some((id, notices)) = dsn::parse(raw) else {
            continue;
        };
        if writer.report_seen(&id, at)? {
            imported.seen += 1;
            continue;
        }
        imported.reports += 1;
        for notice in notices {
            if notice.is_bounce() {
                imported.bounces += 1;
                let reply = notice.reply();
                let count = writer.bounce(&notice.recipient, &reply, at)?;
                if count >= bounce_limit {
                    let reason = format!("{count} hard bounces; last (reported by email): {reply}");
                    if writer.suppress(&notice.recipient, &reason, at)? {
                        imported.suppressed.push(notice.recipient.clone());
                    }
                }
            } else if notice.is_permanent_failure() {
                imported.refused += 1;
            } else {
                imported.other += 1;
            }
        }
    }
    writer.commit()?;
    Ok(imported)
}

/// The raw messages of a maildir (`new/` and `cur/`), a folder, or an mbox file, in
/// name order.
fn read(path: &Path) -> Result<Vec<Vec<u8>>, ImportError> {
    let failed = |path: &Path| {
        let path = path.to_owned();
        move |source| ImportError::Read { path, source }
    };
    if !path.is_dir() {
        let bytes = std::fs::read(path).map_err(failed(path))?;
        return Ok(mbox(&bytes));
    }
    let folders: Vec<_> = ["new", "cur"]
        .iter()
        .map(|sub| path.join(sub))
        .filter(|p| p.is_dir())
        .collect();
    let folders = if folders.is_empty() {
        vec![path.to_owned()]
    } else {
        folders
    };
    let mut files = Vec::new();
    for folder in folders {
        for entry in std::fs::read_dir(&folder).map_err(failed(&folder))? {
            let entry = entry.map_err(failed(&folder))?;
            if entry.file_type().map_err(failed(&folder))?.is_file() {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    (files.iter())
        .map(|f| std::fs::read(f).map_err(failed(f)))
        .collect()
}

/// The messages of an mbox: each starts at a line "From " (mboxrd: ">From " lines
/// in bodies are left as they are; they do not matter to a report).
fn mbox(bytes: &[u8]) -> Vec<Vec<u8>> {
    let text = String::from_utf8_lossy(bytes);
    let mut messages = Vec::new();
    let mut current: Option<String> = None;
    for line in text.split_inclusive('\n') {
        if line.starts_with("From ") {
            messages.extend(current.take());
            current = Some(String::new());
        } else if let Some(message) = current.as_mut() {
            message.push_str(line);
        }
    }
    messages.extend(current);
    messages.into_iter().map(String::into_bytes).collect()
}
