//! `[[signals]]`: the most-read lists to read, each of one kind.

use std::{collections::HashSet, path::Path, time::Duration};

use serde::Deserialize;
use toml::Spanned;

use super::{
    check::{duration, location, slug},
    fetch::FetchLimits,
    problems::Problems,
    values::Location,
};
use crate::model::SignalId;

/// `[[signals]]`: one "most read" source.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSignal {
    /// Identifier: a-z, 0-9, '-' and '_'.
    pub id: Spanned<String>,
    /// What the URL serves: "feed" (a most-read feed, its order is the rank), "html"
    /// (a page; `selector` picks the links of its most-read box), "json" or "csv"
    /// (an analytics export of URL and views).
    pub kind: Spanned<String>,
    /// Where to read it: "https://…", "http://…" or "file://PATH".
    pub url: Spanned<String>,
    /// CSS selector of the most-read links, most read first (kind "html").
    pub selector: Option<Spanned<String>>,
    /// JSON pointer to the array of entries, e.g. "/data/rows" (kind "json").
    /// Default: the document itself.
    pub pointer: Option<String>,
    /// Field or column holding the URL (kinds "json" and "csv"). Default "url".
    pub url_field: Option<String>,
    /// Field or column holding the view count (kinds "json" and "csv"). Default "views".
    pub views_field: Option<String>,
    /// Read this signal at most this often, e.g. "30m". Default: `fetch.interval`.
    pub interval: Option<Spanned<String>>,
}

/// What a most-read signal's URL serves.
#[derive(Clone, Debug, PartialEq)]
pub enum SignalKind {
    /// A most-read feed: its order is the rank.
    Feed,
    /// An HTML page: `selector` picks the most-read links, most read first.
    Html {
        /// The CSS selector (checked to parse when the plan was compiled).
        selector: String,
    },
    /// A JSON analytics export: URL and views per entry.
    Json {
        /// JSON pointer to the array of entries ("" for the document itself).
        pointer: String,
        /// Field with the URL.
        url_field: String,
        /// Field with the view count.
        views_field: String,
    },
    /// A CSV analytics export with a header row.
    Csv {
        /// Column with the URL.
        url_field: String,
        /// Column with the view count.
        views_field: String,
    },
}

/// One most-read source.
#[derive(Clone, Debug, PartialEq)]
pub struct Signal {
    /// The identifier its snapshots are kept under.
    pub id: SignalId,
    /// What it serves.
    pub kind: SignalKind,
    /// Where it is read from.
    pub location: Location,
    /// Least time between two readings.
    pub interval: Duration,
}

/// Checks the `[[signals]]` tables.
pub(super) fn compile(
    p: &mut Problems<'_>,
    raw: Vec<(usize, RawSignal)>,
    fetch: &FetchLimits,
    root: &Path,
) -> Vec<Signal> {
    let mut seen = HashSet::new();
    let mut signals = Vec::new();
    for (i, signal) in raw {
        let key = format!("signals[{i}]");
        let id = slug(p, &format!("{key}.id"), &signal.id, SignalId::parse);
        if let Some(id) = &id
            && !seen.insert(id.clone())
        {
            p.on(
                &signal.id,
                format!("{key}.id"),
                format!("signal \"{id}\" is defined twice"),
            );
        }
        let location = location(p, &format!("{key}.url"), &signal.url, root);
        let kind = signal_kind(p, &key, &signal);
        let interval = duration(
            p,
            &format!("{key}.interval"),
            &signal.interval,
            fetch.interval,
        );
        if let (Some(id), Some(location), Some(kind)) = (id, location, kind) {
            signals.push(Signal {
                id,
                kind,
                location,
                interval,
            });
        }
    }
    signals
}

fn signal_kind(p: &mut Problems<'_>, key: &str, signal: &RawSignal) -> Option<SignalKind> {
    let url_field = || signal.url_field.clone().unwrap_or_else(|| "url".to_owned());
    let views_field = || {
        signal
            .views_field
            .clone()
            .unwrap_or_else(|| "views".to_owned())
    };
    let kind = match signal.kind.get_ref().as_str() {
        "feed" => SignalKind::Feed,
        "html" => {
            let Some(selector) = &signal.selector else {
                p.on(
                    &signal.kind,
                    format!("{key}.selector"),
                    "kind \"html\" needs a `selector`",
                );
                return None;
            };
            if let Err(e) = scraper::Selector::parse(selector.get_ref()) {
                p.on(
                    selector,
                    format!("{key}.selector"),
                    format!("not a CSS selector: {e}"),
                );
                return None;
            }
            SignalKind::Html {
                selector: selector.get_ref().clone(),
            }
        }
        "json" => SignalKind::Json {
            pointer: signal.pointer.clone().unwrap_or_default(),
            url_field: url_field(),
            views_field: views_field(),
        },
        "csv" => SignalKind::Csv {
            url_field: url_field(),
            views_field: views_field(),
        },
        other => {
            p.on(
                &signal.kind,
                format!("{key}.kind"),
                format!("unknown kind {other:?}; expected \"feed\", \"html\", \"json\" or \"csv\""),
            );
            return None;
        }
    };
    if let Some(selector) = &signal.selector
        && !matches!(kind, SignalKind::Html { .. })
    {
        p.on(
            selector,
            format!("{key}.selector"),
            "only kind \"html\" takes a `selector`",
        );
    }
    Some(kind)
}
