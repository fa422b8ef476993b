//! Shared helpers: a real HTTP server on 127.0.0.1 serving fixtures (with ETag and
//! Last-Modified) and faults, raw TCP servers that stall or drip, temporary projects,
//! and running the `pressroom` binary.

#![allow(dead_code)] // each test module uses a different subset

pub mod axe;
pub mod browser;
pub mod reader;
pub mod smtp;

use std::{
    collections::HashMap,
    net::SocketAddr,
    path::{Path, PathBuf},
    process::Output,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::Body,
    extract::{Path as UrlPath, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::{DateTime, Utc};
use pressroom::{
    config::{self, Plan},
    ingest::{self, IngestReport},
    store::Store,
    time::Clock,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// The instant every test's clock starts at.
pub const NOW: &str = "2026-11-27T06:00:00Z";

/// The fixed test clock.
pub fn clock() -> Clock {
    Clock::fixed(instant(NOW))
}

/// Parses an RFC 3339 instant.
pub fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("valid instant")
        .to_utc()
}

/// The folder of the test fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The bytes of fixture `name` (relative to tests/fixtures/feeds).
pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixtures().join("feeds").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// One canned response of the fixture server.
#[derive(Clone, Debug)]
pub struct Canned {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Answer with ETag / Last-Modified and honour conditional requests.
    pub validators: bool,
}

impl Canned {
    /// A 200 with this body and validators.
    pub fn feed(body: impl Into<Vec<u8>>) -> Canned {
        Canned {
            status: 200,
            headers: vec![("content-type".into(), "application/rss+xml".into())],
            body: body.into(),
            validators: true,
        }
    }

    /// A bare status with a short body.
    pub fn status(status: u16) -> Canned {
        Canned {
            status,
            headers: Vec::new(),
            body: format!("status {status}").into_bytes(),
            validators: false,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Canned {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Turns conditional GET support off (the server always sends the body).
    pub fn without_validators(mut self) -> Canned {
        self.validators = false;
        self
    }
}

#[derive(Default)]
struct ServerState {
    /// Path → the responses to give, in order; the last one repeats.
    routes: HashMap<String, Vec<Canned>>,
    /// Path → requests seen.
    hits: HashMap<String, usize>,
    /// Path → how many answers were 304.
    not_modified: HashMap<String, usize>,
}

/// An HTTP server on 127.0.0.1 with programmable routes under `/`.
#[derive(Clone)]
pub struct FeedServer {
    addr: SocketAddr,
    state: Arc<Mutex<ServerState>>,
}

impl FeedServer {
    /// Starts an empty server on a free port.
    pub async fn start() -> FeedServer {
        let state = Arc::new(Mutex::new(ServerState::default()));
        let app = Router::new()
            .route("/redirect-loop/{n}", get(redirect_loop))
            .route("/{*path}", get(serve))
            .with_state(state.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        FeedServer { addr, state }
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{}", self.addr, path.trim_start_matches('/'))
    }

    /// Serves `responses` at `path`, in order; the last repeats.
    pub fn route(&self, path: &str, responses: Vec<Canned>) {
        let mut state = self.state.lock().unwrap();
        state
            .routes
            .insert(path.trim_start_matches('/').to_owned(), responses);
    }

    /// Serves one response at `path`.
    pub fn serve(&self, path: &str, response: Canned) {
        self.route(path, vec![response]);
    }

    /// Requests seen at `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .hits
            .get(path.trim_start_matches('/'))
            .copied()
            .unwrap_or(0)
    }

    /// 304 answers given at `path`.
    pub fn not_modified(&self, path: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .not_modified
            .get(path.trim_start_matches('/'))
            .copied()
            .unwrap_or(0)
    }
}

async fn serve(
    State(state): State<Arc<Mutex<ServerState>>>,
    UrlPath(path): UrlPath<String>,
    request: HeaderMap,
) -> Response {
    let canned = {
        let mut state = state.lock().unwrap();
        let seen = {
            let hits = state.hits.entry(path.clone()).or_default();
            *hits += 1;
            *hits
        };
        match state.routes.get(&path) {
            None => return (StatusCode::NOT_FOUND, "no such fixture").into_response(),
            Some(list) => list[(seen - 1).min(list.len() - 1)].clone(),
        }
    };
    let etag = format!("\"{:x}\"", fxhash(&canned.body));
    let last_modified = "Thu, 26 Nov 2026 12:00:00 GMT";
    if canned.validators {
        let matches_etag = request
            .get(header::IF_NONE_MATCH)
            .is_some_and(|v| v.as_bytes() == etag.as_bytes());
        let matches_date = request
            .get(header::IF_MODIFIED_SINCE)
            .is_some_and(|v| v.as_bytes() == last_modified.as_bytes());
        if matches_etag || (request.get(header::IF_NONE_MATCH).is_none() && matches_date) {
            *state.lock().unwrap().not_modified.entry(path).or_default() += 1;
            return StatusCode::NOT_MODIFIED.into_response();
        }
    }
    let mut response = Response::new(Body::from(canned.body));
    *response.status_mut() = StatusCode::from_u16(canned.status).expect("valid status");
    let headers = response.headers_mut();
    if canned.validators {
        headers.insert(header::ETAG, HeaderValue::from_str(&etag).unwrap());
        headers.insert(
            header::LAST_MODIFIED,
            HeaderValue::from_static(last_modified),
        );
    }
    for (name, value) in canned.headers {
        headers.insert(
            header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(&value).unwrap(),
        );
    }
    response
}

async fn redirect_loop(UrlPath(n): UrlPath<u32>) -> Response {
    let next = format!("/redirect-loop/{}", (n + 1) % 3);
    (StatusCode::FOUND, [(header::LOCATION, next)]).into_response()
}

fn fxhash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

/// A TCP server that accepts connections and never answers. Returns its URL.
pub async fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    format!("http://{addr}/feed.xml")
}

/// A server that sends headers at once, then one byte of body a second, forever.
pub async fn drip_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/rss+xml\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                loop {
                    if socket.write_all(b"1\r\n<\r\n").await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            });
        }
    });
    format!("http://{addr}/feed.xml")
}

/// A temporary project folder with a configuration file.
pub struct Project {
    /// Keeps the folder alive.
    pub dir: tempfile::TempDir,
}

impl Project {
    /// A folder holding `pressroom.toml` with these contents.
    pub fn new(config: &str) -> Project {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("pressroom.toml"), config).expect("write config");
        Project { dir }
    }

    /// A copy of the offline demo (configuration, subscribers and feeds), without its
    /// state or output.
    pub fn demo() -> Project {
        let dir = tempfile::tempdir().expect("tempdir");
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo");
        copy_tree(&source, dir.path());
        let _ = std::fs::remove_dir_all(dir.path().join("state"));
        let _ = std::fs::remove_dir_all(dir.path().join("out"));
        Project { dir }
    }

    /// The configuration file.
    pub fn config(&self) -> PathBuf {
        self.dir.path().join("pressroom.toml")
    }

    /// A path inside the folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file inside the folder.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, contents).unwrap();
    }

    /// The compiled plan (panics on configuration errors).
    pub fn plan(&self) -> Plan {
        config::load(&self.config()).unwrap_or_else(|e| panic!("config: {e}"))
    }

    /// Opens the project's store.
    pub fn store(&self) -> Store {
        Store::open(&self.plan().site.state).expect("store")
    }

    /// Runs an ingest through the library at `clock`, fetching everything.
    pub async fn ingest(&self, clock: &Clock) -> IngestReport {
        let plan = self.plan();
        let mut store = Store::open(&plan.site.state).expect("store");
        let options = ingest::Options {
            force: true,
            progress: false,
        };
        ingest::ingest(&plan, &mut store, clock, &options)
            .await
            .expect("ingest")
    }

    /// Runs the `pressroom` binary with `args` against this project.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_at(NOW, args)
    }

    /// Runs the `pressroom` binary with `args` against this project, its clock at `now`.
    pub fn run_at(&self, now: &str, args: &[&str]) -> Output {
        pressroom(
            &[
                &["--config", self.config().to_str().unwrap(), "--now", now],
                args,
            ]
            .concat(),
        )
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs the `pressroom` binary.
pub fn pressroom(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
        .args(args)
        .env_remove("PRESSROOM_CONFIG")
        .env_remove("PRESSROOM_NOW")
        .output()
        .expect("run pressroom")
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A configuration with one section per id and the given `[[sources]]` / extra TOML.
pub fn config_with(extra: &str) -> String {
    format!(
        r#"
[site]
title = "Test Review"
time_zone = "Europe/Moscow"

[fetch]
connect_timeout = "1s"
timeout = "3s"
retries = 1
backoff = "50ms"
max_retry_after = "2s"
max_body = "1 MiB"

[[sections]]
id = "world"
title = "World"
categories = ["world", "мир", "international"]

[[sections]]
id = "politics"
title = "Politics & Diplomacy"
categories = ["politics", "политика"]

[[sections]]
id = "business"
title = "Business & Economy"
categories = ["business", "economy", "экономика"]

[[sections]]
id = "sport"
title = "Sport"
categories = ["sport", "спорт"]
{extra}
"#
    )
}

/// A source id.
pub fn source_id(id: &str) -> pressroom::model::SourceId {
    pressroom::model::SourceId::parse(id).expect("valid id")
}

/// A `[[sources]]` table.
pub fn source(id: &str, url: &str) -> String {
    format!("\n[[sources]]\nid = \"{id}\"\nurl = \"{url}\"\nfallback_section = \"world\"\n")
}

/// A small valid RSS 2.0 feed with `n` items whose ids start with `prefix`.
pub fn rss(prefix: &str, n: usize) -> String {
    let items: String = (1..=n)
        .map(|i| {
            format!(
                "<item><title>{prefix} story {i}</title><link>https://news.example/{prefix}/{i}</link>\
                 <guid isPermaLink=\"false\">{prefix}-{i}</guid><pubDate>Thu, 26 Nov 2026 1{}:00:00 +0000</pubDate>\
                 <category>World</category><description>Text of {prefix} story {i}.</description></item>",
                i % 10
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{prefix}</title><link>https://news.example/</link>{items}</channel></rss>"
    )
}
