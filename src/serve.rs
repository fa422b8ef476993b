//! The public HTTP side (`pressroom serve`, and the daemon's listener): one-click
//! unsubscribe (RFC 8058), the static archive from the output folder, `/healthz`.
//!
//! `POST /unsubscribe?token=…` suppresses the address and answers 200 (what mail
//! clients' one-click buttons send). `GET /unsubscribe?token=…` only shows a page with
//! a button: link scanners follow links, so a GET never unsubscribes. A forged or
//! stale token changes nothing.

use std::{
    net::SocketAddr,
    path::{Component, Path, PathBuf},
    sync::Arc,
};

use axum::{
    Router,
    extract::{Query, State},
    http::{StatusCode, Uri, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;

use crate::{config::Plan, deliver::unsubscribe, model::html::escape, store::Store, time::Clock};

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

/// The router of the public listener.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/unsubscribe", get(unsubscribe_page).post(unsubscribe_now))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback(get(archive_file))
        .with_state(shared.clone())
        .merge(crate::web::routes(shared))
}

/// Serves the public site on `addr` until the process stops.
pub async fn serve(shared: Arc<Shared>, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{}/", listener.local_addr()?);
    serve_on(shared, listener).await
}

/// Serves the public site on a listener bound already (the daemon binds first, so
/// that a taken address stops it at once) until the process stops.
pub async fn serve_on(
    shared: Arc<Shared>,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    let app = router(shared).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).await
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

#[derive(Deserialize)]
struct Token {
    token: Option<String>,
}

/// The list the tokens are for, and the secret that signs them.
fn keys(plan: &Plan) -> Option<(String, Result<String, String>)> {
    let email = plan.email.as_ref()?;
    let secret = match &email.unsubscribe_secret {
        Some(secret) => Ok(secret.expose().to_owned()),
        None => Store::open(&plan.site.state)
            .and_then(|mut s| s.unsubscribe_secret())
            .map_err(|e| e.to_string()),
    };
    Some((email.list_id.clone(), secret))
}

fn verified(shared: &Shared, token: Option<&str>) -> Result<(String, Plan), Box<Response>> {
    let plan = shared
        .plan
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let invalid = || -> Box<Response> {
        Box::new((StatusCode::BAD_REQUEST, Html(page("This link is not valid", "<p>The unsubscribe link is incomplete or was not issued by us. Nothing has changed.</p>"))).into_response())
    };
    let (list, secret) = keys(&plan).ok_or_else(invalid)?;
    let secret =
        secret.map_err(|e| Box::new((StatusCode::SERVICE_UNAVAILABLE, e).into_response()))?;
    let address =
        unsubscribe::verify(&secret, token.ok_or_else(invalid)?, &list).ok_or_else(invalid)?;
    Ok((address, plan))
}

async fn unsubscribe_page(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<Token>,
) -> Response {
    let (address, plan) = match verified(&shared, query.token.as_deref()) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let token = escape(query.token.as_deref().unwrap_or_default());
    let body = format!(
        "<p>Stop sending <strong>{}</strong> to <strong>{}</strong>?</p><form method=\"post\" action=\"/unsubscribe?token={token}\"><button type=\"submit\">Unsubscribe</button></form>",
        escape(&plan.site.title),
        escape(&address)
    );
    Html(page("Unsubscribe", &body)).into_response()
}

async fn unsubscribe_now(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<Token>,
) -> Response {
    let (address, plan) = match verified(&shared, query.token.as_deref()) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let at = shared.clock.now();
    let done = tokio::task::spawn_blocking(move || -> Result<(), String> {
        let mut store = Store::open(&plan.site.state).map_err(|e| e.to_string())?;
        let mut writer = store.writer().map_err(|e| e.to_string())?;
        writer
            .suppress(&address, "unsubscribed", at)
            .map_err(|e| e.to_string())?;
        writer.commit().map_err(|e| e.to_string())
    })
    .await;
    match done {
        Ok(Ok(())) => Html(page(
            "Unsubscribed",
            "<p>You will not receive this digest any more.</p>",
        ))
        .into_response(),
        Ok(Err(e)) => (StatusCode::SERVICE_UNAVAILABLE, e).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
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

/// Files of the archive under the output folder; `/` and folders serve `index.html`.
async fn archive_file(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let root = shared
        .plan
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .site
        .output
        .clone();
    let Some(path) = inside(&root, uri.path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let path = if path.is_dir() {
        path.join("index.html")
    } else {
        path
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type(&path))], bytes).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `request` as a path under `root`, refusing anything that would leave it.
fn inside(root: &Path, request: &str) -> Option<PathBuf> {
    let mut path = root.to_owned();
    for part in Path::new(request.trim_start_matches('/')).components() {
        match part {
            // Hidden files (temporary writes) and messages are never served.
            Component::Normal(name) if name.to_string_lossy().starts_with('.') => return None,
            Component::Normal(name) if name.to_string_lossy().ends_with(".eml") => return None,
            Component::Normal(name) => path.push(name),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(path)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("xml") => "application/rss+xml; charset=utf-8",
        Some("atom") => "application/atom+xml; charset=utf-8",
        Some("json") => "application/feed+json; charset=utf-8",
        Some("css") => "text/css",
        _ => "application/octet-stream",
    }
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{t}</title></head><body style=\"font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem\"><h1>{t}</h1>{body}</body></html>",
        t = escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_paths_stay_inside_the_output_folder() {
        let root = Path::new("/srv/out");
        assert_eq!(
            inside(root, "/morning/2026-11-27/"),
            Some(PathBuf::from("/srv/out/morning/2026-11-27"))
        );
        assert_eq!(inside(root, "/"), Some(PathBuf::from("/srv/out")));
        assert_eq!(inside(root, "/../etc/passwd"), None);
        assert_eq!(inside(root, "/a/../../b"), None);
        assert_eq!(inside(root, "/outbox/anna@readers.example.eml"), None);
        assert_eq!(inside(root, "/feeds/.morning.xml.tmp"), None);
    }
}
