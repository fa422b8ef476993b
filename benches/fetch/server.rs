//! The feed server of the fetch benchmark: serves generated feeds from memory on
//! 127.0.0.1, on its own OS thread, with an `ETag` per feed and 304 answers to a
//! matching `If-None-Match`. It counts 200 and 304 answers so that the bench can check
//! that the second run really was all 304.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

/// Answers given so far.
#[derive(Default)]
pub struct Counts {
    ok: AtomicUsize,
    not_modified: AtomicUsize,
}

impl Counts {
    /// (200 answers, 304 answers) since the last call; resets both.
    pub fn take(&self) -> (usize, usize) {
        (
            self.ok.swap(0, Ordering::Relaxed),
            self.not_modified.swap(0, Ordering::Relaxed),
        )
    }
}

struct Feeds {
    bodies: Vec<(Bytes, HeaderValue)>,
    counts: Arc<Counts>,
}

/// Starts serving `feeds` at `/feed/N.xml` (N from 0) on a free port of 127.0.0.1.
pub fn start(feeds: Vec<Vec<u8>>) -> (SocketAddr, Arc<Counts>) {
    let counts = Arc::new(Counts::default());
    let bodies = feeds
        .into_iter()
        .enumerate()
        .map(|(n, body)| {
            let etag = format!("\"feed-{n}-{:016x}\"", fnv(&body));
            (
                Bytes::from(body),
                HeaderValue::from_str(&etag).expect("ascii"),
            )
        })
        .collect();
    let state = Arc::new(Feeds {
        bodies,
        counts: counts.clone(),
    });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener.set_nonblocking(true).expect("non-blocking");
    let addr = listener.local_addr().expect("local address");
    std::thread::Builder::new()
        .name("feed-server".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let app = Router::new()
                    .route("/feed/{file}", get(serve))
                    .with_state(state);
                axum::serve(listener, app).await.expect("serve");
            });
        })
        .expect("server thread");
    (addr, counts)
}

async fn serve(
    State(feeds): State<Arc<Feeds>>,
    Path(file): Path<String>,
    request: HeaderMap,
) -> Response {
    let found = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<usize>().ok())
        .and_then(|n| feeds.bodies.get(n));
    let Some((body, etag)) = found else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if request.get(header::IF_NONE_MATCH) == Some(etag) {
        feeds.counts.not_modified.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag.clone())]).into_response();
    }
    feeds.counts.ok.fetch_add(1, Ordering::Relaxed);
    let mut response = Response::new(Body::from(body.clone()));
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag.clone());
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/rss+xml; charset=utf-8"),
    );
    response
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
