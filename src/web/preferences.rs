//! `/preferences?token=…`: the reader's own page, reached from "Manage your
//! subscription" in every email. Sections, editions, format, time zone and name
//! (changes apply from the next issue); unsubscribe and subscribe again; download
//! what is stored as JSON; delete it. A reader the subscribers file lists is kept
//! by hand: they can unsubscribe and download, and are told whom to ask for the rest.

use std::sync::Arc;

use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode, Uri, header},
    response::{Html, IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::{
    Web, forbidden_origin,
    form::{self, Fields},
    pages, same_origin,
    subscribe::Token,
    unavailable,
};
use crate::{
    config::Plan,
    model::html::escape,
    signup::{Keys, token::Purpose},
    store::{Store, StoreError},
    subscribers::{self, mask},
};

/// Checks the token of a preferences request.
fn reader(web: &Web, token: &str) -> Result<(Plan, Keys, String), Response> {
    let (plan, keys) = web.keys()?;
    match keys.check(Purpose::Preferences, token, web.now()) {
        Ok(address) => Ok((plan, keys, address)),
        Err(_) => Err((
            StatusCode::BAD_REQUEST,
            Html(pages::page(
                &plan,
                "This link does not work",
                "<p>This link is incomplete or was not issued by us. Use the \
                 \"Manage your subscription\" link of a recent email.</p>",
            )),
        )
            .into_response()),
    }
}

/// Runs `work` on the store off the async threads.
async fn with_store<T: Send + 'static>(
    plan: &Plan,
    work: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Response> {
    let path = plan.site.state.clone();
    let done = tokio::task::spawn_blocking(move || {
        let mut store = Store::open(&path)?;
        work(&mut store)
    })
    .await;
    match done {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "preferences: the state file failed");
            Err(unavailable())
        }
        Err(e) => {
            tracing::error!(error = %e, "preferences: task failed");
            Err(unavailable())
        }
    }
}

/// What the page shows for `address`.
async fn render(plan: &Plan, token: &str, address: &str, note: Option<&str>) -> Response {
    let who = address.to_owned();
    let state = with_store(plan, move |store| {
        Ok((store.reader(&who)?, store.suppressed_set()?.contains(&who)))
    })
    .await;
    let (stored, suppressed) = match state {
        Ok(found) => found,
        Err(response) => return response,
    };
    let in_file = plan
        .subscribers
        .iter()
        .find(|s| s.address.as_str() == address);
    let token = escape(token);
    let mut body = format!(
        "<p>Subscription of <strong>{}</strong> to {}.</p>",
        escape(&mask(address)),
        escape(&plan.site.title)
    );
    if let Some(note) = note {
        body.push_str(&format!(
            "<p role=\"status\" class=\"note\">{}</p>",
            escape(note)
        ));
    }
    let status = match (in_file.is_some() || stored.is_some(), suppressed) {
        (true, false) => "You receive it.",
        (true, true) => "You are unsubscribed: nothing is sent to you.",
        (false, _) => "You are not subscribed.",
    };
    body.push_str(&format!("<p>{status}</p>"));
    match (in_file, &stored) {
        (Some(_), _) => body.push_str(
            "<p>Your subscription is kept by the editors by hand: write to them to change \
             your sections or format.</p>",
        ),
        (None, Some(reader)) => {
            body.push_str(&format!(
                "<form method=\"post\" action=\"/preferences\"><input type=\"hidden\" name=\"token\" value=\"{token}\">\
                 {}<p>Changes apply from the next issue.</p>\
                 <button type=\"submit\" name=\"action\" value=\"save\">Save my choices</button></form>",
                pages::choice_fields(plan, &reader.choice)
            ));
        }
        (None, None) => body.push_str("<p><a href=\"/subscribe\">Subscribe</a>.</p>"),
    }
    let listed = in_file.is_some() || stored.is_some();
    if listed {
        let (action, label) = if suppressed {
            ("resubscribe", "Subscribe again")
        } else {
            ("unsubscribe", "Unsubscribe")
        };
        body.push_str(&format!(
            "<form method=\"post\" action=\"/preferences\"><input type=\"hidden\" name=\"token\" value=\"{token}\">\
             <button type=\"submit\" name=\"action\" value=\"{action}\">{label}</button></form>"
        ));
    }
    body.push_str(&format!(
        "<h2>Your data</h2><p>We keep your address, your choices above, when you subscribed, \
         and which issues were sent to you. There are no tracking pixels and no redirected links.</p>\
         <p><a href=\"/preferences/data?token={token}\" download>Download what is stored about you (JSON)</a></p>\
         <form method=\"post\" action=\"/preferences/delete\"><input type=\"hidden\" name=\"token\" value=\"{token}\">\
         <button type=\"submit\">Delete what is stored about me</button></form>"
    ));
    Html(pages::page(plan, "Your subscription", &body)).into_response()
}

/// `GET /preferences?token=…`
pub(super) async fn page(State(web): State<Arc<Web>>, Query(query): Query<Token>) -> Response {
    let token = query.token.unwrap_or_default();
    match reader(&web, &token) {
        Ok((plan, _, address)) => render(&plan, &token, &address, None).await,
        Err(response) => response,
    }
}

/// `POST /preferences`: `action` = save, unsubscribe or resubscribe.
pub(super) async fn save(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    uri: Uri,
    body: String,
) -> Response {
    let fields = Fields::parse(uri.query(), &body);
    let token = fields.get("token").unwrap_or_default().to_owned();
    let (plan, _, address) = match reader(&web, &token) {
        Ok(found) => found,
        Err(response) => return response,
    };
    if !same_origin(&plan, &headers) {
        return forbidden_origin();
    }
    let now = web.now();
    let in_file = plan
        .subscribers
        .iter()
        .any(|s| s.address.as_str() == address);
    let who = address.clone();
    let note = match fields.get("action") {
        Some("unsubscribe") => with_store(&plan, move |store| {
            let mut w = store.writer()?;
            w.suppress(&who, "unsubscribed", now)?;
            w.commit()
        })
        .await
        .map(|()| "You are unsubscribed. Nothing more will be sent to you."),
        Some("resubscribe") => with_store(&plan, move |store| {
            let mut w = store.writer()?;
            w.unsuppress(&who)?;
            w.commit()
        })
        .await
        .map(|()| "You are subscribed again, from the next issue."),
        _ if in_file => Ok("Your subscription is kept by hand: nothing was changed."),
        _ => match form::choice(&plan, &fields) {
            Err(problem) => return render(&plan, &token, &address, Some(&problem)).await,
            Ok(choice) => with_store(&plan, move |store| {
                let Some(current) = store.reader(&who)? else {
                    return Ok(false);
                };
                let mut w = store.writer()?;
                w.put_reader(&who, &choice, &current.origin, now)?;
                w.commit()?;
                Ok(true)
            })
            .await
            .map(|saved| match saved {
                true => "Saved. Your choices apply from the next issue.",
                false => "You are not subscribed: nothing was saved.",
            }),
        },
    };
    match note {
        Ok(note) => {
            tracing::info!(reader = %mask(&address), "preferences changed");
            render(&plan, &token, &address, Some(note)).await
        }
        Err(response) => response,
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

/// `GET /preferences/data?token=…`: everything stored about the reader, as JSON.
pub(super) async fn data(State(web): State<Arc<Web>>, Query(query): Query<Token>) -> Response {
    let token = query.token.unwrap_or_default();
    let (plan, _, address) = match reader(&web, &token) {
        Ok(found) => found,
        Err(response) => return response,
    };
    let who = address.clone();
    let stored = with_store(&plan, move |store| {
        let suppression = store.suppressed()?.into_iter().find(|s| s.address == who);
        Ok((store.reader(&who)?, store.signup(&who)?, suppression))
    })
    .await;
    let (reader, signup, suppression) = match stored {
        Ok(found) => found,
        Err(response) => return response,
    };
    let file = plan
        .subscribers
        .iter()
        .find(|s| s.address.as_str() == address)
        .map(|s| serde_json::to_value(subscribers::choice(s)).unwrap_or_default());
    let body = json!({
        "address": address,
        "subscribers_file": file,
        "store": reader,
        "pending_signup": signup.map(|s| json!({"choice": s.choice, "requested_at": time(s.requested_at)})),
        "suppressed": suppression.map(|s| json!({"reason": s.reason, "at": time(s.at)})),
    });
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"my-subscription.json\"",
            ),
        ],
        serde_json::to_string_pretty(&body).unwrap_or_default(),
    )
        .into_response()
}

/// `POST /preferences/delete`: forgets the reader (an address the subscribers file
/// lists is suppressed instead, so that it stays unsubscribed).
pub(super) async fn delete(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    uri: Uri,
    body: String,
) -> Response {
    let fields = Fields::parse(uri.query(), &body);
    let token = fields.get("token").unwrap_or_default().to_owned();
    let (plan, _, address) = match reader(&web, &token) {
        Ok(found) => found,
        Err(response) => return response,
    };
    if !same_origin(&plan, &headers) {
        return forbidden_origin();
    }
    let in_file = plan
        .subscribers
        .iter()
        .any(|s| s.address.as_str() == address);
    let now = web.now();
    let who = address.clone();
    let done = with_store(&plan, move |store| {
        let mut w = store.writer()?;
        w.remove_reader(&who)?;
        w.unsuppress(&who)?;
        if in_file {
            w.suppress(&who, "unsubscribed", now)?;
        }
        w.commit()
    })
    .await;
    if let Err(response) = done {
        return response;
    }
    tracing::info!(reader = %mask(&address), "reader's data deleted");
    let text = if in_file {
        "<p>You are unsubscribed, and your choices are deleted. The editors keep your address in \
         their list by hand, marked so that nothing is sent to it; write to them to have it removed.</p>"
    } else {
        "<p>Your subscription and your choices are deleted. Nothing more will be sent to you.</p>"
    };
    Html(pages::page(&plan, "Deleted", text)).into_response()
}
