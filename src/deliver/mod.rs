//! Deliver: a frozen issue to every outlet — email to subscribers (through the
//! outbox, once each), RSS/Atom/JSON Feed files and the static HTML archive.
//!
//! The file outlets ([`archive`], [`feeds`], both through [`web`]) write under
//! `site.output`, every file (and every `.eml` of the folder outlet) through
//! [`files::write_atomically`], so a reader or a web server never sees half a page.
//! They render with the [`crate::render`] stage and read nothing but what they are
//! handed ([`web`] loads what they need from the store).

pub mod archive;
#[cfg(feature = "dkim")]
pub mod dkim;
pub mod email;
pub mod feeds;
pub mod files;
pub mod journal;
pub mod mailer;
pub mod message;
pub mod pace;
pub mod personal;
pub mod send_error;
mod sending;
pub mod signer;
pub mod smtp;
pub mod unsubscribe;
pub mod web;

use std::path::PathBuf;

use crate::{render::RenderError, store::StoreError};

/// What went wrong while delivering.
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    /// An output file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A template failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The state file failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
