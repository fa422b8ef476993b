//! The editor's preview site (`pressroom preview --serve 127.0.0.1:PORT`): the same
//! pipeline as publishing, with the browser as the outlet.
//!
//! Every request reloads the configuration and templates and rebuilds the issue from
//! the store (read-only), so an edit shows on the next reload, and a broken template
//! or configuration is shown in the page instead of stopping the server. The only
//! writes are the editor's own pins and drops. Small on purpose: a router, one
//! function per page, an error banner.
//!
//! Accessible like the pages it previews (WCAG 2.2 AA): a main landmark, buttons that
//! name the story they act on, 24-pixel targets, 4.5:1 text, a page that reflows at
//! 320 px (the ranking table scrolls in its own focusable box), `lang` on headlines
//! in another language.
//!
//! It speaks the site's language (`[site] language`, the catalogues' `preview-*`
//! messages), and shows each audience's email in that audience's language, as its
//! readers will get it.

use std::{fmt::Write as _, net::SocketAddr, path::PathBuf, sync::Arc};

use axum::{
    Form, Router,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;

mod html;
use html::{explain_table, health_table, in_query, page};

use crate::{
    audience, config,
    config::{Format, Plan},
    i18n::{Arg, Language, Speaker},
    issue,
    model::url::canonical_url,
    model::{Issue, Override, OverrideAction, html::escape},
    render::{Renderer, view},
    store::Store,
    time::Clock,
};

/// What every request needs.
struct Context {
    config: PathBuf,
    clock: Clock,
}

/// Serves the preview site at `addr` until the process is stopped.
pub async fn serve(config: PathBuf, clock: Clock, addr: SocketAddr) -> std::io::Result<()> {
    let context = Arc::new(Context { config, clock });
    let app = Router::new()
        .route(
            "/",
            get(|State(c): State<Arc<Context>>| async move { answer(&c, index(&c).await) }),
        )
        .route(
            "/issue",
            get(
                |State(c): State<Arc<Context>>, Query(which): Query<Which>| async move {
                    answer(&c, issue_page(&c, which).await)
                },
            ),
        )
        .route(
            "/email",
            get(
                |State(c): State<Arc<Context>>, Query(which): Query<Which>| async move {
                    answer(&c, email(&c, which).await)
                },
            ),
        )
        .route(
            "/override",
            post(
                |State(c): State<Arc<Context>>, Form(form): Form<OverrideForm>| async move {
                    answer(&c, set_override(&c, form).await)
                },
            ),
        )
        .with_state(context);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("preview at http://{}/", listener.local_addr()?);
    axum::serve(listener, app).await
}

/// Which issue and audience a page is about.
#[derive(Debug, Deserialize)]
struct Which {
    edition: Option<String>,
    audience: Option<String>,
    format: Option<String>,
}

/// A page failed: shown as a page with the error, never a dead server.
struct Failed(String);

/// The site's words, read afresh like everything else; English when the
/// configuration cannot be read (the page then says why).
fn speaker(plan: Option<&Plan>) -> Speaker {
    match plan {
        Some(plan) => Speaker::new(plan.site.templates.as_deref(), &plan.site.language),
        None => Speaker::new(None, &Language::english()),
    }
}

/// The page, or the error shown as a page in the site's language.
fn answer<T: IntoResponse>(context: &Context, result: Result<T, Failed>) -> Response {
    let error = match result {
        Ok(page) => return page.into_response(),
        Err(Failed(error)) => error,
    };
    let say = speaker(config::load(&context.config).ok().as_ref());
    let body = page(
        &say,
        &say.text("preview-error"),
        &format!(
            "<h1>{}</h1><div class=\"error\" role=\"alert\"><pre>{}</pre><p>{}</p></div>",
            escape(&say.text("preview-cannot-render")),
            escape(&error),
            escape(&say.text("preview-fix-and-reload")),
        ),
    );
    (StatusCode::INTERNAL_SERVER_ERROR, Html(body)).into_response()
}

impl<E: std::fmt::Display> From<E> for Failed {
    fn from(error: E) -> Self {
        Failed(error.to_string())
    }
}

/// Everything a page shows, built on a blocking thread (SQLite, rendering).
struct Built {
    plan: Plan,
    edition: Issue,
    /// Why `publish` would hold it rather than send it, if it would.
    held: Option<String>,
    renderer: Renderer,
    store: Store,
}

async fn build(context: &Arc<Context>, edition: Option<String>) -> Result<Built, Failed> {
    let context = Arc::clone(context);
    tokio::task::spawn_blocking(move || {
        let plan = config::load(&context.config).map_err(|e| Failed(e.to_string()))?;
        let renderer = Renderer::new(plan.site.templates.as_deref())?;
        let store = Store::open_read_only(&plan.site.state)?;
        let edition_plan = issue::edition(&plan, edition.as_deref()).map_err(Failed)?;
        let now = context.clock.now();
        let due = issue::next(&plan, edition_plan, &store, now)?;
        let edition = issue::assemble(&plan, edition_plan, &store, &due)?;
        let held = issue::hold_reason(edition_plan, &store, &edition)?;
        Ok(Built {
            plan,
            edition,
            held,
            renderer,
            store,
        })
    })
    .await
    .map_err(|e| Failed(format!("the preview crashed: {e}")))?
}

async fn index(context: &Context) -> Result<Html<String>, Failed> {
    let plan = config::load(&context.config).map_err(|e| Failed(e.to_string()))?;
    let say = speaker(Some(&plan));
    let mut body = format!(
        "<h1>{}</h1><p>{}</p>",
        escape(&plan.site.title),
        escape(&say.text("preview-next-issues"))
    );
    for edition in &plan.editions {
        let _ = write!(
            body,
            "<h2>{} <small>({})</small></h2><ul class=\"audiences\">",
            escape(&edition.title),
            edition.id
        );
        let everyone: Vec<_> = plan.subscribers.iter().collect();
        for group in audience::groups(&plan, edition, &everyone) {
            let _ = write!(
                body,
                "<li><a href=\"/issue?edition={e}&amp;audience={q}\">{a}</a> ({n})</li>",
                e = edition.id,
                q = in_query(&group.slug),
                a = escape(&group.slug),
                n = escape(&say.say(
                    "preview-subscribers",
                    &[("count", Arg::Number(group.members.len() as i64))]
                ))
            );
        }
        body.push_str("</ul>");
    }
    Ok(Html(page(&say, &say.text("preview"), &body)))
}

async fn issue_page(context: &Arc<Context>, which: Which) -> Result<Html<String>, Failed> {
    let built = build(context, which.edition.clone()).await?;
    let say = speaker(Some(&built.plan));
    let slug = which.audience.clone().unwrap_or_default();
    let query = format!(
        "edition={}&amp;audience={}",
        built.edition.id.edition,
        in_query(&slug)
    );
    let audience = if slug.is_empty() { "all" } else { &slug };
    let id = built.edition.id.to_string();
    let frame = say.say(
        "preview-frame",
        &[
            ("title", Arg::Text(built.edition.title.clone())),
            ("issue", Arg::Text(id.clone())),
            ("audience", Arg::Text(audience.to_owned())),
        ],
    );
    let mut body = format!(
        "<nav aria-label=\"{nav}\"><a href=\"/\">{all}</a></nav><h1>{t} <small>{id}</small></h1><div class=\"split\"><iframe id=\"issue\" title=\"{frame}\" src=\"/email?{query}\"></iframe><div>",
        nav = escape(&say.text("preview-nav")),
        all = escape(&say.text("preview-all-editions")),
        t = escape(&built.edition.title),
        frame = escape(&frame),
    );
    if let Some(reason) = &built.held {
        let _ = write!(
            body,
            "<p class=\"held\" role=\"status\"><strong>{}</strong> {}</p>",
            escape(&say.text("preview-held")),
            escape(reason)
        );
    }
    let site = view::Site::from(&built.plan.site);
    body.push_str(&explain_table(&built.edition, &slug, &site, &say));
    body.push_str(&health_table(&built.store, &say)?);
    body.push_str("</div></div>");
    let title = say.say("preview-page", &[("issue", Arg::Text(id))]);
    Ok(Html(page(&say, &title, &body)))
}

async fn email(context: &Arc<Context>, which: Which) -> Result<Response, Failed> {
    let built = build(context, which.edition.clone()).await?;
    let edition_plan = built
        .plan
        .edition(&built.edition.id.edition)
        .expect("built from it");
    let everyone: Vec<_> = built.plan.subscribers.iter().collect();
    let groups = audience::groups(&built.plan, edition_plan, &everyone);
    let wanted = which.audience.as_deref().unwrap_or("");
    // No audience named: the first; a name no audience has is an error, never
    // another audience's email shown in its place.
    let group = match wanted {
        "" => &groups[0],
        _ => (groups.iter().find(|g| g.slug == wanted)).ok_or_else(|| {
            Failed(format!(
                "the {} edition has no audience {wanted:?}",
                edition_plan.id
            ))
        })?,
    };
    let site = view::Site::from(&built.plan.site);
    // As the subscriber gets it: within the size budget.
    let mut view = view::issue(
        &built.edition,
        &group.audience,
        &site,
        built.renderer.catalogues(),
    );
    let (rendered, _) = built
        .renderer
        .email_within(&mut view, crate::render::budget::HTML_BUDGET)?;
    let reader = PreviewReader::speaking(&built.plan, &group.audience.language);
    let fill = |s: &str, html: bool| fill(s, &reader, html);
    let text = which.format.as_deref() == Some("txt") || group.format == Format::Text;
    Ok(if text {
        (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            fill(&rendered.text, false),
        )
            .into_response()
    } else {
        Html(fill(&rendered.html, true)).into_response()
    })
}

/// A pin, drop or unpin from a button.
#[derive(Debug, Deserialize)]
struct OverrideForm {
    edition: String,
    audience: String,
    url: String,
    action: String,
    position: Option<u32>,
}

async fn set_override(context: &Arc<Context>, form: OverrideForm) -> Result<Redirect, Failed> {
    let back = format!(
        "/issue?edition={}&audience={}",
        in_query(&form.edition),
        in_query(&form.audience)
    );
    let context = Arc::clone(context);
    tokio::task::spawn_blocking(move || -> Result<(), Failed> {
        let plan = config::load(&context.config).map_err(|e| Failed(e.to_string()))?;
        let url = canonical_url(&form.url, None)
            .ok_or_else(|| Failed(format!("not a URL: {}", form.url)))?;
        let mut store = Store::open(&plan.site.state)?;
        let edition_plan = issue::edition(&plan, Some(&form.edition)).map_err(Failed)?;
        let id = issue::next(&plan, edition_plan, &store, context.clock.now())?.id;
        let mut writer = store.writer()?;
        let action = match form.action.as_str() {
            "drop" => Some(OverrideAction::Drop),
            "lead" => Some(OverrideAction::Pin {
                lead: true,
                position: form.position,
            }),
            "pin" => Some(OverrideAction::Pin {
                lead: false,
                position: form.position,
            }),
            _ => None,
        };
        match action {
            Some(action) => {
                writer.set_override(&id, &Override { url, action }, context.clock.now())?
            }
            None => {
                writer.clear_override(&id, &url)?;
            }
        }
        writer.commit()?;
        Ok(())
    })
    .await
    .map_err(|e| Failed(e.to_string()))??;
    Ok(Redirect::to(&back))
}

/// What a preview shows the reader in place of per-subscriber values.
pub const PREVIEW_NAME: &str = "Reader";
/// The address a preview shows the reader in place of theirs.
pub const PREVIEW_ADDRESS: &str = "reader@example.com";
/// The unsubscribe link of a preview (goes nowhere).
pub const PREVIEW_UNSUBSCRIBE: &str = "#unsubscribe-preview";
/// The preferences link of a preview (goes nowhere).
pub const PREVIEW_PREFERENCES: &str = "#preferences-preview";

/// The reader a preview is filled in for: a subscriber, or stand-ins for an audience.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewReader {
    /// The name in place of `{{reader.name}}`.
    pub name: String,
    /// The address in place of `{{reader.address}}`.
    pub address: String,
}

impl Default for PreviewReader {
    fn default() -> Self {
        PreviewReader {
            name: PREVIEW_NAME.to_owned(),
            address: PREVIEW_ADDRESS.to_owned(),
        }
    }
}

impl PreviewReader {
    /// The stand-ins for an audience reading `language`: the name in that language
    /// (message `preview-reader`), like the rest of its email.
    pub fn speaking(plan: &Plan, language: &Language) -> PreviewReader {
        PreviewReader {
            name: Speaker::new(plan.site.templates.as_deref(), language).text("preview-reader"),
            ..PreviewReader::default()
        }
    }
}

/// Fills the per-subscriber placeholders with `reader`'s name and address (escaped
/// when `html`) and the preview's unsubscribe link.
pub fn fill(rendered: &str, reader: &PreviewReader, html: bool) -> String {
    let value = |v: &str| if html { escape(v) } else { v.to_owned() };
    rendered
        .replace(view::token::NAME, &value(&reader.name))
        .replace(view::token::ADDRESS, &value(&reader.address))
        .replace(view::token::UNSUBSCRIBE, PREVIEW_UNSUBSCRIBE)
        .replace(view::token::PREFERENCES, PREVIEW_PREFERENCES)
}
