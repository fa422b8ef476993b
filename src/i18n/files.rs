//! Reading catalogue files: a folder's `*.ftl`, each named by its language, and where
//! a problem or a message sits in one.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::SystemTime,
};

use super::{Catalogues, Language, Problem};

/// Reads `dir/*.ftl`, each named by its language.
pub(super) fn read_folder(
    dir: &Path,
    sources: &mut BTreeMap<Language, Vec<(String, String)>>,
    problems: &mut Vec<Problem>,
) {
    let mut files: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
        Err(e) => {
            problems.push(Problem {
                file: dir.display().to_string(),
                line: 0,
                message: e.to_string(),
            });
            return;
        }
    };
    files.sort();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
    {
        let file = path.display().to_string();
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let language = match Language::parse(&stem) {
            Ok(language) => language,
            Err(message) => {
                problems.push(Problem {
                    file,
                    line: 0,
                    message: format!("the file's name: {message}"),
                });
                continue;
            }
        };
        match std::fs::read_to_string(path) {
            Ok(source) => sources.entry(language).or_default().push((file, source)),
            Err(e) => problems.push(Problem {
                file,
                line: 0,
                message: e.to_string(),
            }),
        }
    }
}

/// The line (from 1) of byte `at` in `source`.
pub(super) fn line_of(source: &str, at: usize) -> usize {
    source.as_bytes()[..at.min(source.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Every message id of a Fluent source, with its line.
pub(super) fn message_lines(source: &str) -> BTreeMap<String, usize> {
    let mut ids = BTreeMap::new();
    for (i, line) in source.lines().enumerate() {
        let Some((id, _)) = line.split_once('=') else {
            continue;
        };
        let id = id.trim_end();
        let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if !id.is_empty()
            && id.starts_with(|c: char| c.is_ascii_alphabetic())
            && id.chars().all(plain)
        {
            ids.insert(id.to_owned(), i + 1);
        }
    }
    ids
}

/// What tells a folder's catalogues apart over time: how many files its `i18n/` has
/// and the newest change among them.
type Stamp = (usize, Option<SystemTime>);

fn stamp(folder: Option<&Path>) -> Stamp {
    let Some(entries) = folder.and_then(|f| std::fs::read_dir(f.join("i18n")).ok()) else {
        return (0, None);
    };
    let times: Vec<Option<SystemTime>> = (entries.flatten())
        .map(|e| e.metadata().and_then(|m| m.modified()).ok())
        .collect();
    (times.len(), times.into_iter().flatten().max())
}

/// The catalogues of `folder`, made by `load` the first time and again only once a
/// file of its `i18n/` changed.
pub(super) fn cached(folder: Option<&Path>, load: impl FnOnce() -> Catalogues) -> Arc<Catalogues> {
    type Entry = (Option<PathBuf>, Stamp, Arc<Catalogues>);
    static CACHE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());
    let now = stamp(folder);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, _, hit)) = (cache.iter()).find(|(f, s, _)| f.as_deref() == folder && *s == now)
    {
        return Arc::clone(hit);
    }
    let loaded = Arc::new(load());
    cache.retain(|(f, _, _)| f.as_deref() != folder);
    cache.push((folder.map(Path::to_owned), now, Arc::clone(&loaded)));
    loaded
}
