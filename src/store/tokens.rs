//! Stories' tokens kept at ingest (columns `tokens` and `tokens_version` of
//! `stories`, migration 11): written with a new story by its own `INSERT`
//! (`stories.rs`), and here when a known story is saved with new text; read with the
//! stories of an issue's window (`ranking.rs`). The bytes are a [`StoryTokens`]; the version is that
//! of the tokenizer that made them.

use rusqlite::params;

use super::{StoreError, Writer};
use crate::model::{StoryId, StoryTokens};

impl Writer<'_> {
    /// Keeps `tokens` as story `id`'s, replacing any it had.
    pub(super) fn save_tokens(&self, id: &StoryId, tokens: &StoryTokens) -> Result<(), StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached("UPDATE stories SET tokens = ?2, tokens_version = ?3 WHERE id = ?1")?;
        stmt.execute(params![id.as_str(), tokens.as_bytes(), tokens.version])?;
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
    fn tokens_are_kept_with_their_story_by_version() {
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
            .stories_for_ranking(at("2026-11-26T00:00:00Z"), 2)
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
        let whole = store.stories_since(at("2026-11-26T00:00:00Z")).unwrap();
        let ids =
            |list: &[crate::model::Story]| list.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(&stories),
            ids(&whole),
            "the same stories in the same order"
        );

        // New text brings new tokens; the same text seen again keeps them.
        let mut changed = item("kept", Some(tokens(2, 9)));
        changed.excerpt = "a lede".to_owned();
        let mut writer = store.writer().unwrap();
        writer.save_items(&source, &[changed], now).unwrap();
        writer.commit().unwrap();
        let (stories, kept) = store.stories_for_ranking(now, 2).unwrap();
        let at_kept = stories.iter().position(|s| s.title == "kept").unwrap();
        let terms: Vec<u64> = kept[at_kept].as_ref().unwrap().title_terms().collect();
        assert_eq!(terms, [9]);
    }
}
