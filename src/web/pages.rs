//! The reader's pages as HTML: one small, accessible layout (labels on every field,
//! fieldsets with legends, the site's language), no scripts, no tracking, nothing
//! loaded from elsewhere. The referrer policy is `same-origin`: the tokens in these
//! pages' addresses never leave the site, and a browser still sends the `Origin` that
//! the POST check reads (`no-referrer` would make it `null`).

use std::fmt::Write as _;

use crate::{
    config::Plan,
    i18n::{Language, Speaker},
    model::html::escape,
    store::Choice,
};

/// The words of the site's language (its catalogue, the templates folder's first).
pub(super) fn speaker(plan: &Plan) -> Speaker {
    Speaker::new(plan.site.templates.as_deref(), &plan.site.language)
}

/// `plan` as a reader who chose `language` sees the site: its words, section
/// headings and title in that language (the reader's pages speak it).
pub(super) fn in_language(mut plan: Plan, language: &Language) -> Plan {
    let titles = &plan.site.titles;
    if let Some(title) =
        (titles.get(language.as_str())).or_else(|| titles.get(language.base().as_str()))
    {
        plan.site.title = title.clone();
    }
    plan.site.language = language.clone();
    plan
}

/// A whole page in the site's language whose window title is its heading; `body`
/// is HTML already.
pub(super) fn plain(plan: &Plan, title: &str, body: &str) -> String {
    titled(plan.site.language.as_str(), title, title, body)
}

/// A whole page whose window title (`head`) differs from its heading.
fn titled(lang: &str, head: &str, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"same-origin\"><title>{head}</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:38rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}\
         fieldset{{border:1px solid #999;margin:1rem 0;padding:.5rem 1rem}}legend{{font-weight:600}}\
         label{{display:block;margin:.25rem 0}}input[type=email],input[type=text],select{{font:inherit;padding:.3rem;width:100%;max-width:24rem}}\
         button{{display:block;font:inherit;padding:.4rem 1rem;margin:1rem 0 .5rem}}.error{{color:#a00000;font-weight:600}}\
         .trap{{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}}\
         :focus{{outline:3px solid #1a5fb4;outline-offset:2px}}</style></head>\
         <body><main><h1>{t}</h1>{body}</main></body></html>",
        lang = escape(lang),
        head = escape(head),
        t = escape(title)
    )
}

/// A page of the site: its language and its title after the page's.
pub(super) fn page(plan: &Plan, title: &str, body: &str) -> String {
    titled(
        plan.site.language.as_str(),
        &format!("{title} · {}", plan.site.title),
        title,
        body,
    )
}

/// The languages a reader may choose: every edition's, in order, when an edition is
/// written in more than one (else none: there is no choice to make).
pub(super) fn languages(plan: &Plan) -> Vec<&Language> {
    if plan.editions.iter().all(|e| e.languages.len() < 2) {
        return Vec::new();
    }
    let mut all: Vec<&Language> = Vec::new();
    for language in plan.editions.iter().flat_map(|e| &e.languages) {
        if !all.contains(&language) {
            all.push(language);
        }
    }
    all
}

/// The language radio buttons, each language named in itself (`lang` on it);
/// `current`'s checked, else the first edition's own.
fn language_field(plan: &Plan, current: &Choice) -> String {
    let languages = languages(plan);
    if languages.is_empty() {
        return String::new();
    }
    let chosen = (current.language.as_deref())
        .and_then(|tag| languages.iter().find(|l| l.as_str() == tag))
        .unwrap_or(&languages[0]);
    let mut out = format!(
        "<fieldset><legend>{}</legend>",
        speaker(plan).text("form-language")
    );
    for language in &languages {
        let own = Speaker::new(plan.site.templates.as_deref(), language);
        let _ = write!(
            out,
            "<label><input type=\"radio\" name=\"language\" value=\"{tag}\"{}> <span lang=\"{tag}\">{}</span></label>",
            if language == chosen { " checked" } else { "" },
            escape(&own.text("language-name")),
            tag = escape(language.as_str()),
        );
    }
    out.push_str("</fieldset>");
    out
}

/// The fields of a choice, filled with `current`: name, sections, editions (when
/// there is more than one), format, language (when there is a choice) and time zone.
pub(super) fn choice_fields(plan: &Plan, current: &Choice) -> String {
    let say = speaker(plan);
    let mut out = String::new();
    let _ = write!(
        out,
        "<label for=\"name\">{}</label>\
         <input type=\"text\" id=\"name\" name=\"name\" autocomplete=\"name\" maxlength=\"100\" value=\"{}\">",
        say.text("form-name"),
        escape(current.name.as_deref().unwrap_or_default())
    );
    let _ = write!(
        out,
        "<fieldset><legend>{}</legend>",
        say.text("form-sections")
    );
    for section in &plan.sections {
        let id = section.id.as_str();
        let checked = current
            .sections
            .as_ref()
            .is_none_or(|list| list.iter().any(|s| s == id));
        let _ = write!(
            out,
            "<label><input type=\"checkbox\" name=\"sections\" value=\"{id}\"{}> {}</label>",
            if checked { " checked" } else { "" },
            escape(
                section
                    .titles
                    .get(plan.site.language.as_str())
                    .unwrap_or(&section.title)
            )
        );
    }
    out.push_str("</fieldset>");
    if plan.editions.len() > 1 {
        let _ = write!(
            out,
            "<fieldset><legend>{}</legend>",
            say.text("form-editions")
        );
        for edition in &plan.editions {
            let id = edition.id.as_str();
            let checked = current
                .editions
                .as_ref()
                .is_none_or(|list| list.iter().any(|e| e == id));
            let _ = write!(
                out,
                "<label><input type=\"checkbox\" name=\"editions\" value=\"{id}\"{}> {}</label>",
                if checked { " checked" } else { "" },
                escape(&edition.title)
            );
        }
        out.push_str("</fieldset>");
    }
    let text = current.format == "text";
    let _ = write!(
        out,
        "<fieldset><legend>{}</legend>\
         <label><input type=\"radio\" name=\"format\" value=\"html\"{}> {}</label>\
         <label><input type=\"radio\" name=\"format\" value=\"text\"{}> {}</label></fieldset>",
        say.text("form-format"),
        if text { "" } else { " checked" },
        say.text("form-format-html"),
        if text { " checked" } else { "" },
        say.text("form-format-text"),
    );
    out.push_str(&language_field(plan, current));
    let zone = current
        .time_zone
        .clone()
        .unwrap_or_else(|| plan.site.time_zone.name().to_owned());
    let _ = write!(
        out,
        "<label for=\"time_zone\">{}</label><select id=\"time_zone\" name=\"time_zone\">",
        say.text("form-time-zone")
    );
    for tz in chrono_tz::TZ_VARIANTS {
        let name = tz.name();
        let _ = write!(
            out,
            "<option{}>{name}</option>",
            if name == zone { " selected" } else { "" }
        );
    }
    out.push_str("</select>");
    out
}
