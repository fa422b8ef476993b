//! `pressroom suppressions list|add|remove`: the addresses no issue is sent to
//! (unsubscribed, or bounced past `email.bounce_limit`), and an operator's hand on
//! them. Like an editor's pins, these writes do not take STATE.lock: they must work
//! while the daemon runs, and SQLite serialises them; a run reads the list when it
//! starts.

use clap::Subcommand;

use super::{Cli, EXIT_OK, EXIT_PARTIAL, Failure, load_plan};
use crate::{config::Address, model::line::one_line, store::Store, time::Clock};

/// `pressroom suppressions …`
#[derive(Debug, Subcommand)]
pub enum SuppressionsCommand {
    /// List the suppressed addresses, since when and why.
    List {
        /// Print JSON: `[{"address", "reason", "since"}]`.
        #[arg(long)]
        json: bool,
    },
    /// Suppress an address: no issue is sent to it until it is removed.
    Add {
        /// The address.
        address: String,
        /// Why (shown by `list` and `status`).
        #[arg(long, default_value = "suppressed by hand")]
        reason: String,
        /// Print what was done as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Lift a suppression (and forget the address's bounces): the next issue goes to
    /// it again if it is in the subscribers file. Exits 2 if it was not suppressed.
    Remove {
        /// The address.
        address: String,
        /// Print what was done as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs one `suppressions` command.
pub(super) fn run(cli: &Cli, clock: &Clock, command: &SuppressionsCommand) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let mut store = Store::open(&plan.site.state)?;
    match command {
        SuppressionsCommand::List { json } => {
            let list = store.suppressed()?;
            if *json {
                let rows: Vec<_> = (list.iter())
                    .map(|s| {
                        serde_json::json!({
                            "address": s.address,
                            "reason": one_line(&s.reason),
                            "since": s.at.to_rfc3339(),
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                let zone = plan.site.time_zone;
                for s in &list {
                    println!(
                        "{}  since {}: {}",
                        s.address,
                        s.at.with_timezone(&zone).format("%Y-%m-%d %H:%M"),
                        one_line(&s.reason)
                    );
                }
                println!("{} suppressed addresses", list.len());
            }
            Ok(EXIT_OK)
        }
        SuppressionsCommand::Add {
            address,
            reason,
            json,
        } => {
            let address = Address::parse(address).map_err(anyhow::Error::msg)?;
            let mut writer = store.writer()?;
            let added = writer.suppress(address.as_str(), reason, clock.now())?;
            writer.commit()?;
            done(
                *json,
                "add",
                &address,
                added,
                "suppressed",
                "already suppressed",
            );
            Ok(EXIT_OK)
        }
        SuppressionsCommand::Remove { address, json } => {
            let address = Address::parse(address).map_err(anyhow::Error::msg)?;
            let mut writer = store.writer()?;
            let removed = writer.unsuppress(address.as_str())?;
            writer.commit()?;
            done(
                *json,
                "remove",
                &address,
                removed,
                "no longer suppressed",
                "was not suppressed",
            );
            Ok(if removed { EXIT_OK } else { EXIT_PARTIAL })
        }
    }
}

/// What `add` or `remove` did, as a line or JSON.
fn done(json: bool, action: &str, address: &Address, changed: bool, yes: &str, no: &str) {
    if json {
        let doc = serde_json::json!({ "action": action, "address": address.as_str(), "changed": changed });
        println!("{doc}");
    } else {
        println!("{address}: {}", if changed { yes } else { no });
    }
}
