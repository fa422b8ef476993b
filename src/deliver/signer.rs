//! The DKIM signer of the email channel, if `email.dkim` asks for one: lettre's (in
//! `dkim.rs`, behind the default `dkim` feature), or nothing to sign with.

use crate::config::EmailPlan;

#[cfg(feature = "dkim")]
pub use super::dkim::Signer;

/// Without the `dkim` feature there is nothing to sign with.
#[cfg(not(feature = "dkim"))]
pub struct Signer;

#[cfg(not(feature = "dkim"))]
impl Signer {
    pub(super) fn sign(&self, _: &mut lettre::Message) {}
}

/// The DKIM signer of `email`, if it signs.
pub fn signer(email: &EmailPlan) -> Result<Option<Signer>, String> {
    match &email.dkim {
        None => Ok(None),
        #[cfg(feature = "dkim")]
        Some(settings) => Signer::load(settings).map(Some),
        #[cfg(not(feature = "dkim"))]
        Some(_) => {
            Err("DKIM is configured but this pressroom was built without the `dkim` feature".into())
        }
    }
}
