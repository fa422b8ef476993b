//! Schedules: when each job fires, computed in the site's time zone.
//!
//! Cron strings have six fields, seconds first (`"0 0 7 * * *"`: 07:00:00 every
//! day); day-of-month and day-of-week combine with OR, as in Vixie cron. Every next
//! fire time is computed afresh in the zone from the previous one (croner with
//! chrono-tz), so a job at 07:00 stays at 07:00 local across a DST change; a time that
//! does not exist on the day clocks go forward fires once, at the first valid instant
//! after it. Pure: the caller says what "now" is.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::{
    Cron,
    parser::{CronParser, Seconds},
};

/// A parsed cron schedule in a time zone.
#[derive(Clone, Debug)]
pub struct Cadence {
    cron: Cron,
    zone: Tz,
    text: String,
    more_than_daily: bool,
}

impl PartialEq for Cadence {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.zone == other.zone
    }
}

impl Cadence {
    /// Parses a six-field cron string (seconds first) for zone `zone`.
    pub fn parse(text: &str, zone: Tz) -> Result<Cadence, String> {
        let fields = text.split_whitespace().count();
        if fields != 6 {
            return Err(format!(
                "{text:?} has {fields} fields; write six, seconds first: \"0 0 7 * * *\" is 07:00:00 every day"
            ));
        }
        let cron = CronParser::builder()
            .seconds(Seconds::Required)
            .build()
            .parse(text)
            .map_err(|e| format!("{text:?} is not a cron schedule: {e}"))?;
        let mut cadence = Cadence {
            cron,
            zone,
            text: text.to_owned(),
            more_than_daily: false,
        };
        cadence.more_than_daily = cadence.fires_twice_a_day();
        Ok(cadence)
    }

    /// Whether some local day has two fires: looks at the fires of two years from a
    /// fixed date (at most 800 of them; a schedule that fires more than once a day
    /// shows it within its first day).
    fn fires_twice_a_day(&self) -> bool {
        let start = chrono::NaiveDate::from_ymd_opt(2027, 1, 1)
            .expect("valid date")
            .and_hms_opt(0, 0, 0)
            .expect("valid time")
            .and_utc();
        let end = start + chrono::Duration::days(731);
        let mut last_day = None;
        let mut at = start;
        for _ in 0..800 {
            let Some(next) = self.next_after(at) else {
                return false;
            };
            if next > end {
                return false;
            }
            let day = next.with_timezone(&self.zone).date_naive();
            if last_day == Some(day) {
                return true;
            }
            last_day = Some(day);
            at = next;
        }
        false
    }

    /// Whether the schedule fires more than once on some day: then each issue is
    /// named by its time as well as its date (`evening/2026-11-27T19:00`).
    pub fn more_than_daily(&self) -> bool {
        self.more_than_daily
    }

    /// The cron string.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The zone it runs in.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The first fire time strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = after.with_timezone(&self.zone);
        self.cron
            .find_next_occurrence(&local, false)
            .ok()
            .map(|t| t.to_utc())
    }

    /// The last fire time at or before `at`.
    pub fn last_at_or_before(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = at.with_timezone(&self.zone);
        self.cron
            .find_previous_occurrence(&local, true)
            .ok()
            .map(|t| t.to_utc())
    }

    /// The next `n` fire times after `after`.
    pub fn upcoming(&self, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        let mut times = Vec::with_capacity(n);
        let mut at = after;
        while times.len() < n {
            match self.next_after(at) {
                Some(next) => {
                    times.push(next);
                    at = next;
                }
                None => break,
            }
        }
        times
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn local(times: &[DateTime<Utc>], zone: Tz) -> Vec<String> {
        times
            .iter()
            .map(|t| {
                t.with_timezone(&zone)
                    .format("%Y-%m-%d %H:%M %Z")
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn seven_in_the_morning_stays_seven_across_dst_in_berlin() {
        let zone = chrono_tz::Europe::Berlin;
        let daily = Cadence::parse("0 0 7 * * *", zone).unwrap();
        // Clocks go forward on 2027-03-28 and back on 2027-10-31.
        let spring = daily.upcoming(at("2027-03-26T12:00:00Z"), 4);
        assert_eq!(
            local(&spring, zone),
            [
                "2027-03-27 07:00 CET",
                "2027-03-28 07:00 CEST",
                "2027-03-29 07:00 CEST",
                "2027-03-30 07:00 CEST"
            ]
        );
        assert_eq!(
            spring[1] - spring[0],
            chrono::Duration::hours(23),
            "the short day"
        );
        let autumn = daily.upcoming(at("2027-10-29T12:00:00Z"), 3);
        assert_eq!(
            local(&autumn, zone),
            [
                "2027-10-30 07:00 CEST",
                "2027-10-31 07:00 CET",
                "2027-11-01 07:00 CET"
            ]
        );
        assert_eq!(
            autumn[1] - autumn[0],
            chrono::Duration::hours(25),
            "the long day"
        );
    }

    #[test]
    fn a_time_that_does_not_exist_fires_once_and_a_repeated_one_is_a_new_day() {
        // 02:30 does not exist in New York on 2027-03-14 (02:00 → 03:00).
        let zone = chrono_tz::America::New_York;
        let early = Cadence::parse("0 30 2 * * *", zone).unwrap();
        let fires = early.upcoming(at("2027-03-13T12:00:00Z"), 3);
        let days: Vec<String> = fires
            .iter()
            .map(|t| t.with_timezone(&zone).format("%d").to_string())
            .collect();
        assert_eq!(
            days,
            ["14", "15", "16"],
            "one fire per day, none skipped: {:?}",
            local(&fires, zone)
        );
        assert_eq!(
            fires[1].with_timezone(&zone).format("%H:%M").to_string(),
            "02:30"
        );
    }

    #[test]
    fn which_schedules_fire_more_than_once_a_day() {
        let zone = chrono_tz::Europe::Berlin;
        let twice = |cron: &str| Cadence::parse(cron, zone).unwrap().more_than_daily();
        assert!(!twice("0 0 7 * * *"));
        assert!(!twice("0 30 18 * * MON-FRI"));
        assert!(!twice("0 0 7 1 * *"), "monthly");
        assert!(!twice("0 30 2 * * *"), "a time the spring change skips");
        assert!(twice("0 0 7,19 * * *"));
        assert!(twice("0 0 * * * *"), "hourly");
        assert!(twice("*/30 * * * * *"));
        assert!(twice("0 0 9,12 * * MON"), "twice on Mondays");
    }

    #[test]
    fn six_fields_are_required() {
        assert!(
            Cadence::parse("0 7 * * *", chrono_tz::UTC)
                .unwrap_err()
                .contains("six")
        );
        assert!(Cadence::parse("0 0 25 * * *", chrono_tz::UTC).is_err());
        assert!(Cadence::parse("*/5 * * * * *", chrono_tz::UTC).is_ok());
    }

    #[test]
    fn the_last_fire_before_now() {
        let daily = Cadence::parse("0 0 7 * * *", chrono_tz::Europe::Berlin).unwrap();
        assert_eq!(
            daily.last_at_or_before(at("2027-01-10T09:00:00Z")),
            Some(at("2027-01-10T06:00:00Z"))
        );
        assert_eq!(
            daily.last_at_or_before(at("2027-01-10T05:00:00Z")),
            Some(at("2027-01-09T06:00:00Z"))
        );
    }
}
