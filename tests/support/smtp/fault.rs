//! A small scriptable SMTP server on 127.0.0.1 for injecting faults (refusals,
//! stalls, cut transfers, PIPELINING), which can read the client's ledger at each
//! message's end.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

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
    /// A state file whose ledger the server reads when a message's content ends:
    /// every recipient's row must then be `sending` already (the client commits it
    /// before the end goes out). Set once the project exists; see
    /// [`FaultServer::ended`].
    pub ledger: Arc<Mutex<Option<PathBuf>>>,
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
    /// The script's [`Script::ledger`], to set once the project exists.
    pub ledger: Arc<Mutex<Option<PathBuf>>>,
    /// With [`Script::ledger`]: each recipient's state in the ledger when its
    /// message's content ended.
    pub ended: Arc<Mutex<Vec<(String, String)>>>,
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
        let ended = Arc::new(Mutex::new(Vec::new()));
        let dropped = Arc::new(Mutex::new(Vec::<String>::new()));
        let counters = Counters {
            accepted: accepted.clone(),
            dropped,
            pipelined: pipelined.clone(),
            ahead: ahead.clone(),
            received: received.clone(),
            ended: ended.clone(),
        };
        let c = connections.clone();
        let ledger = script.ledger.clone();
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
            ledger,
            ended,
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
    ended: Arc<Mutex<Vec<(String, String)>>>,
}

/// Each of `rcpt`'s state in the ledger of `state` now.
fn ledger_states(state: &std::path::Path, rcpt: &[String]) -> Vec<(String, String)> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let db = rusqlite::Connection::open_with_flags(state, flags).unwrap();
    rcpt.iter()
        .map(|r| {
            let found = db.query_row(
                "SELECT state FROM ledger WHERE channel = 'email' AND lower(recipient) = ?1",
                [r],
                |row| row.get::<_, String>(0),
            );
            (r.clone(), found.unwrap_or_else(|e| format!("no row: {e}")))
        })
        .collect()
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
        ended,
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
                    let ledger = script.ledger.lock().unwrap().clone();
                    if let Some(state) = ledger {
                        let states = ledger_states(&state, &rcpt);
                        ended.lock().unwrap().extend(states);
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
