//! Render: an [`Issue`](crate::model::Issue) → HTML and text, through Handlebars.
//!
//! Pure: no I/O once built, no clock reads (dates come from the view). The built-in
//! templates in `templates/` are embedded in the binary; a configured folder overrides
//! them by name (`email.html.hbs` replaces "email.html"). Strict mode is on, so a
//! misspelled field fails `pressroom check` rather than a subscriber's inbox. HTML
//! escaping is on for HTML templates and off for text ones (two registries). The
//! email's CSS is inlined with css-inline; its text part is wrapped at 78 columns.

pub mod budget;
mod helpers;
mod include;
pub mod sample;
pub mod view;
mod wrap;

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use std::sync::Arc;

use handlebars::{Context, Handlebars};

use crate::i18n::Catalogues;
pub use view::{ArchiveIndexView, Audience, IssueView, Site};
pub use wrap::wrap;

/// The built-in templates: (name, source).
const BUILTIN: &[(&str, &str)] = &[
    ("email.html", include_str!("../../templates/email.html.hbs")),
    ("email.txt", include_str!("../../templates/email.txt.hbs")),
    (
        "archive.html",
        include_str!("../../templates/archive.html.hbs"),
    ),
    (
        "archive-index.html",
        include_str!("../../templates/archive-index.html.hbs"),
    ),
    (
        "feed-entry.html",
        include_str!("../../templates/feed-entry.html.hbs"),
    ),
    (
        "listing.html",
        include_str!("../../templates/listing.html.hbs"),
    ),
    (
        "partials/story.html",
        include_str!("../../templates/partials/story.html.hbs"),
    ),
    (
        "partials/section.html",
        include_str!("../../templates/partials/section.html.hbs"),
    ),
    (
        "partials/story.txt",
        include_str!("../../templates/partials/story.txt.hbs"),
    ),
    (
        "partials/read-also.html",
        include_str!("../../templates/partials/read-also.html.hbs"),
    ),
    (
        "partials/read-also.txt",
        include_str!("../../templates/partials/read-also.txt.hbs"),
    ),
];

/// The name [`RenderError`]s give the subject template (`email.subject`).
pub const SUBJECT: &str = "subject";

/// Gmail clips messages larger than this (bytes of HTML).
pub const GMAIL_CLIP: usize = 102 * 1024;
/// Text parts are wrapped at this many columns.
pub const TEXT_WIDTH: usize = 78;

/// What went wrong while loading or rendering templates.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template does not parse.
    #[error("template {name} ({origin}): {message}")]
    Template {
        /// Its name, e.g. "email.html".
        name: String,
        /// Where it came from: "built in" or its file.
        origin: String,
        /// The parser's message (with line and column).
        message: String,
    },
    /// Rendering failed (in strict mode: a field that does not exist).
    #[error("template {name}: {message}")]
    Render {
        /// The template's name, e.g. "email.html", or [`SUBJECT`].
        name: String,
        /// What failed.
        message: String,
    },
    /// A message catalogue does not parse (each problem placed at its line).
    #[error("message catalogues: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Catalogue(Vec<crate::i18n::Problem>),
    /// The override folder could not be read.
    #[error("templates folder {path}: {message}")]
    Folder {
        /// The template file, or a folder in the override folder, that could not be read.
        path: PathBuf,
        /// The I/O error, as text.
        message: String,
    },
}

/// An email rendered for one audience.
#[derive(Clone, Debug, PartialEq)]
pub struct Email {
    /// The HTML part, CSS inlined.
    pub html: String,
    /// The text part, wrapped at 78 columns.
    pub text: String,
}

/// The loaded templates.
pub struct Renderer {
    html: Handlebars<'static>,
    text: Handlebars<'static>,
    origins: BTreeMap<String, String>,
    inliner: css_inline::CSSInliner<'static>,
    catalogues: Arc<Catalogues>,
}

impl RenderError {
    /// The configuration key a problem with this template is reported under:
    /// `email.subject` for the subject, `templates` for the others.
    pub fn key(&self) -> &'static str {
        match self {
            RenderError::Render { name, .. } if name == SUBJECT => "email.subject",
            _ => "templates",
        }
    }
}

impl Renderer {
    /// The built-in templates and message catalogues, overridden by those in
    /// `folder` (if any): `*.hbs` by name, `i18n/<language>.ftl` by message.
    pub fn new(folder: Option<&Path>) -> Result<Renderer, RenderError> {
        let catalogues = Arc::new(Catalogues::load(folder).map_err(RenderError::Catalogue)?);
        let mut sources: BTreeMap<String, (String, String)> = BUILTIN
            .iter()
            .map(|(name, source)| {
                (
                    (*name).to_owned(),
                    ((*source).to_owned(), "built in".to_owned()),
                )
            })
            .collect();
        if let Some(folder) = folder {
            for (name, path) in template_files(folder)? {
                let source = std::fs::read_to_string(&path).map_err(|e| RenderError::Folder {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                sources.insert(name, (source, path.display().to_string()));
            }
        }
        let mut html = registry(true, &catalogues);
        let mut text = registry(false, &catalogues);
        let mut origins = BTreeMap::new();
        for (name, (source, origin)) in sources {
            let target = if name.ends_with(".txt") {
                &mut text
            } else {
                &mut html
            };
            target
                .register_template_string(&name, &source)
                .map_err(|e| RenderError::Template {
                    name: name.clone(),
                    origin: origin.clone(),
                    message: e.to_string(),
                })?;
            origins.insert(name, origin);
        }
        Ok(Renderer {
            html,
            text,
            origins,
            inliner: css_inliner(),
            catalogues,
        })
    }

    /// The message catalogues the templates write with.
    pub fn catalogues(&self) -> &Catalogues {
        &self.catalogues
    }

    /// Names of every template and where each came from.
    pub fn templates(&self) -> &BTreeMap<String, String> {
        &self.origins
    }

    /// The email for `view`: inlined HTML and wrapped text. The view becomes JSON once
    /// for both parts, and the text part is rendered on a second thread while the HTML
    /// part, most of the work, is rendered and inlined.
    pub fn email(&self, view: &IssueView) -> Result<Email, RenderError> {
        let context = Context::wraps(view).map_err(|e| RenderError::Render {
            name: "email.html".to_owned(),
            message: e.to_string(),
        })?;
        let (html, text) = std::thread::scope(|scope| {
            let text = scope.spawn(|| self.email_text(&context));
            let html = self.email_html(&context);
            let text = text
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (html, text)
        });
        Ok(Email {
            html: html?,
            text: text?,
        })
    }

    /// The email's HTML part, its CSS inlined.
    fn email_html(&self, context: &Context) -> Result<String, RenderError> {
        let name = "email.html";
        let html =
            (self.html.render_with_context(name, context)).map_err(|e| render_error(name, &e))?;
        let inlined = (self.inliner.inline(&html)).map_err(|e| RenderError::Render {
            name: name.to_owned(),
            message: format!("cannot inline CSS: {e}"),
        })?;
        Ok(charset_first(inlined))
    }

    /// The email's text part, wrapped.
    fn email_text(&self, context: &Context) -> Result<String, RenderError> {
        let name = "email.txt";
        let text =
            (self.text.render_with_context(name, context)).map_err(|e| render_error(name, &e))?;
        Ok(wrap(&text, TEXT_WIDTH))
    }

    /// The subject line: `template` (Handlebars, strict, not HTML-escaped) over the
    /// view. Per-subscriber fields (`{{reader.name}}`) stay placeholders, filled in at
    /// delivery like the body's.
    pub fn subject(&self, template: &str, view: &IssueView) -> Result<String, RenderError> {
        self.text
            .render_template(template, view)
            .map_err(|e| RenderError::Render {
                name: SUBJECT.to_owned(),
                message: e.to_string(),
            })
    }

    /// The archive page of an issue.
    pub fn archive_page(&self, view: &IssueView) -> Result<String, RenderError> {
        self.render_html("archive.html", view)
    }

    /// The archive's index page: every issue of every edition.
    pub fn archive_index(&self, view: &ArchiveIndexView) -> Result<String, RenderError> {
        self.render_html("archive-index.html", view)
    }

    /// A topic's or a section's page of the archive, or their index.
    pub fn listing(&self, view: &view::ListingView) -> Result<String, RenderError> {
        self.render_html("listing.html", view)
    }

    /// The HTML content of the issue's entry in the digest feed.
    pub fn feed_entry(&self, view: &IssueView) -> Result<String, RenderError> {
        self.render_html("feed-entry.html", view)
    }

    fn render_html<T: serde::Serialize>(
        &self,
        name: &str,
        data: &T,
    ) -> Result<String, RenderError> {
        self.html
            .render(name, data)
            .map_err(|e| RenderError::Render {
                name: name.to_owned(),
                message: e.to_string(),
            })
    }
}

fn render_error(name: &str, error: &handlebars::RenderError) -> RenderError {
    RenderError::Render {
        name: name.to_owned(),
        message: error.to_string(),
    }
}

fn registry(escape_html: bool, catalogues: &Arc<Catalogues>) -> Handlebars<'static> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    if !escape_html {
        registry.register_escape_fn(handlebars::no_escape);
    }
    helpers::register(&mut registry, catalogues, escape_html);
    registry
}

/// Every `*.hbs` under `folder`, named by its relative path without the extension.
fn template_files(folder: &Path) -> Result<Vec<(String, PathBuf)>, RenderError> {
    let mut found = Vec::new();
    let mut pending = vec![folder.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| RenderError::Folder {
            path: dir.clone(),
            message: e.to_string(),
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "hbs") {
                let relative = path
                    .strip_prefix(folder)
                    .unwrap_or(&path)
                    .with_extension("");
                let name = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                found.push((name, path));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Moves the `<style>` rules onto the elements (mail clients drop `<style>` or parts
/// of it), keeping `@media` rules (dark mode, narrow screens) in a `<style>`. Built
/// once per [`Renderer`]; [`NODES`] nodes are allocated up front.
fn css_inliner() -> css_inline::CSSInliner<'static> {
    css_inline::CSSInliner::options()
        .keep_at_rules(true)
        .load_remote_stylesheets(false)
        .preallocate_node_capacity(NODES)
        .build()
}

/// `html` with its `<meta charset>` first in `<head>`: a browser looks for it in the
/// first 1024 bytes only, and the inliner puts the kept `@media` rules (4 KB) before it.
fn charset_first(html: String) -> String {
    const CHARSET: &str = "<meta charset=\"utf-8\">";
    let (Some(head), Some(meta)) = (html.find("<head>"), html.find(CHARSET)) else {
        return html;
    };
    let start = head + "<head>".len();
    if meta <= start {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    out.push_str(&html[..start]);
    out.push_str(CHARSET);
    out.push_str(&html[start..meta]);
    let rest = &html[meta + CHARSET.len()..];
    out.push_str(rest.strip_prefix('\n').unwrap_or(rest));
    out
}

/// About the number of HTML nodes (elements and text) of a full email: 1,400 for 43
/// stories; the default (32) grows the node list seven times per email.
const NODES: usize = 2048;

/// Checks that `text` compiles as a Handlebars template (for `check`: the email's
/// subject line); the error as Handlebars words it.
pub fn check_template(text: &str) -> Result<(), String> {
    handlebars::Template::compile(text)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
