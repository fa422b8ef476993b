//! The formats' own rules, as the W3C Feed Validator applies them: well-formed XML
//! with only XML's entities, a `self` link to the file's own address in RSS and
//! Atom, RSS dates in RFC 822 and Atom/JSON Feed dates in RFC 3339, permalink guids
//! equal to their links, unique Atom ids, absolute links, JSON Feed's required fields.

use chrono::DateTime;
use pressroom::deliver::feeds;

use super::{INSTANTS, deliver_each, demo_with_issues, read, walk};
use crate::support::Project;

#[test]
fn feeds_are_well_formed_with_self_links_and_the_right_date_formats() {
    let (project, issues) = demo_with_issues(Project::demo(), &INSTANTS[..2]);
    deliver_each(&project, &issues);
    let base = project.plan().site.base_url.to_string();
    let feed_dir = project.plan().site.output.join(feeds::FOLDER);
    let all = walk(&feed_dir);
    assert_eq!(all.len(), 3 * (1 + 7), "{all:#?}");
    for path in all {
        let text = read(&path);
        let relative = path.strip_prefix(&feed_dir).unwrap().to_str().unwrap();
        let own_url = format!("{base}feeds/{relative}");
        match path.extension().and_then(|e| e.to_str()).unwrap() {
            "xml" => {
                let elements = well_formed(&text);
                assert!(text.contains(&format!(
                    "<atom:link href=\"{own_url}\" rel=\"self\" type=\"application/rss+xml\"/>"
                )));
                for date in texts_of(&elements, &["pubDate", "lastBuildDate"]) {
                    let parsed = DateTime::parse_from_rfc2822(&date).expect(&date);
                    assert_eq!(parsed.to_rfc2822(), date, "not RFC 822 as RSS wants it");
                    assert!(date.ends_with(" +0000"), "{date}");
                }
                for (guid, link) in texts_of(&elements, &["guid"])
                    .iter()
                    .zip(texts_of(&elements, &["link"]).iter().skip(1))
                {
                    assert_eq!(guid, link, "a permalink guid is the item's link");
                }
                assert!(text.contains("isPermaLink=\"true\""));
                assert!(
                    texts_of(&elements, &["link"])
                        .iter()
                        .all(|l| l.starts_with("http"))
                );
            }
            "atom" => {
                let elements = well_formed(&text);
                assert!(text.contains(&format!(
                    "<link rel=\"self\" type=\"application/atom+xml\" href=\"{own_url}\"/>"
                )));
                assert!(text.contains("<author>\n    <name>Meridian Morning Review</name>"));
                let dates = texts_of(&elements, &["updated", "published"]);
                assert!(dates.len() > 1);
                for date in dates {
                    DateTime::parse_from_rfc3339(&date).expect(&date);
                }
                let ids = texts_of(&elements, &["id"]);
                let mut unique = ids.clone();
                unique.sort();
                unique.dedup();
                assert_eq!(unique.len(), ids.len(), "ids repeat in {relative}");
            }
            "json" => {
                let feed: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
                assert_eq!(feed["feed_url"], own_url.as_str());
                assert_eq!(feed["home_page_url"], base.as_str());
                assert!(feed["title"].is_string());
                for item in feed["items"].as_array().unwrap() {
                    assert!(
                        item["id"].is_string() && item["title"].is_string(),
                        "{item}"
                    );
                    assert!(item["url"].as_str().unwrap().starts_with("http"));
                    assert!(item["content_html"].is_string() || item["content_text"].is_string());
                    DateTime::parse_from_rfc3339(item["date_published"].as_str().unwrap()).unwrap();
                }
            }
            other => panic!("unexpected file {relative} ({other})"),
        }
    }
}

/// Reads `text` to the end with quick-xml (which checks that every end tag matches
/// its start and that only XML's own entities are used); returns (element name,
/// text) for every element with text content.
fn well_formed(text: &str) -> Vec<(String, String)> {
    use quick_xml::{XmlVersion::Implicit1_0, escape::resolve_xml_entity, events::Event};
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut elements, mut open, mut content) = (Vec::new(), Vec::<String>::new(), String::new());
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("ill-formed XML: {e}"))
        {
            Event::Start(e) => {
                open.push(e.name().as_ref().to_owned());
                content.clear();
            }
            Event::End(_) => {
                let name = open.pop().expect("balanced");
                if !content.trim().is_empty() {
                    elements.push((name, std::mem::take(&mut content)));
                }
                content.clear();
            }
            Event::Text(t) => content.push_str(&t.xml_content(Implicit1_0)),
            Event::GeneralRef(r) => match r.resolve_char_ref().expect("a valid reference") {
                Some(c) => content.push(c),
                None => {
                    let name = r.xml_content(Implicit1_0);
                    let resolved = resolve_xml_entity(&name)
                        .unwrap_or_else(|| panic!("entity &{name}; is not one of XML's"));
                    content.push_str(resolved);
                }
            },
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(open.is_empty(), "unclosed elements: {open:?}");
    elements
}

fn texts_of(elements: &[(String, String)], names: &[&str]) -> Vec<String> {
    elements
        .iter()
        .filter(|(n, _)| names.contains(&n.as_str()))
        .map(|(_, t)| t.clone())
        .collect()
}
