//! pressroom's integration tests: one binary, one module per area. Every test runs
//! in its own temporary folder with its own servers on 127.0.0.1 and a fixed clock.

mod support;

mod a11y;
mod a11y_reader;
mod archive_topics;
mod bounces;
mod boundaries;
mod clustering;
mod config_check;
mod config_secrets;
mod crash_bound;
mod daemon;
mod daemon_jobs;
mod deliver;
mod delivery_causes;
mod dkim;
mod fetch_broken;
mod fetch_encodings;
mod fetch_faults;
mod fetch_feeds;
mod fetch_identity;
mod fetch_readers;
mod fetch_status;
mod issues;
mod kept_tokens;
mod languages;
mod languages_preview;
mod languages_titles;
mod lock;
mod opml;
mod outputs;
mod preferences;
mod preview;
mod reader_languages;
mod refusals;
mod serve;
mod signals;
mod signup;
mod subscribers;
mod templates;
