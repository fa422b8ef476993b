//! When issues fall: an edition's fires (its cron schedule, or its local time in every
//! reader's zone), and for each fire the issue it publishes and that issue's instant.
//!
//! An issue's *instant* is the moment it is for: the fire of a scheduled edition; for
//! a local-time edition, the first of its readers' moments on that date (when the
//! daemon builds it); for an unscheduled edition, the moment `publish` runs. The
//! issue's window ends there. Pure: "now" comes in as an argument.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::{
    config::{EditionPlan, Plan},
    model::IssueId,
};

/// One issue of an edition and its instant.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Due {
    /// Which issue.
    pub id: IssueId,
    /// The moment it is for: its window ends here, and ages are counted from here.
    pub at: DateTime<Utc>,
}

/// Which way to look from an instant.
#[derive(Clone, Copy, Debug)]
pub enum Look {
    /// The first fire strictly after it.
    After,
    /// The last fire at or before it.
    AtOrBefore,
}

/// `date` at `time` in `zone` (the earlier instant when clocks go back; the first valid
/// one after a gap when they go forward).
pub fn release_instant(date: NaiveDate, time: NaiveTime, zone: Tz) -> DateTime<Utc> {
    let local = date.and_time(time);
    match zone.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.to_utc(),
        chrono::LocalResult::None => {
            let later = local + chrono::Duration::hours(1);
            zone.from_local_datetime(&later)
                .earliest()
                .map_or_else(|| later.and_utc(), |t| t.to_utc())
        }
    }
}

/// The zones whose readers get a local-time edition (by name, in order; the site's
/// zone when nobody takes it).
pub fn reader_zones(plan: &Plan, edition: &EditionPlan) -> Vec<Tz> {
    let mut zones: Vec<Tz> = plan
        .subscribers
        .iter()
        .filter(|s| s.receives(&edition.id))
        .map(|s| s.time_zone)
        .collect();
    if zones.is_empty() {
        zones.push(plan.site.time_zone);
    }
    zones.sort_by_key(|z| z.name());
    zones.dedup();
    zones
}

/// The fire of `edition` next to `from` in direction `look`, and the issue it
/// publishes; `None` for an edition with no schedule. A local-time edition fires once
/// per readers' zone, each fire publishing (or releasing) the same dated issue.
pub fn fire(
    plan: &Plan,
    edition: &EditionPlan,
    from: DateTime<Utc>,
    look: Look,
) -> Option<(DateTime<Utc>, Due)> {
    if let Some(time) = edition.local_time {
        let zones = reader_zones(plan, edition);
        let moments = zones.iter().filter_map(|&zone| {
            let today = from.with_timezone(&zone).date_naive();
            let other = match look {
                Look::After => today.succ_opt()?,
                Look::AtOrBefore => today.pred_opt()?,
            };
            [today, other]
                .into_iter()
                .map(|date| (release_instant(date, time, zone), date))
                .find(|(at, _)| match look {
                    Look::After => *at > from,
                    Look::AtOrBefore => *at <= from,
                })
        });
        let (at, date) = match look {
            Look::After => moments.min(),
            Look::AtOrBefore => moments.max(),
        }?;
        let first = zones
            .iter()
            .map(|&zone| release_instant(date, time, zone))
            .min()
            .unwrap_or(at);
        let id = IssueId {
            edition: edition.id.clone(),
            date,
            time: None,
        };
        return Some((at, Due { id, at: first }));
    }
    let cadence = edition.schedule.as_ref()?;
    let at = match look {
        Look::After => cadence.next_after(from)?,
        Look::AtOrBefore => cadence.last_at_or_before(from)?,
    };
    let local = at.with_timezone(&plan.site.time_zone);
    let id = IssueId {
        edition: edition.id.clone(),
        date: local.date_naive(),
        time: cadence.more_than_daily().then(|| {
            NaiveTime::from_hms_opt(
                chrono::Timelike::hour(&local),
                chrono::Timelike::minute(&local),
                0,
            )
            .expect("a valid time")
        }),
    };
    Some((at, Due { id, at }))
}

/// The issue whose time has come at `now`: the last fire at or before it; for an
/// unscheduled edition, today's issue (the site's date) at `now`. `None` when the
/// schedule has not fired yet.
pub fn due(plan: &Plan, edition: &EditionPlan, now: DateTime<Utc>) -> Option<Due> {
    if edition.schedule.is_none() && edition.local_time.is_none() {
        return Some(unscheduled(plan, edition, now, 0));
    }
    fire(plan, edition, now, Look::AtOrBefore).map(|(_, due)| due)
}

/// The first issue after the one due at `now`: the next fire's; for an unscheduled
/// edition, tomorrow's, as it would be if published at `now`.
pub fn following(plan: &Plan, edition: &EditionPlan, now: DateTime<Utc>) -> Due {
    let mut from = now;
    // A local-time edition fires once per zone: skip the later fires of today's issue.
    for _ in 0..64 {
        match fire(plan, edition, from, Look::After) {
            None => return unscheduled(plan, edition, now, 1),
            Some((at, due)) => {
                if due.at > now {
                    return due;
                }
                from = at;
            }
        }
    }
    unscheduled(plan, edition, now, 1)
}

/// The issue of an unscheduled edition `days` after the site's date of `now`, at `now`.
fn unscheduled(plan: &Plan, edition: &EditionPlan, now: DateTime<Utc>, days: i64) -> Due {
    let date = now.with_timezone(&plan.site.time_zone).date_naive() + chrono::Duration::days(days);
    Due {
        id: IssueId {
            edition: edition.id.clone(),
            date,
            time: None,
        },
        at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn plan(edition: &str) -> Plan {
        let text = format!(
            "[site]\ntime_zone = \"Europe/Berlin\"\n[[sections]]\nid = \"world\"\ntitle = \"World\"\n[[editions]]\nid = \"e\"\n{edition}\n"
        );
        config::parse(&text, std::path::Path::new("/tmp/pressroom.toml")).unwrap()
    }

    #[test]
    fn a_daily_edition_is_named_by_date_and_due_at_its_fire() {
        let plan = plan("schedule = \"0 0 7 * * *\"");
        let e = &plan.editions[0];
        let due = due(&plan, e, at("2027-01-10T09:30:00Z")).unwrap();
        assert_eq!(due.id.to_string(), "e/2027-01-10");
        assert_eq!(due.at, at("2027-01-10T06:00:00Z"));
        // Before today's fire, yesterday's issue is the one due.
        let early = super::due(&plan, e, at("2027-01-10T05:00:00Z")).unwrap();
        assert_eq!(early.id.to_string(), "e/2027-01-09");
        let next = following(&plan, e, at("2027-01-10T09:30:00Z"));
        assert_eq!(next.id.to_string(), "e/2027-01-11");
        assert_eq!(next.at, at("2027-01-11T06:00:00Z"));
    }

    #[test]
    fn an_edition_that_fires_twice_a_day_names_each_issue_by_its_time() {
        let plan = plan("schedule = \"0 0 7,19 * * *\"");
        let e = &plan.editions[0];
        let morning = due(&plan, e, at("2027-01-10T09:30:00Z")).unwrap();
        let evening = following(&plan, e, at("2027-01-10T09:30:00Z"));
        assert_eq!(morning.id.to_string(), "e/2027-01-10T07:00");
        assert_eq!(evening.id.to_string(), "e/2027-01-10T19:00");
        assert_eq!(evening.id.path(), "e/2027-01-10-1900");
        assert_eq!(evening.at, at("2027-01-10T18:00:00Z"));
        assert_eq!(IssueId::parse("e/2027-01-10T19:00").unwrap(), evening.id);
        assert_eq!(IssueId::parse("e/2027-01-10-1900").unwrap(), evening.id);
    }

    #[test]
    fn an_hourly_edition_has_an_issue_an_hour() {
        let plan = plan("schedule = \"0 0 * * * *\"");
        let e = &plan.editions[0];
        let mut ids = Vec::new();
        let mut now = at("2027-01-10T22:30:00Z");
        for _ in 0..4 {
            let next = following(&plan, e, now);
            ids.push(next.id.to_string());
            now = next.at;
        }
        assert_eq!(
            ids,
            [
                "e/2027-01-11T00:00",
                "e/2027-01-11T01:00",
                "e/2027-01-11T02:00",
                "e/2027-01-11T03:00"
            ]
        );
    }

    #[test]
    fn an_unscheduled_edition_is_due_now_under_todays_date() {
        let plan = plan("");
        let e = &plan.editions[0];
        let now = at("2027-01-10T23:30:00Z"); // 00:30 on the 11th in Berlin
        let due = due(&plan, e, now).unwrap();
        assert_eq!(
            (due.id.to_string(), due.at),
            ("e/2027-01-11".to_owned(), now)
        );
        assert_eq!(following(&plan, e, now).id.to_string(), "e/2027-01-12");
    }
}
