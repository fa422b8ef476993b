//! `pressroom bounces import MAILDIR|MBOX`: the delivery status notifications that
//! relays sent back by email, counted as bounces (see `deliver::bounces`). Like
//! `suppressions`, it does not take STATE.lock: it must work beside the daemon.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Cli, EXIT_OK, Failure, load_plan};
use crate::{deliver::bounces, store::Store, time::Clock};

/// `pressroom bounces …`
#[derive(Debug, Subcommand)]
pub enum BouncesCommand {
    /// Read delivery status notifications (RFC 3464) from a maildir (or a folder of
    /// messages) or an mbox file; a bad mailbox counts as a bounce and suppresses at
    /// `email.bounce_limit`, a refusal of our mail or a delay counts nothing. Each
    /// report is imported once.
    Import {
        /// The maildir, folder or mbox file.
        path: PathBuf,
        /// Print what was imported as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs one `bounces` command.
pub(super) fn run(cli: &Cli, clock: &Clock, command: &BouncesCommand) -> Result<u8, Failure> {
    let BouncesCommand::Import { path, json } = command;
    let plan = load_plan(cli)?;
    let limit = plan.email.as_ref().map_or(2, |e| e.bounce_limit);
    let mut store = Store::open(&plan.site.state)?;
    let done = bounces::import(&mut store, path, limit, clock.now())?;
    if *json {
        let doc = serde_json::json!({
            "messages": done.messages,
            "reports": done.reports,
            "already_imported": done.seen,
            "bounces": done.bounces,
            "suppressed": done.suppressed,
            "refused": done.refused,
            "other": done.other,
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!(
            "{} messages: {} delivery reports ({} imported before): {} bounces, {} newly suppressed, {} refusals of our mail and {} delays or other notices not counted",
            done.messages,
            done.reports,
            done.seen,
            done.bounces,
            done.suppressed.len(),
            done.refused,
            done.other
        );
        for address in &done.suppressed {
            println!("  suppressed {address}");
        }
    }
    Ok(EXIT_OK)
}
