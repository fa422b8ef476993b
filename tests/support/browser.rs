//! A headless Chromium driven over the W3C WebDriver protocol (chromedriver), with
//! plain HTTP+JSON from reqwest: enough to load a page, run a script and click, and,
//! through chromedriver's DevTools passthrough, emulate a screen size and a colour
//! scheme. The browser resolves no name but 127.0.0.1's: pages under test may point
//! to images on .example hosts, and nothing may leave the machine.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{Value, json};

/// Kills a child process when dropped.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until `url` answers (any status), up to `limit`.
pub async fn wait_for(url: &str, limit: Duration) {
    let started = Instant::now();
    let client = reqwest::Client::new();
    while client.get(url).send().await.is_err() {
        assert!(
            started.elapsed() < limit,
            "{url} did not come up within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One browser session.
pub struct Browser {
    client: reqwest::Client,
    base: String,
    _driver: Running,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session.
    pub async fn start() -> Browser {
        for program in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            assert!(
                std::path::Path::new(program).exists(),
                "{program} is missing: install Debian's chromium and chromium-driver (tests/run does)"
            );
        }
        let port = free_port();
        let driver = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = Running(driver);
        let base = format!("http://127.0.0.1:{port}");
        wait_for(&format!("{base}/status"), Duration::from_secs(20)).await;
        let profile = tempfile::tempdir().unwrap();
        let mut browser = Browser {
            client: reqwest::Client::new(),
            base,
            _driver: driver,
            _profile: profile,
        };
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            "--window-size=1400,1000".to_owned(),
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1".to_owned(),
            format!("--user-data-dir={}", browser._profile.path().display()),
        ];
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}
        }}});
        let session = browser.call("POST", "/session", Some(capabilities)).await;
        let id = session["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        browser.base = format!("{}/session/{id}", browser.base);
        browser
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "POST" => self
                .client
                .post(&url)
                .body(body.unwrap_or(json!({})).to_string()),
            "DELETE" => self.client.delete(&url),
            _ => self.client.get(&url),
        };
        let response = request
            .header("content-type", "application/json")
            .send()
            .await
            .expect("webdriver");
        let status = response.status();
        let value: Value =
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null);
        assert!(status.is_success(), "{method} {path}: {status}: {value}");
        value["value"].clone()
    }

    /// Opens `url`.
    pub async fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url }))).await;
    }

    /// Sets the window's outer size in CSS pixels.
    pub async fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        )
        .await;
    }

    /// Runs `script` (a function body) and returns its result.
    pub async fn eval(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
        .await
    }

    /// Runs `script` (a function body that calls its last argument with the result)
    /// and returns that result, waiting up to `limit`.
    pub async fn eval_async(&self, script: &str, limit: Duration) -> Value {
        let ms = limit.as_millis() as u64;
        self.call("POST", "/timeouts", Some(json!({ "script": ms })))
            .await;
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": [] })),
        )
        .await
    }

    /// Sends a Chrome DevTools Protocol command.
    pub async fn cdp(&self, command: &str, params: Value) -> Value {
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": command, "params": params })),
        )
        .await
    }

    /// Shows pages as a screen `width` CSS pixels wide (a phone below 600: touch and
    /// a mobile viewport) would, in the dark colour scheme when `dark`. It lasts
    /// across page loads.
    pub async fn emulate(&self, width: u32, dark: bool) {
        let mobile = width < 600;
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": if mobile { 740 } else { 900 },
                   "deviceScaleFactor": 1, "mobile": mobile}),
        )
        .await;
        let scheme = if dark { "dark" } else { "light" };
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        )
        .await;
    }

    /// Clicks the first element matching `css`.
    pub async fn click(&self, css: &str) {
        let found = self
            .call(
                "POST",
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        let id = found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_owned();
        self.call("POST", &format!("/element/{id}/click"), None)
            .await;
    }

    /// Evaluates `script` until it returns a string containing `wanted`, up to 20 s.
    pub async fn wait_until(&self, script: &str, wanted: &str) -> String {
        let started = Instant::now();
        loop {
            let value = self.eval(script).await;
            let text = value.as_str().unwrap_or_default().to_owned();
            if text.contains(wanted) {
                return text;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{wanted:?} never appeared; last: {text:.500}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Ends the session.
    pub async fn quit(self) {
        self.call("DELETE", "", None).await;
    }
}
