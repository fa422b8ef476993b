//! `GET /search?q=…`: the archived stories whose title or summary has every word
//! typed, best first, each linking to the issue page that carried it. The static
//! archive works without it.

use std::{fmt::Write as _, sync::Arc};

use axum::{
    extract::{Query, State},
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;

use super::{Web, pages, unavailable};
use crate::{
    i18n::Arg,
    model::{IssueId, html::escape},
    render::view::permalink,
    store::{MATCH_END, MATCH_START, Store},
};

/// Results shown at most.
const RESULTS: usize = 50;
/// The longest query read.
const QUERY_CHARS: usize = 200;

#[derive(Deserialize)]
pub(super) struct Search {
    q: Option<String>,
}

/// A snippet as HTML: escaped, the words found in `<mark>`.
fn marked(snippet: &str) -> String {
    escape(snippet)
        .replace(MATCH_START, "<mark>")
        .replace(MATCH_END, "</mark>")
}

/// `GET /search?q=…`
pub(super) async fn page(State(web): State<Arc<Web>>, Query(query): Query<Search>) -> Response {
    let plan = web.plan();
    let q: String = query
        .q
        .unwrap_or_default()
        .chars()
        .take(QUERY_CHARS)
        .collect();
    let say = pages::speaker(&plan);
    let mut body = format!(
        "<form method=\"get\" action=\"/search\" role=\"search\">\
         <label for=\"q\">{}</label>\
         <input type=\"search\" id=\"q\" name=\"q\" value=\"{}\">\
         <button type=\"submit\">{}</button></form>",
        say.text("search-label"),
        escape(&q),
        say.text("search-button"),
    );
    let title = say.text("page-search");
    if q.trim().is_empty() {
        return Html(pages::page(&plan, &title, &body)).into_response();
    }
    let path = plan.site.state.clone();
    let wanted = q.clone();
    let found = tokio::task::spawn_blocking(move || {
        Store::open(&path).and_then(|store| store.search(&wanted, RESULTS))
    })
    .await;
    let hits = match found {
        Ok(Ok(hits)) => hits,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "search failed");
            return unavailable(&plan);
        }
        Err(e) => {
            tracing::error!(error = %e, "search task failed");
            return unavailable(&plan);
        }
    };
    let found = say.say(
        "search-found",
        &[
            ("count", Arg::Number(hits.len() as i64)),
            ("query", Arg::Text(escape(&q))),
        ],
    );
    let _ = write!(body, "<p role=\"status\">{found}</p><ol class=\"results\">");
    let base = plan.site.base_url.as_str();
    for hit in &hits {
        let Ok(issue) = IssueId::parse(&hit.issue) else {
            continue;
        };
        let _ = write!(
            body,
            "<li><p><a href=\"{url}\">{title}</a></p><p>{snippet}</p>\
             <p><small>{edition}, <time datetime=\"{date}\">{date}</time></small></p></li>",
            url = escape(&permalink(base, &issue)),
            title = escape(&hit.title),
            snippet = marked(&hit.snippet),
            edition = escape(issue.edition.as_str()),
            date = issue.date.format("%Y-%m-%d"),
        );
    }
    body.push_str("</ol>");
    Html(pages::page(&plan, &title, &body)).into_response()
}
