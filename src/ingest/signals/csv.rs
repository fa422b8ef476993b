//! Kind "csv": an analytics export in CSV with a header row, URL and views per row.

use serde::Deserialize;

use super::{Document, Extract, Kind, OptionProblem};

/// A CSV analytics export with a header row.
#[derive(Clone, Debug, PartialEq)]
pub struct Csv {
    /// Column with the URL.
    pub url_field: String,
    /// Column with the view count.
    pub views_field: String,
}

/// The options of kind "csv".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Column holding the URL (matched without regard to case). Default "url".
    pub url_field: Option<String>,
    /// Column holding the view count. Default "views".
    pub views_field: Option<String>,
}

impl Kind for Csv {
    const NAME: &'static str = "csv";
    type Options = Options;

    fn compile(options: Options) -> Result<Self, OptionProblem> {
        Ok(Csv {
            url_field: options.url_field.unwrap_or_else(|| "url".to_owned()),
            views_field: options.views_field.unwrap_or_else(|| "views".to_owned()),
        })
    }

    fn extract(&self, document: &Document<'_>) -> Result<Extract, String> {
        let mut reader = ::csv::ReaderBuilder::new()
            .flexible(true)
            .trim(::csv::Trim::All)
            .from_reader(document.body);
        let headers = reader
            .headers()
            .map_err(|e| format!("not CSV: {e}"))?
            .clone();
        let column = |name: &str| {
            headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .ok_or_else(|| format!("no column {name:?} in the CSV header"))
        };
        let (url_at, views_at) = (column(&self.url_field)?, column(&self.views_field)?);
        let rows = reader
            .records()
            .map(|record| {
                let record = record.ok()?;
                let views = record
                    .get(views_at)?
                    .replace([',', '_', ' '], "")
                    .parse()
                    .ok()?;
                Some((record.get(url_at)?.to_owned(), views))
            })
            .collect();
        Ok(Extract::Counted(rows))
    }
}
