//! The public listener: files of the output folder and nothing outside it (`..`,
//! encoded traversal, symlinks), ETag/Last-Modified with 304s, gzip, the 404 page, the
//! redirect to a folder's slashed path; and a daemon behind 1,024 open files that keeps
//! answering `/healthz` and publishing while 1,100 connections never finish their head.

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use pressroom::serve;
use reqwest::{StatusCode, header, redirect};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::{
    daemon::{daemon_demo, finish, signal, until},
    support::{Project, browser::wait_for, clock, config_with, smtp::Sink, stderr},
};

/// A feed long enough to be gzipped.
fn feed() -> String {
    let items: String = (0..40)
        .map(|i| {
            format!("<item><title>Story {i}</title><link>https://news.example/{i}</link></item>")
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Morning</title>{items}</channel></rss>"
    )
}

/// An output folder with pages, a feed, a message, and symlinks in and out; served
/// in-process on 127.0.0.1. Returns the project (kept alive), the address and the
/// folder outside whose file must never be served.
async fn site() -> (Project, SocketAddr, tempfile::TempDir) {
    let project = Project::new(&config_with(""));
    let out = project.plan().site.output;
    project.write("public/index.html", "<h1>Archive</h1>");
    project.write(
        "public/morning/2026-11-27/index.html",
        "<h1>Morning, 27 November</h1>",
    );
    project.write("public/feeds/morning.xml", feed());
    project.write("public/outbox/anna@readers.example.eml", "Subject: private");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.txt"),
        "outside the output folder",
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc", out.join("etc")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), out.join("secret.txt")).unwrap();
    std::os::unix::fs::symlink(outside.path(), out.join("elsewhere")).unwrap();
    // A symlink that stays inside is served.
    std::os::unix::fs::symlink(out.join("feeds/morning.xml"), out.join("latest.xml")).unwrap();
    let shared = Arc::new(serve::Shared {
        plan: std::sync::RwLock::new(project.plan()),
        clock: clock(),
        metrics: None,
        health: None,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve::serve_on(shared, listener));
    (project, addr, outside)
}

/// One raw HTTP/1.1 request (no URL normalisation): the whole answer as text.
async fn raw(addr: SocketAddr, path: &str) -> String {
    let mut socket = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), socket.read_to_end(&mut answer))
        .await
        .expect("an answer")
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .no_gzip()
        .build()
        .unwrap()
}

#[tokio::test]
async fn nothing_outside_the_output_folder_is_served() {
    let (_project, addr, _outside) = site().await;
    for path in [
        "/../../../../etc/passwd",
        "/morning/../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/morning/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "/etc/passwd",
        "/etc/hostname",
        "/secret.txt",
        "/elsewhere/secret.txt",
        "/outbox/anna@readers.example.eml",
        "/outbox/anna%40readers.example.eml",
    ] {
        let answer = raw(addr, path).await;
        let status = answer.lines().next().unwrap_or_default();
        assert!(
            status.starts_with("HTTP/1.1 404") || status.starts_with("HTTP/1.1 400"),
            "{path}: {status}"
        );
        assert!(!answer.contains("root:"), "{path} leaked /etc/passwd");
        assert!(
            !answer.contains("outside the output folder"),
            "{path} leaked"
        );
        assert!(!answer.contains("private"), "{path} leaked a message");
    }
    // The 404 is a small page, not an empty body.
    let missing = client()
        .get(format!("http://{addr}/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        missing.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(missing.text().await.unwrap().contains("<h1>Not found</h1>"));
    // A symlink that stays inside the folder is followed.
    let inner = client()
        .get(format!("http://{addr}/latest.xml"))
        .send()
        .await
        .unwrap();
    assert_eq!(inner.status(), StatusCode::OK);
    assert_eq!(inner.text().await.unwrap(), feed());
}

#[tokio::test]
async fn folders_redirect_to_their_slashed_path() {
    let (_project, addr, _outside) = site().await;
    let client = client();
    let moved = client
        .get(format!("http://{addr}/morning/2026-11-27?utm=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        moved.headers()[header::LOCATION],
        "/morning/2026-11-27/?utm=x"
    );
    let page = client
        .get(format!("http://{addr}/morning/2026-11-27/"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Morning, 27 November"));
    // A following client lands on the page.
    let followed = reqwest::get(format!("http://{addr}/morning/2026-11-27"))
        .await
        .unwrap();
    assert_eq!(followed.status(), StatusCode::OK);
    assert_eq!(followed.url().path(), "/morning/2026-11-27/");
}

#[tokio::test]
async fn files_carry_validators_answer_304_and_gzip_when_asked() {
    let (_project, addr, _outside) = site().await;
    let client = client();
    let url = format!("http://{addr}/feeds/morning.xml");
    let first = client.get(&url).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(
        first.headers()[header::CONTENT_TYPE],
        "application/rss+xml; charset=utf-8"
    );
    assert!(first.headers().get(header::CONTENT_ENCODING).is_none());
    let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
    let modified = first.headers()[header::LAST_MODIFIED]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    assert!(modified.ends_with(" GMT"), "{modified}");
    assert_eq!(first.text().await.unwrap(), feed());

    // Conditional requests: by ETag, by date, and a stale ETag.
    let by_tag = client
        .get(&url)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(by_tag.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(by_tag.headers()[header::ETAG], etag.as_str());
    assert!(by_tag.bytes().await.unwrap().is_empty());
    let by_date = client
        .get(&url)
        .header(header::IF_MODIFIED_SINCE, &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(by_date.status(), StatusCode::NOT_MODIFIED);
    let stale = client
        .get(&url)
        .header(header::IF_NONE_MATCH, "\"0-0\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);
    let old_date = client
        .get(&url)
        .header(header::IF_MODIFIED_SINCE, "Thu, 01 Jan 2015 00:00:00 GMT")
        .send()
        .await
        .unwrap();
    assert_eq!(old_date.status(), StatusCode::OK);

    // gzip only when asked; its ETag differs and still validates.
    let zipped = client
        .get(&url)
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.status(), StatusCode::OK);
    assert_eq!(zipped.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(zipped.headers()[header::VARY], "accept-encoding");
    let zipped_tag = zipped.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert_ne!(zipped_tag, etag);
    let body = zipped.bytes().await.unwrap();
    assert!(body.len() < feed().len() / 2, "{} bytes", body.len());
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&body[..]), &mut text).unwrap();
    assert_eq!(text, feed());
    let again = client
        .get(&url)
        .header(header::ACCEPT_ENCODING, "gzip")
        .header(header::IF_NONE_MATCH, &zipped_tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // A client that decodes gzip itself (reqwest's default) reads the same feed.
    assert_eq!(
        reqwest::get(&url).await.unwrap().text().await.unwrap(),
        feed()
    );

    // A rewritten file gets a new ETag: the old one no longer validates.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let out = _project.plan().site.output;
    std::fs::write(out.join("feeds/morning.xml"), feed() + "\n").unwrap();
    let changed = client
        .get(&url)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()[header::ETAG], etag.as_str());
}

/// Keeps `count` connections open to `addr` that never finish their request head
/// (half say nothing, half send a partial head), reopening those the server closes.
async fn flood(addr: SocketAddr, count: usize, stop: tokio::sync::watch::Receiver<bool>) -> usize {
    let mut open: Vec<Option<TcpStream>> = (0..count).map(|_| None).collect();
    let mut reopened = 0;
    while !*stop.borrow() {
        for (i, slot) in open.iter_mut().enumerate() {
            let closed = match slot {
                None => true,
                Some(socket) => {
                    let mut buf = [0u8; 256];
                    // Any answer (503, 408) or EOF means the server let go.
                    !matches!(socket.try_read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
                }
            };
            if closed {
                let Ok(mut socket) = TcpStream::connect(addr).await else {
                    continue;
                };
                if i % 2 == 1 {
                    let _ = socket
                        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                        .await;
                }
                if slot.is_some() {
                    reopened += 1;
                }
                *slot = Some(socket);
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    reopened
}

/// The daemon with the usual 1,024 open files and the default cap (256): 1,100
/// connections that never finish their head, kept open (reopened when closed), leave
/// `/healthz` answering within a second and the scheduled publish delivering to everyone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_silent_connections_starves_nothing() {
    let sink = Sink::start();
    let port = crate::support::browser::free_port();
    let project = daemon_demo(sink.port, port, 20);
    // One fire, 10 s after the start (09:00:10 in Moscow), once the flood is on.
    let config = std::fs::read_to_string(project.config()).unwrap().replace(
        "schedule = \"*/20 * * * * *\"",
        "schedule = \"10 0 9 * * *\"",
    );
    std::fs::write(project.config(), config).unwrap();
    let daemon = std::process::Command::new("prlimit")
        .args(["--nofile=1024:1024", "--"])
        .arg(env!("CARGO_BIN_EXE_pressroom"))
        .args([
            "--config",
            project.config().to_str().unwrap(),
            "--now",
            crate::support::NOW,
            "daemon",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the daemon under prlimit");
    let site = format!("http://127.0.0.1:{port}");
    wait_for(&format!("{site}/healthz"), Duration::from_secs(20)).await;
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let flooding = tokio::spawn(flood(addr, 1100, stopped));
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.count(), 0, "the issue went out before the flood");

    // A new connection per probe, as health checkers do (a kept-alive one may be the
    // oldest idle connection, closed to make room just as it is reused).
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut slowest = Duration::ZERO;
    for probe in 0..10 {
        let started = Instant::now();
        let health = client
            .get(format!("{site}/healthz"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("probe {probe}: {e:?}"));
        assert_eq!(health.status(), StatusCode::OK);
        slowest = slowest.max(started.elapsed());
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(
        slowest < Duration::from_secs(1),
        "/healthz took {slowest:?}"
    );
    // Everyone gets the issue while the flood goes on.
    until(Duration::from_secs(60), || sink.count() >= 6).await;
    // The sink counts the last message before the daemon has recorded its run.
    let deadline = Instant::now() + Duration::from_secs(10);
    let report = loop {
        let health = client.get(format!("{site}/healthz")).send().await.unwrap();
        assert_eq!(health.status(), StatusCode::OK);
        let report: serde_json::Value =
            serde_json::from_str(&health.text().await.unwrap()).unwrap();
        if !report["last_issue"].is_null() || Instant::now() > deadline {
            break report;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(report["last_issue"]["ok"], true, "{report}");
    stop.send(true).unwrap();
    let reopened = flooding.await.unwrap();
    // The server did close silent connections (evicted at the cap or timed out).
    assert!(reopened > 100, "only {reopened} connections were closed");
    eprintln!(
        "/healthz slowest {slowest:?} under the flood; {reopened} flood connections reopened"
    );
    signal(&daemon, "TERM");
    let output = finish(daemon, Duration::from_secs(30));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let log = stderr(&output);
    assert!(!log.contains("unable to open database file"), "{log}");
    // The operator is told, once a minute at most.
    let told = log
        .lines()
        .filter(|l| l.contains("HTTP connection cap (daemon.max_connections) reached"))
        .count();
    assert_eq!(told, 1, "{log}");
    assert_eq!(sink.count(), 6);
}
