//! Module boundaries: each foreign crate that shapes a stage (`lettre`, `rusqlite`,
//! `feed_rs`, `handlebars`, `reqwest`, `axum`) is used only inside the module that
//! ARCHITECTURE.md's table names as "the only place that sees" it. The table is read
//! here, so moving a crate's owner means changing the document first. Comments are
//! not uses; validation helpers live in the owner and `config` calls them.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

/// The crates whose owners are enforced.
const GUARDED: [&str; 7] = [
    "fluent_bundle",
    "lettre",
    "rusqlite",
    "feed_rs",
    "handlebars",
    "reqwest",
    "axum",
];

/// Crate → the modules (`deliver/`, `serve.rs`, …, relative to `src/`) that may use it,
/// from the table of ARCHITECTURE.md: its first column names modules, its last the
/// crates only they see.
fn owners(architecture: &str) -> BTreeMap<String, Vec<String>> {
    let mut owners: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in architecture.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").collect();
        let (Some(first), Some(last)) = (cells.first(), cells.last()) else {
            continue;
        };
        let modules = quoted(first);
        for name in quoted(last) {
            if GUARDED.contains(&name.as_str()) {
                owners.entry(name).or_default().extend(modules.clone());
            }
        }
    }
    owners
}

/// The `backquoted` words of a table cell.
fn quoted(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// Whether `file` (relative to `src/`) lies in `module` (`deliver/` or `serve.rs`).
fn inside(file: &str, module: &str) -> bool {
    if module.ends_with('/') {
        file.starts_with(module)
    } else {
        file == module
    }
}

/// The crates of [`GUARDED`] that `source` uses (a path `name::…` or `use name`),
/// comments left out.
fn uses(source: &str) -> Vec<&'static str> {
    let code: String = source
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    GUARDED
        .into_iter()
        .filter(|name| {
            code.match_indices(name).any(|(at, _)| {
                let before = code[..at].chars().next_back();
                let after = &code[at + name.len()..];
                let starts_word = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                starts_word && (after.starts_with("::") || code[..at].ends_with("use "))
            })
        })
        .collect()
}

/// Every use of a guarded crate outside its owners: "file uses crate (owners: …)".
fn violations(files: &[(String, String)], owners: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut found = Vec::new();
    for (file, source) in files {
        for name in uses(source) {
            let allowed = owners.get(name).map(Vec::as_slice).unwrap_or_default();
            if !allowed.iter().any(|m| inside(file, m)) {
                found.push(format!("src/{file} uses {name} (owners: {allowed:?})"));
            }
        }
    }
    found
}

/// Every `.rs` file under `dir`, relative to `root`, with its text.
fn sources(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap();
            let name = relative.to_string_lossy().replace('\\', "/");
            out.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

#[test]
fn foreign_crates_stay_in_the_module_that_owns_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let owners = owners(&architecture);
    for name in GUARDED {
        assert!(
            owners.get(name).is_some_and(|o| !o.is_empty()),
            "ARCHITECTURE.md names no owner for {name}: {owners:?}"
        );
    }
    let mut files = Vec::new();
    sources(&root.join("src"), &root.join("src"), &mut files);
    assert!(files.len() > 50, "found only {} source files", files.len());
    let found = violations(&files, &owners);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The check can fail: a synthetic tree with a stage reaching for SQL, a config
/// reaching for HTTP and an owner using its own crate gives exactly the first two.
#[test]
fn a_crate_used_outside_its_owner_is_reported() {
    let owners = owners(
        "| module | does | gives | the only place that sees |\n\
         |---|---|---|---|\n\
         | `store/` | SQL | rows | `rusqlite` (all SQL) |\n\
         | `ingest/` | fetch | items | `reqwest` (`fetch.rs`), `feed_rs` |\n\
         | `preview.rs`, `serve.rs` | sites | | `axum` |\n",
    );
    assert_eq!(owners["axum"], vec!["preview.rs", "serve.rs"]);
    let file = |name: &str, text: &str| (name.to_owned(), text.to_owned());
    let files = vec![
        file("rank/mod.rs", "use rusqlite::Connection;\nfn f() {}"),
        file(
            "config/mod.rs",
            "fn f() { let c = reqwest::Client::new(); }",
        ),
        file("store/ledger.rs", "use rusqlite::params;"),
        file("serve.rs", "use axum::Router;"),
        // Mentions in comments and longer names are not uses.
        file(
            "model/mod.rs",
            "//! rusqlite rows never appear here\nfn my_reqwest() {}",
        ),
        file("ingest/adapter.rs", "use feed_rs::parser;"),
    ];
    assert_eq!(
        violations(&files, &owners),
        vec![
            "src/rank/mod.rs uses rusqlite (owners: [\"store/\"])".to_owned(),
            "src/config/mod.rs uses reqwest (owners: [\"ingest/\"])".to_owned(),
        ]
    );
}

/// Every test file is a module of the one test binary: a file `tests/main.rs` does not
/// name never runs, silently (a merge once dropped the accessibility tests that way).
#[test]
fn every_test_file_is_compiled_into_the_suite() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let main = std::fs::read_to_string(tests.join("main.rs")).unwrap();
    let declared: Vec<&str> = main
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&tests).unwrap().flatten() {
        let path = entry.path();
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let module = path.extension().is_some_and(|e| e == "rs") && name != "main";
        if module && !declared.contains(&name) {
            missing.push(name.to_owned());
        }
    }
    assert!(
        missing.is_empty(),
        "tests/main.rs does not declare {missing:?}"
    );
}
