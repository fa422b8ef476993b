//! Signed links for the reader's side: `base64url(address) "." expiry "."
//! base64url(HMAC-SHA256(secret, purpose "\n" address "\n" list "\n" expiry))`.
//!
//! The purpose ("confirm", "preferences", "form") keeps a token of one kind from
//! being used as another; the list keeps it to one newsletter; the expiry (Unix
//! seconds, 0 for never) is signed with the rest, so it cannot be extended. The MAC is
//! checked in constant time.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What a token is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The link of a confirmation email (double opt-in).
    Confirm,
    /// "Manage your subscription" in every email.
    Preferences,
    /// The sign-up form's anti-forgery token (no address).
    Form,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Confirm => "confirm",
            Purpose::Preferences => "preferences",
            Purpose::Form => "form",
        }
    }
}

/// Why a token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Malformed, forged, for another purpose or list, or signed with another secret.
    #[error("the link is not valid")]
    Invalid,
    /// Genuine but past its expiry.
    #[error("the link has expired")]
    Expired,
}

fn mac(secret: &str, purpose: Purpose, address: &str, list: &str, expiry: i64) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    for part in [purpose.as_str(), address, list] {
        mac.update(part.as_bytes());
        mac.update(b"\n");
    }
    mac.update(expiry.to_string().as_bytes());
    mac
}

/// A token for `address` on `list`, valid until `expires` (`None`: for ever).
pub fn make(
    secret: &str,
    purpose: Purpose,
    address: &str,
    list: &str,
    expires: Option<DateTime<Utc>>,
) -> String {
    let expiry = expires.map_or(0, |t| t.timestamp());
    let tag = mac(secret, purpose, address, list, expiry)
        .finalize()
        .into_bytes();
    format!(
        "{}.{expiry}.{}",
        URL_SAFE_NO_PAD.encode(address),
        URL_SAFE_NO_PAD.encode(tag)
    )
}

/// The address `token` was made for, if it is genuine for `purpose` on `list` under
/// `secret` and not expired at `now`.
pub fn check(
    secret: &str,
    purpose: Purpose,
    token: &str,
    list: &str,
    now: DateTime<Utc>,
) -> Result<String, TokenError> {
    let mut parts = token.trim().split('.');
    let (Some(address), Some(expiry), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Invalid);
    };
    let address = URL_SAFE_NO_PAD
        .decode(address)
        .ok()
        .and_then(|a| String::from_utf8(a).ok())
        .ok_or(TokenError::Invalid)?;
    let expiry: i64 = expiry.parse().map_err(|_| TokenError::Invalid)?;
    let tag = URL_SAFE_NO_PAD
        .decode(tag)
        .map_err(|_| TokenError::Invalid)?;
    mac(secret, purpose, &address, list, expiry)
        .verify_slice(&tag)
        .map_err(|_| TokenError::Invalid)?;
    if expiry != 0 && now.timestamp() >= expiry {
        return Err(TokenError::Expired);
    }
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn tokens_verify_until_they_expire_and_only_for_their_purpose() {
        let t = make("k", Purpose::Confirm, "a@x.example", "l", Some(at(100)));
        assert_eq!(
            check("k", Purpose::Confirm, &t, "l", at(99)).as_deref(),
            Ok("a@x.example")
        );
        assert_eq!(
            check("k", Purpose::Confirm, &t, "l", at(100)),
            Err(TokenError::Expired)
        );
        assert_eq!(
            check("k", Purpose::Preferences, &t, "l", at(0)),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            check("other", Purpose::Confirm, &t, "l", at(0)),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            check("k", Purpose::Confirm, &t, "other", at(0)),
            Err(TokenError::Invalid)
        );
        // A later expiry written in is not signed.
        let (address, rest) = t.split_once('.').unwrap();
        let (_, tag) = rest.split_once('.').unwrap();
        let extended = format!("{address}.{}.{tag}", at(10_000).timestamp());
        assert_eq!(
            check("k", Purpose::Confirm, &extended, "l", at(0)),
            Err(TokenError::Invalid)
        );
        // Never-expiring tokens.
        let forever = make("k", Purpose::Preferences, "a@x.example", "l", None);
        assert!(check("k", Purpose::Preferences, &forever, "l", at(1 << 30)).is_ok());
        for junk in ["", "..", "a.b.c", "a.1.c.d", "%%.1.%%"] {
            assert_eq!(
                check("k", Purpose::Confirm, junk, "l", at(0)),
                Err(TokenError::Invalid),
                "{junk}"
            );
        }
    }
}
