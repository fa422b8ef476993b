//! `[email]`'s transport: `.eml` files, an SMTP server or the sendmail program.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::super::{
    check::{count, one_of, secret},
    problems::Problems,
    site::Site,
    values::Secret,
};

/// The keys of `[email]` that choose and configure the transport, as written; each
/// field is the key of the same name, documented on `RawEmail`.
pub(super) struct RawTransport<'a> {
    pub(super) transport: Option<&'a Spanned<String>>,
    pub(super) folder: Option<&'a str>,
    pub(super) host: Option<&'a Spanned<String>>,
    pub(super) port: &'a Option<Spanned<i64>>,
    pub(super) tls: Option<&'a Spanned<String>>,
    pub(super) user: Option<&'a str>,
    pub(super) password_env: Option<&'a Spanned<String>>,
    pub(super) sendmail: Option<&'a str>,
}

/// How messages leave.
#[derive(Clone, Debug, PartialEq)]
pub enum Transport {
    /// `.eml` files in a folder (the demo's default).
    File {
        /// Where the `.eml` files go: `email.folder`, or "outbox" beside the state file.
        folder: PathBuf,
    },
    /// An SMTP server.
    Smtp {
        /// Host name or address.
        host: String,
        /// `email.port`; 465 with implicit TLS, else 587 by default.
        port: u16,
        /// Transport security.
        tls: Tls,
        /// User name and password, if the server wants them.
        credentials: Option<(String, Secret)>,
    },
    /// The local sendmail program.
    Sendmail {
        /// `email.sendmail`, by default "/usr/sbin/sendmail".
        program: PathBuf,
    },
}

/// SMTP transport security.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tls {
    /// Implicit TLS from the first byte (port 465).
    Implicit,
    /// STARTTLS, required.
    StartTls,
    /// No encryption: only for a relay on loopback.
    None,
}

/// Checks the transport keys of `[email]`; `None` when no transport is usable.
pub(super) fn compile(
    p: &mut Problems<'_>,
    raw: &RawTransport<'_>,
    site: &Site,
    root: &Path,
) -> Option<Transport> {
    let kind = match raw.transport {
        None => "file",
        Some(v) => one_of(p, "email.transport", v, &["file", "smtp", "sendmail"])?,
    };
    match kind {
        "file" => Some(Transport::File {
            folder: raw
                .folder
                // Beside the state file, never under the public output folder: the
                // messages carry addresses and unsubscribe tokens.
                .map_or_else(|| outbox_beside(&site.state), |f| root.join(f)),
        }),
        "sendmail" => Some(Transport::Sendmail {
            program: PathBuf::from(raw.sendmail.unwrap_or("/usr/sbin/sendmail")),
        }),
        _ => smtp(p, raw),
    }
}

fn smtp(p: &mut Problems<'_>, raw: &RawTransport<'_>) -> Option<Transport> {
    let Some(host) = raw.host else {
        let at = raw.transport.expect("smtp was written");
        p.on(at, "email.host", "transport \"smtp\" needs a `host`");
        return None;
    };
    let tls = match raw.tls {
        None => Tls::StartTls,
        Some(v) => match one_of(p, "email.tls", v, &["tls", "starttls", "none"]) {
            Some("tls") => Tls::Implicit,
            Some("none") => Tls::None,
            _ => Tls::StartTls,
        },
    };
    if tls == Tls::None && !is_loopback(host.get_ref()) {
        let at = raw.tls.expect("present");
        p.on(
            at,
            "email.tls",
            "\"none\" sends mail in clear text: allowed only to a loopback host",
        );
    }
    let default_port = if tls == Tls::Implicit { 465 } else { 587 };
    let port = count(p, "email.port", raw.port, 1..=65535, default_port) as u16;
    let password = raw
        .password_env
        .and_then(|var| secret(p, "email.password_env", var));
    let credentials = match (raw.user, password) {
        (Some(user), Some(password)) => Some((user.to_owned(), password)),
        (Some(_), None) if raw.password_env.is_none() => {
            p.on(
                host,
                "email.password_env",
                "a `user` needs a `password_env`",
            );
            None
        }
        _ => None,
    };
    Some(Transport::Smtp {
        host: host.get_ref().clone(),
        port,
        tls,
        credentials,
    })
}

fn outbox_beside(state: &Path) -> PathBuf {
    state.parent().unwrap_or(Path::new(".")).join("outbox")
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
