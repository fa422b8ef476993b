//! Grouping stories that report the same event (placeholder: same canonical URL
//! only; the full title-similarity clustering lands from the `clustering` branch).

use std::{collections::HashMap, time::Duration};

use chrono::{DateTime, Utc};

/// One story as clustering sees it.
pub struct Doc<'a> {
    /// The outlet's name.
    pub outlet: &'a str,
    /// Canonical URL.
    pub url: Option<&'a str>,
    /// Plain-text title.
    pub title: &'a str,
    /// Plain-text summary.
    pub summary: &'a str,
    /// Publication time.
    pub published: DateTime<Utc>,
}

/// Tuning knobs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Stories further apart than this are never grouped.
    pub window: Duration,
    /// Group only stories of different outlets (the same outlet rarely runs one event twice).
    pub one_story_per_outlet: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            window: Duration::from_secs(36 * 3600),
            one_story_per_outlet: true,
        }
    }
}

/// Groups of indices into `docs`, each index in exactly one group.
pub fn cluster(docs: &[Doc<'_>], _options: &Options) -> Vec<Vec<usize>> {
    let mut by_url: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        match doc.url.and_then(|u| by_url.get(u)) {
            Some(&g) => groups[g].push(i),
            None => {
                if let Some(url) = doc.url {
                    by_url.insert(url, groups.len());
                }
                groups.push(vec![i]);
            }
        }
    }
    groups
}
