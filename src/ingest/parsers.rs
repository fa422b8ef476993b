//! The threads that parse documents, at a lower scheduling priority than the thread
//! that writes the results.
//!
//! A fresh fetch keeps both cores busy: two documents parsing and the store's one
//! writing thread. With all three at the same priority the scheduler gave the writer
//! a third to a half of a core, so it fell behind by about a hundred parsed results
//! and wrote them alone at the end, with the other core idle. Here the parses run on
//! threads of their own whose nice value is raised by [`NICE`] when they start (Linux
//! only; elsewhere, or when the kernel refuses, they run as they are), so the writer
//! gets a core whenever it has something to write and the parses take the rest.
//!
//! The threads are the ingest's own, not the runtime's blocking pool: an
//! unprivileged thread can raise its nice value but not lower it back, and the
//! runtime would reuse a reniced thread for unrelated work (delivery's, the web
//! server's). They end once the pool is dropped and their queue is empty.

use std::{
    panic::{AssertUnwindSafe, catch_unwind},
    sync::{
        Arc, Mutex,
        mpsc::{Receiver, Sender, channel},
    },
};

use tokio::sync::oneshot;

/// How much nicer than the rest of the process the parsing threads are: a thread at
/// nice 5 weighs a third of one at nice 0 (CFS's table: 335 against 1,024).
pub(super) const NICE: i32 = 5;

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of parsing threads and their queue.
pub(super) struct Parsers {
    jobs: Sender<Job>,
}

/// The job panicked (the panic has been reported by the panic hook).
#[derive(Debug)]
pub(super) struct Crashed;

impl Parsers {
    /// Starts `threads` threads (at least one). A thread that cannot be started is
    /// left out; with none at all, jobs run on the runtime's blocking pool instead.
    pub(super) fn start(threads: usize) -> Parsers {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let mut started = 0;
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("parse-{n}"))
                .spawn(move || work(&queue));
            started += usize::from(spawned.is_ok());
        }
        if started == 0 {
            // Nobody takes from the queue: `run` finds it closed and falls back.
            drop(queue);
        }
        Parsers { jobs }
    }

    /// Runs `job` on one of the threads and waits for it.
    pub(super) async fn run<T, F>(&self, job: F) -> Result<T, Crashed>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let wrapped: Job = Box::new(move || {
            let _ = done.send(catch_unwind(AssertUnwindSafe(job)));
        });
        if let Err(refused) = self.jobs.send(wrapped) {
            // No thread could be started: the runtime's pool, at the usual priority.
            tokio::task::spawn_blocking(refused.0)
                .await
                .map_err(|_| Crashed)?;
        }
        match result.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_)) | Err(_) => Err(Crashed),
        }
    }

    /// Runs `job` on one of the threads without waiting for it (freeing memory).
    pub(super) fn detach(&self, job: impl FnOnce() + Send + 'static) {
        let wrapped: Job = Box::new(move || {
            let _ = catch_unwind(AssertUnwindSafe(job));
        });
        if let Err(refused) = self.jobs.send(wrapped) {
            (refused.0)();
        }
    }
}

/// A parsing thread: lowers its own priority, then runs jobs until the pool is gone.
fn work(queue: &Mutex<Receiver<Job>>) {
    priority::lower(NICE);
    loop {
        // The lock is held only while waiting for the next job, not while it runs.
        let next = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        match next {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// The calling thread's scheduling priority (its nice value).
pub(super) mod priority {
    /// Raises the calling thread's nice value by `by` (up to 19), so that the
    /// scheduler prefers the process's other threads. Harmless when refused.
    #[cfg(target_os = "linux")]
    pub(crate) fn lower(by: i32) {
        use rustix::{process::setpriority_process, thread::gettid};
        // On Linux the nice value is the thread's own (setpriority(2), "Bugs"): this
        // thread's id changes this thread alone.
        let me = Some(gettid());
        if let Some(now) = current() {
            let _ = setpriority_process(me, (now + by).min(19));
        }
    }

    /// Elsewhere the nice value is the whole process's: left alone.
    #[cfg(not(target_os = "linux"))]
    pub(crate) fn lower(_by: i32) {}

    /// The calling thread's nice value, where it can be read.
    #[cfg(target_os = "linux")]
    pub(crate) fn current() -> Option<i32> {
        rustix::process::getpriority_process(Some(rustix::thread::gettid())).ok()
    }

    /// The calling thread's nice value, where it can be read.
    #[cfg(not(target_os = "linux"))]
    pub(crate) fn current() -> Option<i32> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{Crashed, NICE, Parsers, priority};

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// Jobs run on the pool's threads at the lowered priority; the thread that waits
    /// for them, and the runtime's blocking pool, keep theirs.
    #[test]
    fn jobs_run_on_threads_of_lower_priority() {
        let rt = runtime();
        let parsers = Parsers::start(2);
        let outside = priority::current();
        let (name, inside) = rt
            .block_on(parsers.run(|| {
                let name = std::thread::current().name().map(str::to_owned);
                (name, priority::current())
            }))
            .unwrap();
        assert!(name.unwrap().starts_with("parse-"));
        assert_eq!(priority::current(), outside);
        let blocking = rt
            .block_on(async { tokio::task::spawn_blocking(priority::current).await })
            .unwrap();
        assert_eq!(blocking, outside);
        if cfg!(target_os = "linux") {
            let outside = outside.unwrap();
            assert_eq!(inside, Some((outside + NICE).min(19)));
            // The same value as the kernel shows for the thread (field 19 of its stat).
            let stat = rt
                .block_on(parsers.run(|| std::fs::read_to_string("/proc/thread-self/stat")))
                .unwrap()
                .unwrap();
            let after_name = &stat[stat.rfind(')').unwrap() + 2..];
            let nice: i32 = after_name.split(' ').nth(16).unwrap().parse().unwrap();
            assert_eq!(nice, (outside + NICE).min(19));
        } else {
            assert_eq!(inside, None);
        }
    }

    /// A job that panics is reported as crashed; the threads go on with the next ones.
    #[test]
    fn a_panicking_job_is_a_crash_and_the_pool_goes_on() {
        let rt = runtime();
        let parsers = Parsers::start(1);
        let crashed: Result<(), Crashed> = rt.block_on(parsers.run(|| panic!("a bad document")));
        assert!(crashed.is_err());
        for n in 0..10 {
            assert_eq!(rt.block_on(parsers.run(move || n * 2)).unwrap(), n * 2);
        }
        let (sent, received) = std::sync::mpsc::channel();
        parsers.detach(move || sent.send(7).unwrap());
        assert_eq!(received.recv().unwrap(), 7);
    }

    /// Dropping the pool lets its threads end once the queue is empty.
    #[test]
    fn threads_end_with_the_pool() {
        struct Ended(std::sync::mpsc::Sender<()>);
        impl Drop for Ended {
            fn drop(&mut self) {
                let _ = self.0.send(());
            }
        }
        thread_local! {
            static ENDED: std::cell::RefCell<Option<Ended>> = const { std::cell::RefCell::new(None) };
        }
        let rt = runtime();
        let parsers = Parsers::start(1);
        let (sent, received) = std::sync::mpsc::channel();
        rt.block_on(parsers.run(move || ENDED.with(|e| *e.borrow_mut() = Some(Ended(sent)))))
            .unwrap();
        // The thread-local is dropped when the thread ends, and only then.
        let wait = std::time::Duration::from_secs(60);
        assert!(received.try_recv().is_err());
        drop(parsers);
        assert!(
            received.recv_timeout(wait).is_ok(),
            "the thread did not end"
        );
    }
}
