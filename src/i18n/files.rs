//! Reading catalogue files: a folder's `*.ftl`, each named by its language, and where
//! a problem or a message sits in one.

use std::{collections::BTreeMap, path::Path};

use super::{Language, Problem};

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
