//! The public HTTP side (`pressroom serve`, and the daemon's listener): one-click
//! unsubscribe (RFC 8058, `unsubscribe.rs`), the static archive from the output folder
//! (`files.rs`, `paths.rs`), `/healthz` and `/metrics`, behind a hardened accept loop
//! (`listener.rs`: a deadline for request heads, a cap on connections).
//!
//! Each group of routes is one `Router` merged in [`router`]: a new group is one line.

mod files;
mod listener;
mod paths;
mod unsubscribe;

use std::{net::SocketAddr, sync::Arc};

use axum::{
    Router,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

pub use listener::Limits;

use crate::{
    config::Plan,
    i18n::{Arg, Speaker},
    model::html::escape,
    time::Clock,
};

/// What the handlers need.
pub struct Shared {
    /// The configuration (the daemon swaps it on reload).
    pub plan: std::sync::RwLock<Plan>,
    /// "Now" for unsubscribe times.
    pub clock: Clock,
    /// Extra routes' text for `/metrics` (set by the daemon).
    pub metrics: Option<Box<dyn Fn() -> String + Send + Sync>>,
    /// The daemon's liveness, for `/healthz` (`serve` has none and answers "ok").
    pub health: Option<Arc<crate::daemon::health::Health>>,
}

impl Shared {
    /// The current plan (a copy: the daemon may swap it on reload).
    pub fn plan(&self) -> Plan {
        self.plan.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The router of the public listener: one line per group of routes.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .merge(unsubscribe::routes())
        .merge(operations())
        .fallback(get(files::archive_file))
        .with_state(shared.clone())
        .merge(crate::web::routes(shared))
}

/// `/healthz` and `/metrics`.
fn operations() -> Router<Arc<Shared>> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

/// Serves the public site on `addr` until the process stops.
pub async fn serve(shared: Arc<Shared>, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{}/", listener.local_addr()?);
    serve_on(shared, listener).await
}

/// Serves the public site on a listener bound already (the daemon binds first, so
/// that a taken address stops it at once) until the process stops, within the limits
/// of `[daemon]` as they were at the start.
pub async fn serve_on(
    shared: Arc<Shared>,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    let daemon = shared.plan().daemon;
    let limits = Limits {
        max_connections: daemon.max_connections,
        header_timeout: daemon.header_timeout,
    };
    tracing::info!(
        max_connections = limits.max_connections,
        header_timeout = %humantime::format_duration(limits.header_timeout),
        "HTTP connection limits"
    );
    listener::run(listener, router(shared), limits).await
}

/// `/healthz`: the daemon's report (200, or 503 once its loop stalls or the state file
/// does not open); without a daemon (`pressroom serve`), "ok".
async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    let Some(health) = shared.health.clone() else {
        return "ok\n".into_response();
    };
    let report = crate::daemon::health::check(shared, health).await;
    let status =
        StatusCode::from_u16(report.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        report.json(),
    )
        .into_response()
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    match &shared.metrics {
        Some(render) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            render(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A small HTML page (errors, confirmations) in the site's language: message
/// `title` as its title, then message `text` with `args` (HTML already escaped),
/// then `after` (HTML: a form).
fn page(plan: &Plan, title: &str, text: &str, args: &[(&str, Arg)], after: &str) -> String {
    let say = Speaker::new(plan.site.templates.as_deref(), &plan.site.language);
    let body = format!("<p>{}</p>{after}", say.say(text, args));
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{t}</title></head><body style=\"font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem\"><main><h1>{t}</h1>{body}</main></body></html>",
        lang = escape(plan.site.language.as_str()),
        t = escape(&say.text(title))
    )
}
