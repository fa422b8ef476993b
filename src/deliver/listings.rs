//! The archive's topic and section pages (`{output}/topics/<slug>/index.html`,
//! `{output}/sections/<id>/index.html`) and their index (`{output}/topics/index.html`),
//! rewritten from every frozen issue whenever one is published; a page whose bytes
//! would not change is left alone. Static, like the rest of the archive.

use std::path::PathBuf;

use super::{OutputError, files};
use crate::{
    config::Plan,
    model::Issue,
    render::{
        Renderer,
        view::{Site, listings},
    },
};

/// Writes every listing page of `issues` under the output folder; returns the files.
pub fn write(
    plan: &Plan,
    renderer: &Renderer,
    issues: &[Issue],
) -> Result<Vec<PathBuf>, OutputError> {
    let site = Site::from(&plan.site);
    let mut pages = Vec::new();
    for (path, view) in listings(&site, issues, renderer.catalogues()) {
        let html = renderer.listing(&view)?;
        pages.push((
            plan.site.output.join(path).join("index.html"),
            html.into_bytes(),
        ));
    }
    files::save_all(&pages)?;
    Ok(pages.into_iter().map(|(file, _)| file).collect())
}
