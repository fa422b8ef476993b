//! OPML 2.0 import and export of sources.
//!
//! Export writes one `<outline type="rss">` per source, grouped under one outline per
//! section, with pressroom's own id, section and weight in the `pressroom:` namespace
//! so that an export imported again gives back the same sources. Import reads any
//! OPML (nested folders included) and writes `[[sources]]` tables: a feed's section
//! comes from its `pressroom:section`, its `category` attribute or its folder, matched
//! against the sections' ids, titles and categories.

use std::collections::HashSet;

use quick_xml::{
    Reader, Writer,
    events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event},
};

use super::{
    check::{parse_location, slugify},
    plan::Plan,
    values::Location,
};

const NS: &str = "urn:pressroom";

/// One feed found in an OPML file.
#[derive(Clone, Debug, PartialEq)]
pub struct Outline {
    /// pressroom id, if the file was written by pressroom.
    pub id: Option<String>,
    /// The feed's title.
    pub title: String,
    /// The feed's address (`xmlUrl`), as written in the file: the new source's `url`.
    pub url: String,
    /// Section hint: `pressroom:section`, `category` or the enclosing folder.
    pub section_hint: Option<String>,
    /// Weight, if written by pressroom.
    pub weight: Option<f64>,
}

/// Writes the plan's sources as OPML 2.0.
pub fn export(plan: &Plan) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let _ = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let mut opml = BytesStart::new("opml");
    opml.push_attribute(("version", "2.0"));
    opml.push_attribute(("xmlns:pressroom", NS));
    let _ = writer.write_event(Event::Start(opml));
    let _ = writer.write_event(Event::Start(BytesStart::new("head")));
    let _ = writer.write_event(Event::Start(BytesStart::new("title")));
    let _ = writer.write_event(Event::Text(BytesText::new(&plan.site.title)));
    let _ = writer.write_event(Event::End(BytesEnd::new("title")));
    let _ = writer.write_event(Event::End(BytesEnd::new("head")));
    let _ = writer.write_event(Event::Start(BytesStart::new("body")));
    let mut groups: Vec<(Option<&str>, String)> = plan
        .sections
        .iter()
        .map(|s| (Some(s.id.as_str()), s.title.clone()))
        .collect();
    groups.push((None, "Other".to_owned()));
    for (section, title) in groups {
        let members: Vec<_> = plan
            .sources
            .iter()
            .filter(|s| s.placement.fixed.as_ref().map(|id| id.as_str()) == section)
            .collect();
        if members.is_empty() {
            continue;
        }
        let mut folder = BytesStart::new("outline");
        folder.push_attribute(("text", title.as_str()));
        let _ = writer.write_event(Event::Start(folder));
        for source in members {
            let url = source.location.to_string();
            let weight = source.weight.to_string();
            let mut outline = BytesStart::new("outline");
            outline.push_attribute(("type", "rss"));
            outline.push_attribute(("text", source.name.as_str()));
            outline.push_attribute(("title", source.name.as_str()));
            outline.push_attribute(("xmlUrl", url.as_str()));
            outline.push_attribute(("pressroom:id", source.id.as_str()));
            if let Some(section) = section {
                outline.push_attribute(("category", section));
                outline.push_attribute(("pressroom:section", section));
            }
            outline.push_attribute(("pressroom:weight", weight.as_str()));
            let _ = writer.write_event(Event::Empty(outline));
        }
        let _ = writer.write_event(Event::End(BytesEnd::new("outline")));
    }
    let _ = writer.write_event(Event::End(BytesEnd::new("body")));
    let _ = writer.write_event(Event::End(BytesEnd::new("opml")));
    let mut text = String::from_utf8(writer.into_inner()).expect("written from UTF-8");
    text.push('\n');
    text
}

/// Reads every feed outline of an OPML document.
pub fn parse(text: &str) -> Result<Vec<Outline>, String> {
    let mut reader = Reader::from_str(text);
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut outlines = Vec::new();
    let mut saw_opml = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not valid OPML at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "opml" => {
                saw_opml = true
            }
            Event::Start(e) if e.local_name().as_ref() == "outline" => {
                let attrs = attributes(&e)?;
                match outline(&attrs, &folders) {
                    Some(found) => {
                        outlines.push(found);
                        folders.push(None);
                    }
                    None => folders.push(get(&attrs, "text").or_else(|| get(&attrs, "title"))),
                }
            }
            Event::Empty(e) if e.local_name().as_ref() == "outline" => {
                if let Some(found) = outline(&attributes(&e)?, &folders) {
                    outlines.push(found);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "outline" => {
                folders.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_opml {
        return Err("not an OPML document (no <opml> element)".to_owned());
    }
    Ok(outlines)
}

fn attributes(e: &BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    e.attributes()
        .map(|a| {
            let a = a.map_err(|e| format!("bad attribute: {e}"))?;
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| format!("bad attribute value: {e}"))?;
            let key: &str = a.key.as_ref();
            Ok((key.to_owned(), value.into_owned()))
        })
        .collect()
}

fn get(attrs: &[(String, String)], name: &str) -> Option<String> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn outline(attrs: &[(String, String)], folders: &[Option<String>]) -> Option<Outline> {
    let url = get(attrs, "xmlUrl")?;
    let title = get(attrs, "title")
        .or_else(|| get(attrs, "text"))
        .unwrap_or_else(|| url.clone());
    let folder = folders.iter().rev().flatten().next().cloned();
    let category = get(attrs, "category").map(|c| {
        // OPML categories are comma-separated slash-paths: take the first, last segment.
        let first = c.split(',').next().unwrap_or(&c).trim().to_owned();
        first
            .rsplit('/')
            .find(|s| !s.is_empty())
            .unwrap_or(&first)
            .to_owned()
    });
    Some(Outline {
        id: get(attrs, "pressroom:id"),
        title,
        url,
        section_hint: get(attrs, "pressroom:section").or(category).or(folder),
        weight: get(attrs, "pressroom:weight").and_then(|w| w.parse().ok()),
    })
}

/// `[[sources]]` tables for the outlines not already in `plan` (by URL), with ids made
/// unique. Returns the TOML and the number of feeds skipped as duplicates.
pub fn to_sources_toml(outlines: &[Outline], plan: &Plan) -> (String, usize) {
    let known_urls: HashSet<String> = plan
        .sources
        .iter()
        .map(|s| s.location.to_string())
        .collect();
    let mut ids: HashSet<String> = plan.sources.iter().map(|s| s.id.to_string()).collect();
    let mut toml = String::new();
    let mut skipped = 0;
    for outline in outlines {
        let root = plan.origin.parent().unwrap_or(std::path::Path::new("."));
        let url = match parse_location(&outline.url, root) {
            Ok(location @ Location::Http(_)) | Ok(location @ Location::File(_)) => {
                location.to_string()
            }
            Err(_) => outline.url.clone(),
        };
        if known_urls.contains(&url) {
            skipped += 1;
            continue;
        }
        let base = outline
            .id
            .clone()
            .unwrap_or_else(|| slugify(&outline.title));
        let mut id = base.clone();
        let mut n = 2;
        while !ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        toml.push_str("\n[[sources]]\n");
        toml.push_str(&format!("id = {}\n", quote(&id)));
        toml.push_str(&format!("name = {}\n", quote(&outline.title)));
        toml.push_str(&format!("url = {}\n", quote(&outline.url)));
        match outline
            .section_hint
            .as_deref()
            .and_then(|hint| section_for(hint, plan))
        {
            Some(section) => toml.push_str(&format!("section = {}\n", quote(section))),
            None => {
                if let Some(hint) = &outline.section_hint {
                    toml.push_str(&format!(
                        "# OPML category {} matched no section\n",
                        quote(hint)
                    ));
                }
            }
        }
        if let Some(weight) = outline.weight.filter(|w| *w != 1.0) {
            toml.push_str(&format!("weight = {weight:?}\n"));
        }
    }
    (toml, skipped)
}

fn section_for<'p>(hint: &str, plan: &'p Plan) -> Option<&'p str> {
    let hint = hint.trim().to_lowercase();
    plan.sections
        .iter()
        .find(|s| {
            s.id.as_str() == hint || s.title.to_lowercase() == hint || s.categories.contains(&hint)
        })
        .map(|s| s.id.as_str())
}

fn quote(value: &str) -> String {
    toml::Value::String(value.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_folders_and_categories_give_hints() {
        let opml = r#"<?xml version="1.0"?>
<opml version="2.0"><head><title>x</title></head><body>
  <outline text="Sport">
    <outline type="rss" text="Scores" xmlUrl="https://s.example/rss"/>
  </outline>
  <outline type="rss" title="Markets" category="/news/Business" xmlUrl="https://m.example/feed?a=1&amp;b=2"/>
</body></opml>"#;
        let outlines = parse(opml).unwrap();
        assert_eq!(outlines.len(), 2);
        assert_eq!(outlines[0].section_hint.as_deref(), Some("Sport"));
        assert_eq!(outlines[1].section_hint.as_deref(), Some("Business"));
        assert_eq!(outlines[1].url, "https://m.example/feed?a=1&b=2");
    }

    #[test]
    fn html_is_not_opml() {
        assert!(parse("<html><body>hi</body></html>").is_err());
    }
}
