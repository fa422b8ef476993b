//! SMTP connections and their pool: lettre's protocol client (`AsyncSmtpConnection`:
//! EHLO, STARTTLS, AUTH, the commands, reply codes) over TCP sockets that this module
//! opens itself, with `TCP_NODELAY`, and a message's content written in one piece.
//!
//! Why not lettre's pooled transport: it writes a message's body and the closing
//! `CRLF . CRLF` as two writes on a socket with Nagle's algorithm on, so the small
//! second write waits for the ACK of the first, which the server delays (40 ms on
//! Linux) because it has nothing to answer yet. Every message then costs 40 ms per
//! connection: 100 messages a second with four connections, whatever the machine.
//! lettre offers no way to set the option on its sockets, and its executor trait is
//! sealed, so the connections are made here and handed to lettre. Implicit TLS (port
//! 465) still goes through lettre's own connect (it has no hook to wrap a socket of
//! ours in TLS before the greeting); `transaction` writes the content and its end
//! in one write, so the delay is gone there too, except for a non-ASCII message,
//! which takes lettre's own `send`.
//!
//! The pool keeps idle connections up to the number in flight (`email.concurrency`,
//! which `email.rs` enforces); a connection comes back only after a message went
//! through, one idle for a while is probed with NOOP first, as lettre's pool does.

mod transaction;

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use lettre::{
    address::Envelope,
    transport::smtp::{
        authentication::{Credentials, DEFAULT_MECHANISMS},
        client::{AsyncSmtpConnection, TlsParameters},
        commands::Ehlo,
        extension::ClientId,
    },
};

use self::transaction::{plain_text, transaction};
use super::send_error::{SendError, one_line};
use crate::config::Tls;

/// Reused at once if idle less than this; probed with NOOP after; closed after `STALE`.
const FRESH: Duration = Duration::from_secs(2);
const STALE: Duration = Duration::from_secs(30);

/// A pool of SMTP connections to one server.
pub struct Smtp {
    host: String,
    port: u16,
    tls: Tls,
    credentials: Option<Credentials>,
    timeout: Duration,
    hello: ClientId,
    idle: Mutex<Vec<(Connection, Instant)>>,
    /// Connections whose next message's commands were accepted, by its envelope: they
    /// wait in DATA for that message's content.
    primed: Mutex<Vec<(Envelope, Connection)>>,
}

/// An open connection and whether its server takes commands pipelined (RFC 2920).
struct Connection {
    smtp: AsyncSmtpConnection,
    pipelining: bool,
}

impl Smtp {
    /// A pool for `host:port`; nothing is connected yet.
    pub fn new(
        host: &str,
        port: u16,
        tls: Tls,
        credentials: Option<Credentials>,
        timeout: Duration,
    ) -> Smtp {
        Smtp {
            host: host.to_owned(),
            port,
            tls,
            credentials,
            timeout,
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
            primed: Mutex::new(Vec::new()),
        }
    }

    /// Sends one formatted message. On failure the connection is closed, never reused.
    ///
    /// `next`: the envelope of the message this caller sends next, if it knows it.
    /// Its MAIL, RCPT and DATA then follow this message's content in the same write, so
    /// that a message costs one round trip, not two; the connection waits in DATA for
    /// that message's content, which [`Smtp::send`] writes when it comes (nothing is
    /// delivered before it). A primed connection nobody claims is closed without
    /// content by [`Smtp::close`], and the server drops the unfinished transaction.
    pub async fn send(
        &self,
        envelope: &Envelope,
        message: &[u8],
        next: Option<&Envelope>,
    ) -> Result<(), SendError> {
        let text = plain_text(message, envelope);
        let claimed = match self.claim(envelope) {
            Some(connection) if text.is_some() => Some(connection),
            // Its MAIL went out without 8BITMIME: the message starts afresh.
            Some(connection) => {
                discard(connection);
                None
            }
            None => None,
        };
        let (mut connection, primed) = match claimed {
            Some(connection) => (connection, true),
            None => match self.reuse().await {
                Some(connection) => (connection, false),
                None => (self.connect().await?, false),
            },
        };
        match transaction(&mut connection, envelope, message, text, primed, next).await {
            Ok(None) => {
                self.lock().push((connection, Instant::now()));
                Ok(())
            }
            Ok(Some(Ok(()))) => {
                let next = next.expect("answers only for a next envelope").clone();
                self.lock_primed().push((next, connection));
                Ok(())
            }
            Ok(Some(Err(error))) => {
                // This message went through; the next one's commands did not: it
                // starts afresh on another connection, and meets the refusal itself.
                tracing::debug!(error = %one_line(&error), "commands sent ahead refused");
                discard(connection);
                Ok(())
            }
            Err(error) => {
                // Answers may still be unread, or the server may wait in DATA: never
                // reused, closed without QUIT.
                discard(connection);
                Err(classify(&error))
            }
        }
    }

    /// Says QUIT on every idle connection, and closes the primed ones unused.
    pub async fn close(&self) {
        let primed = std::mem::take(&mut *self.lock_primed());
        primed
            .into_iter()
            .for_each(|(_, connection)| discard(connection));
        let idle = std::mem::take(&mut *self.lock());
        for (mut connection, _) in idle {
            let _ = tokio::time::timeout(self.timeout, connection.smtp.quit()).await;
        }
    }

    /// The connection primed for `envelope`, if there is one.
    fn claim(&self, envelope: &Envelope) -> Option<Connection> {
        let mut primed = self.lock_primed();
        let at = primed.iter().position(|(e, _)| e == envelope)?;
        Some(primed.swap_remove(at).1)
    }

    fn lock_primed(&self) -> std::sync::MutexGuard<'_, Vec<(Envelope, Connection)>> {
        self.primed.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(Connection, Instant)>> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An idle connection that is still open, if there is one.
    async fn reuse(&self) -> Option<Connection> {
        loop {
            let (mut connection, since) = self.lock().pop()?;
            let idle = since.elapsed();
            if idle < FRESH {
                return Some(connection);
            }
            if idle < STALE
                && tokio::time::timeout(self.timeout, connection.smtp.test_connected())
                    .await
                    .unwrap_or(false)
            {
                return Some(connection);
            }
            let _ = tokio::time::timeout(self.timeout, connection.smtp.abort()).await;
        }
    }

    /// A new connection: greeting, EHLO, STARTTLS and AUTH as configured, each step
    /// within `timeout`. Any failure here is [`SendError::Connection`]: no transaction
    /// started, whatever the reply's code (a 554 greeting refuses the connection, not
    /// a reader's address).
    async fn connect(&self) -> Result<Connection, SendError> {
        let parameters =
            || TlsParameters::new(self.host.clone()).map_err(|e| self.failed("TLS", &one_line(&e)));
        let mut connection = match self.tls {
            Tls::Implicit => {
                let tls = parameters()?;
                let connect = AsyncSmtpConnection::connect_tokio1(
                    (self.host.as_str(), self.port),
                    Some(self.timeout),
                    &self.hello,
                    Some(tls),
                    None,
                );
                self.step("TLS connection and greeting", connect).await?
            }
            Tls::None | Tls::StartTls => {
                let stream = tokio::time::timeout(
                    self.timeout,
                    tokio::net::TcpStream::connect((self.host.as_str(), self.port)),
                )
                .await
                .map_err(|_| self.failed("connect", "connection timed out"))?
                .map_err(|e| self.failed("connect", &e.to_string()))?;
                stream
                    .set_nodelay(true)
                    .map_err(|e| self.failed("connect", &e.to_string()))?;
                let greeting =
                    AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello);
                let mut connection = self.step("greeting", greeting).await?;
                if self.tls == Tls::StartTls {
                    let tls = parameters()?;
                    self.step("STARTTLS", connection.starttls(tls, &self.hello))
                        .await?;
                }
                connection
            }
        };
        // lettre keeps only the extensions it uses from EHLO's answer; ask again for
        // PIPELINING (before AUTH, as a client's EHLO normally is).
        let pipelining = self
            .step("EHLO", connection.command(Ehlo::new(self.hello.clone())))
            .await?
            .message()
            .skip(1)
            .any(|line| line.trim().eq_ignore_ascii_case("PIPELINING"));
        if let Some(credentials) = &self.credentials {
            let auth = connection.auth(DEFAULT_MECHANISMS, credentials);
            self.step("authentication", auth).await?;
        }
        Ok(Connection {
            smtp: connection,
            pipelining,
        })
    }

    /// One step of [`Smtp::connect`], within `timeout`.
    async fn step<T>(
        &self,
        what: &str,
        step: impl std::future::Future<Output = Result<T, lettre::transport::smtp::Error>>,
    ) -> Result<T, SendError> {
        match tokio::time::timeout(self.timeout, step).await {
            Ok(Ok(done)) => Ok(done),
            Ok(Err(error)) => Err(self.failed(what, &one_line(&error))),
            Err(_) => Err(self.failed(what, &format!("no answer within {:?}", self.timeout))),
        }
    }

    /// A connection failure at `what`: "smtp.example:587: STARTTLS: …".
    fn failed(&self, what: &str, error: &str) -> SendError {
        SendError::Connection(format!("{}:{}: {what}: {error}", self.host, self.port))
    }
}

/// Closes a connection whose state is not known to be clean (after a refusal, or
/// waiting in DATA for content that will not come) without QUIT, whose answer might
/// never come: the server drops an unfinished transaction when the connection closes.
fn discard(connection: Connection) {
    drop(connection);
}

/// A 5xx is permanent; everything else (4xx, network, TLS, timeouts) temporary.
fn classify(error: &lettre::transport::smtp::Error) -> SendError {
    let reason = one_line(error);
    if error.is_permanent() {
        SendError::Permanent(reason)
    } else {
        SendError::Temporary(reason)
    }
}
