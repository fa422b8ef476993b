//! SMTP for tests: Debian's aiosmtpd (a real server not written here) writing a
//! maildir, a small scriptable server for injecting faults, and a parser for the
//! messages they receive.

use std::{
    collections::HashMap,
    path::PathBuf,
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

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

/// What the fault server does.
#[derive(Clone, Debug, Default)]
pub struct Script {
    /// Greet with 421 (service not available) instead of 220.
    pub refuse_connections: bool,
    /// Never answer anything (a stalled server).
    pub stall: bool,
    /// Recipient → the reply to RCPT TO (e.g. "451 4.2.1 try later", "550 5.1.1 no such user").
    pub rcpt: HashMap<String, String>,
    /// Recipients whose first DATA the server cuts off mid-transfer.
    pub drop_data_once: Vec<String>,
    /// Time taken to accept each message (a slow server).
    pub delay: Option<Duration>,
    /// Offer PIPELINING (RFC 2920).
    pub pipelining: bool,
    /// Recipient → the reply to the end of its message's content (e.g. "554 5.6.0
    /// content rejected"); the message is then not accepted.
    pub data_reply: HashMap<String, String>,
}

/// A scriptable SMTP server on 127.0.0.1; counts what it accepts.
pub struct FaultServer {
    /// Its port.
    pub port: u16,
    /// Recipient → messages accepted.
    pub accepted: Arc<Mutex<HashMap<String, usize>>>,
    /// Connections opened.
    pub connections: Arc<Mutex<usize>>,
    /// Transactions whose RCPT arrived together with MAIL (pipelined).
    pub pipelined: Arc<Mutex<usize>>,
    /// Transactions whose MAIL arrived together with the end of the message before.
    pub ahead: Arc<Mutex<usize>>,
    /// Every message accepted: (recipient, Message-ID).
    pub received: Arc<Mutex<Vec<(String, String)>>>,
}

impl FaultServer {
    /// Starts serving `script`.
    pub async fn start(script: Script) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(Mutex::new(HashMap::new()));
        let connections = Arc::new(Mutex::new(0));
        let pipelined = Arc::new(Mutex::new(0));
        let ahead = Arc::new(Mutex::new(0));
        let received = Arc::new(Mutex::new(Vec::new()));
        let dropped = Arc::new(Mutex::new(Vec::<String>::new()));
        let counters = Counters {
            accepted: accepted.clone(),
            dropped,
            pipelined: pipelined.clone(),
            ahead: ahead.clone(),
            received: received.clone(),
        };
        let c = connections.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                *c.lock().unwrap() += 1;
                let (script, counters) = (script.clone(), counters.clone());
                tokio::spawn(async move {
                    let _ = session(socket, &script, &counters).await;
                });
            }
        });
        FaultServer {
            port,
            accepted,
            connections,
            pipelined,
            ahead,
            received,
        }
    }

    /// Messages accepted for `address`.
    pub fn accepted(&self, address: &str) -> usize {
        self.accepted
            .lock()
            .unwrap()
            .get(address)
            .copied()
            .unwrap_or(0)
    }
}

/// What a fault server's sessions record.
#[derive(Clone)]
struct Counters {
    accepted: Arc<Mutex<HashMap<String, usize>>>,
    dropped: Arc<Mutex<Vec<String>>>,
    pipelined: Arc<Mutex<usize>>,
    ahead: Arc<Mutex<usize>>,
    received: Arc<Mutex<Vec<(String, String)>>>,
}

async fn session(
    socket: tokio::net::TcpStream,
    script: &Script,
    counters: &Counters,
) -> std::io::Result<()> {
    let Counters {
        accepted,
        dropped,
        pipelined,
        ahead,
        received,
    } = counters;
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    if script.stall {
        while lines.next_line().await?.is_some() {}
        return Ok(());
    }
    if script.refuse_connections {
        write
            .write_all(b"421 4.3.2 too busy, come back later\r\n")
            .await?;
        return Ok(());
    }
    write.write_all(b"220 faults.example ESMTP\r\n").await?;
    let mut rcpt: Vec<String> = Vec::new();
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_uppercase();
        if upper.starts_with("MAIL FROM") && lines.get_ref().buffer().starts_with(b"RCPT TO") {
            *pipelined.lock().unwrap() += 1;
        }
        let reply = if upper.starts_with("EHLO") {
            let pipelining = if script.pipelining {
                "250-PIPELINING\r\n"
            } else {
                ""
            };
            format!("250-faults.example\r\n{pipelining}250-8BITMIME\r\n250 SMTPUTF8")
        } else if upper.starts_with("HELO")
            || upper.starts_with("MAIL FROM")
            || upper.starts_with("RSET")
            || upper.starts_with("NOOP")
        {
            rcpt.clear();
            "250 2.0.0 ok".to_owned()
        } else if upper.starts_with("RCPT TO") {
            let address = line
                [line.find('<').map_or(0, |i| i + 1)..line.rfind('>').unwrap_or(line.len())]
                .to_lowercase();
            let reply = script
                .rcpt
                .get(&address)
                .cloned()
                .unwrap_or_else(|| "250 2.1.5 ok".to_owned());
            if reply.starts_with('2') {
                rcpt.push(address);
            }
            reply
        } else if upper.starts_with("DATA") && rcpt.is_empty() {
            "554 5.5.1 no valid recipients".to_owned()
        } else if upper.starts_with("DATA") {
            write.write_all(b"354 go ahead\r\n").await?;
            let cut = rcpt
                .iter()
                .find(|r| script.drop_data_once.contains(r) && !dropped.lock().unwrap().contains(r))
                .cloned();
            if let Some(address) = cut {
                dropped.lock().unwrap().push(address);
                let _ = lines.next_line().await?;
                return Ok(()); // hang up mid-DATA
            }
            let mut message_id = String::new();
            loop {
                let Some(data) = lines.next_line().await? else {
                    return Ok(()); // closed before the end of the content: dropped
                };
                if data == "." {
                    if lines.get_ref().buffer().starts_with(b"MAIL FROM") {
                        *ahead.lock().unwrap() += 1;
                    }
                    break;
                }
                if message_id.is_empty()
                    && let Some(id) = data.strip_prefix("Message-ID: ")
                {
                    message_id = id.trim().to_owned();
                }
            }
            if let Some(delay) = script.delay {
                tokio::time::sleep(delay).await;
            }
            if let Some(reply) = rcpt.iter().find_map(|r| script.data_reply.get(r)) {
                rcpt.clear();
                write.write_all(format!("{reply}\r\n").as_bytes()).await?;
                continue;
            }
            let mut map = accepted.lock().unwrap();
            for r in rcpt.drain(..) {
                received
                    .lock()
                    .unwrap()
                    .push((r.clone(), message_id.clone()));
                *map.entry(r).or_default() += 1;
            }
            "250 2.0.0 queued".to_owned()
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 2.0.0 bye\r\n").await?;
            return Ok(());
        } else {
            "502 5.5.2 not implemented".to_owned()
        };
        write.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
    Ok(())
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
