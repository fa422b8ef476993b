//! The command line: argument parsing, logging, exit codes and one function per command.
//!
//! Commands are thin: they load the [`Plan`], open the [`Store`], call one stage and
//! print what it reports. Exit codes are part of the contract: 0 success, 2 partial
//! failure (some source or recipient failed), 78 configuration error (nothing was
//! done), 1 anything else.

mod bounces;
mod check;
mod editor;
mod fetch;
mod preview;
mod publish;
mod sources;
mod status;
mod subscribers;
mod suppressions;

pub(crate) use check::template_problem;

use std::{io::IsTerminal, path::PathBuf, process::ExitCode};

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};

use crate::{
    config::{self, Plan},
    store::StateLock,
    time::Clock,
};

/// Everything went through.
pub const EXIT_OK: u8 = 0;
/// Something failed but the rest went through.
pub const EXIT_PARTIAL: u8 = 2;
/// The configuration is invalid; nothing was done.
pub const EXIT_CONFIG: u8 = 78;
/// Any other failure.
pub const EXIT_FAILURE: u8 = 1;
/// Another run holds the state file; try again later (EX_TEMPFAIL).
pub const EXIT_LOCKED: u8 = 75;

/// pressroom: collects the day's stories from many outlets' feeds and delivers one
/// ranked press review.
#[derive(Debug, Parser)]
#[command(name = "pressroom", version, about, max_term_width = 100)]
pub struct Cli {
    /// The configuration file.
    #[arg(
        long,
        short,
        global = true,
        env = "PRESSROOM_CONFIG",
        default_value = "pressroom.toml"
    )]
    pub config: PathBuf,
    /// Run as if the time were this instant (RFC 3339), for demos, tests and replays;
    /// the daemon starts its clock there and lets it run.
    #[arg(long, global = true, env = "PRESSROOM_NOW", value_parser = parse_instant)]
    pub now: Option<DateTime<Utc>>,
    /// Log format on standard error.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// More detail in logs (-v debug, -vv trace).
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// What `pressroom <command>` does: each variant's doc is its `--help` line.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the configuration; print every problem with its file, line and key.
    Check,
    /// Fetch all sources and most-read signals that are due into the store.
    Fetch {
        /// Fetch every source now, even those whose interval has not elapsed.
        #[arg(long)]
        force: bool,
    },
    /// Show the health of every source and signal, the suppression list and the
    /// outbox of the latest issues.
    Status {
        /// Print the health of each source and signal, and the latest issues' deliveries
        /// by cause, as JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// Fetch, build and freeze today's issue, and deliver it: email, feeds, archive.
    /// Running it again for the same issue resumes; nobody gets it twice.
    Publish {
        /// The edition (default: the first configured).
        #[arg(long, short)]
        edition: Option<String>,
        /// Do not fetch first: publish from what the store holds.
        #[arg(long)]
        no_fetch: bool,
        /// Send the issue even if it is held: fewer stories than `min_stories`, or no
        /// fetch since its window opened.
        #[arg(long)]
        force: bool,
        /// How long to wait for another run holding the state file (the daemon, another
        /// `publish`), e.g. "5m"; then exit 75. Default: do not wait.
        #[arg(long, value_parser = humantime::parse_duration, default_value = "0s")]
        wait: std::time::Duration,
    },
    /// Run the schedules: fetch, publish each edition on its cron (DST-correct), serve
    /// unsubscribe, the archive, /healthz and /metrics. SIGHUP reloads; SIGTERM stops.
    Daemon,
    /// Print the next fire times of every scheduled job, to check a cron string.
    Schedule {
        /// How many fire times per job.
        #[arg(long, short = 'n', default_value_t = 5)]
        count: usize,
    },
    /// Serve one-click unsubscribe and the static archive.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
    },
    /// Render the next issue for each audience into a folder, changing no state.
    Preview(preview::PreviewArgs),
    /// Print the ranking table of the next issue: position, score and every factor,
    /// and why each near miss was left out.
    Explain {
        /// The edition (default: the first configured).
        #[arg(long, short)]
        edition: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// List every group of stories in the window, selected or not, with its other
        /// outlets ("also_in") and earlier stories of its storyline ("read_also").
        #[arg(long)]
        all: bool,
    },
    /// Pin a story (by URL) in the next issue: to the lead, or at a position in its section.
    Pin {
        /// The story's URL (any outlet's version of it).
        url: String,
        /// The edition (default: the first configured).
        #[arg(long, short)]
        edition: Option<String>,
        /// Pin it to the lead block ("Top stories").
        #[arg(long)]
        lead: bool,
        /// 1-based position in the block (default: first).
        #[arg(long)]
        position: Option<u32>,
    },
    /// Leave a story (by URL) out of the next issue.
    Drop {
        /// The story's URL.
        url: String,
        /// The edition (default: the first configured).
        #[arg(long, short)]
        edition: Option<String>,
    },
    /// Remove a pin or drop from the next issue.
    Unpin {
        /// The story's URL.
        url: String,
        /// The edition (default: the first configured).
        #[arg(long, short)]
        edition: Option<String>,
    },
    /// Import or export the list of sources as OPML.
    #[command(subcommand)]
    Sources(SourcesCommand),
    /// List, add or lift suppressed addresses (unsubscribed, or bounced).
    #[command(subcommand)]
    Suppressions(suppressions::SuppressionsCommand),
    /// Import bounces that came back by email (delivery status notifications).
    #[command(subcommand)]
    Bounces(bounces::BouncesCommand),
    /// List, add, remove, import or export subscribers (the store's and the file's).
    #[command(subcommand)]
    Subscribers(subscribers::SubscribersCommand),
}

/// `pressroom sources …`
#[derive(Debug, Subcommand)]
pub enum SourcesCommand {
    /// Add the feeds of an OPML file to the configuration as `[[sources]]` tables.
    Import {
        /// The OPML file.
        file: PathBuf,
        /// Print the new `[[sources]]` tables instead of appending them to the configuration.
        #[arg(long)]
        print: bool,
    },
    /// Write the configured sources as OPML 2.0.
    Export {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

fn parse_instant(raw: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.to_utc())
        .map_err(|e| format!("expected an RFC 3339 instant such as 2026-11-27T06:00:00Z: {e}"))
}

/// Runs the command line and returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format, cli.verbose);
    let clock = cli.now.map_or_else(Clock::system, Clock::fixed);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let code = runtime.block_on(run(&cli, &clock));
    // A blocking task still running (a DNS lookup of a cancelled fetch) must not hold
    // the exit past the daemon's shutdown_grace.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    ExitCode::from(code)
}

async fn run(cli: &Cli, clock: &Clock) -> u8 {
    let result = match &cli.command {
        Command::Check => check::check(cli),
        Command::Fetch { force } => fetch::fetch(cli, clock, *force).await,
        Command::Status { json } => status::run(cli, clock, *json),
        Command::Publish {
            edition,
            no_fetch,
            force,
            wait,
        } => {
            let how = publish::How {
                fetch: !*no_fetch,
                force: *force,
                wait: *wait,
            };
            publish::run(cli, clock, edition.clone(), how).await
        }
        Command::Serve { listen } => publish::serve(cli, clock, *listen).await,
        Command::Daemon => publish::daemon(cli).await,
        Command::Schedule { count } => publish::schedule(cli, clock, *count),
        Command::Preview(args) => preview::run(cli, clock, args).await,
        Command::Explain { edition, json, all } => {
            editor::explain(cli, clock, edition.as_deref(), *json, *all)
        }
        Command::Pin {
            url,
            edition,
            lead,
            position,
        } => {
            let action = crate::model::OverrideAction::Pin {
                lead: *lead,
                position: *position,
            };
            editor::set(cli, clock, edition.as_deref(), url, action)
        }
        Command::Drop { url, edition } => editor::set(
            cli,
            clock,
            edition.as_deref(),
            url,
            crate::model::OverrideAction::Drop,
        ),
        Command::Unpin { url, edition } => editor::unpin(cli, clock, edition.as_deref(), url),
        Command::Sources(SourcesCommand::Import { file, print }) => {
            sources::import(cli, file, *print)
        }
        Command::Sources(SourcesCommand::Export { out }) => sources::export(cli, out.as_deref()),
        Command::Suppressions(command) => suppressions::run(cli, clock, command),
        Command::Bounces(command) => bounces::run(cli, clock, command),
        Command::Subscribers(command) => subscribers::run(cli, clock, command),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Config(errors)) => {
            eprintln!("{errors}");
            let n = errors.0.len();
            eprintln!(
                "error: {n} configuration problem{}",
                if n == 1 { "" } else { "s" }
            );
            EXIT_CONFIG
        }
        Err(Failure::Locked(error)) => {
            eprintln!("error: {error}");
            EXIT_LOCKED
        }
        Err(Failure::Other(error)) => {
            eprintln!("error: {error:#}");
            EXIT_FAILURE
        }
    }
}

/// Why a command could not finish.
pub(crate) enum Failure {
    /// The configuration is invalid (exit 78).
    Config(config::ConfigErrors),
    /// Another run holds the state file (exit 75).
    Locked(crate::store::LockError),
    /// Anything else (exit 1).
    Other(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure::Other(error.into())
    }
}

pub(crate) fn load_plan(cli: &Cli) -> Result<Plan, Failure> {
    config::load(&cli.config).map_err(Failure::Config)
}

/// Takes the state file's lock for a command that sends or writes the store, waiting
/// up to `wait` for another run (the daemon, another `publish`) to release it.
pub(crate) fn lock_state(plan: &Plan, wait: std::time::Duration) -> Result<StateLock, Failure> {
    match StateLock::wait(&plan.site.state, wait) {
        Ok(lock) => Ok(lock),
        Err(error @ crate::store::LockError::Held { .. }) => Err(Failure::Locked(error)),
        Err(error) => Err(Failure::Other(error.into())),
    }
}

/// The process's peak resident memory, where the platform tells (Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn init_logging(format: LogFormat, verbose: u8) {
    let default = match verbose {
        0 => "pressroom=info",
        1 => "pressroom=debug",
        _ => "pressroom=trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PRESSROOM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    // Field values (messages included) may carry text from feeds and servers: each is
    // written on one line with its control characters escaped, so that no feed can
    // forge a log line or drive the terminal. (JSON escapes them by itself.)
    let fields = tracing_subscriber::fmt::format::debug_fn(|writer, field, value| {
        let text = crate::model::line::one_line(&format!("{value:?}"));
        match field.name() {
            "message" => write!(writer, "{text}"),
            name => write!(writer, "{name}={text}"),
        }
    });
    let _ = match format {
        LogFormat::Text => builder
            .fmt_fields(tracing_subscriber::field::MakeExt::delimited(fields, " "))
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
