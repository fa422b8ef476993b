//! The preview site's HTML outside the issue itself: the ranking table with the
//! editor's buttons, the sources' health, and the page around them.

use std::fmt::Write as _;

use super::Failed;
use crate::{
    i18n::{Arg, Speaker},
    model::{Issue, html::escape},
    rank::explain,
    render::{view, view::lang},
    store::Store,
};

/// A table's opening: its heading (`id`, message `title`) and its column heads.
fn table_head(say: &Speaker, id: &str, title: &str, table: &str, columns: &[&str]) -> String {
    let mut html = format!(
        "<h2 id=\"{id}\">{}</h2><div class=\"wide\" role=\"region\" aria-labelledby=\"{id}\" tabindex=\"0\"><table id=\"{table}\"><thead><tr>",
        escape(&say.text(title))
    );
    for column in columns {
        let _ = write!(html, "<th scope=\"col\">{}</th>", escape(&say.text(column)));
    }
    html.push_str("</tr></thead><tbody>");
    html
}

/// The ranking table; headlines in another language than the site's carry their `lang`.
pub(super) fn explain_table(
    edition: &Issue,
    slug: &str,
    site: &view::Site,
    say: &Speaker,
) -> String {
    let columns = [
        "preview-position",
        "preview-title",
        "preview-outlet",
        "preview-score",
        "preview-recency",
        "preview-most-read",
        "preview-outlets",
        "preview-note",
        "preview-actions",
    ];
    let mut html = table_head(say, "ranking", "preview-ranking", "explain", &columns);
    for row in explain::rows(edition) {
        let number = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.2}"));
        let title = in_lang(&row.title, lang::of_outlet(&row.title, &row.outlet, site));
        let buttons = (row.url.as_deref()).map_or(String::new(), |url| {
            buttons(edition, slug, url, &title, say)
        });
        let _ = write!(
            html,
            "<tr data-position=\"{p}\"><td>{place}</td><td class=\"title\">{title}</td><td>{o}</td><td>{s}</td><td>{r}</td><td>{m}</td><td>{n}</td><td>{note}</td><td>{buttons}</td></tr>",
            p = escape(&row.position),
            place = escape(&position(&row.position, say)),
            o = in_lang(&row.outlet, lang::mark(&row.outlet, &site.language)),
            s = number(row.score),
            r = number(row.recency),
            m = number(row.most_read),
            n = row.outlets.map_or("-".to_owned(), |n| n.to_string()),
            note = escape(&note(&row.note, say)),
        );
    }
    html.push_str("</tbody></table></div>");
    html
}

/// A row's place in words: "lead 1" → "главное 1", "most-read now 2" → "№ 2 в
/// «Самом читаемом сейчас»"; a section's id stays (it is the configuration's).
fn position(position: &str, say: &Speaker) -> String {
    let words: Vec<&str> = position.split(' ').collect();
    match words.as_slice() {
        ["lead", rank] => format!("{} {rank}", say.text("preview-lead")),
        ["most-read", window, rank] => match rank.parse::<i64>() {
            Ok(rank) => say.say(
                "most-read-rank",
                &[
                    ("window", Arg::Text((*window).to_owned())),
                    ("rank", Arg::Number(rank)),
                ],
            ),
            Err(_) => position.to_owned(),
        },
        _ => position.to_owned(),
    }
}

/// The ranking's note in words, part by part ("pinned; also in A, B"); a part it
/// does not know (why a story was left out) stays as the ranking wrote it.
fn note(note: &str, say: &Speaker) -> String {
    let parts: Vec<String> = (note.split("; ").filter(|p| !p.is_empty()))
        .map(|part| match part {
            "pinned" => say.text("preview-pinned"),
            "not selected" => say.text("preview-not-selected"),
            _ => match part.strip_prefix("also in ") {
                Some(outlets) => say.say(
                    "preview-also-in",
                    &[("outlets", Arg::Text(outlets.to_owned()))],
                ),
                None => part.to_owned(),
            },
        })
        .collect();
    parts.join("; ")
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
fn buttons(edition: &Issue, slug: &str, url: &str, title: &str, say: &Speaker) -> String {
    let form = |action: &str, label: &str| {
        let label = escape(&say.text(label));
        format!(
            "<form method=\"post\" action=\"/override\"><input type=\"hidden\" name=\"edition\" value=\"{e}\"><input type=\"hidden\" name=\"audience\" value=\"{a}\"><input type=\"hidden\" name=\"url\" value=\"{u}\"><input type=\"hidden\" name=\"action\" value=\"{action}\"><button type=\"submit\" class=\"{action}\">{label}<span class=\"vh\">: {title}</span></button></form>",
            e = edition.id.edition,
            a = escape(slug),
            u = escape(url),
        )
    };
    [
        form("lead", "preview-pin-to-lead"),
        form("drop", "preview-drop"),
        form("unpin", "preview-reset"),
    ]
    .concat()
}

/// The sources' health, in the site's language (their errors as the fetch wrote them).
pub(super) fn health_table(store: &Store, say: &Speaker) -> Result<String, Failed> {
    let columns = [
        "preview-source",
        "preview-state",
        "preview-stories",
        "preview-last-error",
    ];
    let mut html = table_head(say, "sources", "preview-sources", "health", &columns);
    for h in store.health()? {
        let state = if h.failure_streak > 0 {
            let streak = Arg::Number(i64::from(h.failure_streak));
            say.say("preview-source-failing", &[("count", streak)])
        } else {
            say.text("preview-source-ok")
        };
        let error = h
            .last_error
            .as_ref()
            .map_or(String::new(), |(_, e)| escape(e));
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{error}</td></tr>",
            escape(&h.key),
            escape(&state),
            escape(&say.say("preview-items", &[("count", Arg::Number(h.items as i64))])),
        );
    }
    html.push_str("</tbody></table></div>");
    Ok(html)
}

/// `value` for a query string: every byte but letters, digits and `-._~`
/// percent-encoded (an audience's `+` read back as a space named no audience).
pub(super) fn in_query(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte))
            }
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    out
}

/// A whole page in the site's language.
pub(super) fn page(say: &Speaker, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{}</style></head><body><main>{body}</main></body></html>",
        escape(say.language().as_str()),
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
