//! JSON Feed read leniently: the small departures from the spec that real publishers
//! make, and that every JSON Feed reader tolerates, are straightened out before
//! feed-rs (which refuses the whole feed for any of them) reads the document.
//!
//! A version given over http, or missing; `tags` as one comma-separated string; ids
//! given as numbers; and any field of an unexpected shape (a title that is an object,
//! an author that is a string) is dropped rather than fatal. The result is a valid
//! JSON Feed 1.1 with the same content.

use serde_json::{Map, Value};

/// Straightens out `text` if it is a JSON object; `None` if it is not JSON at all.
pub fn lenient(text: &str) -> Option<String> {
    let Value::Object(mut doc) = serde_json::from_str::<Value>(text).ok()? else {
        return None;
    };
    let version = doc.get("version").and_then(Value::as_str).unwrap_or("");
    // Only documents that look like JSON Feeds are rewritten (an arbitrary JSON object
    // must still be refused as "not a feed").
    if !version.contains("jsonfeed.org") && !doc.get("items").is_some_and(Value::is_array) {
        return None;
    }
    let version = if version.contains("version/1.1") {
        "https://jsonfeed.org/version/1.1"
    } else {
        "https://jsonfeed.org/version/1"
    };
    doc.insert("version".into(), Value::String(version.into()));
    if !doc.get("title").is_some_and(Value::is_string) {
        let title = doc.get("title").map(text_of).unwrap_or_default();
        doc.insert("title".into(), Value::String(title));
    }
    strings(
        &mut doc,
        &[
            "home_page_url",
            "feed_url",
            "language",
            "description",
            "icon",
            "favicon",
        ],
    );
    authors(&mut doc);
    let items = match doc.remove("items") {
        Some(Value::Array(items)) => items,
        Some(Value::Object(one)) => vec![Value::Object(one)],
        _ => Vec::new(),
    };
    let items: Vec<Value> = items
        .into_iter()
        .filter_map(|item| match item {
            Value::Object(item) => Some(Value::Object(fix_item(item))),
            _ => None,
        })
        .collect();
    doc.insert("items".into(), Value::Array(items));
    serde_json::to_string(&Value::Object(doc)).ok()
}

fn fix_item(mut item: Map<String, Value>) -> Map<String, Value> {
    match item.get("id") {
        Some(Value::Number(n)) => {
            let id = n.to_string();
            item.insert("id".into(), Value::String(id));
        }
        Some(Value::String(_)) | None => {}
        Some(_) => {
            item.remove("id");
        }
    }
    strings(
        &mut item,
        &[
            "url",
            "external_url",
            "title",
            "content_html",
            "content_text",
            "summary",
            "date_published",
            "date_modified",
            "image",
            "banner_image",
        ],
    );
    let tags: Option<Vec<Value>> = match item.remove("tags") {
        Some(Value::String(s)) => Some(
            s.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| Value::String(t.to_owned()))
                .collect(),
        ),
        Some(Value::Array(tags)) => Some(
            tags.into_iter()
                .filter_map(|t| match t {
                    Value::String(s) => Some(Value::String(s)),
                    Value::Number(n) => Some(Value::String(n.to_string())),
                    _ => None,
                })
                .collect(),
        ),
        _ => None,
    };
    if let Some(tags) = tags {
        item.insert("tags".into(), Value::Array(tags));
    }
    authors(&mut item);
    if let Some(attachments) = item.remove("attachments") {
        let kept: Vec<Value> = match attachments {
            Value::Array(list) => list
                .into_iter()
                .filter(|a| {
                    a.get("url").is_some_and(Value::is_string)
                        && a.get("mime_type").is_some_and(Value::is_string)
                })
                .map(|mut a| {
                    if let Value::Object(a) = &mut a {
                        strings(a, &["title"]);
                        if !a.get("size_in_bytes").is_some_and(Value::is_u64) {
                            a.remove("size_in_bytes");
                        }
                    }
                    a
                })
                .collect(),
            _ => Vec::new(),
        };
        item.insert("attachments".into(), Value::Array(kept));
    }
    item
}

/// Keeps each named field only if it is a string (numbers become strings).
fn strings(object: &mut Map<String, Value>, names: &[&str]) {
    for name in names {
        match object.get(*name) {
            Some(Value::String(_)) | None => {}
            Some(Value::Number(n)) => {
                let text = n.to_string();
                object.insert((*name).into(), Value::String(text));
            }
            Some(_) => {
                object.remove(*name);
            }
        }
    }
}

/// `author` as an object, `authors` as an array of objects, each with string fields.
fn authors(object: &mut Map<String, Value>) {
    let person = |v: Value| -> Option<Value> {
        match v {
            Value::String(name) => Some(serde_json::json!({ "name": name })),
            Value::Object(mut p) => {
                strings(&mut p, &["name", "url", "avatar"]);
                Some(Value::Object(p))
            }
            _ => None,
        }
    };
    let author = object.remove("author").and_then(|a| match a {
        Value::Array(mut list) if !list.is_empty() => person(list.swap_remove(0)),
        other => person(other),
    });
    if let Some(author) = author {
        object.insert("author".into(), author);
    }
    if let Some(list) = object.remove("authors") {
        let list: Vec<Value> = match list {
            Value::Array(list) => list.into_iter().filter_map(person).collect(),
            other => person(other).into_iter().collect(),
        };
        object.insert("authors".into(), Value::Array(list));
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departures_are_straightened_out() {
        let doc = r#"{"version": "http://jsonfeed.org/version/1", "title": 5,
            "items": [{"id": 7, "title": "A", "tags": "x, y ,", "author": "Ann",
                       "content_html": {"bad": 1}}, "junk"]}"#;
        let fixed: Value = serde_json::from_str(&lenient(doc).unwrap()).unwrap();
        assert_eq!(fixed["version"], "https://jsonfeed.org/version/1");
        assert_eq!(fixed["title"], "5");
        let item = &fixed["items"][0];
        assert_eq!(item["id"], "7");
        assert_eq!(item["tags"], serde_json::json!(["x", "y"]));
        assert_eq!(item["author"]["name"], "Ann");
        assert!(item.get("content_html").is_none());
        assert_eq!(fixed["items"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn other_json_is_left_alone() {
        assert_eq!(lenient(r#"{"hello": "world"}"#), None);
        assert_eq!(lenient("[1, 2]"), None);
        assert_eq!(lenient("not json"), None);
    }
}
