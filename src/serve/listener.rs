//! The accept loop of the public listener: HTTP/1.1 by hyper with a deadline for every
//! request head, and a cap on open connections.
//!
//! A connection must deliver a complete request head within `header_timeout` of its
//! opening or of its previous response (hyper's header read timer, which also runs while
//! a keep-alive connection waits for its next request); otherwise it is closed. At most
//! `max_connections` are open at once. At the cap, a new connection closes the oldest
//! one that has no request in progress (a client that connected and said nothing, or an
//! idle keep-alive connection): a flood of silent connections then churns among itself
//! while a client that sends its request at once is served. When every open connection
//! is busy with a request, the new one is answered 503 and closed at once, so the process
//! keeps its open files for the state file, SMTP and fetches.

use std::{
    collections::BTreeMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::Router;
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::Notify,
};
use tower_service::Service;

/// How much the listener lets clients hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Most connections open at once.
    pub max_connections: usize,
    /// Time to send a complete request head (also the keep-alive idle limit).
    pub header_timeout: Duration,
}

/// Accepts connections on `listener` and serves `router` on each, within `limits`,
/// until the task is dropped.
pub async fn run(listener: TcpListener, router: Router, limits: Limits) -> std::io::Result<()> {
    let table = Arc::new(Table::default());
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of open files (EMFILE/ENFILE) or a connection reset before accept:
                // wait a little rather than spin; the pending ones stay in the backlog.
                tracing::warn!(error = %e, "cannot accept an HTTP connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        match table.admit(limits.max_connections) {
            Some((id, slot)) => {
                tokio::spawn(connection(
                    stream,
                    peer,
                    router.clone(),
                    table.clone(),
                    id,
                    slot,
                    limits.header_timeout,
                ));
            }
            None => refuse(stream),
        }
    }
}

/// Serves one connection until it ends, times out or is evicted.
async fn connection(
    stream: TcpStream,
    peer: std::net::SocketAddr,
    router: Router,
    table: Arc<Table>,
    id: u64,
    slot: Arc<Slot>,
    header_timeout: Duration,
) {
    let _ = stream.set_nodelay(true);
    let busy = slot.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        // The peer, for the reader's pages' per-client limits (`web::Client`).
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        let working = Working::enter(busy.clone());
        let mut router = router.clone();
        async move {
            let response = router.call(request).await;
            drop(working);
            response
        }
    });
    let served = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        done = served => {
            if let Err(e) = done {
                tracing::debug!(error = %e, "HTTP connection ended");
            }
        }
        () = slot.evict.notified() => tracing::debug!("idle HTTP connection closed to make room"),
    }
    table.remove(id);
}

/// Answers 503 without reading anything, and closes.
fn refuse(stream: TcpStream) {
    tracing::debug!("every HTTP connection is busy: refusing a new one");
    let _ = stream.try_write(
        b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
    );
}

/// The open connections, oldest first, and what the cap did since it was last told.
#[derive(Default)]
struct Table {
    open: Mutex<(u64, BTreeMap<u64, Arc<Slot>>)>,
    crowded: Mutex<Crowded>,
}

/// Connections closed or refused at the cap, logged at WARN at most once a minute.
#[derive(Default)]
struct Crowded {
    evicted: usize,
    refused: usize,
    told: Option<Instant>,
}

impl Crowded {
    fn note(&mut self, refused: bool) {
        if refused {
            self.refused += 1;
        } else {
            self.evicted += 1;
        }
        if self
            .told
            .is_none_or(|at| at.elapsed() >= Duration::from_secs(60))
        {
            tracing::warn!(
                evicted_idle = self.evicted,
                refused_busy = self.refused,
                "HTTP connection cap (daemon.max_connections) reached"
            );
            (self.evicted, self.refused, self.told) = (0, 0, Some(Instant::now()));
        }
    }
}

/// One open connection, as the table sees it.
#[derive(Default)]
struct Slot {
    /// Requests in progress (their response not yet handed to hyper).
    busy: AtomicUsize,
    /// Wakes the connection's task to close it.
    evict: Notify,
}

impl Table {
    /// A place for a new connection: at the cap, the oldest idle one is evicted; `None`
    /// when all are busy.
    fn admit(&self, cap: usize) -> Option<(u64, Arc<Slot>)> {
        let mut guard = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let (next, open) = &mut *guard;
        if open.len() >= cap {
            let idle = open
                .iter()
                .find(|(_, slot)| slot.busy.load(Ordering::Acquire) == 0)
                .map(|(id, _)| *id);
            self.note(idle.is_none());
            let idle = idle?;
            if let Some(slot) = open.remove(&idle) {
                // notify_one keeps the wake-up for a task that is not waiting yet.
                slot.evict.notify_one();
            }
        }
        *next += 1;
        let slot = Arc::new(Slot::default());
        open.insert(*next, slot.clone());
        Some((*next, slot))
    }

    fn note(&self, refused: bool) {
        let mut crowded = self.crowded.lock().unwrap_or_else(|e| e.into_inner());
        crowded.note(refused);
    }

    fn remove(&self, id: u64) {
        let mut guard = self.open.lock().unwrap_or_else(|e| e.into_inner());
        guard.1.remove(&id);
    }
}

/// Marks a connection busy while a request is handled.
struct Working(Arc<Slot>);

impl Working {
    fn enter(slot: Arc<Slot>) -> Working {
        slot.busy.fetch_add(1, Ordering::AcqRel);
        Working(slot)
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_the_cap_the_oldest_idle_connection_makes_room() {
        let table = Table::default();
        let (first, a) = table.admit(2).unwrap();
        let (_, b) = table.admit(2).unwrap();
        let _working = Working::enter(a.clone());
        // The oldest is busy: the second one goes.
        let (third, _) = table.admit(2).unwrap();
        let open: Vec<u64> = table.open.lock().unwrap().1.keys().copied().collect();
        assert_eq!(open, vec![first, third]);
        assert_eq!(Arc::strong_count(&b), 1, "the evicted slot left the table");
        // Both remaining are busy: refused.
        let c = table.open.lock().unwrap().1[&third].clone();
        let _also = Working::enter(c);
        assert!(table.admit(2).is_none());
        table.remove(first);
        assert!(table.admit(2).is_some());
    }
}
