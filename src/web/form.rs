//! A submitted form's fields (checkboxes repeat a name), and the reader's choice
//! read from them, checked against the plan.

use crate::{config::Plan, store::Choice};

/// The fields of an `application/x-www-form-urlencoded` body, in order.
pub(super) struct Fields(Vec<(String, String)>);

impl Fields {
    /// Parses `body` (and, first, a query string, which may carry the token).
    pub(super) fn parse(query: Option<&str>, body: &str) -> Fields {
        let mut fields: Vec<(String, String)> = Vec::new();
        for text in query.into_iter().chain([body]) {
            fields.extend(url::form_urlencoded::parse(text.as_bytes()).into_owned());
        }
        Fields(fields)
    }

    /// The last value of `name`, trimmed.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
    }

    /// Every value of `name`.
    pub(super) fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// The longest name kept.
const NAME_CHARS: usize = 100;

/// The choice in `fields` (`name`, `sections`, `editions`, `format`, `language`,
/// `time_zone`):
/// unknown sections and editions are ignored; every section (or edition) checked is
/// `None` (all, including ones added later). An error names what must be fixed.
pub(super) fn choice(plan: &Plan, fields: &Fields) -> Result<Choice, String> {
    let sections: Vec<String> = plan
        .sections
        .iter()
        .map(|s| s.id.as_str())
        .filter(|id| fields.all("sections").contains(id))
        .map(str::to_owned)
        .collect();
    if sections.is_empty() {
        return Err(super::pages::speaker(plan).text("form-no-section"));
    }
    let editions: Vec<String> = plan
        .editions
        .iter()
        .map(|e| e.id.as_str())
        .filter(|id| fields.all("editions").contains(id))
        .map(str::to_owned)
        .collect();
    if editions.is_empty() && plan.editions.len() > 1 {
        return Err(super::pages::speaker(plan).text("form-no-edition"));
    }
    let format = match fields.get("format") {
        Some("text") => "text",
        _ => "html",
    };
    let time_zone = fields
        .get("time_zone")
        .filter(|z| z.parse::<chrono_tz::Tz>().is_ok())
        .map(str::to_owned);
    let name = fields
        .get("name")
        .map(|n| {
            n.chars()
                .filter(|c| !c.is_control())
                .take(NAME_CHARS)
                .collect::<String>()
        })
        .filter(|n| !n.trim().is_empty());
    // One of the languages offered; none offered or none valid: each edition's own.
    let language = fields.get("language").and_then(|tag| {
        (super::pages::languages(plan).into_iter())
            .find(|l| l.as_str() == tag)
            .map(|l| l.as_str().to_owned())
    });
    Ok(Choice {
        name,
        language,
        sections: (sections.len() < plan.sections.len()).then_some(sections),
        editions: (!editions.is_empty() && editions.len() < plan.editions.len())
            .then_some(editions),
        format: format.to_owned(),
        time_zone,
    })
}
