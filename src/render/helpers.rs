//! Template helpers: `t`, `date`, `ago`, `truncate`, `plural`. Words and dates are
//! written in the view's language (`lang` at the root), from its catalogue.
//!
//! - `{{t "also-in"}}`, `{{t "stories" count=n}}`: message `also-in` of the catalogue,
//!   its arguments from the hash (numbers choose plural forms and are grouped as the
//!   language groups digits; text is HTML-escaped in HTML templates).
//! - `{{date ts "date-story"}}`: a Unix time in the view's zone (`tz` at the root),
//!   written with the pattern of message `date-story`, or with a chrono pattern
//!   given directly (`"%H:%M"`); day and month names are the language's.
//! - `{{ago ts}}`: "35 min ago", "3 h ago", "2 d ago", counted from the root's `now`
//!   (the instant the issue was built for, never the wall clock: rendering is pure).
//! - `{{capital issue.date}}`: the text with its first letter in upper case, for a
//!   date that starts a line ("Пятница, 27 ноября 2026"; running text writes
//!   "пятница" in Russian).
//! - `{{truncate text 30}}`: at most 30 words, with "…" when cut.
//! - `{{plural n "story" "stories"}}`: "1 story", "3 stories" (English only; the
//!   built-in templates use `t`).
//! - `{{in_lang text code}}` (HTML templates): `text` escaped, in a
//!   `<span lang="code">` when `code` is a language (text in another language than
//!   the page's), bare when it is null.
//! - `{{include "partials/story.html" link_topics=true}}`: a partial, as `{{>}}`
//!   renders it but without copying the context (see `include.rs`).

use std::sync::Arc;

use chrono::DateTime;
use chrono_tz::Tz;
use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason,
};

use crate::i18n::{Arg, Catalogues, Language, Words};

/// Registers every helper on `registry`; `escape` for HTML templates.
pub fn register(registry: &mut Handlebars<'_>, catalogues: &Arc<Catalogues>, escape: bool) {
    let with = |kind| {
        Box::new(Localised {
            catalogues: Arc::clone(catalogues),
            kind,
            escape,
        })
    };
    registry.register_helper("t", with(Kind::Message));
    registry.register_helper("date", with(Kind::Date));
    registry.register_helper("ago", with(Kind::Ago));
    registry.register_helper("truncate", Box::new(truncate));
    registry.register_helper("plural", Box::new(plural));
    registry.register_helper("in_lang", Box::new(in_lang));
    registry.register_helper("capital", Box::new(Capital { escape }));
    registry.register_helper("include", Box::new(super::include::Include));
}

/// A helper that writes in the view's language.
struct Localised {
    catalogues: Arc<Catalogues>,
    kind: Kind,
    escape: bool,
}

#[derive(Clone, Copy)]
enum Kind {
    Message,
    Date,
    Ago,
}

impl HelperDef for Localised {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let language = Language::parse(root_str(ctx, "lang")?).map_err(error)?;
        let words = self.catalogues.words(&language);
        let text = match self.kind {
            Kind::Message => message(h, &words, self.escape)?,
            Kind::Date => date(h, ctx, &words)?,
            Kind::Ago => ago(h, ctx, &words)?,
        };
        out.write(&text)?;
        Ok(())
    }
}

fn message(h: &Helper<'_>, words: &Words<'_>, escape: bool) -> Result<String, RenderError> {
    let id = str_param(h, 0, "t")?;
    let args: Vec<(&str, Arg)> = (h.hash().iter())
        .map(|(name, value)| {
            let value = value.value();
            let arg = match value.as_i64() {
                Some(n) => Arg::Number(n),
                None => {
                    let text = match value.as_str() {
                        Some(text) => text.to_owned(),
                        None => value.to_string(),
                    };
                    Arg::Text(if escape {
                        handlebars::html_escape(&text)
                    } else {
                        text
                    })
                }
            };
            (*name, arg)
        })
        .collect();
    words.message(id, &args).map_err(error)
}

fn error(message: impl Into<String>) -> RenderError {
    RenderErrorReason::Other(message.into()).into()
}

fn int_param(h: &Helper<'_>, index: usize, helper: &'static str) -> Result<i64, RenderError> {
    h.param(index)
        .and_then(|p| p.value().as_i64())
        .ok_or_else(|| {
            error(format!(
                "{helper}: parameter {} must be a number",
                index + 1
            ))
        })
}

fn str_param<'a>(
    h: &'a Helper<'_>,
    index: usize,
    helper: &'static str,
) -> Result<&'a str, RenderError> {
    h.param(index)
        .and_then(|p| p.value().as_str())
        .ok_or_else(|| {
            error(format!(
                "{helper}: parameter {} must be a string",
                index + 1
            ))
        })
}

fn root_str<'c>(ctx: &'c Context, key: &str) -> Result<&'c str, RenderError> {
    ctx.data()
        .get(key)
        .and_then(|v| v.as_str())
        .ok_or_else(|| error(format!("the view has no `{key}` at its root")))
}

fn date(h: &Helper<'_>, ctx: &Context, words: &Words<'_>) -> Result<String, RenderError> {
    let ts = int_param(h, 0, "date")?;
    let pattern = str_param(h, 1, "date")?;
    let zone: Tz = root_str(ctx, "tz")?
        .parse()
        .map_err(|_| error("date: the view's `tz` is not a time zone"))?;
    let at = DateTime::from_timestamp(ts, 0)
        .ok_or_else(|| error(format!("date: {ts} is out of range")))?;
    (words.instant(&at.with_timezone(&zone), pattern)).map_err(|e| error(format!("date: {e}")))
}

fn ago(h: &Helper<'_>, ctx: &Context, words: &Words<'_>) -> Result<String, RenderError> {
    let ts = int_param(h, 0, "ago")?;
    let now = ctx
        .data()
        .get("now")
        .and_then(|v| v.as_i64())
        .ok_or_else(|| error("the view has no `now` at its root"))?;
    words.ago(now - ts).map_err(error)
}

/// `capital`: escaped in HTML templates, like `{{text}}` would be.
struct Capital {
    escape: bool,
}

impl HelperDef for Capital {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let text = crate::i18n::capital(str_param(h, 0, "capital")?);
        out.write(&if self.escape {
            handlebars::html_escape(&text)
        } else {
            text
        })?;
        Ok(())
    }
}

fn truncate(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let text = str_param(h, 0, "truncate")?;
    let words = int_param(h, 1, "truncate")?.max(1) as usize;
    let all: Vec<&str> = text.split_whitespace().collect();
    let mut cut = all[..all.len().min(words)].join(" ");
    if all.len() > words {
        cut = cut
            .trim_end_matches([',', ';', ':', '.', '-', '–', '—'])
            .to_owned()
            + "…";
    }
    out.write(&cut)?;
    Ok(())
}

fn plural(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let n = int_param(h, 0, "plural")?;
    let one = str_param(h, 1, "plural")?;
    let many = str_param(h, 2, "plural")?;
    out.write(&format!("{n} {}", if n == 1 { one } else { many }))?;
    Ok(())
}

fn in_lang(
    h: &Helper<'_>,
    registry: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let text = str_param(h, 0, "in_lang")?;
    let escape = |s: &str| registry.get_escape_fn()(s);
    match h.param(1).and_then(|p| p.value().as_str()) {
        Some(code) if !code.is_empty() => out.write(&format!(
            "<span lang=\"{}\">{}</span>",
            escape(code),
            escape(text)
        ))?,
        _ => out.write(&escape(text))?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, data: serde_json::Value) -> String {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        register(&mut hb, &Arc::new(Catalogues::builtin()), true);
        hb.render_template(template, &data).unwrap()
    }

    #[test]
    fn dates_are_shown_in_the_views_zone() {
        let data =
            serde_json::json!({"lang": "en", "tz": "Europe/Moscow", "now": 0, "ts": 1795759200});
        // 2026-11-27T06:00:00Z is 09:00 in Moscow.
        assert_eq!(render("{{date ts \"%H:%M %d.%m\"}}", data), "09:00 27.11");
        let ny =
            serde_json::json!({"lang": "en", "tz": "America/New_York", "now": 0, "ts": 1795759200});
        assert_eq!(render("{{date ts \"%H:%M\"}}", ny), "01:00");
    }

    #[test]
    fn relative_times_count_from_the_issue() {
        let data = serde_json::json!({"lang": "en", "tz": "UTC", "now": 10_000, "a": 9_990, "b": 10_000 - 35 * 60, "c": 10_000 - 5 * 3600, "d": 10_000 - 3 * 86400});
        assert_eq!(
            render("{{ago a}}|{{ago b}}|{{ago c}}|{{ago d}}", data),
            "just now|35 min ago|5 h ago|3 d ago"
        );
    }

    #[test]
    fn text_in_another_language_is_marked_and_escaped() {
        let data = serde_json::json!({"t": "Вести & <b>", "l": "ru", "n": null});
        assert_eq!(
            render("{{in_lang t l}}|{{in_lang t n}}", data),
            "<span lang=\"ru\">Вести &amp; &lt;b&gt;</span>|Вести &amp; &lt;b&gt;"
        );
    }

    #[test]
    fn words_and_plurals() {
        let data =
            serde_json::json!({"lang": "en", "t": "one two three, four five", "n": 1, "m": 3});
        assert_eq!(render("{{truncate t 3}}", data.clone()), "one two three…");
        assert_eq!(
            render("{{truncate t 9}}", data.clone()),
            "one two three, four five"
        );
        assert_eq!(
            render(
                "{{plural n \"story\" \"stories\"}}, {{plural m \"story\" \"stories\"}}",
                data
            ),
            "1 story, 3 stories"
        );
    }

    #[test]
    fn words_and_dates_in_the_views_language() {
        let data = serde_json::json!({"lang": "ru", "tz": "Europe/Moscow", "now": 1795759200, "ts": 1795759200, "n": 22, "site": "<Вести>"});
        assert_eq!(
            render(
                "{{t \"stories\" count=n}} · {{date ts \"date-story\"}} · {{ago ts}}",
                data.clone()
            ),
            "22 материала · пт 09:00 · только что"
        );
        // Text arguments are escaped in HTML templates; a missing message fails.
        assert_eq!(
            render("{{t \"all-issues-of\" site=site}}", data.clone()),
            "Все выпуски «&lt;Вести&gt;»"
        );
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        register(&mut hb, &Arc::new(Catalogues::builtin()), true);
        assert!(hb.render_template("{{t \"no-such\"}}", &data).is_err());
        assert!(hb.render_template("{{t \"stories\"}}", &data).is_err());
        // A date that starts a line takes a capital, escaped like any text.
        assert_eq!(
            render("{{capital (date ts \"date-story\")}}", data.clone()),
            "Пт 09:00"
        );
        assert_eq!(render("{{capital site}}", data), "&lt;Вести&gt;");
    }
}
