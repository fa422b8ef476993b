//! The mailer: where the email channel's messages go, opened from the configured
//! `transport`: an SMTP server (lettre's SMTP client over the pool of
//! [`super::smtp`]), the local sendmail, or a folder of `.eml` files. Failures come
//! back as a [`SendError`].

use std::path::PathBuf;

use lettre::{
    AsyncSendmailTransport, AsyncTransport, Message, Tokio1Executor, address::Envelope,
    transport::smtp::authentication::Credentials,
};

use super::{send_error::SendError, smtp::Smtp};
use crate::config::{EmailPlan, Transport};

/// An open way out for messages.
pub enum Mailer {
    /// SMTP, pooled (see [`super::smtp`]).
    Smtp(Smtp),
    /// The sendmail program.
    Sendmail(AsyncSendmailTransport<Tokio1Executor>),
    /// `.eml` files, one per subscriber (a resend overwrites its file).
    Folder(PathBuf),
}

impl Mailer {
    /// Opens the transport `email` describes (SMTP connects on the first message).
    pub fn open(email: &EmailPlan) -> Result<Mailer, String> {
        match &email.transport {
            Transport::File { folder } => Ok(Mailer::Folder(folder.clone())),
            Transport::Sendmail { program } => {
                Ok(Mailer::Sendmail(
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
                Ok(Mailer::Smtp(Smtp::new(
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
        if let Mailer::Smtp(smtp) = self {
            smtp.close().await;
        }
    }

    /// Sends one message; `file_name` names it in a folder. `next`: the
    /// envelope of the message the caller sends after it, if known (SMTP then sends its
    /// commands ahead, see [`Smtp::send`]).
    pub async fn send(
        &self,
        message: &Message,
        file_name: &str,
        next: Option<&Envelope>,
    ) -> Result<(), SendError> {
        (self.send_wire(message.envelope(), &message.formatted(), file_name, next)).await
    }

    /// [`Mailer::send`] for a message already in its wire form (`formatted()`, and
    /// signed), to `envelope`.
    pub async fn send_wire(
        &self,
        envelope: &Envelope,
        wire: &[u8],
        file_name: &str,
        next: Option<&Envelope>,
    ) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(smtp) => smtp.send(envelope, wire, next).await,
            Mailer::Sendmail(sendmail) => sendmail
                .send_raw(envelope, wire)
                .await
                .map(|_| ())
                .map_err(|e| SendError::Temporary(format!("sendmail: {e}"))),
            Mailer::Folder(folder) => {
                let path = folder.join(format!("{file_name}.eml"));
                let bytes = wire.to_vec();
                tokio::task::spawn_blocking(move || super::files::write_atomically(&path, &bytes))
                    .await
                    .map_err(|e| SendError::Temporary(e.to_string()))?
                    .map_err(|e| SendError::Temporary(e.to_string()))
            }
        }
    }
}
