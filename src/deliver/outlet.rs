//! Where messages go: an SMTP server (lettre's pooled async transport), the local
//! sendmail, or a folder of `.eml` files. Failures come back classified: temporary
//! (4xx, a dropped connection, a timeout: retried) or permanent (5xx: recorded).

use std::{path::PathBuf, time::Duration};

use lettre::{
    AsyncSendmailTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    transport::smtp::{PoolConfig, authentication::Credentials},
};

use crate::config::{EmailPlan, Tls, Transport};

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
    /// SMTP, pooled.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// The sendmail program.
    Sendmail(AsyncSendmailTransport<Tokio1Executor>),
    /// `.eml` files, one per subscriber (a resend overwrites its file).
    Folder(PathBuf),
}

impl Outlet {
    /// Opens the outlet `email` describes. Must run inside the Tokio runtime (lettre's
    /// pool spawns its tasks there).
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
                let builder = match tls {
                    Tls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
                    Tls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                        .map_err(|e| format!("SMTP {host}: {e}"))?,
                    Tls::Implicit => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                        .map_err(|e| format!("SMTP {host}: {e}"))?,
                };
                let mut builder = builder
                    .port(*port)
                    .timeout(Some(email.timeout))
                    .pool_config(
                        PoolConfig::new()
                            .max_size(email.concurrency as u32)
                            .idle_timeout(Duration::from_secs(30)),
                    );
                if let Some((user, password)) = credentials {
                    builder = builder
                        .credentials(Credentials::new(user.clone(), password.expose().to_owned()));
                }
                Ok(Outlet::Smtp(builder.build()))
            }
        }
    }

    /// Sends one message; `file_name` names it in a folder outlet.
    pub async fn send(&self, message: &Message, file_name: &str) -> Result<(), SendError> {
        match self {
            Outlet::Smtp(smtp) => smtp.send(message.clone()).await.map(|_| ()).map_err(|e| {
                let reason = one_line(&e);
                if e.is_permanent() {
                    SendError::Permanent(reason)
                } else {
                    SendError::Temporary(reason)
                }
            }),
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
fn one_line(error: &dyn std::error::Error) -> String {
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
