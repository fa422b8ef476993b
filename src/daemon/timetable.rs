//! The daemon's timetable: which job fires when, and what to do about fires missed
//! while it was down. Pure: "now" and the record of past fires come in as arguments,
//! so a fixed clock can walk it through DST changes and downtime in tests.

use chrono::{DateTime, Utc};

use crate::{
    config::{CatchUp, EditionPlan, Plan},
    issue::{
        Due,
        when::{self, Look},
    },
    model::EditionId,
    schedule::Cadence,
};

/// Something the daemon does on a schedule.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Job {
    /// Fetch the sources that are due.
    Fetch,
    /// Publish an issue: its id and instant (for a local-time edition, the fire of one
    /// readers' zone publishes, or releases, the issue of that date).
    Publish(Due),
}

impl Job {
    /// The key under which its last fire is recorded.
    pub fn key(&self) -> String {
        match self {
            Job::Fetch => "fetch".to_owned(),
            Job::Publish(due) => Job::publish_key(&due.id.edition),
        }
    }

    /// The key of the publish job of `edition`.
    pub fn publish_key(edition: &EditionId) -> String {
        format!("publish/{edition}")
    }
}

/// One fire of one job.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fire {
    /// The instant it is due (for a local-time edition, in one readers' zone).
    pub at: DateTime<Utc>,
    /// The job that runs then.
    pub job: Job,
}

/// The fire of `edition` next to `from` in direction `look`, if it is scheduled.
fn publish_fire(
    plan: &Plan,
    edition: &EditionPlan,
    from: DateTime<Utc>,
    look: Look,
) -> Option<Fire> {
    when::fire(plan, edition, from, look).map(|(at, due)| Fire {
        at,
        job: Job::Publish(due),
    })
}

/// Every fire due strictly after `after`, at the earliest instant any job fires.
pub fn next(plan: &Plan, fetch: &Cadence, after: DateTime<Utc>) -> Vec<Fire> {
    let mut fires: Vec<Fire> = plan
        .editions
        .iter()
        .filter_map(|e| publish_fire(plan, e, after, Look::After))
        .collect();
    if let Some(at) = fetch.next_after(after) {
        fires.push(Fire {
            at,
            job: Job::Fetch,
        });
    }
    let Some(first) = fires.iter().map(|f| f.at).min() else {
        return Vec::new();
    };
    fires.retain(|f| f.at == first);
    // Fetch before publishing, so an issue built at this instant sees fresh stories.
    fires.sort();
    fires
}

/// The next `count` fires of every job after `after`, for `pressroom schedule`.
pub fn upcoming(plan: &Plan, fetch: &Cadence, after: DateTime<Utc>, count: usize) -> Vec<Fire> {
    let mut fires = Vec::new();
    for edition in &plan.editions {
        let mut at = after;
        for _ in 0..count {
            let Some(fire) = publish_fire(plan, edition, at, Look::After) else {
                break;
            };
            at = fire.at;
            fires.push(fire);
        }
    }
    fires.extend(fetch.upcoming(after, count).into_iter().map(|at| Fire {
        at,
        job: Job::Fetch,
    }));
    fires.sort();
    fires
}

/// What to do, at start-up, about an edition's fire missed while the daemon was down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatchUpDecision {
    /// Publish it now, late.
    SendLate(Fire),
    /// Leave it out, and say why.
    Skip(Fire, String),
}

/// For each scheduled edition whose last fire at or before `now` is later than the
/// fire recorded as done (`done(edition)`), what the catch-up policy says.
pub fn catch_up(
    plan: &Plan,
    now: DateTime<Utc>,
    done: impl Fn(&EditionId) -> Option<DateTime<Utc>>,
) -> Vec<CatchUpDecision> {
    let mut decisions = Vec::new();
    for edition in &plan.editions {
        let Some(fire) = publish_fire(plan, edition, now, Look::AtOrBefore) else {
            continue;
        };
        if done(&edition.id).is_some_and(|last| last >= fire.at) {
            continue;
        }
        let late = (now - fire.at).to_std().unwrap_or_default();
        decisions.push(match edition.catch_up {
            CatchUp::SendLate(grace) if late <= grace => CatchUpDecision::SendLate(fire),
            CatchUp::SendLate(grace) => {
                let why = format!(
                    "missed by {}, more than the grace of {}",
                    humantime::format_duration(round(late)),
                    humantime::format_duration(grace)
                );
                CatchUpDecision::Skip(fire, why)
            }
            CatchUp::Skip => {
                CatchUpDecision::Skip(fire, "missed while down; catch_up = \"skip\"".to_owned())
            }
        });
    }
    decisions
}

fn round(d: std::time::Duration) -> std::time::Duration {
    std::time::Duration::from_secs(d.as_secs() / 60 * 60)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use chrono::NaiveDate;
    use chrono_tz::Tz;

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn plan(zone: &str, edition: &str) -> Plan {
        let text = format!(
            "[site]\ntime_zone = \"{zone}\"\n[[sections]]\nid = \"world\"\ntitle = \"World\"\n[[editions]]\nid = \"morning\"\n{edition}\n[daemon]\nfetch = \"0 0 * * * *\"\n"
        );
        config::parse(&text, std::path::Path::new("/tmp/pressroom.toml")).unwrap()
    }

    use crate::config;

    /// Every publish fire from `from` for `days` days, driven as the daemon drives it.
    fn publishes(plan: &Plan, from: DateTime<Utc>, days: i64) -> Vec<Fire> {
        let end = from + chrono::Duration::days(days);
        let mut fires = Vec::new();
        let mut after = from;
        while after < end {
            let batch = next(plan, &plan.daemon.fetch, after);
            let Some(first) = batch.first() else { break };
            after = first.at;
            fires.extend(
                batch
                    .into_iter()
                    .filter(|f| matches!(f.job, Job::Publish { .. })),
            );
        }
        fires
    }

    fn once_a_day(fires: &[Fire], zone: Tz, local: &str) {
        let mut dates: HashMap<NaiveDate, usize> = HashMap::new();
        for fire in fires {
            let Job::Publish(Due { id, .. }) = &fire.job else {
                unreachable!()
            };
            *dates.entry(id.date).or_default() += 1;
            assert_eq!(
                fire.at.with_timezone(&zone).format("%H:%M").to_string(),
                local,
                "{fire:?}"
            );
            assert_eq!(fire.at.with_timezone(&zone).date_naive(), id.date);
        }
        let mut days: Vec<_> = dates.keys().copied().collect();
        days.sort();
        assert!(
            dates.values().all(|n| *n == 1),
            "an issue fired twice: {dates:?}"
        );
        for pair in days.windows(2) {
            assert_eq!(
                pair[1] - pair[0],
                chrono::Duration::days(1),
                "a day was skipped: {days:?}"
            );
        }
    }

    #[test]
    fn one_issue_a_day_across_both_dst_changes_in_berlin_and_new_york() {
        for (zone, spring, autumn) in [
            (
                chrono_tz::Europe::Berlin,
                "2027-03-25T00:00:00Z",
                "2027-10-28T00:00:00Z",
            ),
            (
                chrono_tz::America::New_York,
                "2027-03-12T00:00:00Z",
                "2027-11-05T00:00:00Z",
            ),
        ] {
            let plan = plan(zone.name(), "schedule = \"0 0 7 * * *\"");
            for from in [spring, autumn] {
                let fires = publishes(&plan, at(from), 6);
                assert_eq!(fires.len(), 6, "{zone}: {fires:?}");
                once_a_day(&fires, zone, "07:00");
            }
            // 02:30 falls in the spring gap and in the autumn overlap: still once a day.
            let early = plan.clone();
            let mut early = early;
            early.editions[0].schedule = Some(Cadence::parse("0 30 2 * * *", zone).unwrap());
            for from in [spring, autumn] {
                let fires = publishes(&early, at(from), 6);
                let mut dates: Vec<NaiveDate> = fires
                    .iter()
                    .map(|f| match &f.job {
                        Job::Publish(due) => due.id.date,
                        Job::Fetch => unreachable!(),
                    })
                    .collect();
                let total = dates.len();
                dates.dedup();
                assert_eq!(
                    dates.len(),
                    total,
                    "{zone} 02:30 fired twice on a day: {fires:?}"
                );
                assert_eq!(total, 6, "{zone} 02:30 skipped a day: {fires:?}");
            }
        }
    }

    #[test]
    fn missed_issues_are_sent_late_within_the_grace_or_skipped() {
        let zone = chrono_tz::Europe::Berlin;
        let send_late = plan(
            zone.name(),
            "schedule = \"0 0 7 * * *\"\ncatch_up = \"send-late\"\ngrace = \"3h\"",
        );
        let skip = plan(
            zone.name(),
            "schedule = \"0 0 7 * * *\"\ncatch_up = \"skip\"",
        );
        let yesterday = at("2027-01-09T06:00:00Z"); // 07:00 CET, already published
        let today = at("2027-01-10T06:00:00Z");
        let done = |_: &EditionId| Some(yesterday);
        // Down from 06:00 to 08:30 local: 1.5 h late, within the grace.
        let decisions = catch_up(&send_late, at("2027-01-10T07:30:00Z"), done);
        assert!(
            matches!(&decisions[..], [CatchUpDecision::SendLate(f)] if f.at == today),
            "{decisions:?}"
        );
        // Down until 11:00 local: 4 h late.
        let decisions = catch_up(&send_late, at("2027-01-10T10:00:00Z"), done);
        assert!(
            matches!(&decisions[..], [CatchUpDecision::Skip(f, why)] if f.at == today && why.contains("grace")),
            "{decisions:?}"
        );
        // The skip policy never sends late.
        let decisions = catch_up(&skip, at("2027-01-10T06:30:00Z"), done);
        assert!(
            matches!(&decisions[..], [CatchUpDecision::Skip(..)]),
            "{decisions:?}"
        );
        // Nothing missed: today's fire is recorded.
        assert!(catch_up(&send_late, at("2027-01-10T07:30:00Z"), |_| Some(today)).is_empty());
        // Down before 07:00 and back before 07:00: nothing missed either.
        assert!(catch_up(&send_late, at("2027-01-10T05:30:00Z"), done).is_empty());
    }

    #[test]
    fn local_time_delivery_fires_at_each_readers_hour() {
        let text = r#"
[site]
time_zone = "Europe/Moscow"
[[sections]]
id = "world"
title = "World"
[[editions]]
id = "morning"
local_time = "07:00"
[email]
from = "r@news.example"
subscribers = "subscribers.toml"
"#;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("subscribers.toml"),
            "[[subscribers]]\nemail = \"a@x.example\"\ntime_zone = \"Asia/Tokyo\"\n[[subscribers]]\nemail = \"b@x.example\"\ntime_zone = \"America/New_York\"\n[[subscribers]]\nemail = \"c@x.example\"\ntime_zone = \"Asia/Tokyo\"\n",
        )
        .unwrap();
        let plan = config::parse(text, &dir.path().join("pressroom.toml")).unwrap();
        let fires = publishes(&plan, at("2027-01-09T12:00:00Z"), 2);
        let seen: Vec<(String, String)> = fires
            .iter()
            .map(|f| match &f.job {
                Job::Publish(due) => {
                    // Every zone's fire publishes (or releases) the issue built at the first.
                    assert_eq!(due.at.format("%H:%MZ").to_string(), "22:00Z");
                    (
                        f.at.format("%Y-%m-%dT%H:%MZ").to_string(),
                        due.id.to_string(),
                    )
                }
                Job::Fetch => unreachable!(),
            })
            .collect();
        // Tokyo 07:00 = 22:00Z the day before; New York 07:00 = 12:00Z. One fire per zone and day.
        assert_eq!(
            seen,
            [
                (
                    "2027-01-09T22:00Z".to_owned(),
                    "morning/2027-01-10".to_owned()
                ),
                (
                    "2027-01-10T12:00Z".to_owned(),
                    "morning/2027-01-10".to_owned()
                ),
                (
                    "2027-01-10T22:00Z".to_owned(),
                    "morning/2027-01-11".to_owned()
                ),
                (
                    "2027-01-11T12:00Z".to_owned(),
                    "morning/2027-01-11".to_owned()
                ),
            ]
        );
    }
}
