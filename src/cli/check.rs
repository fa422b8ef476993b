//! `pressroom check`: the configuration, the subscribers, every template rendered
//! against a sample issue, the DKIM key; and how a problem found after compiling is
//! reported like a configuration problem.

use super::{Cli, EXIT_OK, Failure, load_plan, preview};
use crate::config;

pub(super) fn check(cli: &Cli) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let rendered =
        preview::check_templates(&plan).map_err(|e| Failure::Config(template_problem(cli, &e)))?;
    if let Some(dkim) = plan.email.as_ref().and_then(|e| e.dkim.as_ref()) {
        crate::deliver::dkim::Signer::load(dkim)
            .map_err(|e| Failure::Config(problem(cli, "email.dkim.key", e.to_string())))?;
    }
    println!(
        "{}: OK: {} sections, {} sources, {} signals, {} editions, {} subscribers; state {}; \
         output {}",
        cli.config.display(),
        plan.sections.len(),
        plan.sources.len(),
        plan.signals.len(),
        plan.editions.len(),
        plan.subscribers.len(),
        plan.site.state.display(),
        plan.site.output.display(),
    );
    println!("{rendered}");
    if plan.email.is_some() && plan.site.base_url.scheme() != "https" {
        eprintln!(
            "warning: site.base_url {} is not https: emails carry List-Unsubscribe without \
             List-Unsubscribe-Post, as RFC 8058 allows one-click unsubscribe only over https",
            plan.site.base_url
        );
    }
    Ok(EXIT_OK)
}

/// A template problem, reported like a configuration problem (it is one).
pub(crate) fn template_problem(
    cli: &Cli,
    error: &crate::render::RenderError,
) -> config::ConfigErrors {
    problem(cli, error.key(), error.to_string())
}

/// A problem found after the configuration compiled (templates, keys).
pub(super) fn problem(cli: &Cli, key: &str, message: String) -> config::ConfigErrors {
    config::ConfigErrors(vec![config::Problem {
        file: cli.config.clone(),
        line: 0,
        column: 0,
        key: key.to_owned(),
        message,
    }])
}
