//! One-click unsubscribe (RFC 8058). `POST /unsubscribe?token=…` suppresses the
//! address and answers 200 (what mail clients' one-click buttons send).
//! `GET /unsubscribe?token=…` only shows a page with a button: link scanners follow
//! links, so a GET never unsubscribes. A forged or stale token changes nothing.

use std::sync::Arc;

use axum::{
    Router,
    extract::{Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;

use super::{Shared, page};
use crate::{
    config::Plan,
    deliver::unsubscribe,
    i18n::{Arg, Speaker},
    model::html::escape,
    store::Store,
};

/// `/unsubscribe`.
pub(super) fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/unsubscribe", get(unsubscribe_page).post(unsubscribe_now))
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
    let plan = shared.plan();
    let invalid = || -> Box<Response> {
        Box::new(
            (
                StatusCode::BAD_REQUEST,
                Html(page(
                    &plan,
                    "page-link-not-valid",
                    "unsubscribe-invalid",
                    &[],
                    "",
                )),
            )
                .into_response(),
        )
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
    let strong = |text: &str| Arg::Text(format!("<strong>{}</strong>", escape(text)));
    let say = Speaker::new(plan.site.templates.as_deref(), &plan.site.language);
    let form = format!(
        "<form method=\"post\" action=\"/unsubscribe?token={token}\"><button type=\"submit\">{}</button></form>",
        say.text("unsubscribe-button")
    );
    let args = [
        ("site", strong(&plan.site.title)),
        ("address", strong(&address)),
    ];
    Html(page(
        &plan,
        "page-unsubscribe",
        "unsubscribe-question",
        &args,
        &form,
    ))
    .into_response()
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
    let state = plan.site.state.clone();
    let done = tokio::task::spawn_blocking(move || -> Result<(), String> {
        let mut store = Store::open(&state).map_err(|e| e.to_string())?;
        let mut writer = store.writer().map_err(|e| e.to_string())?;
        writer
            .suppress(&address, "unsubscribed", at)
            .map_err(|e| e.to_string())?;
        writer.commit().map_err(|e| e.to_string())
    })
    .await;
    match done {
        Ok(Ok(())) => Html(page(
            &plan,
            "page-unsubscribed",
            "unsubscribed-text",
            &[],
            "",
        ))
        .into_response(),
        Ok(Err(e)) => (StatusCode::SERVICE_UNAVAILABLE, e).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
