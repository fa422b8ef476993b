//! Unsubscribe tokens: `base64url(address) "." base64url(HMAC-SHA256(secret, address
//! "\n" list))`. The address rides in the token so the endpoint needs no lookup; the
//! MAC, checked in constant time, makes a forged token, or one for another list or an
//! old secret, change nothing.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, address: &str, list: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(address.as_bytes());
    mac.update(b"\n");
    mac.update(list.as_bytes());
    mac
}

/// The token of `address` on `list`.
pub fn token(secret: &str, address: &str, list: &str) -> String {
    let tag = mac(secret, address, list).finalize().into_bytes();
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(address),
        URL_SAFE_NO_PAD.encode(tag)
    )
}

/// The address a token was made for, if it is genuine for `list` under `secret`.
pub fn verify(secret: &str, token: &str, list: &str) -> Option<String> {
    let (address, tag) = token.trim().split_once('.')?;
    let address = String::from_utf8(URL_SAFE_NO_PAD.decode(address).ok()?).ok()?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    mac(secret, &address, list).verify_slice(&tag).ok()?;
    Some(address)
}

/// The one-click unsubscribe URL under the site's base URL.
pub fn url(base_url: &str, token: &str) -> String {
    format!("{base_url}unsubscribe?token={token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genuine_tokens_verify_and_forgeries_do_not() {
        let t = token("s3cret", "anna@readers.example", "morning.news.example");
        assert_eq!(
            verify("s3cret", &t, "morning.news.example").as_deref(),
            Some("anna@readers.example")
        );
        // Another secret, another list, another address, a flipped bit, garbage.
        assert_eq!(verify("other", &t, "morning.news.example"), None);
        assert_eq!(verify("s3cret", &t, "evening.news.example"), None);
        let (_, tag) = t.split_once('.').unwrap();
        let forged = format!("{}.{tag}", URL_SAFE_NO_PAD.encode("eve@evil.example"));
        assert_eq!(verify("s3cret", &forged, "morning.news.example"), None);
        let mut flipped = t.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            verify(
                "s3cret",
                &String::from_utf8(flipped).unwrap(),
                "morning.news.example"
            ),
            None
        );
        for junk in ["", ".", "abc", "a.b.c", "%%%.%%%"] {
            assert_eq!(
                verify("s3cret", junk, "morning.news.example"),
                None,
                "{junk}"
            );
        }
    }

    #[test]
    fn tokens_are_url_safe() {
        let t = token("k", "o'neil+news@readers.example", "l");
        assert!(
            t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
            "{t}"
        );
    }
}
