//! `GET/POST /subscribe` and `GET/POST /confirm`: double opt-in.
//!
//! Whatever the address (new, waiting, subscribed, suppressed, over its limit) and
//! whether the honeypot was filled, a well-formed POST gets the same page, and the
//! email goes out after the answer, so neither the page nor its timing tells whether
//! an address is subscribed.

use std::sync::Arc;

use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode, Uri},
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;

use super::{
    Client, Web, forbidden_origin,
    form::{self, Fields},
    pages, same_origin, unavailable,
};
use crate::{
    config::{Address, Plan},
    i18n::{Arg, Language, Speaker},
    model::html::escape,
    signup::{self, Confirmed, token::Purpose, token::TokenError},
    store::Choice,
};

/// The sign-up form, with `error` above it and `current` filled in.
fn form_html(
    plan: &Plan,
    token: &str,
    current: &Choice,
    email: &str,
    error: Option<&str>,
) -> String {
    let error = error.map_or(String::new(), |e| {
        format!(
            "<p class=\"error\" role=\"alert\" id=\"problem\">{}</p>",
            escape(e)
        )
    });
    let say = pages::speaker(plan);
    format!(
        "<p>{intro}</p>{error}\
         <form method=\"post\" action=\"/subscribe\">\
         <input type=\"hidden\" name=\"form\" value=\"{token}\">\
         <label for=\"email\">{address}</label>\
         <input type=\"email\" id=\"email\" name=\"email\" required autocomplete=\"email\" value=\"{email}\">\
         {fields}\
         <div class=\"trap\" aria-hidden=\"true\"><label for=\"website\">{trap}</label>\
         <input type=\"text\" id=\"website\" name=\"website\" tabindex=\"-1\" autocomplete=\"off\"></div>\
         <button type=\"submit\">{button}</button></form>",
        intro = say.say(
            "subscribe-intro",
            &[("site", Arg::Text(escape(&plan.site.title)))]
        ),
        address = say.text("form-email"),
        trap = say.text("form-trap"),
        button = say.text("form-subscribe"),
        token = escape(token),
        email = escape(email),
        fields = pages::choice_fields(plan, current),
    )
}

fn default_choice() -> Choice {
    Choice {
        format: "html".to_owned(),
        ..Choice::default()
    }
}

/// `GET /subscribe`
pub(super) async fn form_page(State(web): State<Arc<Web>>) -> Response {
    let (plan, keys) = match web.signup_keys() {
        Ok(found) => found,
        Err(response) => return response,
    };
    let token = keys.form_token(web.now());
    let body = form_html(&plan, &token, &default_choice(), "", None);
    let title = pages::speaker(&plan).text("page-subscribe");
    Html(pages::page(&plan, &title, &body)).into_response()
}

/// The page every accepted sign-up gets.
fn check_your_inbox(plan: &Plan) -> Response {
    let say = pages::speaker(plan);
    let hours = signup::confirm_within(plan).num_hours();
    let text = say.say(
        "check-inbox-text",
        &[
            ("site", Arg::Text(escape(&plan.site.title))),
            ("hours", Arg::Number(hours)),
        ],
    );
    Html(pages::page(
        plan,
        &say.text("page-check-inbox"),
        &format!(
            "<p role=\"status\">{text}</p><p>{}</p>",
            say.text("check-inbox-spam")
        ),
    ))
    .into_response()
}

/// `POST /subscribe`
pub(super) async fn submit(
    State(web): State<Arc<Web>>,
    Client(client): Client,
    headers: HeaderMap,
    body: String,
) -> Response {
    let (plan, keys) = match web.signup_keys() {
        Ok(found) => found,
        Err(response) => return response,
    };
    if !same_origin(&plan, &headers) {
        return forbidden_origin(&plan);
    }
    let now = web.now();
    if !web.per_client.allow(&client, now) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "3600")],
            Html(pages::page(
                &plan,
                &pages::speaker(&plan).text("page-too-many"),
                &format!("<p>{}</p>", pages::speaker(&plan).text("too-many-text")),
            )),
        )
            .into_response();
    }
    let fields = Fields::parse(None, &body);
    if !keys.form_ok(fields.get("form").unwrap_or_default(), now) {
        let token = keys.form_token(now);
        let body = form_html(
            &plan,
            &token,
            &default_choice(),
            fields.get("email").unwrap_or_default(),
            Some(&pages::speaker(&plan).text("form-expired")),
        );
        let title = pages::speaker(&plan).text("page-subscribe");
        return (
            StatusCode::FORBIDDEN,
            Html(pages::page(&plan, &title, &body)),
        )
            .into_response();
    }
    // A bot filled the field people do not see: the same answer, nothing done.
    if fields.get("website").is_some_and(|v| !v.is_empty()) {
        tracing::info!("sign-up with the honeypot filled: ignored");
        return check_your_inbox(&plan);
    }
    let email = fields.get("email").unwrap_or_default();
    let problem = match (Address::parse(email), form::choice(&plan, &fields)) {
        (Err(_), _) => Err(pages::speaker(&plan).text("form-bad-address")),
        (Ok(_), Err(e)) => Err(e),
        (Ok(address), Ok(choice)) => Ok((address, choice)),
    };
    let (address, choice) = match problem {
        Ok(found) => found,
        Err(e) => {
            let current = form::choice(&plan, &fields).unwrap_or_else(|_| default_choice());
            let body = form_html(&plan, &keys.form_token(now), &current, email, Some(&e));
            let title = pages::speaker(&plan).text("page-subscribe");
            return (
                StatusCode::BAD_REQUEST,
                Html(pages::page(&plan, &title, &body)),
            )
                .into_response();
        }
    };
    if !web.per_address.allow(address.as_str(), now) {
        return check_your_inbox(&plan);
    }
    let answer = check_your_inbox(&plan);
    let address = address.to_string();
    // The email goes in the language they chose on the form (the page answers in the
    // site's whatever the address, so that it tells nothing).
    let plan = match (choice.language.as_deref()).and_then(|tag| Language::parse(tag).ok()) {
        Some(language) => pages::in_language(plan, &language),
        None => plan,
    };
    tokio::spawn(async move {
        if let Err(e) = signup::request(&plan, &keys, &address, &choice, now).await {
            tracing::error!(error = %e, "sign-up not recorded");
        }
    });
    answer
}

#[derive(Deserialize)]
pub(super) struct Token {
    pub(super) token: Option<String>,
}

fn not_valid(plan: &Plan, error: TokenError) -> Response {
    let say = pages::speaker(plan);
    let text = match error {
        TokenError::Expired => say.say("link-expired", &[("link", Arg::Text(sign_up_again(&say)))]),
        TokenError::Invalid => say.text("link-invalid"),
    };
    (
        StatusCode::BAD_REQUEST,
        Html(pages::page(
            plan,
            &say.text("page-link-broken"),
            &format!("<p>{text}</p>"),
        )),
    )
        .into_response()
}

/// "Sign up again", linking to the form.
fn sign_up_again(say: &Speaker) -> String {
    format!("<a href=\"/subscribe\">{}</a>", say.text("sign-up-again"))
}

/// `GET /confirm?token=…`: one button; a GET changes nothing.
pub(super) async fn confirm_page(
    State(web): State<Arc<Web>>,
    Query(query): Query<Token>,
) -> Response {
    let (plan, keys) = match web.signup_keys() {
        Ok(found) => found,
        Err(response) => return response,
    };
    let token = query.token.unwrap_or_default();
    let address = match keys.check(Purpose::Confirm, &token, web.now()) {
        Ok(address) => address,
        Err(e) => return not_valid(&plan, e),
    };
    let plan = super::preferences::for_reader(plan, &address).await;
    let say = pages::speaker(&plan);
    let body = format!(
        "<p>{}</p>\
         <form method=\"post\" action=\"/confirm\"><input type=\"hidden\" name=\"token\" value=\"{}\">\
         <button type=\"submit\">{}</button></form>",
        say.say(
            "confirm-text",
            &[("site", Arg::Text(escape(&plan.site.title)))]
        ),
        escape(&token),
        say.text("confirm-button"),
    );
    Html(pages::page(&plan, &say.text("page-confirm"), &body)).into_response()
}

/// `POST /confirm` (the token in the form or the query).
pub(super) async fn confirm(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    uri: Uri,
    body: String,
) -> Response {
    let (plan, keys) = match web.signup_keys() {
        Ok(found) => found,
        Err(response) => return response,
    };
    if !same_origin(&plan, &headers) {
        return forbidden_origin(&plan);
    }
    let fields = Fields::parse(uri.query(), &body);
    let now = web.now();
    let address = match keys.check(
        Purpose::Confirm,
        fields.get("token").unwrap_or_default(),
        now,
    ) {
        Ok(address) => address,
        Err(e) => return not_valid(&plan, e),
    };
    let done = {
        let plan = plan.clone();
        let address = address.clone();
        tokio::task::spawn_blocking(move || signup::confirm(&plan, &address, now)).await
    };
    let preferences = keys.preferences_url(plan.site.base_url.as_str(), &address);
    let plan = super::preferences::for_reader(plan, &address).await;
    let say = pages::speaker(&plan);
    let link = format!(
        "<a href=\"{}\">{}</a>",
        escape(&preferences),
        say.text("manage-link")
    );
    let manage = format!(
        "<p>{}</p>",
        say.say("manage-text", &[("link", Arg::Text(link))])
    );
    let site = || Arg::Text(escape(&plan.site.title));
    match done {
        Ok(Ok(Confirmed::Subscribed | Confirmed::Already)) => Html(pages::page(
            &plan,
            &say.text("page-subscribed"),
            &format!(
                "<p role=\"status\">{}</p>{manage}",
                say.say("subscribed-text", &[("site", site())])
            ),
        ))
        .into_response(),
        Ok(Ok(Confirmed::Nothing)) => (
            StatusCode::NOT_FOUND,
            Html(pages::page(
                &plan,
                &say.text("page-nothing-to-confirm"),
                &format!(
                    "<p>{}</p>",
                    say.say(
                        "nothing-to-confirm-text",
                        &[("link", Arg::Text(sign_up_again(&say)))]
                    )
                ),
            )),
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "confirmation not recorded");
            unavailable(&plan)
        }
        Err(e) => {
            tracing::error!(error = %e, "confirmation task failed");
            unavailable(&plan)
        }
    }
}
