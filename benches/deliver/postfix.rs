//! Postfix's test programs (Debian package `postfix`): `smtp-sink`, the SMTP server
//! that accepts every message and throws it away, and `smtp-source`, the C client
//! whose rate pressroom is measured against. The bench installs nothing: it says
//! what to install when they are missing.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

const SINK: &str = "/usr/sbin/smtp-sink";
const SOURCE: &str = "/usr/sbin/smtp-source";

/// Stops the bench with instructions unless both programs are installed.
pub fn require() {
    for program in [SINK, SOURCE] {
        assert!(
            Path::new(program).exists(),
            "{program} is missing: install Debian's postfix package \
             (DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postfix; \
             no postfix service needs to run)"
        );
    }
}

/// A running `smtp-sink` on 127.0.0.1, killed on drop.
pub struct Sink {
    /// Its port.
    pub port: u16,
    child: Child,
    /// Where its running counters go (`-c`: `sess=… quit=… mesg=N`, one per event).
    counters: PathBuf,
}

impl Sink {
    /// Starts the sink on a free port, writing its counters into `dir`.
    pub fn start(dir: &Path) -> Sink {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let counters = dir.join("smtp-sink.counters");
        let out = std::fs::File::create(&counters).expect("counters file");
        // -c: running counters; -u nobody: drop root after binding; backlog 1000.
        let child = Command::new(SINK)
            .args(["-c", "-u", "nobody", &format!("127.0.0.1:{port}"), "1000"])
            .stdout(out)
            .stderr(Stdio::null())
            .spawn()
            .expect("start smtp-sink");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "smtp-sink did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let sink = Sink {
            port,
            child,
            counters,
        };
        // The probe above was a session with no message; let the sink count it.
        std::thread::sleep(Duration::from_millis(100));
        sink
    }

    /// Its process id (for its CPU time).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Messages received so far (the last `mesg=` counter).
    pub fn received(&self) -> usize {
        let text = std::fs::read(&self.counters).unwrap_or_default();
        let tail = &text[text.len().saturating_sub(200)..];
        String::from_utf8_lossy(tail)
            .rsplit("mesg=")
            .next()
            .and_then(|n| n.trim_matches(|c: char| !c.is_ascii_digit()).parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `smtp-source -d -s SESSIONS -m COUNT -l SIZE` against the sink: `COUNT` messages
/// of `SIZE` bytes of body over `SESSIONS` connections kept open (`-d`). Returns the
/// wall time.
pub fn source(port: u16, sessions: usize, count: usize, size: usize) -> f64 {
    let started = Instant::now();
    let status = Command::new(SOURCE)
        .args([
            "-d",
            "-s",
            &sessions.to_string(),
            "-m",
            &count.to_string(),
            "-l",
            &size.to_string(),
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::null())
        .status()
        .expect("run smtp-source");
    let wall = started.elapsed().as_secs_f64();
    assert!(status.success(), "smtp-source failed: {status}");
    wall
}
