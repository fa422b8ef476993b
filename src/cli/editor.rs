//! The editor's commands: `explain` (the ranking table of the next issue) and `pin`,
//! `drop`, `unpin` (overrides kept in the store and applied when the issue is built).

use super::{Cli, EXIT_FAILURE, EXIT_OK, Failure, load_plan, preview::open_state};
use crate::{
    config::Plan,
    issue,
    model::url::canonical_url,
    model::{Override, OverrideAction},
    rank::explain,
    render::{
        Audience, Renderer,
        budget::{HTML_BUDGET, Trimmed},
        view,
    },
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
    let due = issue::next(&plan, edition_plan, &store, now)?;
    let edition = issue::assemble(&plan, edition_plan, &store, &due)?;
    let held = issue::hold_reason(edition_plan, &store, &edition)?;
    let trimmed = trimmed_for_size(&plan, &edition)?;
    if all {
        let groups = issue::groups(&plan, edition_plan, &store, &due)?;
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
        let doc = serde_json::json!({
            "issue": edition.id.to_string(),
            "built_at": edition.built_at,
            "window": { "start": edition.window_start, "end": edition.built_at },
            "held": held,
            "most_read": most_read_json(&edition),
            "left_out_for_size": trimmed,
            "rows": rows,
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        let zone = plan.site.time_zone;
        println!(
            "{} ({}), for {}: stories published from {} to then",
            edition.id,
            edition.title,
            edition.built_at.with_timezone(&zone),
            edition.window_start.with_timezone(&zone)
        );
        if let Some(reason) = &held {
            println!("would be held, not sent: {reason}");
        }
        if !trimmed.is_empty() {
            println!(
                "left out of the email of every section to stay under {} KB: {} stories (they link to the archive)",
                HTML_BUDGET / 1024,
                trimmed.len()
            );
        }
        print!("{}", explain::text(&rows));
    }
    Ok(EXIT_OK)
}

/// What the size budget leaves out of the email of a reader of every section.
fn trimmed_for_size(plan: &Plan, edition: &crate::model::Issue) -> Result<Vec<Trimmed>, Failure> {
    let renderer = Renderer::new(plan.site.templates.as_deref())?;
    let everyone = Audience {
        sections: None,
        time_zone: plan.site.time_zone,
        language: plan.language_of(&edition.id.edition).clone(),
    };
    let site = view::Site::from(&plan.site);
    let mut view = view::issue(edition, &everyone, &site, renderer.catalogues());
    Ok(renderer.email_within(&mut view, HTML_BUDGET)?.1)
}

/// `{"now": [{"rank", "url", "title"}, …], "today": …}`: each ranking the issue shows.
fn most_read_json(edition: &crate::model::Issue) -> serde_json::Value {
    let lists = edition.most_read.iter().map(|list| {
        let entries = list.entries.iter().map(|e| {
            serde_json::json!({ "rank": e.rank, "url": e.url, "title": e.title, "outlet": e.outlet })
        });
        (
            list.window.name().to_owned(),
            serde_json::Value::Array(entries.collect()),
        )
    });
    serde_json::Value::Object(lists.collect())
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
    Ok(issue::next(plan, edition_plan, store, clock.now())?.id)
}
