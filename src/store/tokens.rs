//! Stories' tokens kept at ingest (`story_tokens`, migration 11): written beside a
//! story when it is saved with new text, read with the stories of an issue's window,
//! removed with their story (`ON DELETE CASCADE`). One row per story: the version of
//! the tokenizer that made them and their bytes ([`StoryTokens`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError, Writer};
use crate::model::{Story, StoryId, StoryTokens};

impl Writer<'_> {
    /// Keeps `tokens` as story `id`'s, replacing any it had.
    pub(super) fn save_tokens(&self, id: &StoryId, tokens: &StoryTokens) -> Result<(), StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR REPLACE INTO story_tokens (story, version, tokens) VALUES (?1, ?2, ?3)",
        )?;
        stmt.execute(params![id.as_str(), tokens.version, tokens.as_bytes()])?;
        Ok(())
    }

    /// Keeps tokens made after the fact (for stories that had none of the current
    /// version), each as its story's.
    pub fn keep_tokens<'t>(
        &mut self,
        tokens: impl IntoIterator<Item = (&'t StoryId, &'t StoryTokens)>,
    ) -> Result<(), StoreError> {
        for (id, tokens) in tokens {
            self.save_tokens(id, tokens)?;
        }
        Ok(())
    }
}

impl Store {
    /// [`Store::stories_since`], each story with its kept tokens if they are of
    /// tokenizer `version` (else `None`: unreadable bytes count as none).
    pub fn stories_since_with_tokens(
        &self,
        since: DateTime<Utc>,
        version: u32,
    ) -> Result<(Vec<Story>, Vec<Option<StoryTokens>>), StoreError> {
        let stories = self.stories_since(since)?;
        // One pass over the table in its own order rather than a join: a join probes
        // it once per story in time order, at random places (story ids are hashes),
        // which cost three times as much for 50,000 stories.
        let at: HashMap<&str, usize> = (stories.iter().enumerate())
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let mut tokens = vec![None; stories.len()];
        let mut stmt = self
            .conn
            .prepare_cached("SELECT story, tokens FROM story_tokens WHERE version = ?1")?;
        let mut rows = stmt.query([version])?;
        while let Some(row) = rows.next()? {
            let Ok(id) = row.get_ref(0)?.as_str() else {
                continue;
            };
            if let Some(&i) = at.get(id) {
                let bytes: Vec<u8> = row.get(1)?;
                tokens[i] = StoryTokens::from_bytes(version, bytes).ok();
            }
        }
        Ok((stories, tokens))
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use crate::{
        model::{Item, Lists, SourceId, StoryTokens},
        store::Store,
    };

    fn item(title: &str, tokens: Option<StoryTokens>) -> Item {
        Item {
            guid: Some(title.to_owned()),
            url: None,
            url_is_key: false,
            title_key: title.to_owned(),
            title: title.to_owned(),
            summary_html: String::new(),
            excerpt: String::new(),
            image: None,
            authors: Vec::new(),
            topics: Vec::new(),
            section: None,
            published: None,
            updated: None,
            tokens,
        }
    }

    fn tokens(version: u32, term: u64) -> StoryTokens {
        let lists = Lists {
            title_terms: &[term],
            title_cases: &[1],
            summary_limit: 30,
            ..Lists::default()
        };
        StoryTokens::new(version, &lists)
    }

    #[test]
    fn tokens_are_kept_with_their_story_by_version_and_go_with_it() {
        let mut store = Store::open_in_memory().unwrap();
        let source = SourceId::parse("s").unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let now = at("2026-11-27T06:00:00Z");
        let items = [
            item("kept", Some(tokens(2, 7))),
            item("older", Some(tokens(1, 8))),
            item("none", None),
        ];
        let mut writer = store.writer().unwrap();
        writer.save_items(&source, &items, now).unwrap();
        writer.commit().unwrap();
        let (stories, kept) = store
            .stories_since_with_tokens(at("2026-11-26T00:00:00Z"), 2)
            .unwrap();
        let by_title: Vec<(&str, Option<Vec<u64>>)> = (stories.iter().zip(&kept))
            .map(|(s, k)| {
                (
                    s.title.as_str(),
                    k.as_ref().map(|k| k.title_terms().collect()),
                )
            })
            .collect();
        let mut by_title = by_title;
        by_title.sort();
        assert_eq!(
            by_title,
            [("kept", Some(vec![7])), ("none", None), ("older", None)]
        );
        assert_eq!(
            stories,
            store.stories_since(at("2026-11-26T00:00:00Z")).unwrap()
        );

        // New text brings new tokens; the same text seen again keeps them.
        let mut changed = item("kept", Some(tokens(2, 9)));
        changed.excerpt = "a lede".to_owned();
        let mut writer = store.writer().unwrap();
        writer.save_items(&source, &[changed], now).unwrap();
        writer.commit().unwrap();
        let (stories, kept) = store.stories_since_with_tokens(now, 2).unwrap();
        let at_kept = stories.iter().position(|s| s.title == "kept").unwrap();
        let terms: Vec<u64> = kept[at_kept].as_ref().unwrap().title_terms().collect();
        assert_eq!(terms, [9]);

        // Pruned with their story.
        let mut writer = store.writer().unwrap();
        let retention = crate::config::Retention {
            stories: std::time::Duration::ZERO,
            ..crate::config::Retention::default()
        };
        writer
            .prune(&retention, at("2026-12-27T06:00:00Z"))
            .unwrap();
        writer.commit().unwrap();
        let left: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM story_tokens", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }
}
