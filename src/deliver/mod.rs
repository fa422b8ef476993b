//! Deliver: a frozen issue to every outlet — email to subscribers (through the
//! outbox, once each), RSS/Atom/JSON Feed files and the static HTML archive.

#[cfg(feature = "dkim")]
pub mod dkim;
pub mod email;
pub(crate) mod files;
pub mod journal;
pub mod message;
pub mod outlet;
pub mod unsubscribe;
