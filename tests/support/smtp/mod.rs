//! SMTP for tests: Debian's aiosmtpd (a real server not written here) writing a
//! maildir, a small scriptable server for injecting faults ([`fault`]), and a parser for the
//! messages they receive.

use std::{
    path::PathBuf,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

mod fault;

pub use self::fault::{FaultServer, Script};
use super::browser::{Running, free_port};

/// aiosmtpd on 127.0.0.1, delivering into a maildir.
pub struct Sink {
    /// Its port.
    pub port: u16,
    dir: tempfile::TempDir,
    _server: Running,
}

impl Sink {
    /// Starts aiosmtpd (`python3-aiosmtpd`; tests/run installs it).
    pub fn start() -> Sink {
        let python = "/usr/bin/python3";
        let probe = Command::new(python)
            .args(["-c", "import aiosmtpd"])
            .status();
        assert!(
            probe.is_ok_and(|s| s.success()),
            "Debian's python3-aiosmtpd is missing: tests/run installs it"
        );
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = Command::new(python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        let server = Running(child);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Sink {
            port,
            dir,
            _server: server,
        }
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Received> {
        let mut found = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.path().join("maildir").join(sub)) else {
                continue;
            };
            for entry in entries.flatten() {
                if let Ok(bytes) = std::fs::read(entry.path()) {
                    found.push(Received::parse(&bytes));
                }
            }
        }
        found
    }

    /// How many messages have arrived.
    pub fn count(&self) -> usize {
        ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(self.dir.path().join("maildir").join(sub)).ok())
            .map(|entries| entries.count())
            .sum()
    }
}

/// A received message, parsed enough for tests.
#[derive(Clone, Debug)]
pub struct Received {
    /// Header name (lower case) → values, unfolded.
    pub headers: Vec<(String, String)>,
    /// Decoded text of each leaf part: (content type, text).
    pub parts: Vec<(String, String)>,
    /// The raw message.
    pub raw: String,
}

impl Received {
    /// Parses a message (CRLF or LF line ends).
    pub fn parse(bytes: &[u8]) -> Received {
        let raw = String::from_utf8_lossy(bytes).replace("\r\n", "\n");
        let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
        let headers = headers(head);
        let mut parts = Vec::new();
        leaf_parts(&headers, body, &mut parts);
        Received {
            headers,
            parts,
            raw,
        }
    }

    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The decoded text of the first part of `content_type` ("text/plain", "text/html").
    pub fn part(&self, content_type: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|(t, _)| t.starts_with(content_type))
            .map(|(_, b)| b.as_str())
    }

    /// The recipient's address (from the To header).
    pub fn to(&self) -> String {
        let to = self.header("to").unwrap_or_default();
        match (to.rfind('<'), to.rfind('>')) {
            (Some(a), Some(b)) if a < b => to[a + 1..b].to_owned(),
            _ => to.trim().to_owned(),
        }
    }
}

fn headers(head: &str) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = list.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            list.push((name.trim().to_lowercase(), value.trim().to_owned()));
        }
    }
    list
}

fn param<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(name)).then(|| v.trim().trim_matches('"'))
    })
}

fn leaf_parts(headers: &[(String, String)], body: &str, out: &mut Vec<(String, String)>) {
    let get = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    };
    let content_type = get("content-type").unwrap_or("text/plain").to_owned();
    if content_type.starts_with("multipart/") {
        let boundary = format!(
            "--{}",
            param(&content_type, "boundary").expect("a boundary")
        );
        for chunk in body.split(&boundary).skip(1) {
            if chunk.starts_with("--") {
                break;
            }
            let chunk = chunk.trim_start_matches('\n');
            let (head, inner) = chunk.split_once("\n\n").unwrap_or((chunk, ""));
            leaf_parts(&self::headers(head), inner, out);
        }
        return;
    }
    let text = match get("content-transfer-encoding")
        .map(str::to_lowercase)
        .as_deref()
    {
        Some("quoted-printable") => {
            let decoded = quoted_printable::decode(
                body.replace('\n', "\r\n"),
                quoted_printable::ParseMode::Robust,
            )
            .unwrap_or_default();
            String::from_utf8_lossy(&decoded).into_owned()
        }
        Some("base64") => {
            use base64::Engine;
            let compact: String = body.split_whitespace().collect();
            String::from_utf8_lossy(
                &base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .unwrap_or_default(),
            )
            .into_owned()
        }
        _ => body.to_owned(),
    };
    out.push((content_type, text.replace("\r\n", "\n")));
}

/// Writes `n` generated subscribers to `path` (all sections, html).
pub fn write_subscribers(path: &PathBuf, n: usize) {
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "[[subscribers]]\nemail = \"reader{i:05}@readers.example\"\nname = \"Reader {i}\"\n\n"
        ));
    }
    std::fs::write(path, text).unwrap();
}
