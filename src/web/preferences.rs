//! `/preferences?token=…`: the reader's own page, reached from "Manage your
//! subscription" in every email. Sections, editions, format, time zone and name
//! (changes apply from the next issue); unsubscribe and subscribe again; download
//! what is stored as JSON; delete it. A reader the subscribers file lists is kept
//! by hand: they can unsubscribe and download, and are told whom to ask for the rest.
//! The pages speak the language the reader chose, else the site's.

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
    i18n::{Arg, Language},
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
                &pages::speaker(&plan).text("page-link-broken"),
                &format!(
                    "<p>{}</p>",
                    escape(&pages::speaker(&plan).text("preferences-link-invalid"))
                ),
            )),
        )
            .into_response()),
    }
}

/// `plan` as the reader at `address` sees it: in the language they chose (in the
/// subscribers file, which wins, in the store, or on a sign-up waiting for its
/// confirmation), else the site's.
pub(super) async fn for_reader(plan: Plan, address: &str) -> Plan {
    let listed = (plan.subscribers.iter()).find(|s| s.address.as_str() == address);
    let language = match listed {
        Some(subscriber) => subscriber.language.clone(),
        None => {
            let who = address.to_owned();
            let stored = with_store(&plan, move |store| {
                Ok(match store.reader(&who)? {
                    Some(reader) => reader.choice.language,
                    None => store.signup(&who)?.and_then(|s| s.choice.language),
                })
            })
            .await;
            (stored.ok().flatten()).and_then(|tag| Language::parse(&tag).ok())
        }
    };
    match language {
        Some(language) if language != plan.site.language => pages::in_language(plan, &language),
        _ => plan,
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
            Err(unavailable(plan))
        }
        Err(e) => {
            tracing::error!(error = %e, "preferences: task failed");
            Err(unavailable(plan))
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
    let say = pages::speaker(plan);
    let mut body = format!(
        "<p>{}</p>",
        say.say(
            "preferences-of",
            &[
                (
                    "address",
                    Arg::Text(format!("<strong>{}</strong>", escape(&mask(address))))
                ),
                ("site", Arg::Text(escape(&plan.site.title))),
            ]
        )
    );
    if let Some(note) = note {
        body.push_str(&format!(
            "<p role=\"status\" class=\"note\">{}</p>",
            escape(note)
        ));
    }
    let status = match (in_file.is_some() || stored.is_some(), suppressed) {
        (true, false) => "preferences-receive",
        (true, true) => "preferences-unsubscribed",
        (false, _) => "preferences-not-subscribed",
    };
    body.push_str(&format!("<p>{}</p>", say.text(status)));
    match (in_file, &stored) {
        (Some(_), _) => body.push_str(&format!("<p>{}</p>", say.text("preferences-by-hand"))),
        (None, Some(reader)) => {
            body.push_str(&format!(
                "<form method=\"post\" action=\"/preferences\"><input type=\"hidden\" name=\"token\" value=\"{token}\">\
                 {}<p>{}</p>\
                 <button type=\"submit\" name=\"action\" value=\"save\">{}</button></form>",
                pages::choice_fields(plan, &reader.choice),
                say.text("preferences-apply"),
                say.text("preferences-save"),
            ));
        }
        (None, None) => body.push_str(&format!(
            "<p><a href=\"/subscribe\">{}</a>.</p>",
            say.text("preferences-subscribe")
        )),
    }
    let listed = in_file.is_some() || stored.is_some();
    if listed {
        let (action, label) = if suppressed {
            ("resubscribe", say.text("preferences-resubscribe"))
        } else {
            ("unsubscribe", say.text("preferences-unsubscribe"))
        };
        body.push_str(&format!(
            "<form method=\"post\" action=\"/preferences\"><input type=\"hidden\" name=\"token\" value=\"{token}\">\
             <button type=\"submit\" name=\"action\" value=\"{action}\">{label}</button></form>"
        ));
    }
    body.push_str(&format!(
        "<h2>{}</h2><p>{}</p>\
         <p><a href=\"/preferences/data?token={token}\" download>{}</a></p>\
         <form method=\"post\" action=\"/preferences/delete\"><input type=\"hidden\" name=\"token\" value=\"{token}\">\
         <button type=\"submit\">{}</button></form>",
        say.text("preferences-data"),
        say.text("preferences-data-text"),
        say.text("preferences-download"),
        say.text("preferences-delete"),
    ));
    Html(pages::page(plan, &say.text("page-preferences"), &body)).into_response()
}

/// `GET /preferences?token=…`
pub(super) async fn page(State(web): State<Arc<Web>>, Query(query): Query<Token>) -> Response {
    let token = query.token.unwrap_or_default();
    match reader(&web, &token) {
        Ok((plan, _, address)) => {
            let plan = for_reader(plan, &address).await;
            render(&plan, &token, &address, None).await
        }
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
        return forbidden_origin(&plan);
    }
    let site = plan.clone();
    let plan = for_reader(plan, &address).await;
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
        .map(|()| "note-unsubscribed"),
        Some("resubscribe") => with_store(&plan, move |store| {
            let mut w = store.writer()?;
            w.unsuppress(&who)?;
            w.commit()
        })
        .await
        .map(|()| "note-resubscribed"),
        _ if in_file => Ok("note-by-hand"),
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
                true => "note-saved",
                false => "note-not-saved",
            }),
        },
    };
    match note {
        Ok(note) => {
            tracing::info!(reader = %mask(&address), "preferences changed");
            // In the language just chosen, if it changed.
            let plan = for_reader(site, &address).await;
            let note = pages::speaker(&plan).text(note);
            render(&plan, &token, &address, Some(&note)).await
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
        return forbidden_origin(&plan);
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
    let say = pages::speaker(&plan);
    let text = say.text(if in_file {
        "deleted-by-hand"
    } else {
        "deleted-text"
    });
    Html(pages::page(
        &plan,
        &say.text("page-deleted"),
        &format!("<p>{text}</p>"),
    ))
    .into_response()
}
