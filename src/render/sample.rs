//! A sample issue that exercises every branch of the templates (with and without an
//! image, a link, topics, "also in", a most-read rank), so that `pressroom check` can
//! render every template in strict mode before a subscriber ever sees one.

use chrono::{DateTime, NaiveDate, Utc};

use crate::model::{
    AlsoIn, EditionId, Image, Issue, IssueId, MostReadEntry, MostReadList, Pick, Placed,
    ReadWindow, Score, SectionBlock, SectionId, SourceId, Story, StoryId,
};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("valid").to_utc()
}

fn story(n: u32, section: &str, with_everything: bool) -> Pick {
    let story = Story {
        id: StoryId(format!("sample{n}")),
        source: SourceId::parse("sample-wire").expect("valid"),
        guid: None,
        url: with_everything.then(|| format!("https://wire.example/{section}/story-{n}")),
        title: format!("Sample headline {n} with <markup> & \"quotes\""),
        summary_html: "<p>A <strong>sanitised</strong> summary with <a href=\"https://wire.example/more\">a link</a>.</p>"
            .to_owned(),
        excerpt: "A sanitised summary with a link, as plain text.".to_owned(),
        image: with_everything.then(|| Image {
            url: format!("https://img.wire.example/{n}.jpg"),
            alt: Some("A sample picture".to_owned()),
            width: Some(1200),
            height: Some(675),
        }),
        authors: vec!["Sample Author".to_owned()],
        topics: if with_everything { vec!["Diplomacy".to_owned(), "Talks".to_owned()] } else { Vec::new() },
        section: Some(SectionId::parse(section).expect("valid")),
        published: at("2026-11-27T04:30:00Z"),
        updated: None,
        first_seen: at("2026-11-27T04:35:00Z"),
        dated: true,
    };
    Pick {
        read_also: Vec::new(),
        story,
        outlet: "Sample Wire".to_owned(),
        score: Score {
            total: 1.0,
            weight: 1.0,
            age_hours: 1.5,
            recency: 0.84,
            most_read: 0.5,
            most_read_factor: 1.5,
            outlets: 2,
            outlets_factor: 1.35,
        },
        also_in: if with_everything {
            vec![AlsoIn {
                outlet: "Other Paper".to_owned(),
                source: SourceId::parse("other").expect("valid"),
                story: StoryId(format!("other{n}")),
                title: "The same story, told otherwise".to_owned(),
                url: Some(format!("https://other.example/{n}")),
            }]
        } else {
            Vec::new()
        },
        most_read_rank: None,
        placed: Placed::Score,
    }
}

/// The sample issue (sections "politics" and "sport").
pub fn edition() -> Issue {
    let block = |id: &str, title: &str, base: u32| SectionBlock {
        titles: Default::default(),
        id: SectionId::parse(id).expect("valid"),
        title: title.to_owned(),
        picks: vec![story(base, id, true), story(base + 1, id, false)],
    };
    let mut issue = Issue {
        id: IssueId {
            edition: EditionId::parse("sample").expect("valid"),
            date: NaiveDate::from_ymd_opt(2026, 11, 27).expect("valid"),
            time: None,
        },
        title: "Sample Review".to_owned(),
        built_at: at("2026-11-27T06:00:00Z"),
        window_start: at("2026-11-26T06:00:00Z"),
        lead: vec![story(1, "politics", true), story(2, "politics", false)],
        sections: vec![
            block("politics", "Politics & Diplomacy", 3),
            block("sport", "Sport", 5),
        ],
        most_read: vec![
            read_list(ReadWindow::Now, &[7, 3]),
            read_list(ReadWindow::Today, &[3, 1]),
            read_list(ReadWindow::Week, &[1]),
        ],
        left_out: Vec::new(),
    };
    // The badges, as rank gives them: each story's place in the first ranking.
    let first = issue.most_read[0].clone();
    for pick in issue.picks_mut() {
        pick.most_read_rank = (first.entries.iter())
            .find(|e| e.story == pick.story.id)
            .map(|e| e.rank);
    }
    issue
}

/// A most-read ranking of the sample stories numbered `stories`.
fn read_list(window: ReadWindow, stories: &[u32]) -> MostReadList {
    MostReadList {
        window,
        entries: (stories.iter().enumerate())
            .map(|(i, &n)| {
                let pick = story(n, "sport", true);
                MostReadEntry {
                    rank: i as u32 + 1,
                    story: pick.story.id,
                    title: pick.story.title,
                    url: pick.story.url,
                    outlet: pick.outlet,
                }
            })
            .collect(),
    }
}
