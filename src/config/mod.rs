//! Configuration: `pressroom.toml` parsed once and compiled into a typed [`Plan`].
//!
//! [`load`] reads the file, collects every problem at once (syntax, unknown keys,
//! types, values, cross-references) with its line, column and key, and returns either
//! a `Plan` or all the problems. Nothing after this module reads raw strings: URLs are
//! [`Location`]s, durations are `Duration`s, zones are `Tz`, sections are
//! [`SectionId`](crate::model::SectionId)s. Secrets come only from environment variables
//! and are held in [`Secret`], which never prints. OPML import and export of sources
//! live in [`opml`].
//!
//! One file per table (`site.rs`, `fetch.rs`, `retention.rs`, `ranking.rs`,
//! `sections.rs`, `sources.rs`, `signals.rs`, `editions.rs`, `email/`, `daemon.rs`,
//! `subscribers.rs`), each owning the table as written (`Raw…`, whose `///` lines are
//! the user's documentation of its keys), its compiled type and its `compile`. They
//! share the value checkers of `check.rs` and the value types of `values.rs`, leaves
//! that know no table; `compile.rs` hands each top-level key to its table and compiles
//! them in order. No file here imports from this one.

mod check;
mod compile;
mod daemon;
mod editions;
pub mod email;
mod fetch;
pub mod opml;
mod plan;
mod problems;
mod ranking;
mod retention;
mod sections;
mod signals;
mod site;
mod sources;
mod subscribers;
mod values;

use std::path::Path;

pub use self::{
    daemon::DaemonPlan,
    editions::{CatchUp, EditionPlan},
    email::{Dkim, DkimKey, EmailPlan, Tls, Transport},
    fetch::FetchLimits,
    plan::Plan,
    problems::{ConfigErrors, Problem, Problems},
    ranking::Ranking,
    retention::Retention,
    sections::Section,
    signals::Signal,
    site::Site,
    sources::{BasicAuth, Placement, Source},
    subscribers::{Format, Subscriber},
    values::{Address, Location, Mailbox, Secret},
};

/// Reads and compiles the configuration file at `path`.
pub fn load(path: &Path) -> Result<Plan, ConfigErrors> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigErrors(vec![Problem {
            file: path.to_owned(),
            line: 0,
            column: 0,
            key: String::new(),
            message: format!("cannot read the configuration: {e}"),
        }])
    })?;
    parse(&text, path)
}

/// Reads and checks a file in the subscribers file's format (`[[subscribers]]`
/// tables) against `plan`: what `pressroom subscribers import` reads.
pub fn read_subscribers(plan: &Plan, file: &Path) -> Result<Vec<Subscriber>, ConfigErrors> {
    subscribers::compile(file, &plan.sections, &plan.editions, &plan.site)
}

/// Compiles configuration `text`, as if read from `path` (relative paths in it are
/// resolved against the folder of `path`).
pub fn parse(text: &str, path: &Path) -> Result<Plan, ConfigErrors> {
    compile::compile(text, path)
}
