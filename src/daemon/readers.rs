//! The store's readers for the daemon's timetable: an edition delivered at each
//! reader's local time fires once per readers' zone, so the zones of readers who
//! signed up on the web count as the file's do. Read again at most once a minute,
//! not on every tick of the loop.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::{
    config::Plan,
    store::{Store, StoredReader},
    subscribers,
};

/// How long a reading of the store's readers serves the timetable.
const FRESH_FOR: Duration = Duration::seconds(60);

/// The store's readers as last read, and when.
#[derive(Default)]
pub struct Readers(Mutex<Option<(DateTime<Utc>, Vec<StoredReader>)>>);

impl Readers {
    /// `plan` with the store's readers merged in when one of its editions is
    /// delivered at local time; `plan` itself otherwise (or when the store fails).
    pub fn merged(&self, plan: Plan, now: DateTime<Utc>) -> Plan {
        if plan.editions.iter().all(|e| e.local_time.is_none()) {
            return plan;
        }
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let fresh = cache
            .as_ref()
            .is_some_and(|(at, _)| *at <= now && now - *at < FRESH_FOR);
        if !fresh {
            match Store::open(&plan.site.state).and_then(|s| s.readers()) {
                Ok(readers) => *cache = Some((now, readers)),
                Err(e) => tracing::warn!(error = %e, "cannot read the store's readers"),
            }
        }
        match cache.as_ref() {
            Some((_, readers)) if !readers.is_empty() => {
                let subscribers = subscribers::merge(&plan, readers)
                    .into_iter()
                    .map(|l| l.subscriber)
                    .collect();
                Plan {
                    subscribers,
                    ..plan
                }
            }
            _ => plan,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{issue::when, store::Choice};

    /// A reader who signed up in Tokyo makes a local-time edition fire at 07:00 in
    /// Tokyo, once the minute's reading is over.
    #[test]
    fn store_readers_zones_make_local_time_fires() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("pressroom.toml");
        std::fs::write(
            &config,
            "[site]\ntime_zone = \"Europe/Berlin\"\nstate = \"state.db\"\n\
             [[sections]]\nid = \"news\"\ntitle = \"News\"\n\
             [[sources]]\nid = \"wire\"\nurl = \"https://wire.example/rss\"\n\
             [[editions]]\nid = \"morning\"\nlocal_time = \"07:00\"\n\
             [email]\nfrom = \"R <r@news.example>\"\ntransport = \"file\"\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("subscribers.toml"), "").unwrap();
        let plan = crate::config::load(&config).unwrap();
        let edition = &plan.editions[0];
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let readers = Readers::default();
        let zones = |plan: &Plan| when::reader_zones(plan, edition);
        let now = at("2027-01-09T12:00:00Z");
        assert_eq!(
            zones(&readers.merged(plan.clone(), now)),
            [chrono_tz::Europe::Berlin]
        );
        let mut store = Store::open(&plan.site.state).unwrap();
        let mut w = store.writer().unwrap();
        let choice = Choice {
            format: "html".into(),
            time_zone: Some("Asia/Tokyo".into()),
            ..Choice::default()
        };
        w.put_reader("kenji@readers.example", &choice, "web", now)
            .unwrap();
        w.commit().unwrap();
        // Within the minute: the earlier reading still serves.
        let soon = now + Duration::seconds(30);
        assert_eq!(
            zones(&readers.merged(plan.clone(), soon)),
            [chrono_tz::Europe::Berlin]
        );
        let later = now + Duration::seconds(61);
        let merged = readers.merged(plan.clone(), later);
        assert_eq!(zones(&merged), [chrono_tz::Asia::Tokyo]);
        let (fire, _) = when::fire(&merged, edition, later, when::Look::After).unwrap();
        assert_eq!(fire, at("2027-01-09T22:00:00Z"), "07:00 in Tokyo");
    }
}
