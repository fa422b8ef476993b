//! Kind "json": an analytics export in JSON, URL and views per entry.

use serde::Deserialize;

use super::{Document, Extract, Kind, OptionProblem};

/// A JSON analytics export: an array of entries, each with a URL and a view count.
#[derive(Clone, Debug, PartialEq)]
pub struct Json {
    /// JSON pointer to the array of entries ("" for the document itself).
    pub pointer: String,
    /// Field with the URL.
    pub url_field: String,
    /// Field with the view count.
    pub views_field: String,
}

/// The options of kind "json".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// JSON pointer to the array of entries, e.g. "/data/rows".
    /// Default: the document itself.
    pub pointer: Option<String>,
    /// Field holding the URL. Default "url".
    pub url_field: Option<String>,
    /// Field holding the view count. Default "views".
    pub views_field: Option<String>,
}

impl Kind for Json {
    const NAME: &'static str = "json";
    type Options = Options;

    fn compile(options: Options) -> Result<Self, OptionProblem> {
        let pointer = options.pointer.unwrap_or_default();
        if !(pointer.is_empty() || pointer.starts_with('/')) {
            return Err(OptionProblem {
                option: "pointer",
                message: "a JSON pointer is empty or starts with '/', e.g. \"/data/rows\""
                    .to_owned(),
            });
        }
        Ok(Json {
            pointer,
            url_field: options.url_field.unwrap_or_else(|| "url".to_owned()),
            views_field: options.views_field.unwrap_or_else(|| "views".to_owned()),
        })
    }

    fn extract(&self, document: &Document<'_>) -> Result<Extract, String> {
        let doc: serde_json::Value =
            serde_json::from_slice(document.body).map_err(|e| format!("not JSON: {e}"))?;
        let pointer = &self.pointer;
        let rows = doc
            .pointer(pointer)
            .ok_or_else(|| format!("no value at JSON pointer {pointer:?}"))?
            .as_array()
            .ok_or_else(|| format!("the value at JSON pointer {pointer:?} is not an array"))?;
        Ok(Extract::Counted(
            rows.iter().map(|row| self.row(row)).collect(),
        ))
    }
}

impl Json {
    /// One entry's URL and views; `None` when either is missing or unreadable.
    fn row(&self, row: &serde_json::Value) -> Option<(String, u64)> {
        let url = row.get(&self.url_field)?.as_str()?.to_owned();
        let views = match row.get(&self.views_field)? {
            serde_json::Value::Number(n) => n
                .as_u64()
                .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))?,
            serde_json::Value::String(s) => s.trim().parse().ok()?,
            _ => return None,
        };
        Some((url, views))
    }
}
