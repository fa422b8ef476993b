//! `pressroom subscribers list|add|remove|import|export`: the readers kept in the
//! store, beside the subscribers file (which wins for the addresses it lists; see
//! [`crate::subscribers`]).

use std::{collections::HashSet, path::Path};

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{Cli, EXIT_FAILURE, EXIT_OK, Failure, load_plan};
use crate::{
    config::{Address, Format, Plan, Subscriber},
    store::{Choice, Store},
    subscribers::{self, Listed, Origin},
    time::Clock,
};

/// `pressroom subscribers …`
#[derive(Debug, Subcommand)]
pub enum SubscribersCommand {
    /// List every subscriber, file and store, with where each comes from.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Add a reader to the store (or change the one kept there).
    Add(AddArgs),
    /// Remove a reader from the store (and any sign-up of theirs waiting).
    Remove {
        /// Their address.
        email: String,
    },
    /// Add the `[[subscribers]]` tables of a file (the subscribers file's format) to
    /// the store; addresses already there are updated.
    Import {
        /// The file to read.
        file: std::path::PathBuf,
    },
    /// Print every subscriber, file and store, as `[[subscribers]]` tables (what
    /// `import` reads) or JSON.
    Export {
        /// Print JSON (with each one's origin) instead.
        #[arg(long)]
        json: bool,
    },
}

/// `pressroom subscribers add`
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Their address.
    pub email: String,
    /// Their name, for the greeting.
    #[arg(long)]
    pub name: Option<String>,
    /// The sections they read, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    pub sections: Option<Vec<String>>,
    /// The editions they receive, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    pub editions: Option<Vec<String>>,
    /// "html" or "text".
    #[arg(long, default_value = "html")]
    pub format: String,
    /// Their IANA time zone (default: the site's).
    #[arg(long)]
    pub time_zone: Option<String>,
    /// The language they read, one of their editions' `languages` (default: each
    /// edition's first).
    #[arg(long)]
    pub language: Option<String>,
}

/// Runs one `subscribers` command.
pub fn run(cli: &Cli, clock: &Clock, command: &SubscribersCommand) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let mut store = Store::open(&plan.site.state)?;
    match command {
        SubscribersCommand::List { json } => list(&plan, &store, *json),
        SubscribersCommand::Add(args) => add(&plan, &mut store, clock, args),
        SubscribersCommand::Remove { email } => remove(&plan, &mut store, email),
        SubscribersCommand::Import { file } => import(&plan, &mut store, clock, file),
        SubscribersCommand::Export { json } => export(&plan, &store, *json),
    }
}

/// One subscriber as `list --json` and `export --json` print them.
#[derive(Serialize)]
struct Row<'a> {
    email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sections: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    editions: Option<Vec<&'a str>>,
    format: &'static str,
    time_zone: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    /// "file", "web", "cli" or "import".
    origin: &'a str,
    /// A file entry whose address the store also keeps (the store's is ignored).
    shadowed: bool,
    suppressed: bool,
}

fn row<'a>(listed: &'a Listed, suppressed: &HashSet<String>) -> Row<'a> {
    let s = &listed.subscriber;
    Row {
        email: s.address.as_str(),
        name: s.name.as_deref(),
        sections: s
            .sections
            .as_ref()
            .map(|l| l.iter().map(|i| i.as_str()).collect()),
        editions: s
            .editions
            .as_ref()
            .map(|l| l.iter().map(|i| i.as_str()).collect()),
        format: match s.format {
            Format::Html => "html",
            Format::Text => "text",
        },
        time_zone: s.time_zone.name(),
        language: s.language.as_ref().map(|l| l.as_str()),
        origin: match &listed.origin {
            Origin::File => "file",
            Origin::Store(how) => how,
        },
        shadowed: listed.shadowed,
        suppressed: suppressed.contains(s.address.as_str()),
    }
}

fn everyone(plan: &Plan, store: &Store) -> Result<(Vec<Listed>, HashSet<String>), Failure> {
    Ok((
        subscribers::merge(plan, &store.readers()?),
        store.suppressed_set()?,
    ))
}

fn list(plan: &Plan, store: &Store, json: bool) -> Result<u8, Failure> {
    let (list, suppressed) = everyone(plan, store)?;
    let rows: Vec<Row<'_>> = list.iter().map(|l| row(l, &suppressed)).collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(EXIT_OK);
    }
    for (r, listed) in rows.iter().zip(&list) {
        let mut notes = Vec::new();
        if r.shadowed {
            notes.push("store entry ignored: the file wins");
        }
        if r.suppressed {
            notes.push("suppressed");
        }
        println!(
            "{:<40} {:<14} {:<5} {:<20} sections: {:<24} editions: {}{}{}",
            r.email,
            listed.origin.to_string(),
            r.format,
            r.time_zone,
            r.sections.as_ref().map_or("all".into(), |l| l.join(",")),
            r.editions.as_ref().map_or("all".into(), |l| l.join(",")),
            r.language
                .map_or(String::new(), |l| format!(" language: {l}")),
            if notes.is_empty() {
                String::new()
            } else {
                format!("  ({})", notes.join("; "))
            }
        );
    }
    let from_file = list.iter().filter(|l| l.origin == Origin::File).count();
    println!(
        "{} subscribers: {from_file} from the file, {} from the store; {} suppressed",
        list.len(),
        list.len() - from_file,
        rows.iter().filter(|r| r.suppressed).count()
    );
    Ok(EXIT_OK)
}

/// Checks `args` against the plan: every section and edition must exist.
fn checked(plan: &Plan, args: &AddArgs) -> Result<(String, Choice), String> {
    let address = Address::parse(&args.email)?;
    for section in args.sections.iter().flatten() {
        if !plan.sections.iter().any(|s| s.id.as_str() == section) {
            return Err(format!("no section \"{section}\" is configured"));
        }
    }
    for edition in args.editions.iter().flatten() {
        if !plan.editions.iter().any(|e| e.id.as_str() == edition) {
            return Err(format!("no edition \"{edition}\" is configured"));
        }
    }
    if !["html", "text"].contains(&args.format.as_str()) {
        return Err(format!(
            "format must be \"html\" or \"text\", not {:?}",
            args.format
        ));
    }
    if let Some(zone) = &args.time_zone {
        zone.parse::<chrono_tz::Tz>()
            .map_err(|_| format!("{zone:?} is not an IANA time zone"))?;
    }
    let language = match &args.language {
        Some(tag) => Some(written_in(plan, args.editions.as_deref(), tag)?),
        None => None,
    };
    let choice = Choice {
        language,
        name: args.name.clone().filter(|n| !n.trim().is_empty()),
        sections: args.sections.clone(),
        editions: args.editions.clone(),
        format: args.format.clone(),
        time_zone: args.time_zone.clone(),
    };
    Ok((address.to_string(), choice))
}

/// `tag` as a language one of `editions` (all when `None`) is written in.
fn written_in(plan: &Plan, editions: Option<&[String]>, tag: &str) -> Result<String, String> {
    let language = crate::i18n::Language::parse(tag)?;
    let theirs = (plan.editions.iter())
        .filter(|e| editions.is_none_or(|list| list.iter().any(|id| id == e.id.as_str())));
    let offered: Vec<&str> = theirs
        .flat_map(|e| e.languages.iter().map(|l| l.as_str()))
        .collect();
    if offered.contains(&language.as_str()) {
        Ok(language.to_string())
    } else {
        Err(format!(
            "no edition they receive is written in {language} (only in {})",
            offered.join(", ")
        ))
    }
}

fn in_file<'p>(plan: &'p Plan, address: &str) -> Option<&'p Subscriber> {
    plan.subscribers
        .iter()
        .find(|s| s.address.as_str() == address)
}

fn add(plan: &Plan, store: &mut Store, clock: &Clock, args: &AddArgs) -> Result<u8, Failure> {
    let (address, choice) = match checked(plan, args) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_FAILURE);
        }
    };
    if in_file(plan, &address).is_some() {
        eprintln!(
            "error: {address} is in the subscribers file, which wins for the addresses it lists: change it there"
        );
        return Ok(EXIT_FAILURE);
    }
    let mut writer = store.writer()?;
    let new = writer.put_reader(&address, &choice, "cli", clock.now())?;
    writer.commit()?;
    println!("{} {address}", if new { "added" } else { "updated" });
    Ok(EXIT_OK)
}

fn remove(plan: &Plan, store: &mut Store, email: &str) -> Result<u8, Failure> {
    let address = Address::parse(email).map_err(anyhow::Error::msg)?;
    let mut writer = store.writer()?;
    let removed = writer.remove_reader(address.as_str())?;
    writer.commit()?;
    if in_file(plan, address.as_str()).is_some() {
        eprintln!("note: {address} is in the subscribers file: remove it there too");
    }
    if removed {
        println!("removed {address}");
        Ok(EXIT_OK)
    } else {
        eprintln!("error: the store keeps no reader {address}");
        Ok(EXIT_FAILURE)
    }
}

fn import(plan: &Plan, store: &mut Store, clock: &Clock, file: &Path) -> Result<u8, Failure> {
    let read = crate::config::read_subscribers(plan, file).map_err(Failure::Config)?;
    let (mut added, mut updated, mut skipped) = (0, 0, 0);
    let mut writer = store.writer()?;
    for subscriber in &read {
        if in_file(plan, subscriber.address.as_str()).is_some() {
            skipped += 1;
            continue;
        }
        let choice = subscribers::choice(subscriber);
        match writer.put_reader(subscriber.address.as_str(), &choice, "import", clock.now())? {
            true => added += 1,
            false => updated += 1,
        }
    }
    writer.commit()?;
    println!(
        "imported {} subscribers: {added} added, {updated} updated, {skipped} skipped (in the subscribers file, which wins)",
        read.len()
    );
    Ok(EXIT_OK)
}

/// One `[[subscribers]]` table as `export` writes it.
#[derive(Serialize)]
struct Table<'a> {
    email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sections: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    editions: Option<Vec<&'a str>>,
    format: &'static str,
    time_zone: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
}

#[derive(Serialize)]
struct Tables<'a> {
    subscribers: Vec<Table<'a>>,
}

fn export(plan: &Plan, store: &Store, json: bool) -> Result<u8, Failure> {
    let (list, suppressed) = everyone(plan, store)?;
    let rows: Vec<Row<'_>> = list.iter().map(|l| row(l, &suppressed)).collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(EXIT_OK);
    }
    for (r, listed) in rows.into_iter().zip(&list) {
        let table = Tables {
            subscribers: vec![Table {
                email: r.email,
                name: r.name,
                sections: r.sections,
                editions: r.editions,
                format: r.format,
                time_zone: r.time_zone,
                language: r.language,
            }],
        };
        println!("# origin: {}", listed.origin);
        println!("{}", toml::to_string(&table)?);
    }
    Ok(EXIT_OK)
}
