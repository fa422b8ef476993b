//! The feed client's TLS: rustls with the platform's certificate verifier, set up as
//! reqwest sets it up (its default provider, every protocol version, `h2` then
//! `http/1.1` offered), except that the verifier is made at the first certificate
//! to verify instead of when the client is built.
//!
//! Making it loads and parses the system's root certificates: a few milliseconds of
//! a fetch where every feed answers 304 in about fifty, spent even when no source is
//! `https`. Certificates are verified exactly as before, by the same verifier; if
//! it cannot be made (no root certificate on the system), an `https` fetch fails
//! with its error instead of the client failing to start.

use std::sync::{Arc, OnceLock};

use rustls::{
    ClientConfig, DigitallySignedStruct, Error, SignatureScheme,
    client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    crypto::CryptoProvider,
    pki_types::{CertificateDer, ServerName, UnixTime},
};
use rustls_platform_verifier::Verifier;

/// The client configuration: the platform's roots, verified when first needed.
pub fn client_config() -> Result<ClientConfig, Error> {
    config_with_roots(Vec::new())
}

/// [`client_config`], trusting `extra` roots besides the platform's (tests).
fn config_with_roots(extra: Vec<CertificateDer<'static>>) -> Result<ClientConfig, Error> {
    // reqwest's choice: a process-wide default provider if one was installed, else
    // aws-lc-rs's.
    let provider = CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let verifier = Arc::new(LazyVerifier {
        provider: provider.clone(),
        extra,
        made: OnceLock::new(),
    });
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// The platform's verifier, made on first use.
#[derive(Debug)]
struct LazyVerifier {
    provider: Arc<CryptoProvider>,
    extra: Vec<CertificateDer<'static>>,
    made: OnceLock<Result<Verifier, Error>>,
}

impl LazyVerifier {
    fn verifier(&self) -> Result<&Verifier, Error> {
        let made = self.made.get_or_init(|| match self.extra.is_empty() {
            true => Verifier::new(self.provider.clone()),
            false => Verifier::new_with_extra_roots(self.extra.clone(), self.provider.clone()),
        });
        made.as_ref().map_err(Clone::clone)
    }
}

impl ServerCertVerifier for LazyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        self.verifier()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.verifier()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.verifier()?.verify_tls13_signature(message, cert, dss)
    }

    /// What the platform's verifier offers: its provider's signature algorithms,
    /// without making it before the handshake needs a certificate verified.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use std::{
        io::{Read, Write},
        net::TcpListener,
    };

    use rustls::pki_types::{PrivateKeyDer, pem::PemObject};

    use super::*;

    const CERT: &[u8] = include_bytes!("../../tests/fixtures/tls/localhost.crt");
    const KEY: &[u8] = include_bytes!("../../tests/fixtures/tls/localhost.key");

    /// An https server on 127.0.0.1 with a self-signed certificate (for 127.0.0.1
    /// and localhost), answering `ok` to each of `connections` connections.
    fn server(connections: usize) -> u16 {
        let cert = CertificateDer::from_pem_slice(CERT).expect("certificate");
        let key = PrivateKeyDer::from_pem_slice(KEY).expect("key");
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .expect("server config");
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(connections) {
                let Ok(stream) = stream else { continue };
                let tls = rustls::ServerConnection::new(config.clone()).expect("connection");
                let mut tls = rustls::StreamOwned::new(tls, stream);
                let mut request = Vec::new();
                let mut buf = [0; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = tls.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
                let _ = tls.flush();
            }
        });
        port
    }

    fn get(config: ClientConfig, url: &str) -> Result<String, String> {
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(config)
            .build()
            .map_err(|e| e.to_string())?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let response = client.get(url).send().await.map_err(|e| {
                let mut chain = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    chain.push_str(&format!(": {s}"));
                    source = s.source();
                }
                chain
            })?;
            response.text().await.map_err(|e| e.to_string())
        })
    }

    #[test]
    fn an_unknown_certificate_is_refused_and_a_trusted_one_accepted() {
        let port = server(2);
        let url = format!("https://127.0.0.1:{port}/feed.xml");
        // The platform's roots do not include the self-signed certificate.
        let refused = get(client_config().expect("config"), &url).expect_err("refused");
        assert!(refused.contains("certificate"), "{refused}");
        // Trusted as a root, the same server is read: verification, not a broken
        // handshake, refused it.
        let cert = CertificateDer::from_pem_slice(CERT).expect("certificate");
        let trusted = config_with_roots(vec![cert]).expect("config");
        assert_eq!(get(trusted, &url).as_deref(), Ok("ok"));
    }
}
