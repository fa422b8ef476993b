//! The preview site's HTML outside the issue itself: the ranking table with the
//! editor's buttons, the sources' health, and the page around them.

use std::fmt::Write as _;

use super::Failed;
use crate::{
    model::{Issue, html::escape},
    rank::explain,
    render::{view, view::lang},
    store::Store,
};

/// The ranking table; headlines in another language than the site's carry their `lang`.
pub(super) fn explain_table(edition: &Issue, slug: &str, site: &view::Site) -> String {
    let mut html = String::from(
        "<h2 id=\"ranking\">Ranking</h2><div class=\"wide\" role=\"region\" aria-labelledby=\"ranking\" tabindex=\"0\"><table id=\"explain\"><thead><tr><th scope=\"col\">position</th><th scope=\"col\">title</th><th scope=\"col\">outlet</th><th scope=\"col\">score</th><th scope=\"col\">recency</th><th scope=\"col\">most read</th><th scope=\"col\">outlets</th><th scope=\"col\">note</th><th scope=\"col\">actions</th></tr></thead><tbody>",
    );
    for row in explain::rows(edition) {
        let number = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.2}"));
        let title = in_lang(&row.title, lang::of_outlet(&row.title, &row.outlet, site));
        let buttons =
            (row.url.as_deref()).map_or(String::new(), |url| buttons(edition, slug, url, &title));
        let _ = write!(
            html,
            "<tr data-position=\"{p}\"><td>{p}</td><td class=\"title\">{title}</td><td>{o}</td><td>{s}</td><td>{r}</td><td>{m}</td><td>{n}</td><td>{note}</td><td>{buttons}</td></tr>",
            p = escape(&row.position),
            o = in_lang(&row.outlet, lang::mark(&row.outlet, &site.language)),
            s = number(row.score),
            r = number(row.recency),
            m = number(row.most_read),
            n = row.outlets.map_or("-".to_owned(), |n| n.to_string()),
            note = escape(&row.note),
        );
    }
    html.push_str("</tbody></table></div>");
    html
}

/// `text` escaped, in a `<span lang>` when it has a language to mark.
fn in_lang(text: &str, lang: Option<String>) -> String {
    match lang {
        Some(code) => format!("<span lang=\"{code}\">{}</span>", escape(text)),
        None => escape(text),
    }
}

/// The pin, drop and reset buttons of the story at `url`, each naming the story
/// (`title`, HTML) in visually hidden text: 53 "Drop" buttons alike are no use to a
/// screen reader or to voice control.
fn buttons(edition: &Issue, slug: &str, url: &str, title: &str) -> String {
    let form = |action: &str, label: &str| {
        format!(
            "<form method=\"post\" action=\"/override\"><input type=\"hidden\" name=\"edition\" value=\"{e}\"><input type=\"hidden\" name=\"audience\" value=\"{a}\"><input type=\"hidden\" name=\"url\" value=\"{u}\"><input type=\"hidden\" name=\"action\" value=\"{action}\"><button type=\"submit\" class=\"{action}\">{label}<span class=\"vh\">: {title}</span></button></form>",
            e = edition.id.edition,
            a = escape(slug),
            u = escape(url),
        )
    };
    [
        form("lead", "Pin to lead"),
        form("drop", "Drop"),
        form("unpin", "Reset"),
    ]
    .concat()
}

pub(super) fn health_table(store: &Store) -> Result<String, Failed> {
    let mut html = String::from(
        "<h2 id=\"sources\">Sources</h2><div class=\"wide\" role=\"region\" aria-labelledby=\"sources\" tabindex=\"0\"><table id=\"health\"><thead><tr><th scope=\"col\">source</th><th scope=\"col\">state</th><th scope=\"col\">stories</th><th scope=\"col\">last error</th></tr></thead><tbody>",
    );
    for h in store.health()? {
        let state = if h.failure_streak > 0 {
            format!("FAILING ({})", h.failure_streak)
        } else {
            "ok".to_owned()
        };
        let error = h
            .last_error
            .as_ref()
            .map_or(String::new(), |(_, e)| escape(e));
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{state}</td><td>{} items</td><td>{error}</td></tr>",
            escape(&h.key),
            h.items
        );
    }
    html.push_str("</tbody></table></div>");
    Ok(html)
}

pub(super) fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{}</style></head><body><main>{body}</main></body></html>",
        escape(title),
        STYLE
    )
}

/// The preview's stylesheet: text at 4.5:1 or more, buttons of 24 px or more, one
/// column below 1100 px, side margins shrinking on phones.
const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:1rem 2rem;color:#222;background:#fff;overflow-wrap:anywhere}\
a{color:#0b4f8a}\
.split{display:grid;grid-template-columns:660px minmax(0,1fr);gap:1.5rem;align-items:start}.split>*{min-width:0}\
@media (max-width:1100px){.split{grid-template-columns:minmax(0,1fr)}iframe{width:100%}}\
@media (max-width:40rem){body{margin:.5rem}h1{font-size:1.4rem}}\
iframe{width:660px;max-width:100%;height:85vh;border:1px solid #767676}.wide{overflow-x:auto;position:relative}\
.wide:focus{outline:2px solid #0b4f8a;outline-offset:2px}\
table{border-collapse:collapse;width:100%}td.title{min-width:12rem}\
td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}\
td form{display:block;margin:0 0 4px}\
button{font-size:13px;white-space:nowrap;min-height:24px;min-width:24px;padding:2px 8px}\
.audiences li{margin:.25rem 0}\
.vh{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}\
.error{background:#fdecea;border:1px solid #d93025;padding:1rem;border-radius:6px}\
pre{white-space:pre-wrap;overflow-wrap:anywhere}small{color:#595959;font-weight:normal}";
