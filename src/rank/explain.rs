//! The editor's table: every pick with its position and the factors of its score, then
//! every story left out with the reason. Rendered as text or JSON by `pressroom explain`.

use serde::Serialize;

use crate::model::{Issue, Pick, Placed};

/// One line of the table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// "lead 1", "politics 2", "most-read now 1", or "-" for a story left out.
    pub position: String,
    /// The story's section.
    pub section: String,
    /// The story's headline, plain text.
    pub title: String,
    /// Link (what pin and drop take).
    pub url: Option<String>,
    /// The outlet's name, e.g. "The Northern Ledger".
    pub outlet: String,
    /// Total score (absent for stories that could not be scored).
    pub score: Option<f64>,
    /// Source weight.
    pub weight: Option<f64>,
    /// Age in hours.
    pub age_hours: Option<f64>,
    /// Recency factor.
    pub recency: Option<f64>,
    /// Most-read value in [0, 1].
    pub most_read: Option<f64>,
    /// Its badge (place in the first most-read ranking), or its place in the ranking
    /// of a "most-read" row.
    pub most_read_rank: Option<u32>,
    /// Distinct outlets.
    pub outlets: Option<u32>,
    /// "pinned", or why it was left out.
    pub note: String,
}

/// The rows of `edition`: picks in reading order, then what was left out.
pub fn rows(edition: &Issue) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut push = |block: &str, picks: &[Pick]| {
        for (i, pick) in picks.iter().enumerate() {
            rows.push(pick_row(format!("{block} {}", i + 1), pick));
        }
    };
    push("lead", &edition.lead);
    for section in &edition.sections {
        push(section.id.as_str(), &section.picks);
    }
    for list in &edition.most_read {
        for entry in &list.entries {
            rows.push(Row {
                position: format!("most-read {} {}", list.window.name(), entry.rank),
                section: "-".to_owned(),
                title: entry.title.clone(),
                url: entry.url.clone(),
                outlet: entry.outlet.clone(),
                score: None,
                weight: None,
                age_hours: None,
                recency: None,
                most_read: None,
                most_read_rank: Some(entry.rank),
                outlets: None,
                note: String::new(),
            });
        }
    }
    for miss in &edition.left_out {
        rows.push(Row {
            position: "-".to_owned(),
            section: miss
                .section
                .as_ref()
                .map_or("-".to_owned(), |s| s.to_string()),
            title: miss.title.clone(),
            url: miss.url.clone(),
            outlet: miss.outlet.clone(),
            score: miss.score,
            weight: None,
            age_hours: None,
            recency: None,
            most_read: None,
            most_read_rank: None,
            outlets: None,
            note: miss.reason.clone(),
        });
    }
    rows
}

fn pick_row(position: String, pick: &Pick) -> Row {
    let s = &pick.score;
    let mut note = match pick.placed {
        Placed::Pinned => "pinned".to_owned(),
        Placed::Score => String::new(),
    };
    if !pick.also_in.is_empty() {
        let others: Vec<&str> = pick.also_in.iter().map(|a| a.outlet.as_str()).collect();
        if !note.is_empty() {
            note.push_str("; ");
        }
        note.push_str(&format!("also in {}", others.join(", ")));
    }
    Row {
        position,
        section: pick
            .story
            .section
            .as_ref()
            .map_or("-".to_owned(), |s| s.to_string()),
        title: pick.story.title.clone(),
        url: pick.story.url.clone(),
        outlet: pick.outlet.clone(),
        score: Some(s.total),
        weight: Some(s.weight),
        age_hours: Some(s.age_hours),
        recency: Some(s.recency),
        most_read: Some(s.most_read),
        most_read_rank: pick.most_read_rank,
        outlets: Some(s.outlets),
        note,
    }
}

/// One group of stories of the window, selected or not (`explain --all`): its row,
/// the other outlets' versions and the earlier stories of its storyline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupRow {
    /// The row, as in the table of picks: its position if the issue carries it, else
    /// "-" with why not.
    #[serde(flatten)]
    pub row: Row,
    /// The same event in other outlets.
    pub also_in: Vec<AlsoInRow>,
    /// Earlier stories of the same storyline ("Read also").
    pub read_also: Vec<ReadAlsoRow>,
}

/// Another outlet's version of a group's story.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlsoInRow {
    /// The other outlet's name.
    pub outlet: String,
    /// That outlet's headline for the story.
    pub title: String,
    /// That version's canonical URL, if it has one.
    pub url: Option<String>,
}

/// An earlier story of a group's storyline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReadAlsoRow {
    /// The earlier story's headline.
    pub title: String,
    /// Its canonical URL, if it has one.
    pub url: Option<String>,
    /// When it was published.
    pub published: chrono::DateTime<chrono::Utc>,
}

/// A row per group of `groups` (every group of the issue's window, best first), placed
/// where `issue` carries it.
pub fn group_rows(issue: &Issue, groups: &[Pick]) -> Vec<GroupRow> {
    let placed: Vec<Row> = rows(issue);
    groups
        .iter()
        .map(|pick| {
            let url = pick.story.url.as_ref();
            let in_issue = (placed.iter())
                .filter(|r| !r.position.starts_with("most-read"))
                .find(|r| r.url.as_ref() == url && r.title == pick.story.title);
            let mut row = pick_row("-".to_owned(), pick);
            match in_issue {
                Some(found) if found.position != "-" => row.position = found.position.clone(),
                Some(found) => row.note = found.note.clone(),
                None if row.note.is_empty() => row.note = "not selected".to_owned(),
                None => row.note = format!("not selected; {}", row.note),
            }
            GroupRow {
                row,
                also_in: (pick.also_in.iter())
                    .map(|a| AlsoInRow {
                        outlet: a.outlet.clone(),
                        title: a.title.clone(),
                        url: a.url.clone(),
                    })
                    .collect(),
                read_also: (pick.read_also.iter())
                    .map(|r| ReadAlsoRow {
                        title: r.title.clone(),
                        url: r.url.clone(),
                        published: r.published,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The rows as an aligned text table, titles cut to fit.
pub fn text(rows: &[Row]) -> String {
    let num = |v: Option<f64>, digits: usize| v.map_or("-".to_owned(), |v| format!("{v:.digits$}"));
    let mut out = format!(
        "{:<17} {:<10} {:>6} {:>4} {:>5} {:>5} {:>4} {:>4} {:>3}  {:<48} {:<20} {}\n",
        "position",
        "section",
        "score",
        "wt",
        "age h",
        "rec",
        "mr",
        "mr#",
        "out",
        "title",
        "outlet",
        "note"
    );
    for r in rows {
        let title: String = r.title.chars().take(48).collect();
        let outlet: String = r.outlet.chars().take(20).collect();
        out.push_str(&format!(
            "{:<17} {:<10} {:>6} {:>4} {:>5} {:>5} {:>4} {:>4} {:>3}  {:<48} {:<20} {}\n",
            r.position,
            r.section,
            num(r.score, 3),
            num(r.weight, 1),
            num(r.age_hours, 1),
            num(r.recency, 2),
            num(r.most_read, 2),
            r.most_read_rank.map_or("-".to_owned(), |n| n.to_string()),
            r.outlets.map_or("-".to_owned(), |n| n.to_string()),
            title,
            outlet,
            r.note
        ));
    }
    out
}
