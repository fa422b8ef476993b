//! Deliver: a frozen issue through every channel the configuration asks for. A
//! [`Channel`] is one way an issue leaves pressroom: the static archive and the
//! feeds under `site.output` ([`output`]), email to subscribers through the outbox
//! ([`email`]). [`channels`] lists them in the order `publish` runs them, from the
//! plan.
//!
//! A channel that sends something to someone (email, a webhook) does it once per
//! (issue, channel, recipient) through the store's delivery ledger: it enqueues its
//! recipients, records each attempt `sending` before it starts and `sent` after
//! (through [`journal::Journal`]), and a rerun resumes. The file channels write every
//! file through [`files::write_atomically`], so a reader or a web server never sees
//! half a page; a rerun rewrites only what changed.
//!
//! Adding a channel: one file here implementing [`Channel`], and a line in
//! [`channels`] (see ARCHITECTURE.md).

pub mod archive;
pub mod bounces;
pub mod dkim;
pub mod dsn;
pub mod email;
pub mod feeds;
pub mod files;
pub mod halt;
pub mod journal;
pub mod listings;
pub mod mailer;
pub mod message;
pub mod notice;
pub mod output;
pub mod pace;
pub mod personal;
mod prepare;
pub mod refusal;
pub mod send_error;
mod sending;
pub mod signer;
pub mod smtp;
pub mod tally;
pub mod unsubscribe;
pub mod verp;

use std::path::PathBuf;

use futures_util::future::BoxFuture;
use tokio::sync::watch;

use crate::{
    config::{EditionPlan, Plan},
    model::Issue,
    render::{RenderError, Renderer},
    store::StoreError,
    time::Clock,
};

/// One way a frozen issue leaves pressroom.
pub trait Channel: Send + Sync {
    /// Its name: in the log, in the run's timings, and (for a channel that delivers
    /// to recipients) its key in the delivery ledger, so it must never change.
    fn name(&self) -> &'static str;

    /// Delivers `job.issue`. Run again for the same issue, it resumes: a ledger
    /// channel sends only what was not sent, a file channel rewrites what changed.
    fn deliver<'a>(&'a self, job: &'a Job<'a>) -> BoxFuture<'a, Result<Delivered, ChannelError>>;
}

/// What every channel is handed.
pub struct Job<'a> {
    /// The whole configuration (a channel reads its own table from it).
    pub plan: &'a Plan,
    /// The edition the issue belongs to.
    pub edition: &'a EditionPlan,
    /// The frozen issue.
    pub issue: &'a Issue,
    /// The templates every rendering goes through.
    pub renderer: &'a Renderer,
    /// "Now" for the ledger's timestamps and the messages' dates.
    pub clock: &'a Clock,
    /// Turns true when the run must stop starting new deliveries.
    pub stop: watch::Receiver<bool>,
    /// Where each message's outcome is counted as it happens (the daemon's metrics).
    pub tally: Option<&'a tally::Tally>,
}

/// What one channel did.
#[derive(Debug, Default)]
pub struct Delivered {
    /// Files written or confirmed unchanged.
    pub files: Vec<PathBuf>,
    /// The tally of a channel that delivers to recipients through the ledger.
    pub messages: Option<email::EmailReport>,
}

/// What stopped a channel as a whole (one recipient failing does not).
#[derive(Debug, thiserror::Error)]
#[error("{source}")]
pub struct ChannelError {
    /// The name of the channel that stopped.
    pub channel: &'static str,
    /// What stopped it (shown as the error's text).
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

impl ChannelError {
    /// The template that failed, if that is what stopped the channel (a
    /// configuration problem, not a failure of the run).
    pub fn template(&self) -> Option<&RenderError> {
        if let Some(OutputError::Render(e)) = self.source.downcast_ref::<OutputError>() {
            return Some(e);
        }
        match self.source.downcast_ref::<email::EmailError>() {
            Some(email::EmailError::Render(e)) => Some(e),
            _ => None,
        }
    }

    /// `source` stopped `channel`.
    pub fn new(
        channel: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> ChannelError {
        ChannelError {
            channel,
            source: Box::new(source),
        }
    }
}

/// The channels of `plan`, in the order `publish` runs them: the archive and the
/// feeds first (the email's "view in browser" link points at the archive), then
/// email if `[email]` is configured. Registering a new channel is one line here.
pub fn channels(plan: &Plan) -> Vec<Box<dyn Channel>> {
    let mut list: Vec<Box<dyn Channel>> = vec![Box::new(output::Archive), Box::new(output::Feeds)];
    if plan.email.is_some() {
        list.push(Box::new(email::Email));
    }
    list
}

/// What went wrong while writing the archive or the feeds.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// An output file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file that could not be written.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// A template failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The state file failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A message of the catalogue could not be written.
    #[error("message catalogue: {0}")]
    Words(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(plan: &Plan) -> Vec<&'static str> {
        channels(plan).iter().map(|c| c.name()).collect()
    }

    /// The archive goes before email (the email links to its page); email only when
    /// configured, under the name its ledger rows carry.
    #[test]
    fn channels_follow_the_plan_archive_first() {
        let dir = tempfile::tempdir().unwrap();
        let sources = "[[sections]]\nid = \"news\"\ntitle = \"News\"\n[[sources]]\nid = \"wire\"\nurl = \"https://wire.example/rss\"\n";
        let config = dir.path().join("pressroom.toml");
        std::fs::write(&config, sources).unwrap();
        assert_eq!(
            names(&crate::config::load(&config).unwrap()),
            ["archive", "feeds"]
        );
        std::fs::write(
            dir.path().join("subscribers.toml"),
            "[[subscribers]]\nemail = \"a@readers.example\"\n",
        )
        .unwrap();
        let email = "[email]\nfrom = \"R <r@news.example>\"\nsubscribers = \"subscribers.toml\"\ntransport = \"file\"\n";
        std::fs::write(&config, format!("{sources}{email}")).unwrap();
        assert_eq!(
            names(&crate::config::load(&config).unwrap()),
            ["archive", "feeds", email::CHANNEL]
        );
    }
}
