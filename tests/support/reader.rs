//! The reader's side, driven over HTTP: the demo served on a free port, forms
//! posted, notices read back from the file transport's `.eml` files.

use std::time::{Duration, Instant};

use super::{
    NOW, Project,
    browser::{Running, free_port, wait_for},
};

/// The demo with its public site on 127.0.0.1:`port` (also its base URL), serving.
pub async fn serving() -> (Project, String, Running) {
    serving_with(|config| config).await
}

/// [`serving`], its configuration changed by `edit` first.
pub async fn serving_with(edit: impl Fn(String) -> String) -> (Project, String, Running) {
    let project = Project::demo();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/");
    let config = std::fs::read_to_string(project.config()).unwrap().replace(
        "base_url = \"http://127.0.0.1:8080/\"",
        &format!("base_url = \"{base}\""),
    );
    assert!(config.contains(&base));
    std::fs::write(project.config(), edit(config)).unwrap();
    let server = Running(
        std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
            .args([
                "--config",
                project.config().to_str().unwrap(),
                "--now",
                NOW,
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(&format!("{base}healthz"), Duration::from_secs(20)).await;
    (project, base, server)
}

/// The value of the hidden field `name` in `html`.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

/// Waits for the `.eml` of a notice to `address`, and returns its text.
pub async fn notice(project: &Project, address: &str) -> String {
    let path = project.path(&format!("state/outbox/notice-{address}.eml"));
    let started = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&path) {
            return text;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no notice to {address}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The first link under `base` that contains `path` in a message.
pub fn link(eml: &str, base: &str, path: &str) -> String {
    let text = decoded(eml);
    let start = text
        .find(&format!("{base}{path}"))
        .unwrap_or_else(|| panic!("no {path} in {text}"));
    let end = text[start..]
        .find(|c: char| c.is_whitespace())
        .map_or(text.len(), |e| start + e);
    text[start..end].to_owned()
}

/// A form body of `fields`.
pub fn form(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// POSTs a form body with `headers`: the status and the page.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    body: String,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut request = client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// HTML with its quotes spelled one way (Handlebars and `html::escape` differ).
pub fn quotes(html: &str) -> String {
    html.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#x22;", "\"")
}

/// A message's text with quoted-printable soft breaks and escapes undone.
pub fn decoded(eml: &str) -> String {
    let bytes = quoted_printable::decode(
        eml.replace("\r\n", "\n"),
        quoted_printable::ParseMode::Robust,
    )
    .unwrap();
    String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
}
