//! The editor's commands: `explain` (the ranking table of the next issue) and `pin`,
//! `drop`, `unpin` (overrides kept in the store and applied when the issue is built).

use super::{Cli, EXIT_FAILURE, EXIT_OK, Failure, load_plan, preview::open_state};
use crate::{
    config::Plan,
    ingest::normalise::canonical_url,
    issue,
    model::{Override, OverrideAction},
    rank::explain,
    store::Store,
    time::Clock,
};

pub(super) fn explain(
    cli: &Cli,
    clock: &Clock,
    edition: Option<&str>,
    json: bool,
    all: bool,
) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let store = open_state(&plan)?;
    let edition_plan = issue::edition(&plan, edition).map_err(anyhow::Error::msg)?;
    let now = clock.now();
    let id = issue::next_issue(&plan, edition_plan, &store, now)?;
    let edition = issue::assemble(&plan, edition_plan, &store, id.clone(), now)?;
    if all {
        let groups = issue::groups(&plan, edition_plan, &store, id, now)?;
        let rows = explain::group_rows(&edition, &groups);
        if json {
            let doc = serde_json::json!({ "issue": edition.id.to_string(), "built_at": edition.built_at, "groups": rows });
            println!("{}", serde_json::to_string_pretty(&doc)?);
        } else {
            let plain: Vec<explain::Row> = rows.into_iter().map(|g| g.row).collect();
            print!("{}", explain::text(&plain));
        }
        return Ok(EXIT_OK);
    }
    let rows = explain::rows(&edition);
    if json {
        let doc = serde_json::json!({ "issue": edition.id.to_string(), "built_at": edition.built_at, "rows": rows });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!(
            "{} ({}), built for {}",
            edition.id,
            edition.title,
            edition.built_at.with_timezone(&plan.site.time_zone)
        );
        print!("{}", explain::text(&rows));
    }
    Ok(EXIT_OK)
}

pub(super) fn set(
    cli: &Cli,
    clock: &Clock,
    edition: Option<&str>,
    url: &str,
    action: OverrideAction,
) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let url = canonical(url)?;
    let mut store = Store::open(&plan.site.state)?;
    let id = next(&plan, &store, clock, edition)?;
    let mut writer = store.writer()?;
    writer.set_override(
        &id,
        &Override {
            url: url.clone(),
            action,
        },
        clock.now(),
    )?;
    writer.commit()?;
    let what = match action {
        OverrideAction::Drop => "dropped from".to_owned(),
        OverrideAction::Pin {
            lead: true,
            position,
        } => format!("pinned to the lead (position {}) of", position.unwrap_or(1)),
        OverrideAction::Pin {
            lead: false,
            position,
        } => {
            format!(
                "pinned at position {} of its section in",
                position.unwrap_or(1)
            )
        }
    };
    println!("{url}: {what} {id}");
    Ok(EXIT_OK)
}

pub(super) fn unpin(
    cli: &Cli,
    clock: &Clock,
    edition: Option<&str>,
    url: &str,
) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let url = canonical(url)?;
    let mut store = Store::open(&plan.site.state)?;
    let id = next(&plan, &store, clock, edition)?;
    let mut writer = store.writer()?;
    let removed = writer.clear_override(&id, &url)?;
    writer.commit()?;
    if removed {
        println!("{url}: no longer pinned or dropped in {id}");
        Ok(EXIT_OK)
    } else {
        eprintln!("{url}: nothing was pinned or dropped in {id}");
        Ok(EXIT_FAILURE)
    }
}

fn canonical(url: &str) -> Result<String, Failure> {
    canonical_url(url, None).ok_or_else(|| anyhow::anyhow!("{url:?} is not an http(s) URL").into())
}

fn next(
    plan: &Plan,
    store: &Store,
    clock: &Clock,
    edition: Option<&str>,
) -> Result<crate::model::IssueId, Failure> {
    let edition_plan = issue::edition(plan, edition).map_err(anyhow::Error::msg)?;
    Ok(issue::next_issue(plan, edition_plan, store, clock.now())?)
}
