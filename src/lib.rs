//! pressroom: a press-review generator.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md): [`ingest`] (feeds and
//! most-read signals → stories and snapshots) → [`store`] (SQLite) → [`rank`]
//! (cluster, score, select: an [`model::Issue`]) → [`render`] (Handlebars) →
//! [`deliver`] (email through the outbox, feeds, archive). [`publish`] runs them for
//! one issue; [`daemon`] runs them on [`schedule`]s. [`config`] compiles
//! `pressroom.toml` into a typed [`config::Plan`]; [`time`] is the one door through
//! which the wall clock enters; [`cli`] is the command line; [`preview`] and [`serve`]
//! are the editor's and the public HTTP sides.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod audience;
pub mod cli;
pub mod config;
pub mod daemon;
pub mod deliver;
pub mod i18n;
pub mod ingest;
pub mod issue;
pub mod model;
pub mod preview;
pub mod publish;
pub mod rank;
pub mod render;
pub mod schedule;
pub mod serve;
pub mod signup;
pub mod store;
pub mod subscribers;
pub mod time;
pub mod web;
