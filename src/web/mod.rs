//! The reader's pages on the public listener: sign up (`/subscribe`), confirm
//! (`/confirm`), manage a subscription (`/preferences`), search the archive
//! (`/search`). `serve::router` merges
//! [`routes`]. The logic lives in [`crate::signup`]; this module is HTTP and HTML.
//!
//! Every POST is checked for its origin: a browser's `Origin` (or `Referer`) must be
//! the site's (`site.base_url`) or the host the request was sent to, so another site
//! cannot submit these forms; the sign-up form also carries a signed, expiring token
//! and a honeypot field. A GET never changes anything (link scanners follow links).

// A handler's helpers answer early with the page to send (`Err(Response)`), once
// per request: boxing it would add an allocation and noise for nothing.
#![allow(clippy::result_large_err)]

mod form;
mod pages;
mod preferences;
mod search;
mod subscribe;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, StatusCode, header, request::Parts},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
};

use crate::{
    config::Plan,
    serve::Shared,
    signup::{Keys, limits::Limiter},
};

/// What the reader's handlers share.
pub(crate) struct Web {
    shared: Arc<Shared>,
    /// Sign-up and preference POSTs per client.
    per_client: Limiter,
    /// Sign-up POSTs per address (on top of one email a day through the outbox).
    per_address: Limiter,
}

/// Sign-up POSTs a client may make in [`CLIENT_WINDOW`].
pub const PER_CLIENT: usize = 10;
/// The window of [`PER_CLIENT`].
pub const CLIENT_WINDOW: Duration = Duration::from_secs(3600);
/// Sign-up POSTs for one address in an hour.
pub const PER_ADDRESS: usize = 3;

/// The routes of the reader's pages.
pub fn routes(shared: Arc<Shared>) -> Router {
    let web = Arc::new(Web {
        shared,
        per_client: Limiter::new(PER_CLIENT, CLIENT_WINDOW),
        per_address: Limiter::new(PER_ADDRESS, Duration::from_secs(3600)),
    });
    Router::new()
        .route(
            "/subscribe",
            get(subscribe::form_page).post(subscribe::submit),
        )
        .route(
            "/confirm",
            get(subscribe::confirm_page).post(subscribe::confirm),
        )
        .route(
            "/preferences",
            get(preferences::page).post(preferences::save),
        )
        .route("/preferences/data", get(preferences::data))
        .route("/preferences/delete", post(preferences::delete))
        .route("/search", get(search::page))
        .with_state(web)
}

impl Web {
    fn plan(&self) -> Plan {
        self.shared
            .plan
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// [`Web::keys`], and a 404 when sign-ups are turned off (`email.signup`).
    fn signup_keys(&self) -> Result<(Plan, Keys), Response> {
        let (plan, keys) = self.keys()?;
        match plan.email.as_ref().is_some_and(|e| e.signup) {
            true => Ok((plan, keys)),
            false => Err(StatusCode::NOT_FOUND.into_response()),
        }
    }

    /// The plan and its signing keys; a 404 without `[email]` (no sign-up then).
    fn keys(&self) -> Result<(Plan, Keys), Response> {
        let plan = self.plan();
        match Keys::of(&plan) {
            None => Err(StatusCode::NOT_FOUND.into_response()),
            Some(Ok(keys)) => Ok((plan, keys)),
            Some(Err(e)) => {
                tracing::error!(error = %e, "cannot read the signing secret");
                Err(unavailable(&plan))
            }
        }
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.shared.clock.now()
    }
}

/// The client a request comes from: the peer's address, or, when the peer is a
/// reverse proxy on this host (loopback), the last address of its
/// `X-Forwarded-For`.
pub(crate) struct Client(String);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Client, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        let client = match (peer, forwarded) {
            (Some(peer), Some(forwarded)) if peer.is_loopback() => forwarded,
            (Some(peer), _) => peer.to_string(),
            (None, _) => "unknown".to_owned(),
        };
        Ok(Client(client))
    }
}

/// Whether a POST comes from the site's own pages: its `Origin` (else `Referer`)
/// names the site's base URL or the host it was sent to. Neither header: not a
/// browser, which always sends `Origin` with a form POST; allowed.
fn same_origin(plan: &Plan, headers: &HeaderMap) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(claimed) = claimed else {
        return true;
    };
    let Ok(claimed) = url::Url::parse(claimed) else {
        return false;
    };
    let origin = claimed.origin();
    if origin == plan.site.base_url.origin() {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    host.and_then(|h| url::Url::parse(&format!("{}://{h}/", claimed.scheme())).ok())
        .is_some_and(|own| own.origin() == origin)
}

fn forbidden_origin(plan: &Plan) -> Response {
    let say = pages::speaker(plan);
    (
        StatusCode::FORBIDDEN,
        Html(pages::plain(
            plan,
            &say.text("page-not-accepted"),
            &format!("<p>{}</p>", say.text("page-not-accepted-text")),
        )),
    )
        .into_response()
}

fn unavailable(plan: &Plan) -> Response {
    let say = pages::speaker(plan);
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(pages::plain(
            plan,
            &say.text("page-try-later"),
            &format!("<p>{}</p>", say.text("page-try-later-text")),
        )),
    )
        .into_response()
}
