//! Atomic file writes: every feed file, archive page and `.eml` goes through
//! [`write_atomically`], so a reader (a web server, a feed reader, `rsync`) sees
//! either the old file or the new one, never a half-written one, even after a crash.

use std::{
    fs::{self, File, OpenOptions},
    io::{self, Write},
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};

use super::OutputError;

/// Marks the temporary files this module creates: `.{name}.pressroom-tmp-…`.
pub const TEMP_MARK: &str = ".pressroom-tmp-";

/// Writes `bytes` to `path` atomically: creates the parent folders, writes a
/// temporary file in the same folder, syncs it to disk, renames it over `path` and
/// syncs the folder (where the platform allows), so the rename itself is durable.
/// On failure the temporary file is removed and `path` is left as it was.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => dir,
        None => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let temp = temp_path(dir, path);
    let result = write_synced(&temp, bytes).and_then(|()| fs::rename(&temp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    sync_dir(dir);
    Ok(())
}

/// [`update`] for the outlets: a failure names the file.
pub(super) fn save(path: &Path, bytes: &[u8]) -> Result<bool, OutputError> {
    update(path, bytes).map_err(|source| OutputError::Write {
        path: path.to_owned(),
        source,
    })
}

/// How many files [`save_all`] writes at once.
const WRITERS: usize = 8;

/// [`save`] for each of `files`, on up to [`WRITERS`] threads: a file's two syncs
/// take milliseconds of waiting on the disk each and little CPU, so a page per
/// section and topic and three feeds per section (46 files for one issue of seven
/// sections) written one after the other waited for about 90 syncs in turn. Each
/// file is written as [`save`] writes it; on failures, the first one in `files`'
/// order is returned (the others may have been written).
pub(super) fn save_all(files: &[(PathBuf, Vec<u8>)]) -> Result<(), OutputError> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    let write = || {
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some((path, bytes)) = files.get(at) else {
                break;
            };
            if let Err(e) = save(path, bytes) {
                failures.lock().expect("no writer panics").push((at, e));
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..WRITERS.min(files.len()) {
            scope.spawn(write);
        }
        write();
    });
    let failures = failures.into_inner().expect("no writer panics");
    match failures.into_iter().min_by_key(|&(at, _)| at) {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

/// Like [`write_atomically`], but leaves `path` alone when it already holds exactly
/// `bytes` (no rewrite, no fsync, the modification time kept for HTTP caches).
/// Returns whether the file was written.
pub fn update(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    write_atomically(path, bytes)?;
    Ok(true)
}

fn write_synced(temp: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(temp)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// A name no other writer uses: the target's, the process id and a counter.
fn temp_path(dir: &Path, target: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = target
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}{TEMP_MARK}{}-{n}", std::process::id()))
}

/// Makes a rename durable: on Unix, sync the folder that holds the entry. Other
/// platforms cannot open a folder as a file; the rename is still atomic there.
fn sync_dir(dir: &Path) {
    if cfg!(unix)
        && let Ok(handle) = File::open(dir)
    {
        let _ = handle.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/feed.xml");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(names(&dir.path().join("a/b")), ["feed.xml"]);
    }

    #[test]
    fn update_skips_identical_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.html");
        assert!(update(&path, b"page").unwrap());
        assert!(!update(&path, b"page").unwrap());
        assert!(update(&path, b"page 2").unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"page 2");
    }

    #[test]
    fn save_all_writes_each_file_and_reports_the_first_failure_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<(PathBuf, Vec<u8>)> = (0..20)
            .map(|n| {
                (
                    dir.path().join(format!("f/{}/{n}.xml", n % 3)),
                    vec![n as u8; n],
                )
            })
            .collect();
        save_all(&files).unwrap();
        for (path, bytes) in &files {
            assert_eq!(&fs::read(path).unwrap(), bytes);
        }
        assert_eq!(names(&dir.path().join("f/1")).len(), 7);
        // Two targets that are folders: both fail, the first is reported.
        for n in [4, 11] {
            fs::remove_file(&files[n].0).unwrap();
            fs::create_dir_all(files[n].0.join("inside")).unwrap();
        }
        let changed: Vec<(PathBuf, Vec<u8>)> = (files.iter())
            .map(|(p, b)| (p.clone(), [&b[..], b"!"].concat()))
            .collect();
        match save_all(&changed) {
            Err(OutputError::Write { path, .. }) => assert_eq!(path, files[4].0),
            other => panic!("{other:?}"),
        }
        assert_eq!(fs::read(&files[19].0).unwrap(), changed[19].1);
    }

    #[test]
    fn a_failed_write_keeps_the_target_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a non-empty folder: the rename fails after the temporary
        // file was written.
        let path = dir.path().join("taken");
        fs::create_dir_all(path.join("inside")).unwrap();
        assert!(write_atomically(&path, b"x").is_err());
        assert_eq!(names(dir.path()), ["taken"]);
        assert!(path.join("inside").is_dir());
    }
}
