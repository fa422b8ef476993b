//! The DKIM signer of the email channel, if `email.dkim` asks for one (see `dkim.rs`).

use crate::config::EmailPlan;

pub use super::dkim::Signer;

/// The DKIM signer of `email`, if it signs.
pub fn signer(email: &EmailPlan) -> Result<Option<Signer>, String> {
    match &email.dkim {
        None => Ok(None),
        Some(settings) => Signer::load(settings).map(Some).map_err(|e| e.to_string()),
    }
}
