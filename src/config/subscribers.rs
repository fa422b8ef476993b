//! The subscribers file, read and checked: every subscriber's address, sections,
//! editions, format and time zone, and duplicates, each problem with its line.

use std::{collections::HashSet, path::Path};

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

use super::{
    check::{self, one_of, slug, time_zone},
    editions::EditionPlan,
    problems::{ConfigErrors, Problems},
    sections::{self, Section},
    site::Site,
    values::Address,
};
use crate::{
    i18n::Language,
    model::{EditionId, SectionId},
};

/// One `[[subscribers]]` table of the subscribers file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubscriber {
    /// Email address.
    pub email: Spanned<String>,
    /// Name, used in the greeting.
    pub name: Option<String>,
    /// Sections they read, in any order. Default: all.
    pub sections: Option<Vec<Spanned<String>>>,
    /// Editions they receive. Default: all.
    pub editions: Option<Vec<Spanned<String>>>,
    /// "html" (HTML with a text alternative) or "text" (text only). Default "html".
    pub format: Option<Spanned<String>>,
    /// Their IANA time zone, for the times in their email. Default: the site's.
    pub time_zone: Option<Spanned<String>>,
    /// The language they read, among each edition's `languages`, e.g. "en".
    /// Default: each edition's first.
    pub language: Option<Spanned<String>>,
}

/// A subscriber's preferred format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// HTML with a text alternative.
    Html,
    /// Text only.
    Text,
}

/// One subscriber.
#[derive(Clone, Debug, PartialEq)]
pub struct Subscriber {
    /// Their address.
    pub address: Address,
    /// Their name.
    pub name: Option<String>,
    /// The sections they read (`None`: all).
    pub sections: Option<Vec<SectionId>>,
    /// The editions they receive (`None`: all).
    pub editions: Option<Vec<EditionId>>,
    /// HTML or text.
    pub format: Format,
    /// Their time zone.
    pub time_zone: Tz,
    /// The language they chose, if any (an edition not written in it uses its own).
    pub language: Option<Language>,
}

impl Subscriber {
    /// Whether they receive `edition`.
    pub fn receives(&self, edition: &EditionId) -> bool {
        self.editions.as_ref().is_none_or(|e| e.contains(edition))
    }
}

/// Subscribers in one part of the file, when it is read in parts.
const SUBSCRIBERS_PER_PART: usize = 1_000;

/// Reads and checks the subscribers file.
///
/// A long file is read a thousand `[[subscribers]]` tables at a time: toml's document
/// of 100,000 subscribers at once took 330 MB, more than the rest of a run to all of
/// them. Cutting the text before a `[[subscribers]]` line changes nothing in what it
/// means, unless the line is inside a multi-line string; then the part before the cut
/// has an unterminated string and fails to parse, and the file is read again as one,
/// so that its problems are reported exactly as they are.
pub(super) fn compile(
    file: &Path,
    sections: &[Section],
    editions: &[EditionPlan],
    site: &Site,
) -> Result<Vec<Subscriber>, ConfigErrors> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            let mut p = Problems::new(file, "");
            p.general("", format!("cannot read the subscribers file: {e}"));
            return Err(p.into_errors());
        }
    };
    let known = Known {
        sections: sections.iter().map(|s| s.id.clone()).collect(),
        editions: editions.iter().map(|e| &e.id).collect(),
        site,
    };
    let parts = parts(&text, SUBSCRIBERS_PER_PART);
    let mut p = Problems::new(file, &text);
    let mut list = read(&mut p, &parts, &known);
    if list.is_none() && parts.len() > 1 {
        p = Problems::new(file, &text);
        let whole = 0..text.len();
        list = read(&mut p, std::slice::from_ref(&whole), &known);
    }
    match list {
        Some(list) if p.is_empty() => Ok(list),
        _ => Err(p.into_errors()),
    }
}

/// What subscribers may choose from.
struct Known<'a> {
    sections: HashSet<SectionId>,
    editions: HashSet<&'a EditionId>,
    site: &'a Site,
}

/// The byte ranges of `text` to parse one by one: cut before every `per_part`-th
/// `[[subscribers]]` line after the first.
fn parts(text: &str, per_part: usize) -> Vec<std::ops::Range<usize>> {
    let mut cuts = vec![0];
    let mut tables = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let header = line.trim();
        let header = header.split_once('#').map_or(header, |(h, _)| h.trim_end());
        if header == "[[subscribers]]" {
            if tables > 0 && tables % per_part == 0 {
                cuts.push(offset);
            }
            tables += 1;
        }
        offset += line.len();
    }
    cuts.push(text.len());
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// Reads the subscribers in `parts` of the text; `None` if a part fails to parse.
fn read(
    p: &mut Problems<'_>,
    parts: &[std::ops::Range<usize>],
    known: &Known<'_>,
) -> Option<Vec<Subscriber>> {
    let mut seen = HashSet::new();
    let mut list = Vec::new();
    let mut first = 0;
    for part in parts {
        let doc = p.parse_part(part.clone())?;
        for (key, value) in doc.get_ref().iter() {
            let name: &str = key.get_ref();
            match name {
                "subscribers" => {
                    let raw = p.deserialize_each_from::<RawSubscriber>(name, value, first);
                    first += value.get_ref().as_array().map_or(0, |a| a.len());
                    for (i, s) in raw {
                        list.extend(subscriber(p, i, s, known, &mut seen));
                    }
                }
                _ => p.at(
                    key.span(),
                    name,
                    "unknown key; expected [[subscribers]] tables",
                ),
            }
        }
    }
    Some(list)
}

/// Checks subscriber `i`; `None` when its address is unusable (the problem is recorded).
fn subscriber(
    p: &mut Problems<'_>,
    i: usize,
    s: RawSubscriber,
    known: &Known<'_>,
    seen: &mut HashSet<Address>,
) -> Option<Subscriber> {
    let key = format!("subscribers[{i}]");
    let address = Address::parse(s.email.get_ref())
        .map_err(|e| p.on(&s.email, format!("{key}.email"), e))
        .ok();
    if let Some(address) = &address
        && !seen.insert(address.clone())
    {
        p.on(
            &s.email,
            format!("{key}.email"),
            format!("{address} is listed twice"),
        );
    }
    let chosen = s.sections.as_ref().map(|list| {
        list.iter()
            .filter_map(|v| sections::reference(p, &format!("{key}.sections"), v, &known.sections))
            .collect::<Vec<_>>()
    });
    let editions_chosen = s.editions.as_ref().map(|list| {
        list.iter()
            .filter_map(|v| {
                let id = slug(p, &format!("{key}.editions"), v, EditionId::parse)?;
                if known.editions.contains(&id) {
                    Some(id)
                } else {
                    p.on(
                        v,
                        format!("{key}.editions"),
                        format!("no edition \"{id}\" is configured"),
                    );
                    None
                }
            })
            .collect::<Vec<_>>()
    });
    let format = match &s.format {
        Some(v) if one_of(p, &format!("{key}.format"), v, &["html", "text"]) == Some("text") => {
            Format::Text
        }
        _ => Format::Html,
    };
    let time_zone = time_zone(
        p,
        &format!("{key}.time_zone"),
        &s.time_zone,
        known.site.time_zone,
    );
    let language = check::language(p, &format!("{key}.language"), s.language.as_ref());
    Some(Subscriber {
        address: address?,
        name: s.name.filter(|n| !n.trim().is_empty()),
        sections: chosen,
        editions: editions_chosen,
        format,
        time_zone,
        language,
    })
}
