//! `{{include "partials/story.html" link_topics=true}}`: the registered template
//! `partials/story.html` rendered in place, as `{{> partials/story.html
//! link_topics=true}}` renders it, without the copies Handlebars makes for a partial.
//!
//! Handlebars (6.4) gives a partial a copy of the current context merged with its hash
//! (at the top of the email: the whole view), a second copy of each hash value, and
//! from then on copies every value a lookup inside the partial reaches, each story of
//! an `{{#each}}` included. The email's blocks and stories made those copies a quarter
//! of its rendering time. Here the partial reads the caller's context where it lies:
//! its context is the caller's (`this`), each hash value that is a path of it becomes
//! a parameter naming that path, the others (literals, sub-expressions) are values.
//!
//! What a partial sees is the same as with `{{>}}`: its parameters by name (they
//! shadow fields of the same name in nested blocks, as with `{{>}}`), the caller's
//! fields, `@root`, `@index`, `@first` and `@last` of the enclosing `{{#each}}`.
//! Only `this` differs: with `{{>}}` it is the caller's context *with* the
//! parameters added, here the caller's context alone, so a partial must name a
//! parameter plainly (`{{heading}}`), not as `{{this.heading}}`.
//!
//! The template is looked up by name when the email renders, so a templates folder's
//! `partials/story.html` replaces the built-in one here as it does for `{{>}}`.

use handlebars::{
    BlockContext, BlockParamHolder, Context, Handlebars, Helper, HelperDef, HelperResult, Output,
    RenderContext, RenderErrorReason, Renderable,
};

/// The `include` helper.
pub struct Include;

impl HelperDef for Include {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        registry: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let name = (h.param(0).and_then(|p| p.value().as_str())).ok_or(
            RenderErrorReason::ParamTypeMismatchForName(
                "include",
                "0".to_owned(),
                "a template's name".to_owned(),
            ),
        )?;
        if rc.is_current_template(name) {
            return Err(RenderErrorReason::CannotIncludeSelf.into());
        }
        let template = (rc.get_partial(name))
            .or_else(|| registry.get_template(name))
            .ok_or_else(|| RenderErrorReason::PartialNotFound(name.to_owned()))?;
        let mut block = BlockContext::new();
        if let Some(parent) = rc.block() {
            (block.local_variables_mut()).clone_from(parent.local_variables());
            match parent.base_value() {
                // The caller is itself inside a copy: the partial gets one too.
                Some(value) => block.set_base_value(value.clone()),
                None => block.base_path_mut().clone_from(parent.base_path()),
            }
        }
        for (key, value) in h.hash() {
            let holder = match value.context_path() {
                // A path under the caller's context: the parameter names it, relative
                // to the block's own path (which Handlebars puts before it).
                Some(path)
                    if block.base_value().is_none() && path.starts_with(block.base_path()) =>
                {
                    BlockParamHolder::path(path[block.base_path().len()..].to_vec())
                }
                _ => BlockParamHolder::value(value.value().clone()),
            };
            block.set_block_param(key, holder);
        }
        let caller = rc.get_current_template_name();
        rc.push_block(block);
        let result = template.render(registry, ctx, rc, out);
        rc.pop_block();
        rc.set_current_template_name(caller);
        result
    }
}

#[cfg(test)]
mod tests {
    use handlebars::Handlebars;
    use serde_json::json;

    /// A registry with `include`, partial `p` and templates `a` (through `{{>}}`) and
    /// `b` (through `include`) around the same call.
    fn registry(partial: &str, call: (&str, &str)) -> Handlebars<'static> {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_helper("include", Box::new(super::Include));
        hb.register_template_string("p", partial).unwrap();
        let wrap = |call: &str| {
            format!("{{{{#each sections}}}}<{{{{@index}}}}>\n{call}\n</s>\n{{{{/each}}}}top\n")
        };
        hb.register_template_string("a", wrap(call.0)).unwrap();
        hb.register_template_string("b", wrap(call.1)).unwrap();
        hb
    }

    #[test]
    fn a_partial_sees_the_same_through_include_as_through_a_partial_call() {
        let data = json!({
            "lang": "en",
            "sections": [
                {"id": "w", "title": "World", "stories": [{"title": "A", "anchor": "a"}, {"title": "B", "anchor": "b"}]},
                {"id": "s", "title": "Sport", "stories": [{"title": "C", "anchor": "c"}]}
            ]
        });
        // Parameters by name, shadowing in nested blocks; the caller's fields; `../`;
        // @root; the enclosing loop's @first; literals and sub-expressions.
        let partial = "{{heading}}|{{id}}|{{@first}}|{{@root.lang}}|{{big}}|{{x}}\n\
            {{#each items}}{{title}}={{anchor}}/{{../id}}{{#if ../lead}}!{{/if}}{{#unless @last}},{{/unless}}{{/each}}\n";
        let hb = registry(
            partial,
            (
                "{{> p heading=title items=stories lead=false big=(lookup stories 0) x=\"lit\"}}",
                "{{include \"p\" heading=title items=stories lead=false big=(lookup stories 0) x=\"lit\"~}}",
            ),
        );
        let (a, b) = (
            hb.render("a", &data).unwrap(),
            hb.render("b", &data).unwrap(),
        );
        assert_eq!(a, b);
        assert!(a.starts_with("<0>\nWorld|w|true|en|"), "{a}");
        assert!(a.contains("A=a/w,B=b/w\n</s>\n<1>"), "{a}");
    }

    #[test]
    fn a_missing_field_fails_and_a_partial_cannot_include_itself() {
        let data = json!({"sections": [{"title": "World"}]});
        let hb = registry("{{nope}}", ("{{> p}}", "{{include \"p\"~}}"));
        assert!(hb.render("a", &data).is_err());
        assert!(hb.render("b", &data).is_err());
        let hb = registry("{{include \"p\"}}", ("{{> p}}", "{{include \"p\"~}}"));
        let error = hb.render("b", &data).unwrap_err().to_string();
        assert!(error.contains("current template"), "{error}");
        let hb = registry("x", ("{{> p}}", "{{include \"q\"~}}"));
        assert!(hb.render("b", &data).is_err());
    }

    #[test]
    fn a_folders_partials_replace_the_built_in_ones_in_the_email() {
        use crate::render::{Audience, Renderer, Site, sample, view};
        let folder = tempfile::tempdir().unwrap();
        std::fs::create_dir(folder.path().join("partials")).unwrap();
        let write = |name: &str, text: &str| {
            std::fs::write(folder.path().join("partials").join(name), text).unwrap()
        };
        write(
            "story.html.hbs",
            "<p>OVERRIDE {{title}} {{#if ../lead}}lead{{/if}}</p>\n",
        );
        write("story.txt.hbs", "OVERRIDE {{title}}\n");
        let renderer = Renderer::new(Some(folder.path())).unwrap();
        let site = Site {
            title: "Review".to_owned(),
            url: "https://review.example/".to_owned(),
            language: "en".to_owned(),
            languages: Default::default(),
            titles: Default::default(),
            edition_titles: Default::default(),
        };
        let audience = Audience {
            sections: None,
            time_zone: chrono_tz::Europe::Moscow,
            language: crate::i18n::Language::english(),
        };
        let edition = sample::edition();
        let view = view::issue(&edition, &audience, &site, renderer.catalogues());
        let email = renderer.email(&view).unwrap();
        let stories =
            view.lead.len() + view.sections.iter().map(|s| s.stories.len()).sum::<usize>();
        assert_eq!(email.html.matches("OVERRIDE").count(), stories);
        assert_eq!(email.html.matches(" lead</p>").count(), view.lead.len());
        assert_eq!(email.text.matches("OVERRIDE").count(), stories);
        assert!(!email.html.contains("class=\"story-excerpt\""));
    }
}
