//! Rate limits for the public forms: at most `max` events per key (a client, an
//! address) within a sliding `window`. In memory: a restart forgets them, which only
//! lets a client start afresh; the outbox separately allows one confirmation email
//! per address per day.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::Duration,
};

use chrono::{DateTime, Utc};

/// Keys tracked at most; past it the oldest are forgotten (a flood of distinct keys
/// cannot grow memory without bound).
const MAX_KEYS: usize = 100_000;

/// A sliding-window limit per key.
pub struct Limiter {
    max: usize,
    window: Duration,
    seen: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl Limiter {
    /// At most `max` events per key within `window`.
    pub fn new(max: usize, window: Duration) -> Limiter {
        Limiter {
            max,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Records an event of `key` at `now`; `false` (and nothing recorded) when the
    /// key is over its limit.
    pub fn allow(&self, key: &str, now: DateTime<Utc>) -> bool {
        let window = chrono::Duration::from_std(self.window).unwrap_or(chrono::Duration::MAX);
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= MAX_KEYS && !seen.contains_key(key) {
            seen.retain(|_, times| times.back().is_some_and(|t| now - *t < window));
            if seen.len() >= MAX_KEYS {
                seen.clear();
            }
        }
        let times = seen.entry(key.to_owned()).or_default();
        while times.front().is_some_and(|t| now - *t >= window) {
            times.pop_front();
        }
        if times.len() >= self.max {
            return false;
        }
        times.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_gets_its_own_window() {
        let at = |s: i64| DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap();
        let limit = Limiter::new(2, Duration::from_secs(60));
        assert!(limit.allow("a", at(0)));
        assert!(limit.allow("a", at(10)));
        assert!(!limit.allow("a", at(20)));
        assert!(limit.allow("b", at(20)));
        // The first event leaves the window at 60 s: one more is allowed.
        assert!(limit.allow("a", at(60)));
        assert!(!limit.allow("a", at(65)));
        assert!(limit.allow("a", at(200)));
    }
}
