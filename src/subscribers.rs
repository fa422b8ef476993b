//! Who receives the digest: the subscribers file (lists kept by hand) and the readers
//! kept in the store (web sign-ups, `pressroom subscribers add|import`), merged into
//! one list of [`Subscriber`]s, so that audiences, the outbox and local-time delivery
//! treat both kinds the same.
//!
//! **The file wins** for the addresses it lists: an editor's hand-kept entry is not
//! overridden by a web form; the store's entry for such an address is kept but
//! ignored, and `pressroom subscribers list` shows it as shadowed. A reader kept in
//! the store is checked against today's plan: a section or edition the configuration
//! no longer has is left out.

use std::{borrow::Cow, collections::HashSet};

use chrono_tz::Tz;

use crate::{
    config::{Address, Format, Plan, Subscriber},
    i18n::Language,
    model::{EditionId, SectionId},
    store::{Choice, Store, StoreError, StoredReader},
};

/// Where a subscriber comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The subscribers file.
    File,
    /// The store; how they came: "web", "cli" or "import".
    Store(String),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::File => f.write_str("file"),
            Origin::Store(how) => write!(f, "store ({how})"),
        }
    }
}

/// One subscriber of the merged list.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    /// What they receive.
    pub subscriber: Subscriber,
    /// Where the entry that counts comes from.
    pub origin: Origin,
    /// For a file entry: the store also keeps this address (ignored: the file wins).
    pub shadowed: bool,
}

/// The file's subscribers in file order, then the store's that the file does not
/// list, by address.
pub fn merge(plan: &Plan, stored: &[StoredReader]) -> Vec<Listed> {
    let in_store: HashSet<&str> = stored.iter().map(|r| r.address.as_str()).collect();
    let in_file: HashSet<&str> = plan
        .subscribers
        .iter()
        .map(|s| s.address.as_str())
        .collect();
    let mut list: Vec<Listed> = plan
        .subscribers
        .iter()
        .map(|s| Listed {
            subscriber: s.clone(),
            origin: Origin::File,
            shadowed: in_store.contains(s.address.as_str()),
        })
        .collect();
    for reader in stored {
        if in_file.contains(reader.address.as_str()) {
            continue;
        }
        match subscriber(plan, &reader.address, &reader.choice) {
            Ok(subscriber) => list.push(Listed {
                subscriber,
                origin: Origin::Store(reader.origin.clone()),
                shadowed: false,
            }),
            Err(e) => tracing::warn!(reader = %mask(&reader.address), "left out: {e}"),
        }
    }
    list
}

/// `plan` with its subscribers merged with the store's (see [`merge`]): what a
/// publish delivers to. `plan` itself when the store keeps no reader: a copy of
/// 100,000 subscribers was 18 MB of a delivery's peak.
pub fn with_store<'p>(plan: &'p Plan, store: &Store) -> Result<Cow<'p, Plan>, StoreError> {
    let stored = store.readers()?;
    if stored.is_empty() {
        return Ok(Cow::Borrowed(plan));
    }
    let subscribers = merge(plan, &stored)
        .into_iter()
        .map(|l| l.subscriber)
        .collect();
    Ok(Cow::Owned(plan.with_subscribers(subscribers)))
}

/// A stored choice as a subscriber of `plan`: sections and editions it no longer has
/// are left out (no section left: all of them); an unknown zone is the site's.
pub fn subscriber(plan: &Plan, address: &str, choice: &Choice) -> Result<Subscriber, String> {
    let address = Address::parse(address)?;
    let sections = choice.sections.as_ref().and_then(|list| {
        let known: Vec<SectionId> = list
            .iter()
            .filter_map(|s| SectionId::parse(s).ok())
            .filter(|id| plan.sections.iter().any(|s| &s.id == id))
            .collect();
        (!known.is_empty()).then_some(known)
    });
    let editions = choice.editions.as_ref().map(|list| {
        list.iter()
            .filter_map(|e| EditionId::parse(e).ok())
            .filter(|id| plan.editions.iter().any(|e| &e.id == id))
            .collect()
    });
    let time_zone = choice
        .time_zone
        .as_deref()
        .and_then(|z| z.parse::<Tz>().ok())
        .unwrap_or(plan.site.time_zone);
    Ok(Subscriber {
        address,
        name: choice
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned),
        sections,
        editions,
        format: if choice.format == "text" {
            Format::Text
        } else {
            Format::Html
        },
        time_zone,
        // A tag that no longer parses: each edition's own language.
        language: (choice.language.as_deref()).and_then(|tag| Language::parse(tag).ok()),
    })
}

/// What a subscriber chose, as the store keeps it.
pub fn choice(subscriber: &Subscriber) -> Choice {
    Choice {
        name: subscriber.name.clone(),
        sections: subscriber
            .sections
            .as_ref()
            .map(|l| l.iter().map(|s| s.as_str().to_owned()).collect()),
        editions: subscriber
            .editions
            .as_ref()
            .map(|l| l.iter().map(|e| e.as_str().to_owned()).collect()),
        format: match subscriber.format {
            Format::Html => "html".to_owned(),
            Format::Text => "text".to_owned(),
        },
        time_zone: Some(subscriber.time_zone.name().to_owned()),
        language: (subscriber.language.as_ref()).map(|l| l.as_str().to_owned()),
    }
}

/// An address as logs at INFO and pages show it: the first letter of the local part
/// and the domain, `a…@readers.example`.
pub fn mask(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "…".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("pressroom.toml");
        std::fs::write(
            &config,
            "[site]\ntime_zone = \"Europe/Berlin\"\n\
             [[sections]]\nid = \"world\"\ntitle = \"World\"\n\
             [[sections]]\nid = \"tech\"\ntitle = \"Tech\"\n\
             [[sources]]\nid = \"wire\"\nurl = \"https://wire.example/rss\"\n\
             [email]\nfrom = \"R <r@news.example>\"\ntransport = \"file\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("subscribers.toml"),
            "[[subscribers]]\nemail = \"anna@readers.example\"\nformat = \"text\"\n",
        )
        .unwrap();
        crate::config::load(&config).unwrap()
    }

    fn stored(address: &str, choice: Choice) -> StoredReader {
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        StoredReader {
            address: address.to_owned(),
            choice,
            origin: "web".to_owned(),
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn the_file_wins_for_the_addresses_it_lists() {
        let plan = plan();
        let web = Choice {
            name: Some("Web Anna".into()),
            format: "html".into(),
            ..Choice::default()
        };
        let list = merge(
            &plan,
            &[
                stored("anna@readers.example", web.clone()),
                stored("bo@readers.example", web),
            ],
        );
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].origin, Origin::File);
        assert!(list[0].shadowed);
        assert_eq!(list[0].subscriber.format, Format::Text);
        assert_eq!(list[0].subscriber.name, None);
        assert_eq!(list[1].origin, Origin::Store("web".into()));
        assert_eq!(list[1].subscriber.address.as_str(), "bo@readers.example");
        assert_eq!(list[1].origin.to_string(), "store (web)");
    }

    #[test]
    fn a_stored_choice_is_checked_against_todays_plan() {
        let plan = plan();
        let choice = Choice {
            name: Some("  ".into()),
            sections: Some(vec!["tech".into(), "gone".into()]),
            editions: Some(vec!["daily".into(), "evening".into()]),
            format: "text".into(),
            time_zone: Some("Mars/Olympus".into()),
            language: Some("RU".into()),
        };
        let s = subscriber(&plan, "Cy@Readers.Example", &choice).unwrap();
        assert_eq!(s.language, Some(Language::parse("ru").unwrap()));
        assert_eq!(s.address.as_str(), "cy@readers.example");
        assert_eq!(s.name, None);
        assert_eq!(s.sections, Some(vec![SectionId::parse("tech").unwrap()]));
        assert_eq!(s.editions, Some(vec![EditionId::parse("daily").unwrap()]));
        assert_eq!(s.format, Format::Text);
        assert_eq!(s.time_zone, chrono_tz::Europe::Berlin);
        // No known section left: all of them, not none.
        let gone = Choice {
            sections: Some(vec!["gone".into()]),
            ..choice
        };
        assert_eq!(
            subscriber(&plan, "cy@readers.example", &gone)
                .unwrap()
                .sections,
            None
        );
        assert!(subscriber(&plan, "not an address", &Choice::default()).is_err());
        // A tag that does not parse: each edition's own language.
        let garbled = Choice {
            language: Some("not a tag!".into()),
            ..Choice::default()
        };
        let plain = subscriber(&plan, "cy@readers.example", &garbled).unwrap();
        assert_eq!(plain.language, None);
        // A subscriber's choice goes to the store and back unchanged.
        let back = subscriber(&plan, "cy@readers.example", &super::choice(&s)).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn addresses_are_masked() {
        assert_eq!(mask("anna.petrova@readers.example"), "a…@readers.example");
        assert_eq!(mask("nobody"), "…");
    }
}
