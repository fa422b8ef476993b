//! `[[signals]]`: the most-read lists to read. The keys every signal has are here;
//! the rest of a table are the options of its kind, which the kind itself (in
//! `ingest::signals`) declares and checks. An option of another kind, or a key no kind
//! takes, is a problem at its line.

use std::{collections::HashSet, path::Path, time::Duration};

use serde::{Deserialize, de::DeserializeOwned};
use toml::{
    Spanned,
    de::{DeTable, DeValue},
};

use super::{
    check::{alternatives, duration, location, slug},
    fetch::FetchLimits,
    problems::Problems,
    values::Location,
};
use crate::{
    ingest::signals::{ReadOptions, SignalKind, keys},
    model::{ReadWindow, SignalId},
};

/// `[[signals]]`: one "most read" source. Besides these keys, a table holds the
/// options of its kind (see `ingest/signals/<kind>.rs`).
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
    /// Read this signal at most this often, e.g. "30m". Default: `fetch.interval`.
    pub interval: Option<Spanned<String>>,
    /// The span this list already ranks, when the site publishes one list per span
    /// (the tabs of a "Most read" box): "now", "today" or "week". Its latest reading
    /// is then that ranking. Default: none (its readings are pooled over each span).
    pub window: Option<Spanned<String>>,
}

/// One most-read source.
#[derive(Clone, Debug, PartialEq)]
pub struct Signal {
    /// The identifier its snapshots are kept under.
    pub id: SignalId,
    /// What it serves, with the kind's options.
    pub kind: SignalKind,
    /// Where it is read from.
    pub location: Location,
    /// Least time between two readings.
    pub interval: Duration,
    /// The span its list already ranks, if it is one tab of a site's box.
    pub window: Option<ReadWindow>,
}

/// Checks the `[[signals]]` array, `value` as written.
pub(super) fn compile<'t>(
    p: &mut Problems<'t>,
    value: Option<&Spanned<DeValue<'t>>>,
    fetch: &FetchLimits,
    root: &Path,
) -> Vec<Signal> {
    let Some(value) = value else {
        return Vec::new();
    };
    let Some(items) = value.get_ref().as_array() else {
        p.on(value, "signals", "expected an array of tables ([[...]])");
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let mut signals = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let key = format!("signals[{i}]");
        let common = keys::<RawSignal>();
        let raw: Option<RawSignal> = p.deserialize(&key, &only(item, |k| common.contains(&k)));
        let kind = kind(p, &key, item, raw.as_ref().map(|r| &r.kind));
        let Some(raw) = raw else { continue };
        let id = slug(p, &format!("{key}.id"), &raw.id, SignalId::parse);
        if let Some(id) = &id
            && !seen.insert(id.clone())
        {
            p.on(
                &raw.id,
                format!("{key}.id"),
                format!("signal \"{id}\" is defined twice"),
            );
        }
        let location = location(p, &format!("{key}.url"), &raw.url, root);
        let interval = duration(p, &format!("{key}.interval"), &raw.interval, fetch.interval);
        let window = raw.window.as_ref().and_then(|w| {
            ReadWindow::parse(w.get_ref())
                .map_err(|e| p.on(w, format!("{key}.window"), e))
                .ok()
        });
        if let (Some(id), Some(location), Some(kind)) = (id, location, kind) {
            signals.push(Signal {
                id,
                kind,
                location,
                interval,
                window,
            });
        }
    }
    signals
}

/// The kind of the signal table `item`, its options checked: every key that is not
/// one of [`RawSignal`]'s must be an option of this kind. `written` is the kind as
/// read with the common keys; when those could not be read, the options are still
/// checked against the kind in the table, if it is a string.
fn kind<'t>(
    p: &mut Problems<'t>,
    key: &str,
    item: &Spanned<DeValue<'t>>,
    written: Option<&Spanned<String>>,
) -> Option<SignalKind> {
    let table = item.get_ref().as_table()?;
    let common = keys::<RawSignal>();
    let (name, at) = match written {
        Some(kind) => (kind.get_ref().as_str(), kind.span()),
        None => {
            let kind = table.get("kind")?;
            (kind.get_ref().as_str()?, kind.span())
        }
    };
    let takes = SignalKind::options(name);
    let stray = stray_keys(p, key, table, name, takes);
    if takes.is_none() {
        p.at(
            at.clone(),
            format!("{key}.kind"),
            format!(
                "unknown kind {name:?}; expected {}",
                alternatives(SignalKind::NAMES)
            ),
        );
        return None;
    }
    let options = only(item, |k| {
        !common.contains(&k) && !stray.iter().any(|s| s == k)
    });
    let read = Options {
        p,
        key,
        options: &options,
    };
    match SignalKind::compile(name, read)? {
        Ok(kind) => Some(kind),
        Err(problem) => {
            let at = table.get(problem.option).map_or(at, |v| v.span());
            p.at(at, format!("{key}.{}", problem.option), problem.message);
            None
        }
    }
}

/// Reports each key of the signal `table` that is neither common nor an option of
/// its kind `name` (which `takes` these options; `None`: no such kind), at the key,
/// naming the kinds it belongs to. Returns them.
fn stray_keys(
    p: &mut Problems<'_>,
    key: &str,
    table: &DeTable<'_>,
    name: &str,
    takes: Option<&[&str]>,
) -> Vec<String> {
    let common = keys::<RawSignal>();
    let mut stray = Vec::new();
    for (option, _) in table.iter() {
        let written: &str = option.get_ref();
        if common.contains(&written) || takes.is_some_and(|t| t.contains(&written)) {
            continue;
        }
        stray.push(written.to_owned());
        let owners: Vec<&str> = SignalKind::NAMES
            .iter()
            .copied()
            .filter(|k| SignalKind::options(k).is_some_and(|t| t.contains(&written)))
            .collect();
        let message = match (owners.is_empty(), takes) {
            (false, Some(_)) => format!(
                "`{written}` is an option of kind {}, not of {name:?}",
                alternatives(&owners)
            ),
            // With an unknown kind, only a key no kind takes is worth a word.
            (false, None) => continue,
            (true, takes) => {
                let expected: Vec<&str> =
                    common.iter().chain(takes.unwrap_or(&[])).copied().collect();
                unknown_field(written, &expected)
            }
        };
        p.at(option.span(), format!("{key}.{written}"), message);
    }
    stray
}

/// serde's words for a key a table does not take.
fn unknown_field(field: &str, expected: &[&str]) -> String {
    let quoted: Vec<String> = expected.iter().map(|k| format!("`{k}`")).collect();
    match quoted.as_slice() {
        [] => format!("unknown field `{field}`, there are no fields"),
        [one] => format!("unknown field `{field}`, expected {one}"),
        many => format!(
            "unknown field `{field}`, expected one of {}",
            many.join(", ")
        ),
    }
}

/// The table `item` with only the keys that `keep` keeps (spans untouched).
fn only<'t>(item: &Spanned<DeValue<'t>>, keep: impl Fn(&str) -> bool) -> Spanned<DeValue<'t>> {
    let mut view = item.clone();
    if let DeValue::Table(table) = view.get_mut() {
        let doomed: Vec<String> = table
            .iter()
            .map(|(k, _)| k.get_ref().to_string())
            .filter(|k| !keep(k))
            .collect();
        for k in doomed {
            table.remove(k.as_str());
        }
    }
    view
}

/// A kind's options, read from the table through the usual problem machinery.
struct Options<'a, 't> {
    p: &'a mut Problems<'t>,
    key: &'a str,
    options: &'a Spanned<DeValue<'t>>,
}

impl ReadOptions for Options<'_, '_> {
    fn read<T: DeserializeOwned>(self) -> Option<T> {
        self.p.deserialize(self.key, self.options)
    }
}
