//! Images feed-rs does not keep, read from the document beside it: Media RSS
//! thumbnails of items without `media:content`, and JSON Feed `image`s.

use std::collections::HashMap;

use crate::model::Image;

/// `media:thumbnail`s of RSS items, by the item's guid and link text.
pub fn rss_thumbnails(text: &str) -> HashMap<String, Image> {
    use quick_xml::events::Event;
    let mut found = HashMap::new();
    if !text.contains("thumbnail") || text.trim_start().starts_with('{') {
        return found;
    }
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut keys, mut thumbnail, mut capture): (Vec<String>, Option<Image>, bool) =
        (Vec::new(), None, false);
    loop {
        match reader.read_event() {
            Err(_) | Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                let name = e.local_name();
                let local: &str = name.as_ref();
                match local {
                    "item" => (keys, thumbnail) = (Vec::new(), None),
                    "guid" | "link" => capture = true,
                    _ => {}
                }
            }
            Ok(Event::Empty(e))
                if e.name().as_ref() == "media:thumbnail" && thumbnail.is_none() =>
            {
                let attribute = |name: &str| {
                    e.try_get_attribute(name)
                        .ok()
                        .flatten()
                        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
                        .map(|v| v.trim().to_owned())
                };
                thumbnail = attribute("url").map(|url| Image {
                    url,
                    alt: None,
                    width: attribute("width").and_then(|w| w.parse().ok()),
                    height: attribute("height").and_then(|h| h.parse().ok()),
                });
            }
            Ok(Event::Text(t)) if capture => {
                keys.push(t.xml10_content().trim().to_owned());
            }
            Ok(Event::End(e)) => {
                capture = false;
                if e.local_name().as_ref() == "item"
                    && let Some(image) = thumbnail.take()
                {
                    for key in keys.drain(..) {
                        found.insert(key, image.clone());
                    }
                }
            }
            Ok(_) => {}
        }
    }
    found
}

/// JSON Feed items' `image` (or `banner_image`) by item id: feed-rs does not keep them.
pub fn json_feed_images(text: &str) -> HashMap<String, String> {
    #[derive(serde::Deserialize)]
    struct Doc {
        #[serde(default)]
        items: Vec<Item>,
    }
    #[derive(serde::Deserialize)]
    struct Item {
        id: Option<serde_json::Value>,
        image: Option<String>,
        banner_image: Option<String>,
    }
    let Ok(doc) = serde_json::from_str::<Doc>(text) else {
        return Default::default();
    };
    doc.items
        .into_iter()
        .filter_map(|item| {
            let id = match item.id? {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            Some((id.trim().to_owned(), item.image.or(item.banner_image)?))
        })
        .collect()
}
