//! The signer against aws-lc's verifiers, field by field. dkimpy, a verifier not
//! written here, judges whole messages in `tests/deliver.rs`.

use aws_lc_rs::signature::{ED25519, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};

use super::*;
use crate::config::DkimKey;

/// An RSA-2048 key (PKCS#8) made for these tests with `openssl genpkey`.
const RSA_KEY: &str = include_str!("test_rsa.pem");

fn signer(dir: &std::path::Path) -> Signer {
    std::fs::write(dir.join("rsa.pem"), RSA_KEY).unwrap();
    std::fs::write(dir.join("ed.key"), STANDARD.encode([42u8; 32])).unwrap();
    Signer::load(&Dkim {
        domain: "news.example".into(),
        selector: "rsa1".into(),
        key: dir.join("rsa.pem"),
        also: Some(DkimKey {
            selector: "ed1".into(),
            key: dir.join("ed.key"),
        }),
    })
    .unwrap()
}

fn message() -> Message {
    Message::builder()
        .from("Review <review@news.example>".parse().unwrap())
        .to("reader@example.org".parse().unwrap())
        .subject("Morning  review\t of 7 December")
        .body("First line  \r\n\r\nsecond\t line\r\n\r\n\r\n".to_owned())
        .unwrap()
}

/// The tags of a DKIM-Signature value, whitespace removed.
fn tag(value: &str, name: &str) -> String {
    let compact: String = value.split_whitespace().collect();
    (compact.split(';'))
        .find_map(|t| {
            t.trim()
                .strip_prefix(&format!("{name}="))
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

#[test]
fn both_signatures_verify_over_the_canonical_headers() {
    let dir = tempfile::tempdir().unwrap();
    let signer = signer(dir.path());
    let at = DateTime::from_timestamp(1_796_000_000, 0).unwrap();
    let wire = signer.sign_now(message(), at).unwrap().formatted();
    let (block, body) = canon::split(&wire);
    let fields = canon::fields(block);
    let signatures: Vec<String> = (fields.iter())
        .filter(|f| canon::name(f).eq_ignore_ascii_case(b"DKIM-Signature"))
        .map(|f| String::from_utf8(f.to_vec()).unwrap())
        .collect();
    assert_eq!(signatures.len(), 2, "{}", String::from_utf8_lossy(block));
    assert!(block.split(|&b| b == b'\n').all(|line| line.len() <= 130));
    let records = signer.public_records();
    let mut canonical = Vec::new();
    canon::headers(&fields, &SIGNED, &mut canonical);
    assert!(canonical.starts_with(b"from:Review <review@news.example>\r\n"));
    assert!(
        String::from_utf8_lossy(&canonical).contains("subject:Morning review of 7 December\r\n")
    );
    let bh = STANDARD.encode(aws_lc_rs::digest::digest(
        &SHA256,
        b"First line\r\n\r\nsecond line\r\n",
    ));
    for (i, (field, (selector, algorithm))) in signatures
        .iter()
        .zip([("rsa1", "rsa-sha256"), ("ed1", "ed25519-sha256")])
        .enumerate()
    {
        let value = field.split_once(':').unwrap().1;
        assert_eq!(tag(value, "s"), selector);
        assert_eq!(tag(value, "a"), algorithm);
        assert_eq!(tag(value, "d"), "news.example");
        assert_eq!(tag(value, "t"), "1796000000");
        assert_eq!(tag(value, "bh"), bh);
        let signature = STANDARD.decode(tag(value, "b")).unwrap();
        // The field with b= emptied, as a verifier rebuilds it.
        let unsigned = &field[..field.find("\r\n b=").unwrap() + 5];
        let mut data = canonical.clone();
        canon::header(unsigned.as_bytes(), &mut data);
        let public = STANDARD.decode(&records[i]).unwrap();
        let verified = if i == 0 {
            UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &public).verify(&data, &signature)
        } else {
            let hash = aws_lc_rs::digest::digest(&SHA256, &data);
            UnparsedPublicKey::new(&ED25519, &public).verify(hash.as_ref(), &signature)
        };
        assert!(verified.is_ok(), "signature {i} does not verify");
        // One byte more in the body and the body hash no longer matches.
        assert_ne!(canon::body(&[body, b"x"].concat()), canon::body(body));
    }
}

#[test]
fn the_wire_form_signed_carries_the_same_fields_in_front() {
    let dir = tempfile::tempdir().unwrap();
    let signer = signer(dir.path());
    let at = DateTime::from_timestamp(1_796_000_000, 0).unwrap();
    let message = message();
    let wire = message.formatted();
    let signed = signer.sign_wire(&wire, at).unwrap();
    let fields_of = |bytes: &[u8]| -> Vec<Vec<u8>> {
        let (block, _) = canon::split(bytes);
        (canon::fields(block).into_iter())
            .filter(|f| canon::name(f).eq_ignore_ascii_case(b"DKIM-Signature"))
            .map(<[u8]>::to_vec)
            .collect()
    };
    let fields = fields_of(&signed);
    assert_eq!(fields.len(), 2);
    assert_eq!(
        fields,
        fields_of(&signer.sign_now(message, at).unwrap().formatted())
    );
    // In front of the message as it was, which is otherwise untouched.
    assert!(signed.starts_with(b"DKIM-Signature: v=1; a=rsa-sha256;"));
    assert!(signed.ends_with(&wire));
    assert_eq!(
        signed.len(),
        wire.len() + fields.iter().map(Vec::len).sum::<usize>()
    );
}

#[test]
fn names_that_would_break_the_header_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ed.key"), STANDARD.encode([1u8; 32])).unwrap();
    let dkim = |domain: &str, selector: &str| Dkim {
        domain: domain.into(),
        selector: selector.into(),
        key: dir.path().join("ed.key"),
        also: None,
    };
    assert!(Signer::load(&dkim("news.example", "s1")).is_ok());
    assert!(Signer::load(&dkim("news.example; x=1", "s1")).is_err());
    assert!(Signer::load(&dkim("news.example", "s1\r\nBcc: a@b")).is_err());
    assert!(Signer::load(&dkim("news.example", "")).is_err());
}
