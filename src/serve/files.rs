//! The static archive: files under the output folder, and nothing outside it.
//!
//! The request path is percent-decoded, then refused if any part is `..`, hidden
//! (temporary writes) or a message (`.eml`); the file is then resolved with its
//! symlinks and refused unless the real path is still inside the output folder. A
//! folder is served by its `index.html`, and a folder asked without its final slash is
//! redirected (301) to the slashed path so that relative links work. Files carry an
//! ETag and a Last-Modified date and are answered 304 when the client has them; text is
//! gzipped when the client accepts it. Anything not found is a small 404 page.

use std::{io::Write, path::Path, sync::Arc, time::UNIX_EPOCH};

use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, Uri, header},
    response::{Html, IntoResponse, Response},
};
use chrono::{DateTime, NaiveDateTime, Utc};

use super::{
    Shared, page,
    paths::{decode, inside, resolved},
};
use crate::{
    config::Plan,
    i18n::{Arg, Speaker},
};

/// Text below this size is sent as is: gzip would save too little.
const GZIP_FROM: usize = 256;

/// `GET` (and `HEAD`) of anything no route claims.
pub(super) async fn archive_file(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let root = shared
        .plan
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .site
        .output
        .clone();
    let Some(path) = decode(uri.path()).and_then(|request| inside(&root, &request)) else {
        return not_found(&shared.plan());
    };
    let ask = Ask {
        slash: uri.path().ends_with('/'),
        gzip: accepts_gzip(&headers),
        if_none_match: text(&headers, header::IF_NONE_MATCH),
        if_modified_since: text(&headers, header::IF_MODIFIED_SINCE),
    };
    match tokio::task::spawn_blocking(move || answer(&root, &path, &ask)).await {
        Ok(Reply::File(file)) => file.into_response(),
        Ok(Reply::Folder) => {
            let mut location = format!("{}/", uri.path());
            if let Some(query) = uri.query() {
                location.push('?');
                location.push_str(query);
            }
            (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, location)],
            )
                .into_response()
        }
        Ok(Reply::NotFound) | Err(_) => not_found(&shared.plan()),
    }
}

/// The small 404 page.
/// "archive", linking to the archive's index.
fn archive_link(plan: &Plan) -> String {
    let say = Speaker::new(plan.site.templates.as_deref(), &plan.site.language);
    format!("<a href=\"/\">{}</a>", say.text("archive-link"))
}

pub(super) fn not_found(plan: &Plan) -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(page(
            plan,
            "page-not-found",
            "not-found-text",
            &[("link", Arg::Text(archive_link(plan)))],
            "",
        )),
    )
        .into_response()
}

fn text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// What the client asked besides the path.
struct Ask {
    slash: bool,
    gzip: bool,
    if_none_match: Option<String>,
    if_modified_since: Option<String>,
}

enum Reply {
    NotFound,
    /// A folder asked without its final slash.
    Folder,
    File(Served),
}

/// A file's answer: 200 with its bytes, or 304.
struct Served {
    etag: String,
    modified: DateTime<Utc>,
    content_type: &'static str,
    compressible: bool,
    /// `None` for 304.
    body: Option<Vec<u8>>,
    gzipped: bool,
}

impl IntoResponse for Served {
    fn into_response(self) -> Response {
        let status = match self.body {
            Some(_) => StatusCode::OK,
            None => StatusCode::NOT_MODIFIED,
        };
        let mut response = (status, self.body.unwrap_or_default()).into_response();
        let headers = response.headers_mut();
        let mut set = |name, value: &str| {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(name, value);
            }
        };
        set(header::ETAG, &self.etag);
        set(header::LAST_MODIFIED, &http_date(self.modified));
        if status == StatusCode::OK {
            set(header::CONTENT_TYPE, self.content_type);
        }
        if self.compressible {
            set(header::VARY, "accept-encoding");
        }
        if self.gzipped {
            set(header::CONTENT_ENCODING, "gzip");
        }
        response
    }
}

/// Resolves, validates and reads the file (blocking).
fn answer(root: &Path, path: &Path, ask: &Ask) -> Reply {
    let Some(mut real) = resolved(root, path) else {
        return Reply::NotFound;
    };
    if real.is_dir() {
        if !ask.slash {
            return Reply::Folder;
        }
        match resolved(root, &real.join("index.html")) {
            Some(index) => real = index,
            None => return Reply::NotFound,
        }
    }
    let Ok(meta) = std::fs::metadata(&real) else {
        return Reply::NotFound;
    };
    if !meta.is_file() {
        return Reply::NotFound;
    }
    let modified = meta.modified().unwrap_or(UNIX_EPOCH);
    let nanos = modified
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tag = format!("{nanos:x}-{:x}", meta.len());
    let content_type = content_type(&real);
    let compressible = compressible(content_type);
    let gzip = ask.gzip && compressible && meta.len() >= GZIP_FROM as u64;
    let modified = DateTime::<Utc>::from(modified);
    let mut served = Served {
        etag: if gzip {
            format!("\"{tag}-gz\"")
        } else {
            format!("\"{tag}\"")
        },
        modified,
        content_type,
        compressible,
        body: None,
        gzipped: false,
    };
    if fresh(&tag, modified, ask) {
        return Reply::File(served);
    }
    let Ok(bytes) = std::fs::read(&real) else {
        return Reply::NotFound;
    };
    served.gzipped = gzip && bytes.len() >= GZIP_FROM;
    served.body = Some(if served.gzipped {
        gzipped(&bytes)
    } else {
        bytes
    });
    Reply::File(served)
}

/// Whether the client's copy is current: `If-None-Match` (any of its tags, weak or
/// strong, identity or gzip) or, without it, `If-Modified-Since`.
fn fresh(tag: &str, modified: DateTime<Utc>, ask: &Ask) -> bool {
    if let Some(tags) = &ask.if_none_match {
        return tags.split(',').map(str::trim).any(|t| {
            let t = t.trim_start_matches("W/").trim_matches('"');
            t == "*" || t == tag || t.strip_suffix("-gz") == Some(tag)
        });
    }
    let since = ask.if_modified_since.as_deref().and_then(|since| {
        NaiveDateTime::parse_from_str(since.trim(), "%a, %d %b %Y %H:%M:%S GMT").ok()
    });
    since.is_some_and(|since| modified.timestamp() <= since.and_utc().timestamp())
}

/// Whether `Accept-Encoding` lists gzip (or `*`) with a quality above zero.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default().to_ascii_lowercase();
            let zero = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            matches!(name.as_str(), "gzip" | "x-gzip" | "*") && !zero
        })
}

fn gzipped(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::default(),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// An HTTP date (RFC 9110, IMF-fixdate).
fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("application/")
            && !content_type.starts_with("application/octet-stream")
        || content_type.starts_with("image/svg")
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("xml") => "application/rss+xml; charset=utf-8",
        Some("atom") => "application/atom+xml; charset=utf-8",
        Some("json") => "application/feed+json; charset=utf-8",
        Some("css") => "text/css",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_only_when_accepted() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, value.parse().unwrap());
            accepts_gzip(&headers)
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, gzip;q=0.8"));
        assert!(with("*"));
        assert!(!with("gzip;q=0"));
        assert!(!with("br, deflate"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn validators_match_either_representation() {
        let at = DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let ask = |inm: Option<&str>, ims: Option<&str>| Ask {
            slash: false,
            gzip: false,
            if_none_match: inm.map(str::to_owned),
            if_modified_since: ims.map(str::to_owned),
        };
        assert!(fresh("a-1", at, &ask(Some("\"a-1\""), None)));
        assert!(fresh("a-1", at, &ask(Some("W/\"x\", \"a-1-gz\""), None)));
        assert!(!fresh(
            "a-1",
            at,
            &ask(Some("\"a-2\""), Some(&http_date(at)))
        ));
        assert!(fresh(
            "a-1",
            at,
            &ask(None, Some("Fri, 27 Nov 2026 09:00:00 GMT"))
        ));
        assert!(!fresh(
            "a-1",
            at,
            &ask(None, Some("Fri, 27 Nov 2026 08:59:59 GMT"))
        ));
        assert!(!fresh("a-1", at, &ask(None, Some("yesterday"))));
    }
}
