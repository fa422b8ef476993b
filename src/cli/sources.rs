//! `pressroom sources import|export`: the source list as OPML 2.0.

use std::path::Path;

use anyhow::Context as _;

use super::{Cli, EXIT_OK, Failure, load_plan};
use crate::{
    config::{self, opml},
    deliver::files,
};

/// Appends the feeds of `file` to the configuration (or prints them with `print`).
pub(super) fn import(cli: &Cli, file: &Path, print: bool) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let outlines = opml::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let (tables, skipped) = opml::to_sources_toml(&outlines, &plan);
    let added = outlines.len() - skipped;
    if print {
        print!("{tables}");
        return Ok(EXIT_OK);
    }
    if added > 0 {
        let current = std::fs::read_to_string(&cli.config)
            .with_context(|| format!("cannot read {}", cli.config.display()))?;
        let mut updated = current.clone();
        if !updated.ends_with('\n') {
            updated.push('\n');
        }
        updated.push_str(&format!("\n# Imported from {}\n", file.display()));
        updated.push_str(&tables);
        // Refuse to write a configuration that would not load.
        config::parse(&updated, &cli.config).map_err(Failure::Config)?;
        write_atomically(&cli.config, &updated)?;
    }
    println!(
        "imported {added} sources from {} ({skipped} already configured)",
        file.display()
    );
    Ok(EXIT_OK)
}

/// Writes the configured sources as OPML to `out` or standard output.
pub(super) fn export(cli: &Cli, out: Option<&Path>) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let document = opml::export(&plan);
    match out {
        Some(path) => write_atomically(path, &document)?,
        None => print!("{document}"),
    }
    Ok(EXIT_OK)
}

/// Replaces `path` with `contents` through the writer every published file uses: a
/// synced temporary file renamed over it, the folder synced, so a crash leaves the old
/// configuration or the new one, never half of one.
fn write_atomically(path: &Path, contents: &str) -> anyhow::Result<()> {
    files::write_atomically(path, contents.as_bytes())
        .with_context(|| format!("cannot replace {}", path.display()))
}
