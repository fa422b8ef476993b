//! Request paths to files, without ever leaving the output folder: percent-decoding,
//! refusing `..`, hidden files (temporary writes) and messages (`.eml`), and resolving
//! symlinks to check that the real path is still inside.

use std::path::{Component, Path, PathBuf};

/// `path` with its symlinks resolved, if it exists and stays under `root` (itself
/// resolved) without passing through a hidden file or a message.
pub(super) fn resolved(root: &Path, path: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let real = path.canonicalize().ok()?;
    let relative = real.strip_prefix(&root).ok()?;
    if relative.components().any(|part| !servable(part)) {
        tracing::debug!(path = %path.display(), "refused: resolves outside the output folder");
        return None;
    }
    Some(real)
}

/// A part of a path that may be served: a plain name, not hidden, not a message.
fn servable(part: Component<'_>) -> bool {
    match part {
        Component::Normal(name) => {
            let name = name.to_string_lossy();
            !name.starts_with('.') && !name.ends_with(".eml")
        }
        _ => false,
    }
}

/// `request` as a path under `root`, refusing anything that would leave it.
pub(super) fn inside(root: &Path, request: &str) -> Option<PathBuf> {
    let mut path = root.to_owned();
    for part in Path::new(request.trim_start_matches('/')).components() {
        match part {
            Component::CurDir => {}
            // Hidden files (temporary writes) and messages are never served.
            part if servable(part) => path.push(part),
            _ => return None,
        }
    }
    Some(path)
}

/// The path percent-decoded; `None` when it is malformed, not UTF-8, or holds a NUL or
/// a backslash.
pub(super) fn decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(out).ok()?;
    (!text.contains(['\0', '\\'])).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_paths_stay_inside_the_output_folder() {
        let root = Path::new("/srv/out");
        assert_eq!(
            inside(root, "/morning/2026-11-27/"),
            Some(PathBuf::from("/srv/out/morning/2026-11-27"))
        );
        assert_eq!(inside(root, "/"), Some(PathBuf::from("/srv/out")));
        assert_eq!(inside(root, "/../etc/passwd"), None);
        assert_eq!(inside(root, "/a/../../b"), None);
        assert_eq!(inside(root, "/outbox/anna@readers.example.eml"), None);
        assert_eq!(inside(root, "/feeds/.morning.xml.tmp"), None);
    }

    #[test]
    fn encoded_traversal_is_decoded_before_the_check() {
        let root = Path::new("/srv/out");
        for request in ["/%2e%2e/etc/passwd", "/a/%2E%2E/%2e%2e/x", "/..%2fetc"] {
            let decoded = decode(request).unwrap();
            assert_eq!(inside(root, &decoded), None, "{request}");
        }
        assert_eq!(decode("/a%5c..%5cb"), None);
        assert_eq!(decode("/a%00"), None);
        assert_eq!(decode("/a%zz"), None);
        assert_eq!(decode("/caf%C3%A9/").as_deref(), Some("/café/"));
    }
}
