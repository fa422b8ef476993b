//! One sender per state file: an exclusive lock on `STATE.lock`, taken by the runs
//! that send or fetch (the daemon for its life; `publish` and `fetch` for theirs) and
//! released by the operating system if the process dies. Two senders would give
//! readers the issue twice. Read-only commands (`preview`, `explain`, `status`) never
//! take it, and neither do an editor's pins and drops (`pin`, `drop`, `unpin`, the
//! preview's buttons), which must work while the daemon runs; SQLite serialises their
//! writes. The file holds the holder's process id, for the message a second run prints.

use std::{
    fs::{File, OpenOptions, TryLockError},
    io::{Read, Seek, Write},
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

/// The held lock; dropping it releases the file.
#[derive(Debug)]
pub struct StateLock {
    _file: File,
    path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another run holds it.
    #[error("another pressroom run{holder} holds {path}; try again when it has finished")]
    Held {
        /// " (pid N)", when the holder wrote its id.
        holder: String,
        /// The lock file.
        path: PathBuf,
    },
    /// The lock file could not be opened or locked.
    #[error("cannot lock {path}: {source}")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl StateLock {
    /// Takes the lock of the state file `state` at once, or says who holds it.
    pub fn take(state: &Path) -> Result<StateLock, LockError> {
        Self::wait(state, Duration::ZERO)
    }

    /// Takes the lock of `state`, waiting up to `wait` for another run to release it.
    pub fn wait(state: &Path, wait: Duration) -> Result<StateLock, LockError> {
        let path = PathBuf::from(format!("{}.lock", state.display()));
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        let deadline = Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = match holder.trim() {
                        "" => String::new(),
                        pid => format!(" (pid {pid})"),
                    };
                    return Err(LockError::Held { holder, path });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        let _ = file.flush();
        Ok(StateLock { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_refused_with_the_holders_pid_then_succeeds_once_released() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("pressroom.db");
        let first = StateLock::take(&state).unwrap();
        let refused = StateLock::wait(&state, Duration::from_millis(250)).unwrap_err();
        let message = refused.to_string();
        assert!(
            message.contains(&format!("(pid {})", std::process::id())),
            "{message}"
        );
        assert!(message.contains("pressroom.db.lock"), "{message}");
        drop(first);
        StateLock::take(&state).unwrap();
    }
}
