//! `[ranking]` and `[[editions]]` compiled: each edition's window, blocks, sections
//! and ranking weights.

use std::collections::HashSet;

use super::{
    CatchUp, DaemonPlan, EditionPlan, Problems, Ranking, Section, Site,
    compile::{count, duration, section, slug},
    raw::{RawDaemon, RawEdition, RawRanking},
};
use crate::{
    model::{EditionId, SectionId},
    schedule::Cadence,
};

/// Ranking weights at `key`, each missing one taken from `base`.
pub(super) fn ranking(
    p: &mut Problems<'_>,
    key: &str,
    raw: Option<&RawRanking>,
    base: &Ranking,
) -> Ranking {
    let Some(raw) = raw else {
        return base.clone();
    };
    let weight = |p: &mut Problems<'_>,
                  name: &str,
                  value: &Option<toml::Spanned<f64>>,
                  default: f64| match value {
        Some(v) if !(v.get_ref().is_finite() && *v.get_ref() >= 0.0) => {
            p.on(v, format!("{key}.{name}"), "must be a number of 0 or more");
            default
        }
        Some(v) => *v.get_ref(),
        None => default,
    };
    Ranking {
        half_life: duration(
            p,
            &format!("{key}.half_life"),
            &raw.half_life,
            base.half_life,
        ),
        most_read: weight(p, "most_read", &raw.most_read, base.most_read),
        outlets: weight(p, "outlets", &raw.outlets, base.outlets),
        cluster_window: duration(
            p,
            &format!("{key}.cluster_window"),
            &raw.cluster_window,
            base.cluster_window,
        ),
    }
}

fn catch_up(p: &mut Problems<'_>, key: &str, edition: &RawEdition) -> CatchUp {
    let grace = duration(
        p,
        &format!("{key}.grace"),
        &edition.grace,
        std::time::Duration::from_secs(3 * 3600),
    );
    match edition.catch_up.as_ref().map(|v| v.get_ref().as_str()) {
        None | Some("send-late") => CatchUp::SendLate(grace),
        Some("skip") => CatchUp::Skip,
        Some(other) => {
            let at = edition.catch_up.as_ref().expect("present");
            p.on(
                at,
                format!("{key}.catch_up"),
                format!("unknown {other:?}; expected \"send-late\" or \"skip\""),
            );
            CatchUp::Skip
        }
    }
}

/// `[daemon]`, with its defaults.
pub(super) fn daemon(p: &mut Problems<'_>, raw: RawDaemon, site: &Site) -> DaemonPlan {
    let listen = match &raw.listen {
        None => "127.0.0.1:8080".parse().expect("valid"),
        Some(v) => v.get_ref().parse().unwrap_or_else(|_| {
            p.on(
                v,
                "daemon.listen",
                "expected an address and port such as \"127.0.0.1:8080\"",
            );
            "127.0.0.1:8080".parse().expect("valid")
        }),
    };
    let fetch = match &raw.fetch {
        None => None,
        Some(v) => Cadence::parse(v.get_ref(), site.time_zone)
            .map_err(|e| p.on(v, "daemon.fetch", e))
            .ok(),
    };
    DaemonPlan {
        listen,
        fetch: fetch
            .unwrap_or_else(|| Cadence::parse("0 */15 * * * *", site.time_zone).expect("valid")),
        shutdown_grace: duration(
            p,
            "daemon.shutdown_grace",
            &raw.shutdown_grace,
            std::time::Duration::from_secs(30),
        ),
    }
}

/// The editions; a single "daily" edition over every section when none is configured.
pub(super) fn compile(
    p: &mut Problems<'_>,
    raw: Vec<(usize, RawEdition)>,
    sections: &[Section],
    base: &Ranking,
    site: &Site,
) -> Vec<EditionPlan> {
    if raw.is_empty() {
        return vec![EditionPlan {
            id: EditionId::parse("daily").expect("valid id"),
            title: site.title.clone(),
            window: std::time::Duration::from_secs(24 * 3600),
            lead: 3,
            most_read: 5,
            sections: sections.iter().map(|s| (s.id.clone(), s.stories)).collect(),
            ranking: base.clone(),
            schedule: None,
            local_time: None,
            catch_up: CatchUp::SendLate(std::time::Duration::from_secs(3 * 3600)),
            read_also: true,
        }];
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
        let chosen: Option<HashSet<SectionId>> = edition.sections.as_ref().map(|list| {
            list.iter()
                .filter_map(|s| section(p, &format!("{key}.sections"), s, &known))
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
        editions.push(EditionPlan {
            title: edition.title.clone().unwrap_or_else(|| site.title.clone()),
            window: duration(
                p,
                &format!("{key}.window"),
                &edition.window,
                std::time::Duration::from_secs(86_400),
            ),
            lead: count(p, &format!("{key}.lead"), &edition.lead, 0..=50, 3) as usize,
            most_read: count(
                p,
                &format!("{key}.most_read"),
                &edition.most_read,
                0..=50,
                5,
            ) as usize,
            sections: counts,
            ranking: ranking(p, &format!("{key}.ranking"), edition.ranking.as_ref(), base),
            schedule: edition.schedule.as_ref().and_then(|v| {
                Cadence::parse(v.get_ref(), site.time_zone)
                    .map_err(|e| p.on(v, format!("{key}.schedule"), e))
                    .ok()
            }),
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
            id,
        });
    }
    editions
}
