//! The one door through which wall-clock time enters pressroom.
//!
//! Every stage that needs "now" receives a [`Clock`]; nothing else calls `Utc::now`
//! (clippy's `disallowed-methods` enforces it). Tests and `--now` use [`Clock::fixed`],
//! so windows, decay and schedules can be replayed at any instant. Elapsed-time
//! measurements (timeouts, timings in logs) use `std::time::Instant`, which is not
//! wall-clock time and is allowed everywhere.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

/// Where the current time comes from.
#[derive(Clone, Debug)]
pub struct Clock(Source);

#[derive(Clone, Debug)]
enum Source {
    System,
    Fixed(Arc<Mutex<DateTime<Utc>>>),
    /// The system clock shifted by a constant.
    Shifted(chrono::Duration),
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Clock(Source::System)
    }

    /// A clock that stands still at `at` until [`Clock::set`] or [`Clock::advance`] moves it.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock(Source::Fixed(Arc::new(Mutex::new(at))))
    }

    /// A clock that reads `at` now and then runs at the system's pace (the daemon's
    /// `--now`: schedules still tick).
    pub fn starting_at(at: DateTime<Utc>) -> Self {
        #[allow(clippy::disallowed_methods)] // reading the offset once
        let by = at - Utc::now();
        Clock(Source::Shifted(by))
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            #[allow(clippy::disallowed_methods)] // the one permitted call
            Source::System => Utc::now(),
            Source::Fixed(at) => *at.lock().unwrap_or_else(|e| e.into_inner()),
            #[allow(clippy::disallowed_methods)] // the system clock, shifted
            Source::Shifted(by) => Utc::now() + *by,
        }
    }

    /// Whether this clock stands still (set with `--now` or in a test).
    pub fn is_fixed(&self) -> bool {
        matches!(self.0, Source::Fixed(_))
    }

    /// Moves a fixed clock to `at`; a system clock ignores it.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Source::Fixed(cell) = &self.0 {
            *cell.lock().unwrap_or_else(|e| e.into_inner()) = at;
        }
    }

    /// Moves a fixed clock forward by `by`; a system clock ignores it.
    pub fn advance(&self, by: chrono::Duration) {
        if let Source::Fixed(cell) = &self.0 {
            let mut at = cell.lock().unwrap_or_else(|e| e.into_inner());
            *at += by;
        }
    }
}

/// Seconds since the Unix epoch, the form in which the store keeps instants.
pub fn to_unix(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

/// The instant `secs` seconds after the Unix epoch (clamped to chrono's range).
pub fn from_unix(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The delay before retry number `attempt` (0-based): `base × 2^attempt`, scaled by a
/// random factor in [0.5, 1.5) so that many failing together do not retry in step.
/// Fetching and sending both back off with it.
pub fn backoff(base: std::time::Duration, attempt: u32) -> std::time::Duration {
    let exponential = base.saturating_mul(1 << attempt.min(16));
    exponential.mul_f64(0.5 + fastrand::f64())
}

/// `date` at `time` in `zone` (the earlier instant when clocks go back; the first valid
/// one after a gap when they go forward).
pub fn release_instant(
    date: chrono::NaiveDate,
    time: chrono::NaiveTime,
    zone: chrono_tz::Tz,
) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        let base = std::time::Duration::from_millis(100);
        for attempt in 0..5 {
            let wait = backoff(base, attempt);
            let nominal = base * (1 << attempt);
            assert!(
                wait >= nominal / 2 && wait < nominal * 3 / 2,
                "{attempt}: {wait:?}"
            );
        }
    }

    #[test]
    fn fixed_clock_stands_still_and_moves_only_when_told() {
        let start = DateTime::parse_from_rfc3339("2026-11-27T06:00:00Z")
            .unwrap()
            .to_utc();
        let clock = Clock::fixed(start);
        assert_eq!(clock.now(), start);
        clock.advance(chrono::Duration::minutes(90));
        assert_eq!(clock.now(), start + chrono::Duration::minutes(90));
        let copy = clock.clone();
        copy.set(start);
        assert_eq!(clock.now(), start, "clones share the same instant");
    }

    #[test]
    fn unix_round_trip() {
        let at = DateTime::parse_from_rfc3339("2026-03-29T01:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(from_unix(to_unix(at)), at);
    }
}
