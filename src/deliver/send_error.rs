//! How sending one message failed, classified for the outbox: temporary (4xx, a
//! dropped connection, a timeout: retried), permanent (5xx: recorded, a bounce or a
//! refusal as [`super::refusal`] tells), or no connection at all (nothing was sent:
//! the attempt is given back, and a run meeting several in a row stops). Every
//! transport reports in these terms; the leaf of `mailer` and `smtp`.

/// How a send failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth trying again later.
    Temporary(String),
    /// The server refused this message for good.
    Permanent(String),
    /// No usable connection: refused, no greeting, TLS or STARTTLS, authentication.
    /// No transaction started, so the message was certainly not delivered.
    Connection(String),
}

impl SendError {
    /// The one-line reason.
    pub fn reason(&self) -> &str {
        match self {
            SendError::Temporary(r) | SendError::Permanent(r) | SendError::Connection(r) => r,
        }
    }
}

/// An error and its causes on one line.
pub(super) fn one_line(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        source = cause.source();
    }
    line.replace(['\r', '\n'], " ")
}
