//! The email channel's pace: at most `email.rate` messages a second over a whole run,
//! however many send slots share it.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

/// At most `rate` messages a second over the whole run (0: no limit).
pub struct Pace {
    every: Option<Duration>,
    next: Mutex<Instant>,
}

impl Pace {
    /// A pace of `rate` messages a second (0: no limit).
    pub fn new(rate: f64) -> Pace {
        Pace {
            every: (rate > 0.0).then(|| Duration::from_secs_f64(1.0 / rate)),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Whether no rate is set.
    pub fn unlimited(&self) -> bool {
        self.every.is_none()
    }

    /// Waits for the next message's turn.
    pub async fn wait(&self) {
        let Some(every) = self.every else { return };
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + every;
            slot
        };
        tokio::time::sleep_until(slot.into()).await;
    }
}
