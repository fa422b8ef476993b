//! The file outlets: RSS/Atom/JSON Feed files and the static HTML archive, written
//! from issues of the offline demo frozen through the library at three instants a
//! day apart, then read back (feed-rs for the feeds, quick-xml for well-formedness,
//! serde_json for JSON Feed). The formats' rules are checked in `outputs/formats.rs`,
//! hostile feed text in `outputs/hostile.rs`.

mod formats;
mod hostile;

use std::path::{Path, PathBuf};

use pressroom::{
    deliver::{archive, feeds, files::TEMP_MARK, output},
    issue,
    model::{Issue, IssueId, Pick},
    render::{Renderer, view},
};

use crate::support::{NOW, Project, instant, stderr};

/// When the three issues of `morning` are built: the evening before the demo's
/// morning, the demo's morning, and the morning after (dated 26, 27, 28 November).
pub(crate) const INSTANTS: [&str; 3] = ["2026-11-26T15:00:00Z", NOW, "2026-11-28T06:00:00Z"];

/// The demo, fetched at the test clock, with the issues of `morning` at `instants`
/// frozen in its store (oldest first).
pub(crate) fn demo_with_issues(project: Project, instants: &[&str]) -> (Project, Vec<Issue>) {
    let output = project.run(&["fetch"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let issues = instants.iter().map(|at| freeze_at(&project, at)).collect();
    (project, issues)
}

/// Builds and freezes the `morning` issue at `at`, as `publish` does.
fn freeze_at(project: &Project, at: &str) -> Issue {
    let plan = project.plan();
    let mut store = project.store();
    let edition = &plan.editions[0];
    let now = instant(at);
    let due = issue::Due {
        id: IssueId {
            edition: edition.id.clone(),
            date: now.with_timezone(&plan.site.time_zone).date_naive(),
            time: None,
        },
        at: now,
    };
    let built = issue::assemble(&plan, edition, &store, &due).expect("assemble");
    let mut writer = store.writer().expect("writer");
    let frozen = writer.freeze(&built, now).expect("freeze");
    writer.commit().expect("commit");
    frozen
}

/// Writes the web outlets after each issue, as each `publish` would; returns the files.
pub(crate) fn deliver_each(project: &Project, issues: &[Issue]) -> Vec<PathBuf> {
    let plan = project.plan();
    let renderer = Renderer::new(plan.site.templates.as_deref()).expect("templates");
    let store = project.store();
    let mut written = Vec::new();
    for issue in issues {
        written = output::write(&plan, &renderer, &store, issue).expect("write the outlets");
    }
    written
}

/// The text of `path`.
pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `path` parsed by feed-rs.
pub(crate) fn parse(path: &Path) -> feed_rs::model::Feed {
    feed_rs::parser::parse(read(path).as_bytes())
        .unwrap_or_else(|e| panic!("{}: feed-rs cannot parse it: {e}", path.display()))
}

/// The three files of feed `name` of the project.
pub(crate) fn feed_files(project: &Project, name: &str) -> [PathBuf; 3] {
    feeds::paths(&project.plan().site.output, name)
}

/// Every file under `dir`.
pub(crate) fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

#[test]
fn the_digest_feeds_carry_one_entry_per_issue_with_stable_ids() {
    let (project, issues) = demo_with_issues(Project::demo(), &INSTANTS);
    let written = deliver_each(&project, &issues);
    let base = project.plan().site.base_url.to_string();
    let newest_first: Vec<&Issue> = issues.iter().rev().collect();
    let [rss, atom, json] = feed_files(&project, "morning");
    assert!(written.contains(&rss) && written.contains(&atom) && written.contains(&json));
    for path in [&rss, &atom, &json] {
        let feed = parse(path);
        assert_eq!(feed.entries.len(), 3, "{}", path.display());
        assert_eq!(feed.title.unwrap().content, "Meridian Morning Review");
        for (entry, issue) in feed.entries.iter().zip(&newest_first) {
            let permalink = format!("{base}{}/", issue.id);
            assert_eq!(entry.id, permalink, "{}", path.display());
            assert_eq!(entry.links[0].href, permalink);
            let date = issue.id.date.format("%A, %-d %B %Y").to_string();
            assert_eq!(
                entry.title.as_ref().unwrap().content,
                format!("Meridian Morning Review, {date}")
            );
            assert_eq!(entry.published, Some(issue.built_at), "{}", path.display());
            // The content is the issue's HTML: it links to the issue and its stories.
            let html = match (&entry.content, &entry.summary) {
                (Some(c), _) if c.body.is_some() => c.body.clone().unwrap(),
                (_, Some(summary)) => summary.content.clone(),
                _ => panic!("{}: an entry without content", path.display()),
            };
            assert!(
                html.contains(&format!("<a href=\"{permalink}\">")),
                "{html:.300}"
            );
            for pick in issue.lead.iter() {
                assert!(html.contains(pick.story.url.as_deref().unwrap()));
            }
        }
    }
    // Writing everything again from the store changes no byte.
    let before: Vec<(PathBuf, Vec<u8>)> = walk(&project.plan().site.output)
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    let plan = project.plan();
    let renderer = Renderer::new(None).unwrap();
    output::write_all(&plan, &renderer, &project.store()).unwrap();
    for (path, bytes) in before {
        assert!(
            std::fs::read(&path).unwrap() == bytes,
            "{} changed",
            path.display()
        );
    }
}

#[test]
fn section_feeds_carry_the_chosen_stories_of_each_section() {
    let (project, issues) = demo_with_issues(Project::demo(), &INSTANTS);
    deliver_each(&project, &issues);
    let plan = project.plan();
    let mut total = 0;
    for (section, _) in &plan.editions[0].sections {
        // The section's picks, newest issue first: its lead stories, then its block;
        // no "also in", and not the most-read rankings (they point, not carry).
        let of_section = |p: &&Pick| p.story.section.as_ref() == Some(section);
        let picks: Vec<&Pick> = issues
            .iter()
            .rev()
            .flat_map(|i| {
                let block = i.sections.iter().filter(|b| &b.id == section);
                i.lead
                    .iter()
                    .filter(of_section)
                    .chain(block.flat_map(|b| b.picks.iter()))
            })
            .collect();
        assert!(
            picks.iter().all(of_section),
            "a block holds another section's story"
        );
        total += picks.len();
        let name = feeds::section_name(&plan.editions[0].id, section);
        for path in feed_files(&project, &name) {
            let feed = parse(&path);
            assert_eq!(feed.entries.len(), picks.len(), "{}", path.display());
            for (entry, pick) in feed.entries.iter().zip(&picks) {
                let story = &pick.story;
                let url = story.url.clone().expect("demo stories have links");
                assert_eq!(entry.id, url, "{}", path.display());
                assert_eq!(entry.links[0].href, url);
                assert_eq!(entry.title.as_ref().unwrap().content, story.title);
                assert_eq!(entry.published, Some(story.published), "{}", path.display());
                // Atom and JSON Feed carry the plain excerpt as the summary (RSS has
                // one body, the story's summary HTML).
                let summary = entry.summary.as_ref().map(|s| s.content.clone());
                assert!(summary.is_some(), "{}: no summary", path.display());
                if path.extension().is_some_and(|e| e != "xml") {
                    assert_eq!(summary.as_deref(), Some(story.excerpt.as_str()));
                }
            }
        }
    }
    let all: usize = issues.iter().map(|i| i.picks().count()).sum();
    assert_eq!(total, all, "every pick is in its section's feed");
    assert!(total > 20, "only {total} stories in three issues");
}

#[test]
fn archive_pages_sit_at_their_permalinks_and_the_index_links_everything() {
    let (project, issues) = demo_with_issues(Project::demo(), &INSTANTS);
    deliver_each(&project, &issues);
    let plan = project.plan();
    let (base, output) = (plan.site.base_url.to_string(), plan.site.output.clone());
    let index = read(&archive::index_path(&output));
    let mut last_seen = 0;
    for issue in issues.iter().rev() {
        // The email's "view in browser" link, the feed's link and the file agree.
        let view = view::issue(
            issue,
            &everyone(&plan),
            &view::Site::from(&plan.site),
            &pressroom::i18n::Catalogues::builtin(),
        );
        let url = view.links.view_online.clone();
        assert_eq!(url, format!("{base}{}/", issue.id));
        let page = archive::page_path(&output, &issue.id);
        assert_eq!(
            page,
            output
                .join(url.strip_prefix(&base).unwrap())
                .join("index.html")
        );
        let html = read(&page);
        assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")));
        assert!(
            html.contains(&format!("<a href=\"{base}\">")),
            "no link to the index"
        );
        // The index links to it, newest first.
        let at = index
            .find(&format!("<a href=\"{url}\">"))
            .expect("the index links the issue");
        assert!(at > last_seen, "{} is out of order", issue.id);
        last_seen = at;
    }
    // And to the feeds, which exist.
    for (path, url) in feed_files(&project, "morning")
        .iter()
        .zip(["xml", "atom", "json"])
    {
        assert!(path.exists());
        assert!(
            index.contains(&format!("href=\"{base}feeds/morning.{url}\"")),
            "{url}"
        );
    }
}

fn everyone(plan: &pressroom::config::Plan) -> pressroom::render::Audience {
    pressroom::render::Audience {
        sections: None,
        time_zone: plan.site.time_zone,
        language: plan.site.language.clone(),
    }
}

#[test]
fn atomic_writes_leave_no_temporary_files() {
    let (project, issues) = demo_with_issues(Project::demo(), &INSTANTS[..2]);
    let written = deliver_each(&project, &issues);
    assert!(written.len() >= 2 + 3 * 8, "{written:#?}");
    let all = walk(&project.plan().site.output);
    let leftovers: Vec<&PathBuf> = all
        .iter()
        .filter(|p| p.to_string_lossy().contains(TEMP_MARK))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:#?}");
    for path in &written {
        assert!(all.contains(path), "{} missing", path.display());
    }
}
