//! `[ranking]` and `[[editions]]` compiled: each edition's window, blocks, sections
//! and ranking weights.

use std::collections::HashSet;

use super::{
    EditionPlan, Problems, Ranking, Section, Site,
    compile::{count, duration, section, slug},
    raw::{RawEdition, RawRanking},
};
use crate::model::{EditionId, SectionId};

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
            id,
        });
    }
    editions
}
