//! pressroom: a press-review generator.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! `ingest` (feeds and most-read signals → stories and snapshots) → `store` (SQLite) →
//! `rank` → `render` → `deliver`. [`config`] compiles `pressroom.toml` into a typed
//! [`config::Plan`]; [`time`] is the one door through which the wall clock enters;
//! [`cli`] is the command line.
#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod ingest;
pub mod model;
pub mod rank;
pub mod store;
pub mod time;
