//! DKIM: messages published over real SMTP, signed with RSA, Ed25519 or both, judged
//! by dkimpy (`support/dkim_verify.py`), which pressroom did not write.

use std::{path::Path, process::Command};

use base64::Engine;

use crate::{
    deliver::smtp_demo,
    support::{Project, smtp::Sink, stderr, stdout},
};

const VERIFIER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/dkim_verify.py");

/// Makes a private key at `path` with openssl; its public half as the DNS record's
/// `p=` carries it, and the record's `k=`.
fn make_key(path: &Path, kind: &str) -> (String, String) {
    let path = path.to_str().unwrap();
    let made = match kind {
        // PKCS#1, as `openssl genrsa -traditional` writes it.
        "rsa" => Command::new("openssl")
            .args(["genrsa", "-traditional", "-out", path, "2048"])
            .stderr(std::process::Stdio::null())
            .status(),
        // PKCS#8.
        _ => Command::new("openssl")
            .args(["genpkey", "-algorithm", "ed25519", "-out", path])
            .status(),
    };
    assert!(made.expect("openssl").success());
    let der = Command::new("openssl")
        .args(["pkey", "-in", path, "-pubout", "-outform", "DER"])
        .output()
        .unwrap()
        .stdout;
    // RSA: the whole SubjectPublicKeyInfo; Ed25519 (RFC 8463): the 32 raw bytes.
    let public = if kind == "rsa" {
        &der[..]
    } else {
        &der[der.len() - 32..]
    };
    let public = base64::engine::general_purpose::STANDARD.encode(public);
    (public, kind.to_owned())
}

/// The demo published over SMTP with `[email.dkim]` set to `dkim`; the received
/// messages saved as files (CRLF line ends, as on the wire).
fn publish_signed(project: &Project, sink: &Sink, dkim: &str) -> Vec<String> {
    let config = std::fs::read_to_string(project.config()).unwrap() + dkim;
    std::fs::write(project.config(), config).unwrap();
    let check = project.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let output = project.run(&["publish"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let received = project.path("received");
    std::fs::create_dir_all(&received).unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 6);
    let mut files = Vec::new();
    for (i, message) in messages.iter().enumerate() {
        let signature = message.header("dkim-signature").expect("signed");
        assert!(signature.contains("d=meridian.example"), "{signature}");
        assert!(
            signature.to_lowercase().contains("list-unsubscribe-post"),
            "{signature}"
        );
        let path = received.join(format!("{i}.eml"));
        std::fs::write(&path, message.raw.replace('\n', "\r\n")).unwrap();
        files.push(path.to_str().unwrap().to_owned());
    }
    files
}

/// dkimpy's verdict on `files` with the keys `keys` (`selector:kind:public,…`).
fn verify(keys: &str, files: &[String]) -> (bool, String) {
    let verdict = Command::new("/usr/bin/python3")
        .args([VERIFIER, "meridian.example", keys])
        .args(files)
        .output()
        .unwrap();
    let said = stdout(&verdict) + &stderr(&verdict);
    (verdict.status.success(), said)
}

/// A copy of `file` with its subject changed after signing.
fn tamper(file: &str) -> String {
    let tampered = format!("{file}.tampered.eml");
    let text = std::fs::read_to_string(file).unwrap();
    std::fs::write(&tampered, text.replacen("Subject: ", "Subject: URGENT ", 1)).unwrap();
    tampered
}

#[test]
fn rsa_signatures_verify_with_an_independent_verifier() {
    let sink = Sink::start();
    let project = smtp_demo(sink.port, "https://review.meridian.example/");
    let (public, kind) = make_key(&project.path("dkim.pem"), "rsa");
    let files = publish_signed(
        &project,
        &sink,
        "\n[email.dkim]\ndomain = \"meridian.example\"\nselector = \"news2026\"\nkey = \"dkim.pem\"\n",
    );
    let keys = format!("news2026:{kind}:{public}");
    let (ok, said) = verify(&keys, &files);
    assert!(ok, "{said}");
    assert_eq!(said.lines().filter(|l| l.starts_with("ok ")).count(), 6);
    // A message altered after signing fails the same check.
    let (ok, said) = verify(&keys, &[tamper(&files[0])]);
    assert!(!ok, "a tampered message verified: {said}");
}

#[test]
fn ed25519_and_rsa_sign_side_by_side_and_both_verify() {
    let sink = Sink::start();
    let project = smtp_demo(sink.port, "https://review.meridian.example/");
    let (rsa, _) = make_key(&project.path("dkim-rsa.pem"), "rsa");
    let (ed, _) = make_key(&project.path("dkim-ed25519.pem"), "ed25519");
    let files = publish_signed(
        &project,
        &sink,
        "\n[email.dkim]\ndomain = \"meridian.example\"\nselector = \"rsa2026\"\nkey = \"dkim-rsa.pem\"\n\
         also = { selector = \"ed2026\", key = \"dkim-ed25519.pem\" }\n",
    );
    let both = format!("rsa2026:rsa:{rsa},ed2026:ed25519:{ed}");
    let (ok, said) = verify(&both, &files);
    assert!(ok, "{said}");
    assert_eq!(said.lines().filter(|l| l.starts_with("ok ")).count(), 6);
    let raw = std::fs::read_to_string(&files[0]).unwrap();
    assert_eq!(raw.matches("DKIM-Signature:").count(), 2, "{raw}");
    assert!(raw.contains("a=ed25519-sha256") && raw.contains("a=rsa-sha256"));
    // Each signature stands on its own key: with the Ed25519 record wrong, the
    // message fails; and a change after signing breaks both.
    let wrong = format!(
        "rsa2026:rsa:{rsa},ed2026:ed25519:{}",
        base64::engine::general_purpose::STANDARD.encode([9u8; 32])
    );
    assert!(!verify(&wrong, &files[..1]).0);
    let (ok, said) = verify(&both, &[tamper(&files[0])]);
    assert!(!ok, "a tampered message verified: {said}");
}

#[test]
fn an_ed25519_seed_alone_signs() {
    let sink = Sink::start();
    let project = smtp_demo(sink.port, "https://review.meridian.example/");
    // RFC 8463's own test key: the seed in base64, as lettre's DKIM read it before.
    let seed = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
    std::fs::write(project.path("dkim.key"), seed).unwrap();
    let public = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    let files = publish_signed(
        &project,
        &sink,
        "\n[email.dkim]\ndomain = \"meridian.example\"\nselector = \"brisbane\"\nkey = \"dkim.key\"\n",
    );
    let (ok, said) = verify(&format!("brisbane:ed25519:{public}"), &files);
    assert!(ok, "{said}");
}

#[test]
fn a_key_that_is_no_key_stops_check() {
    let sink = Sink::start();
    let project = smtp_demo(sink.port, "https://review.meridian.example/");
    std::fs::write(
        project.path("dkim.pem"),
        "-----BEGIN EC PRIVATE KEY-----\nAA\n",
    )
    .unwrap();
    let config = std::fs::read_to_string(project.config()).unwrap()
        + "\n[email.dkim]\ndomain = \"meridian.example\"\nselector = \"s1\"\nkey = \"dkim.pem\"\n";
    std::fs::write(project.config(), config).unwrap();
    let check = project.run(&["check"]);
    assert_ne!(check.status.code(), Some(0));
    assert!(
        stderr(&check).contains("email.dkim.key"),
        "{}",
        stderr(&check)
    );
}
