//! Kind "feed": a most-read feed (RSS, Atom or JSON Feed); its order is the rank.

use serde::Deserialize;

use super::{Document, Extract, Kind, OptionProblem};
use crate::ingest::adapter;

/// A most-read feed.
#[derive(Clone, Debug, PartialEq)]
pub struct Feed;

/// Kind "feed" takes no options.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {}

impl Kind for Feed {
    const NAME: &'static str = "feed";
    type Options = Options;

    fn compile(_: Options) -> Result<Self, OptionProblem> {
        Ok(Feed)
    }

    fn extract(&self, document: &Document<'_>) -> Result<Extract, String> {
        let feed = adapter::read_feed(document.body, document.charset, document.http_base)
            .map_err(|e| e.to_string())?;
        let base = document.web_base(feed.link.as_deref());
        let links = feed
            .entries
            .into_iter()
            .map(|e| e.link.unwrap_or_default())
            .collect();
        Ok(Extract::Ranked { links, base })
    }
}
