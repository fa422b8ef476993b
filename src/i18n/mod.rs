//! Languages: every word pressroom writes comes from a message catalogue, one
//! Fluent file per language (`templates/i18n/en.ftl`, `ru.ftl`, built in). A
//! templates folder may hold `i18n/<language>.ftl`: its messages replace the
//! built-in ones by id, or make a new language. Plural rules are Fluent's (CLDR);
//! day and month names and number grouping come from the language's C locale
//! ([`locale`]). A message missing from a language falls back to its base language
//! (`en-GB` → `en`), then to English; `pressroom check` reports every such gap and
//! every line a catalogue cannot parse.

mod files;
mod locale;

pub use locale::capital;

use std::{collections::BTreeMap, fmt, path::Path, sync::Arc};

use chrono::{NaiveDate, NaiveTime};
use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use serde::Serialize;
use unic_langid::LanguageIdentifier;

use files::{line_of, message_lines, read_folder};

/// A language, as a normalised BCP 47 tag: "en", "ru", "pt-BR".
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Language(String);

impl Language {
    /// Reads a BCP 47 tag ("ru", "en-GB"), normalising its case.
    pub fn parse(tag: &str) -> Result<Language, String> {
        let id: LanguageIdentifier = tag.parse().map_err(|_| {
            format!("{tag:?} is not a language tag (BCP 47), e.g. \"en\" or \"ru\"")
        })?;
        Ok(Language(id.to_string()))
    }

    /// English, the reference catalogue and the last fallback.
    pub fn english() -> Language {
        Language("en".to_owned())
    }

    /// The tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language without region or script: `en-GB` → `en`.
    pub fn base(&self) -> Language {
        Language(self.0.split('-').next().unwrap_or(&self.0).to_owned())
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The built-in catalogues: (language, file name, source).
const BUILTIN: &[(&str, &str, &str)] = &[
    ("en", "en.ftl", include_str!("../../templates/i18n/en.ftl")),
    ("ru", "ru.ftl", include_str!("../../templates/i18n/ru.ftl")),
];

/// Something wrong in a catalogue, placed in its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file: "built in ru.ftl" or the override's path.
    pub file: String,
    /// Its line (from 1), 0 when the problem is the file's as a whole.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => write!(f, "{}: {}", self.file, self.message),
            line => write!(f, "{}:{line}: {}", self.file, self.message),
        }
    }
}

type Bundle = FluentBundle<FluentResource>;

/// One language's messages.
struct Catalogue {
    bundle: Bundle,
    locale: chrono::Locale,
    names: locale::Names,
    /// The files it was made of, built in first.
    files: Vec<String>,
}

/// Every language's catalogue, loaded once (with the templates).
pub struct Catalogues {
    languages: BTreeMap<Language, Catalogue>,
    /// The English reference's message ids, with their lines.
    reference: BTreeMap<String, usize>,
}

impl Catalogues {
    /// The built-in catalogues, overridden and extended by `folder/i18n/*.ftl`.
    /// A file that does not parse is an error, placed at its line.
    pub fn load(folder: Option<&Path>) -> Result<Catalogues, Vec<Problem>> {
        let mut sources: BTreeMap<Language, Vec<(String, String)>> = BTreeMap::new();
        for (tag, file, source) in BUILTIN {
            let language = Language::parse(tag).expect("built-in tags are valid");
            (sources.entry(language).or_default())
                .push((format!("built in {file}"), (*source).to_owned()));
        }
        let mut problems = Vec::new();
        if let Some(dir) = folder.map(|f| f.join("i18n")).filter(|d| d.is_dir()) {
            read_folder(&dir, &mut sources, &mut problems);
        }
        let mut languages = BTreeMap::new();
        for (language, sources_of) in sources {
            let mut bundle =
                Bundle::new_concurrent(vec![language.as_str().parse().expect("a parsed tag")]);
            bundle.set_use_isolating(false);
            let mut read = Vec::new();
            for (file, source) in sources_of {
                let resource = match FluentResource::try_new(source.clone()) {
                    Ok(resource) => resource,
                    Err((_, errors)) => {
                        problems.extend(errors.iter().map(|e| Problem {
                            file: file.clone(),
                            // The start of the entry that does not parse.
                            line: line_of(
                                &source,
                                e.slice.as_ref().map_or(e.pos.start, |s| s.start),
                            ),
                            message: format!("cannot read this message: {}", e.kind),
                        }));
                        continue;
                    }
                };
                bundle.add_resource_overriding(resource);
                read.push(file);
            }
            let value = |id: &str| {
                (bundle.get_message(id).and_then(|m| m.value()))
                    .map(|p| bundle.format_pattern(p, None, &mut Vec::new()).into_owned())
            };
            let locale = locale::for_language(&language, value("locale").as_deref());
            let names = locale::Names::from_message(value("date-names").as_deref());
            bundle.set_formatter(locale::number_formatter(locale));
            let catalogue = Catalogue {
                bundle,
                locale,
                names,
                files: read,
            };
            languages.insert(language, catalogue);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let reference = message_lines(BUILTIN[0].2);
        Ok(Catalogues {
            languages,
            reference,
        })
    }

    /// The built-in catalogues alone.
    pub fn builtin() -> Catalogues {
        Catalogues::load(None).expect("the built-in catalogues parse")
    }

    /// The languages with a catalogue of their own.
    pub fn languages(&self) -> impl Iterator<Item = &Language> {
        self.languages.keys()
    }

    /// Whether `language` (or its base language) has a catalogue.
    pub fn knows(&self, language: &Language) -> bool {
        self.languages.contains_key(language) || self.languages.contains_key(&language.base())
    }

    /// Messages the English reference has and another catalogue lacks (they would
    /// be written in English).
    pub fn gaps(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (language, catalogue) in &self.languages {
            if language == &Language::english() {
                continue;
            }
            let file = catalogue.files.last().cloned().unwrap_or_default();
            for (id, line) in &self.reference {
                if !catalogue.bundle.has_message(id) {
                    problems.push(Problem {
                        file: file.clone(),
                        line: 0,
                        message: format!(
                            "{language} has no message `{id}` (en.ftl:{line} has it); it would be written in English"
                        ),
                    });
                }
            }
        }
        problems
    }

    /// The words of `language`, falling back to its base language and to English.
    pub fn words<'c>(&'c self, language: &Language) -> Words<'c> {
        let own = self.languages.get(language);
        let base = self.languages.get(&language.base());
        let english = self.languages.get(&Language::english());
        let chain: Vec<&Catalogue> = [own, base, english].into_iter().flatten().collect();
        let locale = chain.first().map_or(chrono::Locale::POSIX, |c| c.locale);
        let names = chain.first().map_or(locale::Names::AsLocale, |c| c.names);
        Words {
            chain,
            locale,
            names,
            language: language.clone(),
        }
    }
}

/// The catalogues and one language: for the pages pressroom writes without templates
/// (the reader's pages, unsubscribe, 404, the sign-up notices). The catalogues are
/// parsed once per templates folder and kept until a file of its `i18n/` changes, so
/// a page costs a look at that folder, and a changed catalogue still shows at once;
/// a folder that does not parse falls back to the built-in catalogues (`check`
/// reports it).
pub struct Speaker {
    catalogues: Arc<Catalogues>,
    language: Language,
}

impl Speaker {
    /// The words of `language`, from the built-in catalogues and `folder`'s.
    pub fn new(folder: Option<&Path>, language: &Language) -> Speaker {
        Speaker {
            catalogues: files::cached(folder, || {
                Catalogues::load(folder).unwrap_or_else(|_| Catalogues::builtin())
            }),
            language: language.clone(),
        }
    }

    /// The language it speaks.
    pub fn language(&self) -> &Language {
        &self.language
    }

    /// Message `id`, or the id itself if it cannot be written.
    pub fn text(&self, id: &str) -> String {
        self.catalogues.words(&self.language).text(id)
    }

    /// Message `id` with `args` (text arguments written as given: escape them for
    /// HTML first), or the id itself if it cannot be written.
    pub fn say(&self, id: &str, args: &[(&str, Arg)]) -> String {
        (self.catalogues.words(&self.language).message(id, args)).unwrap_or_else(|_| id.to_owned())
    }
}

/// A message's arguments: numbers (plural selection, grouped digits) and text.
#[derive(Clone, Debug)]
pub enum Arg {
    /// A count or a rank.
    Number(i64),
    /// Text, written as it is.
    Text(String),
}

/// One language's messages, with its fallbacks: what a rendering writes with.
pub struct Words<'c> {
    chain: Vec<&'c Catalogue>,
    locale: chrono::Locale,
    names: locale::Names,
    language: Language,
}

impl Words<'_> {
    /// The language asked for (even when its words fall back to another).
    pub fn language(&self) -> &Language {
        &self.language
    }

    /// Message `id` with `args`; an error names a message no catalogue has, or a
    /// variable the message uses and `args` lack.
    pub fn message(&self, id: &str, args: &[(&str, Arg)]) -> Result<String, String> {
        let catalogue = (self.chain.iter())
            .find(|c| c.bundle.has_message(id))
            .ok_or_else(|| format!("no catalogue has the message `{id}`"))?;
        let bundle = &catalogue.bundle;
        let pattern = (bundle.get_message(id).and_then(|m| m.value()))
            .ok_or_else(|| format!("the message `{id}` has no value"))?;
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Number(n) => fluent.set(*name, FluentValue::from(*n)),
                Arg::Text(text) => fluent.set(*name, FluentValue::from(text.as_str())),
            }
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent), &mut errors);
        match errors.first() {
            Some(error) => Err(format!("message `{id}`: {error}")),
            None => Ok(text.into_owned()),
        }
    }

    /// Message `id` without arguments, or the id itself if it cannot be written
    /// (which `check` reports).
    pub fn text(&self, id: &str) -> String {
        self.message(id, &[]).unwrap_or_else(|_| id.to_owned())
    }

    /// The pattern a date is written with: message `pattern` when it names one
    /// (`date-story`), else `pattern` itself (`%H:%M`).
    fn pattern(&self, pattern: &str) -> Result<String, String> {
        if pattern.contains('%') {
            Ok(pattern.to_owned())
        } else {
            self.message(pattern, &[])
        }
    }

    /// An issue's day (and time), as running text writes it: "Friday, 27 November
    /// 2026", "пятница, 27 ноября 2026" ([`capital`] where it starts a line).
    pub fn day(&self, day: NaiveDate, time: Option<NaiveTime>) -> String {
        let id = if time.is_some() {
            "date-issue-time"
        } else {
            "date-issue"
        };
        (self.pattern(id).ok())
            .and_then(|p| locale::format_day(day, time, &p, self.locale, self.names))
            .unwrap_or_else(|| day.to_string())
    }

    /// An instant written with `pattern` (a message id or a chrono pattern).
    pub fn instant<Tz: chrono::TimeZone>(
        &self,
        at: &chrono::DateTime<Tz>,
        pattern: &str,
    ) -> Result<String, String>
    where
        Tz::Offset: fmt::Display,
    {
        let pattern = self.pattern(pattern)?;
        locale::format_instant(at, &pattern, self.locale, self.names)
            .ok_or_else(|| format!("{pattern:?} is not a date pattern"))
    }

    /// How long ago, in words: "35 min ago", "3 d ago".
    pub fn ago(&self, seconds: i64) -> Result<String, String> {
        let minutes = seconds / 60;
        let (unit, count) = match minutes {
            m if m < 1 => ("now", 0),
            m if m < 60 => ("min", m),
            m if m < 48 * 60 => ("h", m / 60),
            m => ("d", m / (24 * 60)),
        };
        self.message(
            "ago",
            &[
                ("unit", Arg::Text(unit.to_owned())),
                ("count", Arg::Number(count)),
            ],
        )
    }
}

#[cfg(test)]
mod tests;
