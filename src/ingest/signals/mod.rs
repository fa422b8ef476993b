//! Most-read signals: a most-read feed, the "Most read" box of an HTML page (a CSS
//! selector), or an analytics export in JSON or CSV. Each reading becomes one
//! [`SignalSnapshot`](crate::model::SignalSnapshot); URLs are canonicalised like
//! stories' so that the two join.
//!
//! One module per kind (`feed.rs`, `html.rs`, `json.rs`, `csv.rs`), each a [`Kind`]:
//! its name, its options (the keys it takes in `[[signals]]`), their check, and how
//! it reads a document into links or (URL, views) rows; `read.rs` turns those into a
//! snapshot. Adding a kind is one new file and its two lines here: `mod` and its
//! entry in `kinds!`. The configuration learns its name and options from
//! [`SignalKind`]; nothing else spells them.

mod csv;
mod feed;
mod html;
mod json;
mod kind;
mod read;

use self::kind::kinds;
pub use self::{
    kind::{Document, Extract, Kind, OptionProblem, ReadOptions, keys},
    read::{Reading, read_signal},
};

kinds! {
    /// A most-read feed: its order is the rank.
    Feed(feed::Feed),
    /// An HTML page: `selector` picks the most-read links, most read first.
    Html(html::Html),
    /// A JSON analytics export: URL and views per entry.
    Json(json::Json),
    /// A CSV analytics export with a header row.
    Csv(csv::Csv),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_found_by_name_with_its_options() {
        assert_eq!(SignalKind::NAMES, ["feed", "html", "json", "csv"]);
        assert_eq!(SignalKind::options("feed"), Some(&[][..]));
        assert_eq!(SignalKind::options("html"), Some(&["selector"][..]));
        assert_eq!(
            SignalKind::options("json"),
            Some(&["pointer", "url_field", "views_field"][..])
        );
        assert_eq!(
            SignalKind::options("csv"),
            Some(&["url_field", "views_field"][..])
        );
        assert_eq!(SignalKind::options("xml"), None);
    }

    #[test]
    fn a_kind_reads_as_it_did_when_it_was_an_enum_of_its_own() {
        // The fetch state keeps a signal's rules as this text: it must not change.
        let html = SignalKind::Html(html::Html {
            selector: "ol a".to_owned(),
        });
        assert_eq!(format!("{html:?}"), "Html { selector: \"ol a\" }");
        assert_eq!(format!("{:?}", SignalKind::Feed(feed::Feed)), "Feed");
        assert_eq!(html.name(), "html");
    }
}
