//! The size budget of an email's HTML part. Gmail clips a message whose HTML passes
//! 102 KB and hides the rest behind a link, footer and unsubscribe link included, so
//! an audience's email is kept under [`HTML_BUDGET`] once quoted-printable encoded: its
//! lowest-scored section stories (never the lead, never one an editor pinned) are left
//! out, and a line says how many more stories the issue's page has.

use serde::Serialize;

use super::{Email, RenderError, Renderer, view::IssueView, view::MoreView};

/// The most an HTML part may weigh, quoted-printable encoded, in bytes.
pub const HTML_BUDGET: usize = 100 * 1024;

/// A story one audience's email left out for size.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trimmed {
    /// The story's headline, plain text (the editor lists it).
    pub title: String,
    /// Its link to the article (http or https only), or `None`.
    pub url: Option<String>,
    /// Its section's heading.
    pub section: String,
}

/// The size of `html` as a quoted-printable part.
pub fn encoded_len(html: &str) -> usize {
    quoted_printable::encode(html.as_bytes()).len()
}

impl Renderer {
    /// The email of `view` within `budget` bytes of encoded HTML, and what it left out
    /// (removed from `view`, which then carries the "more in the archive" line).
    pub fn email_within(
        &self,
        view: &mut IssueView,
        budget: usize,
    ) -> Result<(Email, Vec<Trimmed>), RenderError> {
        let mut trimmed = Vec::new();
        loop {
            let email = self.email(view)?;
            let size = encoded_len(&email.html);
            if size <= budget {
                return Ok((email, trimmed));
            }
            // Leave out, lowest score first, about as many stories as the excess
            // weighs at this email's average, and at least one.
            let mut open: Vec<(f64, usize, usize)> = (view.sections.iter().enumerate())
                .flat_map(|(s, section)| {
                    (section.stories.iter().enumerate())
                        .filter(|(_, story)| !story.pinned)
                        .map(move |(k, story)| (story.score, s, k))
                })
                .collect();
            if open.is_empty() {
                return Ok((email, trimmed)); // nothing left that may go
            }
            let stories = view.story_count.max(1);
            let excess = (size - budget).div_ceil(size / stories).max(1);
            open.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
            let mut gone: Vec<(usize, usize)> =
                open.iter().take(excess).map(|&(_, s, k)| (s, k)).collect();
            gone.sort_by(|a, b| b.cmp(a)); // remove from the end, positions stay valid
            for (s, k) in gone {
                let story = view.sections[s].stories.remove(k);
                trimmed.push(Trimmed {
                    title: story.title,
                    url: story.url,
                    section: view.sections[s].title.clone(),
                });
            }
            view.sections.retain(|s| !s.stories.is_empty());
            for section in &mut view.sections {
                for (i, story) in section.stories.iter_mut().enumerate() {
                    story.position = i + 1;
                }
            }
            view.story_count =
                view.lead.len() + view.sections.iter().map(|s| s.stories.len()).sum::<usize>();
            view.more = Some(MoreView {
                count: trimmed.len(),
                url: view.issue.url.clone(),
            });
        }
    }
}
