//! Where messages go: an SMTP server (lettre's SMTP client over the pool of
//! [`super::smtp`]), the local sendmail, or a folder of `.eml` files. Failures come
//! back classified: temporary (4xx, a dropped connection, a timeout: retried) or
//! permanent (5xx: recorded).

use std::path::PathBuf;

use lettre::{
    AsyncSendmailTransport, AsyncTransport, Message, Tokio1Executor, address::Envelope,
    transport::smtp::authentication::Credentials,
};

use super::smtp::Smtp;
use crate::config::{EmailPlan, Transport};

/// How a send failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth trying again later.
    Temporary(String),
    /// The server refused this message for good.
    Permanent(String),
}

impl SendError {
    /// The one-line reason.
    pub fn reason(&self) -> &str {
        match self {
            SendError::Temporary(r) | SendError::Permanent(r) => r,
        }
    }
}

/// An open way out for messages.
pub enum Outlet {
    /// SMTP, pooled (see [`super::smtp`]).
    Smtp(Smtp),
    /// The sendmail program.
    Sendmail(AsyncSendmailTransport<Tokio1Executor>),
    /// `.eml` files, one per subscriber (a resend overwrites its file).
    Folder(PathBuf),
}

impl Outlet {
    /// Opens the outlet `email` describes (SMTP connects on the first message).
    pub fn open(email: &EmailPlan) -> Result<Outlet, String> {
        match &email.transport {
            Transport::File { folder } => Ok(Outlet::Folder(folder.clone())),
            Transport::Sendmail { program } => {
                Ok(Outlet::Sendmail(
                    AsyncSendmailTransport::<Tokio1Executor>::new_with_command(program),
                ))
            }
            Transport::Smtp {
                host,
                port,
                tls,
                credentials,
            } => {
                let credentials = credentials.as_ref().map(|(user, password)| {
                    Credentials::new(user.clone(), password.expose().to_owned())
                });
                Ok(Outlet::Smtp(Smtp::new(
                    host,
                    *port,
                    *tls,
                    credentials,
                    email.timeout,
                )))
            }
        }
    }

    /// Closes what stays open between messages (SMTP connections: QUIT).
    pub async fn close(&self) {
        if let Outlet::Smtp(smtp) = self {
            smtp.close().await;
        }
    }

    /// Sends one message; `file_name` names it in a folder outlet. `next`: the
    /// envelope of the message the caller sends after it, if known (SMTP then sends its
    /// commands ahead, see [`Smtp::send`]).
    pub async fn send(
        &self,
        message: &Message,
        file_name: &str,
        next: Option<&Envelope>,
    ) -> Result<(), SendError> {
        match self {
            Outlet::Smtp(smtp) => (smtp.send(message.envelope(), &message.formatted(), next)).await,
            Outlet::Sendmail(sendmail) => sendmail
                .send(message.clone())
                .await
                .map_err(|e| SendError::Temporary(format!("sendmail: {e}"))),
            Outlet::Folder(folder) => {
                let path = folder.join(format!("{file_name}.eml"));
                let bytes = message.formatted();
                tokio::task::spawn_blocking(move || super::files::write_atomically(&path, &bytes))
                    .await
                    .map_err(|e| SendError::Temporary(e.to_string()))?
                    .map_err(|e| SendError::Temporary(e.to_string()))
            }
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
