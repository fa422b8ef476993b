//! Audiences: the subscribers who share one rendering (same sections, format, time
//! zone and language). Rendering is done once per audience, so its cost grows with audiences, not
//! subscribers; the per-subscriber parts (name, unsubscribe link) are filled in after.

use std::collections::BTreeMap;

use crate::{
    config::{EditionPlan, Format, Plan, Subscriber},
    i18n::Language,
    model::SectionId,
    render::Audience,
};

/// One audience of an edition and its members.
#[derive(Clone, Debug)]
pub struct Group<'p> {
    /// A stable, file-name-safe name, e.g. `politics+world.html.europe-berlin`.
    pub slug: String,
    /// What the rendering depends on.
    pub audience: Audience,
    /// HTML (with text) or text only.
    pub format: Format,
    /// The subscribers in it, in file order.
    pub members: Vec<&'p Subscriber>,
}

/// The audiences of `edition` among `subscribers` (those who receive it), in a
/// deterministic order; never empty. When none of `subscribers` receives the edition
/// (or there are none): one audience of every section in the site's zone, with no
/// members, so that a preview shows the whole issue.
pub fn groups<'p>(
    plan: &Plan,
    edition: &EditionPlan,
    subscribers: &[&'p Subscriber],
) -> Vec<Group<'p>> {
    type Key = (Option<Vec<SectionId>>, Format, String, Language);
    let mut by_key: BTreeMap<Key, Group<'p>> = BTreeMap::new();
    for subscriber in subscribers
        .iter()
        .copied()
        .filter(|s| s.receives(&edition.id))
    {
        let sections = sections_in_order(edition, subscriber);
        let language = edition.language_for(subscriber.language.as_ref());
        let key = (
            sections.clone(),
            subscriber.format,
            subscriber.time_zone.name().to_owned(),
            language.clone(),
        );
        by_key
            .entry(key)
            .or_insert_with(|| Group {
                slug: slug(
                    sections.as_deref(),
                    subscriber,
                    (language != &edition.languages[0]).then_some(language),
                ),
                audience: Audience {
                    sections,
                    time_zone: subscriber.time_zone,
                    language: language.clone(),
                },
                format: subscriber.format,
                members: Vec::new(),
            })
            .members
            .push(subscriber);
    }
    if by_key.is_empty() {
        return vec![Group {
            slug: EVERYONE.to_owned(),
            audience: Audience {
                sections: None,
                time_zone: plan.site.time_zone,
                language: edition.languages[0].clone(),
            },
            format: Format::Html,
            members: Vec::new(),
        }];
    }
    by_key.into_values().collect()
}

/// The slug of the audience [`groups`] gives when nobody receives the edition.
pub const EVERYONE: &str = "all";

/// The subscriber's sections in the edition's order; `None` when they read all of them.
fn sections_in_order(edition: &EditionPlan, subscriber: &Subscriber) -> Option<Vec<SectionId>> {
    let chosen = subscriber.sections.as_ref()?;
    let ordered: Vec<SectionId> = edition
        .sections
        .iter()
        .map(|(id, _)| id)
        .filter(|id| chosen.contains(id))
        .cloned()
        .collect();
    (ordered.len() < edition.sections.len()).then_some(ordered)
}

/// The audience's name: its sections joined by '+' (or "all"), the format and the time
/// zone in lower case with '/' and '_' as '-', e.g. `politics+world.html.europe-berlin`,
/// and the language when it is not the edition's first (`….europe-berlin.en`).
/// The delivery ledger stores it, so it must not change.
///
/// Not `config::check::slugify` on purpose: that one collapses every other character
/// into '-', which would give `Etc/GMT+5` and `Etc/GMT-5` (hours apart) one name, and cuts
/// at 48 characters; here the parts are already slugs or zone names, '/' and '_' are the
/// only characters replaced, and '+' and '.' separate the parts.
fn slug(
    sections: Option<&[SectionId]>,
    subscriber: &Subscriber,
    other_language: Option<&Language>,
) -> String {
    let sections = match sections {
        None => "all".to_owned(),
        Some(list) => list
            .iter()
            .map(SectionId::as_str)
            .collect::<Vec<_>>()
            .join("+"),
    };
    let format = match subscriber.format {
        Format::Html => "html",
        Format::Text => "text",
    };
    let zone = subscriber
        .time_zone
        .name()
        .to_lowercase()
        .replace(['/', '_'], "-");
    match other_language {
        None => format!("{sections}.{format}.{zone}"),
        Some(language) => format!(
            "{sections}.{format}.{zone}.{}",
            language.as_str().to_lowercase()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Address;

    fn reader(format: Format, zone: &str) -> Subscriber {
        Subscriber {
            address: Address::parse("reader@news.example").unwrap(),
            name: None,
            sections: None,
            editions: None,
            format,
            language: None,
            time_zone: zone.parse().unwrap(),
        }
    }

    fn ids(list: &[&str]) -> Vec<SectionId> {
        list.iter().map(|s| SectionId::parse(s).unwrap()).collect()
    }

    /// The delivery ledger keys on these names: they must stay byte-identical.
    #[test]
    fn slugs_are_pinned() {
        let berlin = reader(Format::Html, "Europe/Berlin");
        assert_eq!(slug(None, &berlin, None), "all.html.europe-berlin");
        let two = ids(&["politics", "world"]);
        assert_eq!(
            slug(Some(&two), &berlin, None),
            "politics+world.html.europe-berlin"
        );
        let text = reader(Format::Text, "America/Argentina/Buenos_Aires");
        assert_eq!(
            slug(Some(&ids(&["sport"])), &text, None),
            "sport.text.america-argentina-buenos-aires"
        );
        assert_eq!(
            slug(None, &reader(Format::Html, "UTC"), None),
            "all.html.utc"
        );
        let west = slug(None, &reader(Format::Text, "Etc/GMT+5"), None);
        let east = slug(None, &reader(Format::Text, "Etc/GMT-5"), None);
        assert_eq!(
            (west.as_str(), east.as_str()),
            ("all.text.etc-gmt+5", "all.text.etc-gmt-5")
        );
        let en = Language::parse("en").unwrap();
        assert_eq!(slug(None, &berlin, Some(&en)), "all.html.europe-berlin.en");
    }
}
