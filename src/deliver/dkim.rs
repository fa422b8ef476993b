//! DKIM signing (lettre's, behind the default `dkim` feature).
//!
//! The key file is an RSA private key in PKCS#1 PEM (`openssl genrsa -traditional`)
//! or an Ed25519 seed in base64 (RFC 8463). The signature covers the headers a
//! receiver judges a newsletter by, List-Unsubscribe and List-Unsubscribe-Post
//! included (RFC 8058 asks for them to be signed), with relaxed canonicalization.
//! Content-Type is not among them: lettre writes it with the body, after signing,
//! and a signature over it would not verify.

use lettre::{
    Message,
    message::{
        dkim::{
            DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
            DkimSigningKey, dkim_sign,
        },
        header::HeaderName,
    },
};

use crate::config::Dkim;

/// Signs messages with one key.
pub struct Signer(DkimConfig);

impl Signer {
    /// Reads and parses the key named in `settings`.
    pub fn load(settings: &Dkim) -> Result<Signer, String> {
        let text = std::fs::read_to_string(&settings.key)
            .map_err(|e| format!("DKIM key {}: {e}", settings.key.display()))?;
        let algorithm = if text.contains("BEGIN RSA PRIVATE KEY") {
            DkimSigningAlgorithm::Rsa
        } else if text.contains("-----BEGIN") {
            return Err(format!(
                "DKIM key {}: expected an RSA key in PKCS#1 PEM (\"BEGIN RSA PRIVATE KEY\") or an Ed25519 seed in base64",
                settings.key.display()
            ));
        } else {
            DkimSigningAlgorithm::Ed25519
        };
        let key = DkimSigningKey::new(text.trim(), algorithm)
            .map_err(|e| format!("DKIM key {}: {e}", settings.key.display()))?;
        let headers = [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "MIME-Version",
            "List-Id",
            "List-Unsubscribe",
            "List-Unsubscribe-Post",
        ]
        .into_iter()
        .map(HeaderName::new_from_ascii_str)
        .collect();
        let canonicalization = DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        };
        Ok(Signer(DkimConfig::new(
            settings.selector.clone(),
            settings.domain.clone(),
            key,
            headers,
            canonicalization,
        )))
    }

    /// Adds a DKIM-Signature header to `message`.
    pub fn sign(&self, message: &mut Message) {
        dkim_sign(message, &self.0);
    }
}
