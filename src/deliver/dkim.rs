//! DKIM signing (RFC 6376) with aws-lc, the constant-time implementation rustls
//! already brings: RSA-SHA256 and Ed25519-SHA256 (RFC 8463), one `DKIM-Signature`
//! per configured key (`[email.dkim]` and its `also`), relaxed/relaxed.
//!
//! The signature is computed over the message exactly as it goes on the wire (lettre's
//! `formatted()`), so it covers the top-level Content-Type too, and the headers a
//! receiver judges a newsletter by, List-Unsubscribe and List-Unsubscribe-Post
//! included (RFC 8058 asks for them to be signed). Names that a message lacks
//! (Reply-To) are listed all the same, so that nobody can add them later.
//!
//! An RSA signature costs a millisecond or so of CPU: the email channel signs with
//! [`Signer::sign_wire`] on tokio's blocking pool (see `prepare.rs`), so the send
//! slots sign on every core while their previous messages are on the wire.

mod canon;
mod key;

use std::sync::Arc;

use aws_lc_rs::digest::{Context, SHA256};
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};
use lettre::{
    Message,
    message::header::{HeaderName, HeaderValue},
};

use key::Key;
pub use key::KeyError;

use crate::config::Dkim;

/// The header fields every signature covers, in `h=` order.
const SIGNED: [&str; 11] = [
    "from",
    "reply-to",
    "to",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "list-id",
    "list-unsubscribe",
    "list-unsubscribe-post",
];

/// Why DKIM cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum DkimError {
    /// A key file that does not give a key.
    #[error("DKIM key {path}: {error}")]
    Key {
        /// The key file.
        path: String,
        /// What is wrong with it.
        error: KeyError,
    },
    /// A domain or selector that cannot go into the header as it is.
    #[error("DKIM {what} {value:?}: only letters, digits, '.', '-' and '_'")]
    Name {
        /// "domain" or "selector".
        what: &'static str,
        /// As configured.
        value: String,
    },
}

/// Why one message could not be signed.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// aws-lc refused to sign.
    #[error("DKIM signing failed")]
    Failed,
}

/// Signs messages with one or two keys of one domain; cheap to clone.
#[derive(Clone)]
pub struct Signer(Arc<Keys>);

struct Keys {
    domain: String,
    /// Each key with its selector, in the order configured.
    keys: Vec<(String, Key)>,
}

impl Signer {
    /// Reads and parses the keys named in `settings`.
    pub fn load(settings: &Dkim) -> Result<Signer, DkimError> {
        let mut keys = Vec::new();
        let named = std::iter::once((&settings.selector, &settings.key))
            .chain((settings.also.iter()).map(|also| (&also.selector, &also.key)));
        for (selector, path) in named {
            check_name("selector", selector)?;
            let error = |error| DkimError::Key {
                path: path.display().to_string(),
                error,
            };
            let text = std::fs::read_to_string(path).map_err(|e| error(KeyError::Read(e)))?;
            keys.push((selector.clone(), Key::parse(&text).map_err(error)?));
        }
        check_name("domain", &settings.domain)?;
        Ok(Signer(Arc::new(Keys {
            domain: settings.domain.clone(),
            keys,
        })))
    }

    /// The public half of each key as its DNS record's `p=` carries it, in order.
    pub fn public_records(&self) -> Vec<String> {
        self.0.keys.iter().map(|(_, k)| k.public_record()).collect()
    }

    /// The wire form of a message (lettre's `formatted()`) with the DKIM-Signature
    /// fields, dated `at`, in front of its header: the message is not formatted a
    /// second time, as [`Signer::sign_now`] does. On the calling thread.
    pub fn sign_wire(&self, wire: &[u8], at: DateTime<Utc>) -> Result<Vec<u8>, SignError> {
        let fields = self.fields(wire, at.timestamp())?;
        let size = fields.iter().map(|f| f.len() + 18).sum::<usize>() + wire.len();
        let mut signed = Vec::with_capacity(size);
        for field in fields {
            signed.extend_from_slice(b"DKIM-Signature: ");
            signed.extend_from_slice(field.as_bytes());
            signed.extend_from_slice(b"\r\n");
        }
        signed.extend_from_slice(wire);
        Ok(signed)
    }

    /// Adds the DKIM-Signature fields to `message`, dated `at`, on the calling thread.
    pub fn sign_now(&self, mut message: Message, at: DateTime<Utc>) -> Result<Message, SignError> {
        let fields = self.fields(&message.formatted(), at.timestamp())?;
        // lettre keeps one field per name, so the second signature rides in the
        // first's encoded value as a field of its own (all ASCII, folded by us).
        let encoded = fields.join("\r\nDKIM-Signature: ");
        message
            .headers_mut()
            .insert_raw(HeaderValue::dangerous_new_pre_encoded(
                HeaderName::new_from_ascii_str("DKIM-Signature"),
                fields.into_iter().next().unwrap_or_default(),
                encoded,
            ));
        Ok(message)
    }

    /// The values of the DKIM-Signature fields for the wire form `message`, one per
    /// key, folded.
    fn fields(&self, message: &[u8], timestamp: i64) -> Result<Vec<String>, SignError> {
        let (block, body) = canon::split(message);
        let fields = canon::fields(block);
        let mut hash = Context::new(&SHA256);
        hash.update(&canon::body(body));
        let body_hash = STANDARD.encode(hash.finish());
        let mut headers = Vec::with_capacity(block.len());
        canon::headers(&fields, &SIGNED, &mut headers);
        let mut values = Vec::with_capacity(self.0.keys.len());
        for (selector, key) in &self.0.keys {
            let unsigned = format!(
                "v=1; a={}; c=relaxed/relaxed;\r\n d={}; s={selector}; t={timestamp};\r\n h={};\r\n bh={body_hash};\r\n b=",
                key.algorithm(),
                self.0.domain,
                SIGNED.join(":"),
            );
            let mut hash = Context::new(&SHA256);
            hash.update(&headers);
            let mut own = Vec::with_capacity(unsigned.len() + 16);
            canon::header(format!("DKIM-Signature:{unsigned}").as_bytes(), &mut own);
            hash.update(&own);
            let signature = key.sign(&hash.finish()).map_err(|_| SignError::Failed)?;
            values.push(unsigned + &fold(&STANDARD.encode(signature)));
        }
        Ok(values)
    }
}

/// `b=`'s base64 in lines of at most 72 characters.
fn fold(base64: &str) -> String {
    let lines: Vec<&str> = (base64.as_bytes().chunks(72))
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    lines.join("\r\n ")
}

fn check_name(what: &'static str, value: &str) -> Result<(), DkimError> {
    let fine = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    if value.is_empty() || !value.chars().all(fine) {
        return Err(DkimError::Name {
            what,
            value: value.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
