//! `pressroom preview`: the next issue rendered for each audience, exactly as it would
//! be sent, with no side effects (the store is opened read-only, nothing is frozen).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;

use super::{Cli, EXIT_OK, Failure, load_plan};
use crate::{
    audience,
    config::{Address, EditionPlan, Plan, Subscriber},
    deliver::{feeds, personal},
    issue,
    model::{Issue, IssueSummary},
    preview::{PreviewReader, fill},
    rank::explain,
    render::{
        self, Audience, Renderer,
        budget::{HTML_BUDGET, encoded_len},
        view,
    },
    store::Store,
    time::Clock,
};

/// Options of `pressroom preview`.
#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The edition (default: the first configured).
    #[arg(long, short)]
    pub edition: Option<String>,
    /// Render only what this subscriber would get.
    #[arg(long)]
    pub subscriber: Option<String>,
    /// Folder to write into (default: `preview/` beside the configuration).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Serve a local preview site at this address (e.g. 127.0.0.1:8025) instead.
    #[arg(long, value_name = "ADDR")]
    pub serve: Option<std::net::SocketAddr>,
}

pub(super) async fn run(cli: &Cli, clock: &Clock, args: &PreviewArgs) -> Result<u8, Failure> {
    let plan = load_plan(cli)?;
    let store = open_state(&plan)?;
    // The store's readers are previewed as the file's: they make audiences too.
    let plan = crate::subscribers::with_store(&plan, &store)?;
    if let Some(addr) = args.serve {
        drop(store);
        crate::preview::serve(cli.config.clone(), clock.clone(), addr)
            .await
            .with_context(|| format!("cannot serve the preview on {addr}"))?;
        return Ok(EXIT_OK);
    }
    let renderer = Renderer::new(plan.site.templates.as_deref())?;
    let edition_plan =
        issue::edition(&plan, args.edition.as_deref()).map_err(anyhow::Error::msg)?;
    let now = clock.now();
    let due = issue::next(&plan, edition_plan, &store, now)?;
    let edition = issue::assemble(&plan, edition_plan, &store, &due)?;
    if let Some(reason) = issue::hold_reason(edition_plan, &store, &edition)? {
        println!("{}: would be held, not sent: {reason}", edition.id);
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| config_dir(cli).join("preview"));
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    for (slug, audience, reader) in audiences(&plan, edition_plan, args.subscriber.as_deref())? {
        let site = view::Site::from(&plan.site);
        let mut view = view::issue(&edition, &audience, &site, renderer.catalogues());
        let (email, trimmed) = renderer.email_within(&mut view, HTML_BUDGET)?;
        let base = format!("{}/{}-{slug}", out.display(), edition.id.edition);
        write(
            Path::new(&format!("{base}.html")),
            &fill(&email.html, &reader, true),
        )?;
        write(
            Path::new(&format!("{base}.txt")),
            &fill(&email.text, &reader, false),
        )?;
        println!(
            "{}: {} stories, {} KB HTML, {} KB text: {}.html",
            edition.id,
            view.story_count,
            email.html.len().div_ceil(1024),
            email.text.len().div_ceil(1024),
            base
        );
        if !trimmed.is_empty() {
            println!(
                "  left out to stay under {} KB encoded ({} KB): {} stories, linked as \"more in the archive\"",
                HTML_BUDGET / 1024,
                encoded_len(&email.html).div_ceil(1024),
                trimmed.len()
            );
            for story in &trimmed {
                println!("  - {}: {}", story.section, story.title);
            }
        }
    }
    let table = explain::text(&explain::rows(&edition));
    write(
        &out.join(format!("{}-explain.txt", edition.id.edition)),
        &table,
    )?;
    Ok(EXIT_OK)
}

/// Opens the state read-only, with a clear word when there is none yet.
pub(super) fn open_state(plan: &Plan) -> Result<Store, Failure> {
    if !plan.site.state.exists() {
        return Err(anyhow::anyhow!(
            "no stories yet: {} does not exist; run `pressroom fetch` first",
            plan.site.state.display()
        )
        .into());
    }
    Ok(Store::open_read_only(&plan.site.state)?)
}

/// The audiences to render (or the one of `subscriber`): a file-name slug, the
/// audience, and the reader to fill in (stand-ins for an audience).
pub(super) fn audiences(
    plan: &Plan,
    edition: &EditionPlan,
    subscriber: Option<&str>,
) -> Result<Vec<(String, Audience, PreviewReader)>, Failure> {
    let everyone: Vec<&Subscriber> = plan.subscribers.iter().collect();
    let Some(wanted) = subscriber else {
        let groups = audience::groups(plan, edition, &everyone);
        if !everyone.is_empty() && groups.iter().all(|g| g.members.is_empty()) {
            eprintln!(
                "none of the {} subscribers receives the {} edition: previewing the whole issue as no reader gets it",
                everyone.len(),
                edition.id
            );
        }
        return Ok(groups
            .into_iter()
            .map(|g| {
                let reader = PreviewReader::speaking(plan, &g.audience.language);
                (g.slug, g.audience, reader)
            })
            .collect());
    };
    let address = Address::parse(wanted).map_err(anyhow::Error::msg)?;
    let found = plan
        .subscribers
        .iter()
        .find(|s| s.address == address)
        .ok_or_else(|| {
            anyhow::anyhow!("no subscriber {address} in the subscribers file or the store")
        })?;
    if !found.receives(&edition.id) {
        return Err(
            anyhow::anyhow!("{address} does not receive the {} edition", edition.id).into(),
        );
    }
    let group = audience::groups(plan, edition, &[found]).remove(0);
    // As delivery fills it in: "reader" when the file gives no name.
    let reader = PreviewReader {
        name: (found.name.clone()).unwrap_or_else(|| personal::NO_NAME.to_owned()),
        address: address.to_string(),
    };
    Ok(vec![(
        format!("{}.{}", address, group.slug),
        group.audience,
        reader,
    )])
}

fn config_dir(cli: &Cli) -> PathBuf {
    cli.config
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_owned()
}

fn write(path: &Path, contents: &str) -> anyhow::Result<()> {
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

/// Renders every template against the sample issue in every language the
/// configuration uses, for `check`; returns a summary. A language without a
/// catalogue, or a catalogue lacking a message, is a problem.
pub fn check_templates(plan: &Plan) -> Result<String, render::RenderError> {
    let renderer = Renderer::new(plan.site.templates.as_deref())?;
    let languages = plan.languages();
    let mut problems = renderer.catalogues().gaps();
    for language in languages.iter().filter(|l| !renderer.catalogues().knows(l)) {
        problems.push(crate::i18n::Problem {
            file: format!("templates/i18n/{language}.ftl"),
            line: 0,
            message: format!("the configuration uses {language}, which has no message catalogue"),
        });
    }
    if !problems.is_empty() {
        return Err(render::RenderError::Catalogue(problems));
    }
    let sample: Issue = render::sample::edition();
    let site = view::Site::from(&plan.site);
    let mut audiences = Vec::new();
    for language in &languages {
        audiences.push(Audience {
            sections: None,
            time_zone: plan.site.time_zone,
            language: language.clone(),
        });
        audiences.push(Audience {
            sections: Some(vec![sample.sections[1].id.clone()]),
            time_zone: chrono_tz::UTC,
            language: language.clone(),
        });
    }
    let mut sizes = (0, 0);
    for audience in &audiences {
        let view = view::issue(&sample, audience, &site, renderer.catalogues());
        let email = renderer.email(&view)?;
        if let Some(email) = &plan.email {
            renderer.subject(&email.subject, &view)?;
        }
        let mut page = view.clone();
        page.feeds = Some(feeds::links(&site.url, sample.id.edition.as_str()));
        renderer.archive_page(&page)?;
        renderer.feed_entry(&view)?;
        sizes = sizes.max((email.html.len(), email.text.len()));
    }
    // The archive's index, with one issue and with none.
    let listed = [view::IndexedEdition {
        id: sample.id.edition.clone(),
        title: sample.title.clone(),
        feeds: Some(feeds::links(&site.url, sample.id.edition.as_str())),
    }];
    for issues in [vec![IssueSummary::of(&sample)], Vec::new()] {
        let index = view::archive_index(
            &site,
            plan.site.time_zone,
            &listed,
            &issues,
            renderer.catalogues(),
        );
        renderer.archive_index(&index)?;
    }
    // The topic and section pages, and their index.
    for (_, listing) in view::listings(
        &site,
        std::slice::from_ref(&sample),
        0,
        renderer.catalogues(),
    ) {
        renderer.listing(&listing)?;
    }
    let overridden = renderer
        .templates()
        .values()
        .filter(|o| *o != "built in")
        .count();
    let languages: Vec<&str> = languages.iter().map(|l| l.as_str()).collect();
    Ok(format!(
        "templates: {} ({overridden} overridden){}, all render in strict mode in {}; sample email {} KB HTML, {} KB text",
        renderer.templates().len(),
        if plan.email.is_some() {
            " and the subject"
        } else {
            ""
        },
        languages.join(", "),
        sizes.0.div_ceil(1024),
        sizes.1.div_ceil(1024)
    ))
}
