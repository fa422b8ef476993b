//! DKIM private keys, read with aws-lc (constant-time RSA and Ed25519): an RSA key in
//! PKCS#1 PEM (`openssl genrsa -traditional`), an RSA or Ed25519 key in PKCS#8 PEM
//! (`openssl genpkey`), or an Ed25519 seed of 32 bytes in base64.

use aws_lc_rs::{
    digest::Digest,
    encoding::AsDer,
    signature::{Ed25519KeyPair, KeyPair, RSA_PKCS1_SHA256, RsaKeyPair},
};
use base64::{Engine, engine::general_purpose::STANDARD};

/// Why a key file cannot sign.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file cannot be read.
    #[error("{0}")]
    Read(std::io::Error),
    /// PEM armour or base64 that does not decode.
    #[error("not valid PEM or base64: {0}")]
    Encoding(String),
    /// Decoded bytes that are no key aws-lc accepts.
    #[error("not a usable {kind} private key: {reason}")]
    Rejected {
        /// The kinds of key tried.
        kind: &'static str,
        /// aws-lc's reason.
        reason: String,
    },
    /// PEM of another kind.
    #[error(
        "expected an RSA key in PKCS#1 PEM (\"BEGIN RSA PRIVATE KEY\"), an RSA or Ed25519 key in \
         PKCS#8 PEM (\"BEGIN PRIVATE KEY\") or an Ed25519 seed in base64"
    )]
    Unknown,
}

/// A private key that signs DKIM header hashes.
pub(super) enum Key {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (`a=rsa-sha256`).
    Rsa(RsaKeyPair),
    /// Ed25519 over the SHA-256 hash (`a=ed25519-sha256`, RFC 8463).
    Ed25519(Ed25519KeyPair),
}

impl Key {
    /// Parses the text of a key file.
    pub(super) fn parse(text: &str) -> Result<Key, KeyError> {
        let text = text.trim();
        if text.contains("-----BEGIN RSA PRIVATE KEY-----") {
            let der = pem(text, "RSA PRIVATE KEY")?;
            return RsaKeyPair::from_der(&der)
                .map(Key::Rsa)
                .map_err(|e| rejected("RSA", e));
        }
        if text.contains("-----BEGIN PRIVATE KEY-----") {
            let der = pem(text, "PRIVATE KEY")?;
            return match RsaKeyPair::from_pkcs8(&der) {
                Ok(key) => Ok(Key::Rsa(key)),
                Err(_) => Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der)
                    .map(Key::Ed25519)
                    .map_err(|e| rejected("RSA or Ed25519", e)),
            };
        }
        if text.contains("-----BEGIN") {
            return Err(KeyError::Unknown);
        }
        let seed = STANDARD
            .decode(text)
            .map_err(|e| KeyError::Encoding(e.to_string()))?;
        if seed.len() != 32 {
            return Err(KeyError::Unknown);
        }
        Ed25519KeyPair::from_seed_unchecked(&seed)
            .map(Key::Ed25519)
            .map_err(|e| rejected("Ed25519", e))
    }

    /// The `a=` tag's value.
    pub(super) fn algorithm(&self) -> &'static str {
        match self {
            Key::Rsa(_) => "rsa-sha256",
            Key::Ed25519(_) => "ed25519-sha256",
        }
    }

    /// Signs `hash`, the SHA-256 of the canonical header data (RFC 6376 §3.7).
    pub(super) fn sign(&self, hash: &Digest) -> Result<Vec<u8>, aws_lc_rs::error::Unspecified> {
        match self {
            Key::Rsa(key) => {
                let mut signature = vec![0; key.public_modulus_len()];
                key.sign_digest(&RSA_PKCS1_SHA256, hash, &mut signature)?;
                Ok(signature)
            }
            // RFC 8463 §3: PureEdDSA over the hash, not over the data.
            Key::Ed25519(key) => Ok(key.sign(hash.as_ref()).as_ref().to_vec()),
        }
    }

    /// The public key as a DNS record's `p=` carries it: the DER SubjectPublicKeyInfo
    /// of an RSA key, the 32 raw bytes of an Ed25519 key; base64.
    pub fn public_record(&self) -> String {
        match self {
            Key::Rsa(key) => {
                let der = key.public_key().as_der().map(|d| d.as_ref().to_vec());
                STANDARD.encode(der.unwrap_or_default())
            }
            Key::Ed25519(key) => STANDARD.encode(key.public_key().as_ref()),
        }
    }
}

fn rejected(kind: &'static str, e: aws_lc_rs::error::KeyRejected) -> KeyError {
    KeyError::Rejected {
        kind,
        reason: e.to_string(),
    }
}

/// The DER inside the PEM armour labelled `label`.
fn pem(text: &str, label: &str) -> Result<Vec<u8>, KeyError> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let inside = text
        .split_once(&begin)
        .and_then(|(_, rest)| rest.split_once(&end))
        .map(|(inside, _)| inside)
        .ok_or_else(|| KeyError::Encoding(format!("no {end}")))?;
    let compact: String = inside.split_whitespace().collect();
    STANDARD
        .decode(compact)
        .map_err(|e| KeyError::Encoding(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_in_base64_is_an_ed25519_key() {
        let key = Key::parse(&STANDARD.encode([7u8; 32])).unwrap();
        assert_eq!(key.algorithm(), "ed25519-sha256");
        assert_eq!(STANDARD.decode(key.public_record()).unwrap().len(), 32);
    }

    #[test]
    fn other_text_is_refused_with_a_reason() {
        assert!(matches!(
            Key::parse("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----"),
            Err(KeyError::Unknown)
        ));
        assert!(matches!(
            Key::parse(&STANDARD.encode([7u8; 31])),
            Err(KeyError::Unknown)
        ));
        assert!(matches!(
            Key::parse("not base64!"),
            Err(KeyError::Encoding(_))
        ));
        assert!(matches!(
            Key::parse("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"),
            Err(KeyError::Rejected { .. })
        ));
    }
}
