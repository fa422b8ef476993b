//! Kind "html": the "Most read" box of a page, its links picked by a CSS selector.

use scraper::{Html as Page, Selector};
use serde::Deserialize;

use super::{Document, Extract, Kind, OptionProblem};
use crate::ingest::decode;

/// A page whose most-read links `selector` picks, most read first.
#[derive(Clone, Debug, PartialEq)]
pub struct Html {
    /// The CSS selector (checked to parse when the plan was compiled).
    pub selector: String,
}

/// The options of kind "html".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// CSS selector of the most-read links, most read first, e.g. "ol.most-read a".
    /// Required: `None` only so that its absence is reported as a configuration problem.
    pub selector: Option<String>,
}

impl Kind for Html {
    const NAME: &'static str = "html";
    type Options = Options;

    fn compile(options: Options) -> Result<Self, OptionProblem> {
        let problem = |message: String| OptionProblem {
            option: "selector",
            message,
        };
        let Some(selector) = options.selector else {
            return Err(problem("kind \"html\" needs a `selector`".to_owned()));
        };
        if let Err(e) = Selector::parse(&selector) {
            // scraper's message can take two lines; a problem takes one.
            let e = e.to_string().replace('\n', ": ");
            return Err(problem(format!("not a CSS selector: {e}")));
        }
        Ok(Html { selector })
    }

    fn extract(&self, document: &Document<'_>) -> Result<Extract, String> {
        let text = decode::to_utf8(document.body, document.charset);
        let (links, page_base) = links(&text, &self.selector)?;
        let base = match page_base.as_deref() {
            Some(href) => document
                .http_base
                .map_or_else(|| url::Url::parse(href).ok(), |b| b.join(href).ok()),
            None => document.web_base(None),
        };
        Ok(Extract::Ranked { links, base })
    }
}

/// The hrefs the selector picks, in page order, and the page's `<base href>`.
fn links(text: &str, selector: &str) -> Result<(Vec<String>, Option<String>), String> {
    let selector = Selector::parse(selector).map_err(|e| format!("bad selector: {e}"))?;
    let anchor = Selector::parse("a[href]").expect("valid");
    let page = Page::parse_document(text);
    let links: Vec<String> = page
        .select(&selector)
        .filter_map(|element| {
            let href = element.value().attr("href").map(str::to_owned);
            href.or_else(|| {
                element
                    .select(&anchor)
                    .next()?
                    .value()
                    .attr("href")
                    .map(str::to_owned)
            })
        })
        .collect();
    if links.is_empty() {
        return Err("the selector matched no links on the page".to_owned());
    }
    let base_selector = Selector::parse("base[href]").expect("valid");
    let base = page
        .select(&base_selector)
        .next()
        .and_then(|b| b.value().attr("href"))
        .map(str::to_owned);
    Ok((links, base))
}
