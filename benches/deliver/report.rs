//! What the delivery bench prints at the end: the rates beside smtp-source's, the
//! signed runs beside the unsigned ones, and where the two cores' time went.

use crate::{
    Measure, SESSIONS, Signing, TARGET_RATIO, TARGET_RSS_MB, TARGET_SIGNED, project,
    stats::{load_average, median},
};

/// CPU per message of each sender and of the sink (medians), and the rate the two
/// cores would allow if nothing but these two ran: the ceiling a same-run ratio meets.
pub fn print_cpu(
    subscribers: usize,
    source_messages: usize,
    signings: &[Signing],
    source_cpus: &[(f64, f64)],
    publish: &[Vec<Measure>],
) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let per = |seconds: f64, messages: usize| seconds / messages as f64 * 1e6;
    println!();
    println!(
        "{:<40} {:>12} {:>12} {:>10} {:>16}",
        "CPU per message (µs, medians)", "sender", "smtp-sink", "cores", "ceiling msgs/s"
    );
    let row = |name: &str, sender: f64, sink: f64, used: Option<f64>| {
        let used = used.map_or("-".to_owned(), |u| format!("{u:.2}"));
        println!(
            "{name:<40} {sender:>12.0} {sink:>12.0} {used:>10} {:>16.0}",
            cores * 1e6 / (sender + sink)
        );
    };
    row(
        "smtp-source",
        per(median(source_cpus.iter().map(|c| c.0)), source_messages),
        per(median(source_cpus.iter().map(|c| c.1)), source_messages),
        None,
    );
    for (signing, runs) in signings.iter().zip(publish) {
        row(
            signing.name(),
            per(median(runs.iter().map(|m| m.cpu)), subscribers),
            per(median(runs.iter().map(|m| m.sink_cpu)), subscribers),
            Some(median(runs.iter().map(|m| m.cpu / m.wall))),
        );
    }
    println!(
        "(ceiling: {cores} cores / (sender + sink CPU per message); pressroom's includes its \
         start-up: configuration, rendering, the outbox)"
    );
}

/// The signed runs beside the unsigned ones of the same runs.
pub fn print_signed(subscribers: usize, signings: &[Signing], publish: &[Vec<Measure>]) {
    if signings.len() < 2 {
        return;
    }
    let rate = |runs: &[Measure]| subscribers as f64 / median(runs.iter().map(|m| m.wall));
    let email_rate = |runs: &[Measure]| subscribers as f64 / median(runs.iter().map(|m| m.email));
    let unsigned = rate(&publish[0]);
    println!();
    println!(
        "{:<40} {:>8} {:>14} {:>10}",
        "pressroom publish --no-fetch", "msgs/s", "email stage/s", "/ unsigned"
    );
    for (signing, runs) in signings.iter().zip(publish) {
        println!(
            "{:<40} {:>8.0} {:>14.0} {:>10.2}",
            signing.name(),
            rate(runs),
            email_rate(runs),
            rate(runs) / unsigned
        );
    }
    if let Some(i) = signings.iter().position(|&s| s == Signing::Rsa) {
        let ratio = rate(&publish[i]) / unsigned;
        println!(
            "RSA-2048 / unsigned: {ratio:.2} (target ≥ {TARGET_SIGNED}: {}); load average {}",
            if ratio >= TARGET_SIGNED {
                "met"
            } else {
                "MISSED"
            },
            load_average()
        );
    }
}

pub fn print_table(
    subscribers: usize,
    source_messages: usize,
    (mean, min, max): (usize, usize, usize),
    source: &[f64],
    publish: &[Measure],
) {
    let source_wall = median(source.iter().copied());
    let wall = median(publish.iter().map(|m| m.wall));
    let email = median(publish.iter().map(|m| m.email));
    let rss = median(publish.iter().map(|m| m.rss));
    let source_rate = source_messages as f64 / source_wall;
    let rate = subscribers as f64 / wall;
    let ratio = rate / source_rate;
    let runs = publish.len();
    println!();
    println!(
        "delivery: {subscribers} subscribers in {} audiences, messages of {:.1} KB on average \
         ({:.1} to {:.1} KB), to smtp-sink on 127.0.0.1; release binary, median of {runs} run{}",
        project::AUDIENCES,
        mean as f64 / 1e3,
        min as f64 / 1e3,
        max as f64 / 1e3,
        if runs == 1 { "" } else { "s" }
    );
    println!(
        "{:<40} {:>8} {:>9} {:>8} {:>9}",
        "sender", "messages", "wall", "msgs/s", "peak RSS"
    );
    println!(
        "{:<40} {source_messages:>8} {source_wall:>7.2} s {source_rate:>8.0} {:>9}",
        format!("smtp-source -d -s {SESSIONS} -l {mean}"),
        "-"
    );
    println!(
        "{:<40} {subscribers:>8} {wall:>7.2} s {rate:>8.0} {rss:>6.0} MB",
        "pressroom publish --no-fetch (process)"
    );
    println!(
        "{:<40} {subscribers:>8} {email:>7.2} s {:>8.0} {:>9}",
        "  of which the email stage",
        subscribers as f64 / email,
        ""
    );
    println!(
        "pressroom / smtp-source: {ratio:.2} (target ≥ {TARGET_RATIO}: {}); peak RSS {rss:.0} MB \
         (target ≤ {TARGET_RSS_MB:.0} MB: {})",
        if ratio >= TARGET_RATIO {
            "met"
        } else {
            "MISSED"
        },
        if rss <= TARGET_RSS_MB {
            "met"
        } else {
            "MISSED"
        }
    );
}
