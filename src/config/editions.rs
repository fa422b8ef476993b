//! `[[editions]]`: each edition's window, blocks, sections, ranking weights and
//! schedule; a single "daily" edition over every section when none is configured.
//!
//! A new edition key is three edits in this file: its field in [`RawEdition`] (the
//! `///` line is the user's documentation), its field in [`EditionPlan`], and its
//! check in [`compile`] (and a default in [`daily`]).

use std::{
    collections::{BTreeMap, HashSet},
    time::Duration,
};

use serde::Deserialize;
use toml::Spanned;

use super::{
    check::{self, cadence, count, duration, one_of, slug},
    problems::Problems,
    ranking::{self, Ranking, RawRanking},
    sections::{self, Section, Title},
    site::Site,
};
use crate::{
    i18n::Language,
    model::{EditionId, ReadWindow, SectionId},
    schedule::Cadence,
};

/// `[[editions]]`: one edition of the digest, such as a morning and an evening review.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEdition {
    /// Identifier: a-z, 0-9, '-' and '_'; issues are named `ID/DATE`.
    pub id: Spanned<String>,
    /// Title, e.g. "Morning Review", or one per language (`{ en = "Morning Review",
    /// ru = "Утренний обзор" }`). Default: the site's title.
    pub title: Option<Spanned<Title>>,
    /// How far back stories count, e.g. "24h" or "7d". Default "24h".
    pub window: Option<Spanned<String>>,
    /// Stories in the lead block ("Top stories"). Default 3.
    pub lead: Option<Spanned<i64>>,
    /// Stories in each "Most read" list; 0 leaves them out. Default 7.
    pub most_read: Option<Spanned<i64>>,
    /// Which most-read rankings to show, in order: any of "now" (the last 3 hours),
    /// "today" (24 hours) and "week" (7 days). Default all three.
    pub most_read_windows: Option<Vec<Spanned<String>>>,
    /// The fewest stories (lead and sections) worth sending: a thinner issue is held,
    /// not sent (`publish --force` sends it anyway). Default 1.
    pub min_stories: Option<Spanned<i64>>,
    /// Sections this edition carries (always in the sections' order). Default: all.
    pub sections: Option<Vec<Spanned<String>>>,
    /// Stories per section for this edition, overriding the sections' `stories`,
    /// e.g. `{ sport = 3 }`.
    #[serde(default)]
    pub stories: BTreeMap<String, Spanned<i64>>,
    /// Ranking weights for this edition, overriding `[ranking]` key by key.
    pub ranking: Option<RawRanking>,
    /// When the daemon publishes it: cron with six fields, seconds first, in the site's
    /// time zone, e.g. "0 0 7 * * *" (07:00:00 daily) or "0 30 18 * * MON-FRI".
    /// Default: none (published only by `pressroom publish`).
    pub schedule: Option<Spanned<String>>,
    /// Deliver at this local time in each subscriber's own zone, e.g. "07:00", instead
    /// of all at once: one issue per day, each message released at the reader's hour.
    pub local_time: Option<Spanned<String>>,
    /// An issue missed while the daemon was down: "send-late" (within `grace`) or "skip".
    /// Default "send-late".
    pub catch_up: Option<Spanned<String>>,
    /// How late a missed issue may still go out with `catch_up = "send-late"`. Default "3h".
    pub grace: Option<Spanned<String>>,
    /// "Read also": under each lead and section story, up to three earlier stories of
    /// the same storyline from the last seven days. Default true.
    pub read_also: Option<bool>,
    /// The languages it is written in, e.g. ["ru", "en"]: the first for readers who
    /// choose none of them (`language` in the subscribers file), the feeds and the
    /// archive. Default: the site's language.
    pub languages: Option<Vec<Spanned<String>>>,
}

/// One edition of the digest, compiled.
#[derive(Clone, Debug, PartialEq)]
pub struct EditionPlan {
    /// The identifier its issues are named by (`ID/DATE`).
    pub id: EditionId,
    /// The title its issues carry (in the site's language, or the first one given).
    pub title: String,
    /// Its title in each language given, by tag (empty for a single title).
    pub titles: BTreeMap<String, String>,
    /// How far back stories count.
    pub window: Duration,
    /// Stories in the lead block.
    pub lead: usize,
    /// Stories in each most-read list.
    pub most_read: usize,
    /// The most-read rankings shown, in order.
    pub most_read_windows: Vec<ReadWindow>,
    /// The fewest stories (lead and sections) an issue must carry to be sent.
    pub min_stories: usize,
    /// The sections it carries, in reading order, with the stories each carries.
    pub sections: Vec<(SectionId, usize)>,
    /// The ranking weights its issues are built with.
    pub ranking: Ranking,
    /// When the daemon publishes it (site time zone), if it does.
    pub schedule: Option<Cadence>,
    /// Deliver at this local time in each subscriber's zone, if set.
    pub local_time: Option<chrono::NaiveTime>,
    /// What to do with an issue missed while the daemon was down.
    pub catch_up: CatchUp,
    /// Whether picks carry "Read also": earlier stories of their storyline.
    pub read_also: bool,
    /// The languages it is written in, its default first; never empty.
    pub languages: Vec<Language>,
}

impl EditionPlan {
    /// The language it is written in for a reader who chose `wanted`: that one if
    /// the edition is written in it, else the edition's first.
    pub fn language_for(&self, wanted: Option<&Language>) -> &Language {
        wanted
            .and_then(|w| self.languages.iter().find(|l| *l == w))
            .unwrap_or(&self.languages[0])
    }
}

/// What the daemon does with an issue whose time passed while it was down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatchUp {
    /// Publish it late, if no later than this after its time.
    SendLate(Duration),
    /// Leave it out.
    Skip,
}

/// How late a missed issue may go out when `grace` is not set.
const DEFAULT_GRACE: Duration = Duration::from_secs(3 * 3600);

/// `most_read_windows`: each named once, in the given order; all three by default.
fn read_windows(
    p: &mut Problems<'_>,
    key: &str,
    raw: Option<&[Spanned<String>]>,
) -> Vec<ReadWindow> {
    let Some(raw) = raw else {
        return ReadWindow::ALL.to_vec();
    };
    let mut windows = Vec::new();
    for name in raw {
        match ReadWindow::parse(name.get_ref()) {
            Ok(w) if windows.contains(&w) => p.on(
                name,
                format!("{key}.most_read_windows"),
                format!("{:?} is listed twice", w.name()),
            ),
            Ok(w) => windows.push(w),
            Err(e) => p.on(name, format!("{key}.most_read_windows"), e),
        }
    }
    windows
}

/// The edition of a configuration that names none: "daily", every section, 24 hours.
fn daily(sections: &[Section], base: &Ranking, site: &Site) -> EditionPlan {
    EditionPlan {
        id: EditionId::parse("daily").expect("valid id"),
        title: site.title.clone(),
        titles: site.titles.clone(),
        window: Duration::from_secs(24 * 3600),
        lead: 3,
        most_read: 7,
        most_read_windows: ReadWindow::ALL.to_vec(),
        min_stories: 1,
        sections: sections.iter().map(|s| (s.id.clone(), s.stories)).collect(),
        ranking: base.clone(),
        schedule: None,
        local_time: None,
        catch_up: CatchUp::SendLate(DEFAULT_GRACE),
        read_also: true,
        languages: vec![site.language.clone()],
    }
}

/// Checks the `[[editions]]` tables; `base` is `[ranking]`, compiled.
pub(super) fn compile(
    p: &mut Problems<'_>,
    raw: Vec<(usize, RawEdition)>,
    sections: &[Section],
    base: &Ranking,
    site: &Site,
) -> Vec<EditionPlan> {
    if raw.is_empty() {
        return vec![daily(sections, base, site)];
    }
    let known: HashSet<SectionId> = sections.iter().map(|s| s.id.clone()).collect();
    let mut seen = HashSet::new();
    let mut editions = Vec::new();
    for (i, edition) in raw {
        let key = format!("editions[{i}]");
        let Some(id) = slug(p, &format!("{key}.id"), &edition.id, EditionId::parse) else {
            continue;
        };
        if !seen.insert(id.clone()) {
            p.on(
                &edition.id,
                format!("{key}.id"),
                format!("edition \"{id}\" is defined twice"),
            );
        }
        let (title, titles) = match &edition.title {
            Some(raw) => sections::title(p, &format!("{key}.title"), raw, &site.language),
            None => (site.title.clone(), site.titles.clone()),
        };
        editions.push(EditionPlan {
            title,
            titles,
            window: duration(
                p,
                &format!("{key}.window"),
                &edition.window,
                Duration::from_secs(86_400),
            ),
            lead: count(p, &format!("{key}.lead"), &edition.lead, 0..=50, 3) as usize,
            most_read: count(
                p,
                &format!("{key}.most_read"),
                &edition.most_read,
                0..=50,
                7,
            ) as usize,
            most_read_windows: read_windows(p, &key, edition.most_read_windows.as_deref()),
            min_stories: count(
                p,
                &format!("{key}.min_stories"),
                &edition.min_stories,
                0..=1000,
                1,
            ) as usize,
            sections: carried(p, &key, &edition, sections, &known),
            ranking: ranking::compile(p, &format!("{key}.ranking"), edition.ranking.as_ref(), base),
            schedule: edition
                .schedule
                .as_ref()
                .and_then(|v| cadence(p, &format!("{key}.schedule"), v, site.time_zone)),
            local_time: edition.local_time.as_ref().and_then(|v| {
                chrono::NaiveTime::parse_from_str(v.get_ref(), "%H:%M")
                    .map_err(|_| {
                        p.on(
                            v,
                            format!("{key}.local_time"),
                            "expected a time such as \"07:00\"",
                        )
                    })
                    .ok()
            }),
            catch_up: catch_up(p, &key, &edition),
            read_also: edition.read_also.unwrap_or(true),
            languages: languages(p, &key, edition.languages.as_deref(), site),
            id,
        });
    }
    editions
}

/// The sections an edition carries, in the sections' order, each with its stories.
fn carried(
    p: &mut Problems<'_>,
    key: &str,
    edition: &RawEdition,
    sections: &[Section],
    known: &HashSet<SectionId>,
) -> Vec<(SectionId, usize)> {
    let chosen: Option<HashSet<SectionId>> = edition.sections.as_ref().map(|list| {
        list.iter()
            .filter_map(|s| sections::reference(p, &format!("{key}.sections"), s, known))
            .collect()
    });
    let mut counts = Vec::new();
    for s in sections {
        if chosen.as_ref().is_some_and(|c| !c.contains(&s.id)) {
            continue;
        }
        counts.push((s.id.clone(), s.stories));
    }
    for (name, value) in &edition.stories {
        let field = format!("{key}.stories.{name}");
        match counts.iter_mut().find(|(id, _)| id.as_str() == name) {
            Some((_, n)) => {
                *n = count(p, &field, &Some(value.clone()), 0..=100, *n as i64) as usize
            }
            None => p.on(
                value,
                field,
                format!("section \"{name}\" is not in this edition"),
            ),
        }
    }
    counts
}

fn catch_up(p: &mut Problems<'_>, key: &str, edition: &RawEdition) -> CatchUp {
    let grace = duration(p, &format!("{key}.grace"), &edition.grace, DEFAULT_GRACE);
    let Some(value) = &edition.catch_up else {
        return CatchUp::SendLate(grace);
    };
    match one_of(p, &format!("{key}.catch_up"), value, &["send-late", "skip"]) {
        Some("send-late") => CatchUp::SendLate(grace),
        _ => CatchUp::Skip,
    }
}

/// An edition's languages, in order, without repeats; the site's when none is given.
fn languages(
    p: &mut Problems<'_>,
    key: &str,
    given: Option<&[Spanned<String>]>,
    site: &Site,
) -> Vec<Language> {
    let mut languages: Vec<Language> = Vec::new();
    for value in given.unwrap_or_default() {
        if let Some(language) = check::language(p, &format!("{key}.languages"), Some(value))
            && !languages.contains(&language)
        {
            languages.push(language);
        }
    }
    if languages.is_empty() {
        languages.push(site.language.clone());
    }
    languages
}
