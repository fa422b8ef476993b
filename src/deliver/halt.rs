//! When a delivery run stops by itself rather than spend every recipient on a fault
//! that is not theirs: the same refusal of our mail from `email.refusal_limit`
//! recipients in a row (a block list, a content filter: the rest would meet it too),
//! or several connection failures in a row (nothing listening, no greeting, TLS or
//! authentication refused). The rest stay pending for the next run, their attempts
//! untouched. Shared by every send slot of a run; the order is the order in which
//! answers come.

use std::{
    sync::{Mutex, OnceLock},
    time::Duration,
};

use tokio::sync::Notify;

use super::refusal;

/// Why a run stopped by itself.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Halted {
    /// The same refusal of our mail, too many times in a row; the last reply.
    #[error("the server refuses our mail: {0}")]
    Refused(String),
    /// No connection could be made, too many times in a row; the last error.
    #[error("cannot deliver to the mail server: {0}")]
    Unreachable(String),
}

/// The streaks of one run, and whether it has stopped.
pub(super) struct Halt {
    connection_limit: u32,
    refusal_limit: u32,
    streaks: Mutex<Streaks>,
    halted: OnceLock<Halted>,
    /// Wakes the slots waiting out a back-off when the run stops.
    wake: Notify,
}

#[derive(Default)]
struct Streaks {
    /// Connection failures since the server last answered.
    connection: u32,
    /// The current refusal (its [`refusal::same_refusal_key`]) and how many times.
    refusal: Option<(String, u32)>,
}

impl Halt {
    /// Stops after `connection_limit` connection failures in a row, or
    /// `refusal_limit` identical refusals in a row (0: never for refusals).
    pub(super) fn new(connection_limit: u32, refusal_limit: u32) -> Halt {
        Halt {
            connection_limit: connection_limit.max(1),
            refusal_limit,
            streaks: Mutex::new(Streaks::default()),
            halted: OnceLock::new(),
            wake: Notify::new(),
        }
    }

    /// Waits `delay` (a back-off), or less if the run stops meanwhile.
    pub(super) async fn sleep(&self, delay: Duration) {
        let woken = self.wake.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        if self.halted().is_some() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = woken => {}
        }
    }

    fn stop(&self, why: Halted) {
        if self.halted.set(why).is_ok() {
            self.wake.notify_waiters();
        }
    }

    /// Why the run stopped, once it has.
    pub(super) fn halted(&self) -> Option<&Halted> {
        self.halted.get()
    }

    /// A message went through: every streak ends.
    pub(super) fn accepted(&self) {
        *self.lock() = Streaks::default();
    }

    /// The server answered (a temporary refusal, a bounce): connections work.
    pub(super) fn answered(&self) {
        self.lock().connection = 0;
    }

    /// A bounce: the server answered, and a refusal of our mail is not in a row.
    pub(super) fn bounced(&self) {
        *self.lock() = Streaks::default();
    }

    /// No connection could be made.
    pub(super) fn connection_failed(&self, error: &str) {
        let mut streaks = self.lock();
        streaks.connection += 1;
        if streaks.connection >= self.connection_limit {
            self.stop(Halted::Unreachable(error.to_owned()));
        }
    }

    /// Our mail was refused with `reply` (not a bounce).
    pub(super) fn refused(&self, reply: &str) {
        let key = refusal::same_refusal_key(reply);
        let mut streaks = self.lock();
        streaks.connection = 0;
        let count = match streaks.refusal.take() {
            Some((last, n)) if last == key => n + 1,
            _ => 1,
        };
        streaks.refusal = Some((key, count));
        if self.refusal_limit > 0 && count >= self.refusal_limit {
            self.stop(Halted::Refused(reply.to_owned()));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Streaks> {
        self.streaks.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "permanent error (550): 5.7.1 <a@x.example> refused";

    #[test]
    fn the_same_refusal_in_a_row_stops_a_different_answer_breaks_the_row() {
        let halt = Halt::new(3, 3);
        halt.refused(POLICY);
        halt.refused(POLICY);
        halt.accepted();
        halt.refused(POLICY);
        halt.refused("permanent error (554): 5.6.0 content rejected");
        halt.refused(POLICY);
        halt.bounced();
        halt.refused(POLICY);
        halt.refused(POLICY);
        assert_eq!(halt.halted(), None);
        halt.refused(&POLICY.replace("a@", "b@"));
        assert_eq!(
            halt.halted().map(|h| h.to_string()).as_deref(),
            Some("the server refuses our mail: permanent error (550): 5.7.1 <b@x.example> refused")
        );
    }

    #[test]
    fn connection_failures_in_a_row_stop_an_answer_breaks_the_row() {
        let halt = Halt::new(3, 0);
        for _ in 0..10 {
            halt.refused(POLICY); // refusal_limit 0: never stops for refusals
        }
        halt.connection_failed("refused");
        halt.connection_failed("refused");
        halt.answered();
        halt.connection_failed("refused");
        halt.connection_failed("refused");
        assert_eq!(halt.halted(), None);
        halt.connection_failed("127.0.0.1:1: connect: Connection refused");
        assert_eq!(
            halt.halted(),
            Some(&Halted::Unreachable(
                "127.0.0.1:1: connect: Connection refused".to_owned()
            ))
        );
    }

    #[tokio::test]
    async fn a_back_off_ends_when_the_run_stops() {
        let halt = std::sync::Arc::new(Halt::new(1, 0));
        let waiting = tokio::spawn({
            let halt = halt.clone();
            async move { halt.sleep(Duration::from_secs(600)).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        halt.connection_failed("refused");
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the back-off went on after the run stopped")
            .unwrap();
        // Once stopped, a back-off does not wait at all.
        tokio::time::timeout(Duration::from_secs(5), halt.sleep(Duration::from_secs(600)))
            .await
            .unwrap();
    }
}
