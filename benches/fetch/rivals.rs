//! What the fetch bench sets beside `pressroom fetch` in the same run: newsboat
//! reloading the same feeds from the same server (Debian's package, installed with
//! apt-get when missing), and `pressroom publish` end to end (fetch, rank, render, one
//! digest by SMTP to Postfix's smtp-sink when it is installed, else to a file).

use std::{
    path::Path,
    process::{Command, Stdio},
    time::Instant,
};

const NEWSBOAT: &str = "/usr/bin/newsboat";

/// Installs newsboat with apt-get unless it is there; false when that fails.
pub fn newsboat_ready() -> bool {
    if Path::new(NEWSBOAT).exists() {
        return true;
    }
    eprintln!("newsboat is missing: installing Debian's newsboat package");
    let install = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let apt = ["install", "-y", "-q", "--no-install-recommends", "newsboat"];
    let ok = install(&apt) || (install(&["update", "-q"]) && install(&apt));
    ok && Path::new(NEWSBOAT).exists()
}

/// One `newsboat -x reload` of `urls` into a fresh cache in `dir` with `threads`
/// parallel downloads; its wall time.
pub fn newsboat(dir: &Path, urls: &[String], threads: usize) -> f64 {
    std::fs::create_dir_all(dir).expect("newsboat folder");
    std::fs::write(dir.join("urls"), urls.join("\n") + "\n").expect("urls");
    std::fs::write(
        dir.join("config"),
        format!("reload-threads {threads}\nshow-read-feeds yes\n"),
    )
    .expect("newsboat config");
    let started = Instant::now();
    let output = Command::new(NEWSBOAT)
        .arg("-u")
        .arg(dir.join("urls"))
        .arg("-c")
        .arg(dir.join("cache.db"))
        .arg("-C")
        .arg(dir.join("config"))
        .args(["-x", "reload"])
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env("XDG_DATA_HOME", dir)
        .output()
        .expect("run newsboat");
    let wall = started.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "newsboat failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    wall
}

/// The `[[editions]]` and `[email]` tables that make a fetch configuration
/// publishable: one subscriber, over SMTP to 127.0.0.1:`port` or into `eml/`.
pub fn publishing(smtp_port: Option<u16>) -> String {
    let mut toml = String::from(
        "[[editions]]\nid = \"morning\"\ntitle = \"Bench\"\nwindow = \"24h\"\n\n[email]\n\
         from = \"Bench <review@news.example>\"\nsubscribers = \"subscribers.toml\"\n",
    );
    match smtp_port {
        Some(port) => toml.push_str(&format!(
            "transport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n"
        )),
        None => toml.push_str("transport = \"file\"\nfolder = \"eml\"\n"),
    }
    toml
}

/// The subscribers file of [`publishing`].
pub const SUBSCRIBERS: &str = "[[subscribers]]\nemail = \"reader@readers.example\"\n";
