//! Configuration problems with their place: file, line, column and key.
//!
//! Loading never stops at the first problem: [`Problems`] collects every one (syntax
//! errors, unknown keys, wrong types, invalid values) so that `pressroom check` shows
//! them all at once, each as `FILE:LINE:COL: KEY: MESSAGE`.

use std::{fmt, ops::Range, path::PathBuf};

use serde::de::DeserializeOwned;
use toml::{
    Spanned,
    de::{DeTable, DeValue, ValueDeserializer},
};

/// One thing wrong with a configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file it is in.
    pub file: PathBuf,
    /// 1-based line (0 when the problem has no single place).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The dotted key it concerns, e.g. `sources[2].url` (empty when unknown).
    pub key: String,
    /// What is wrong, in one line.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in one or more files; the error type of loading.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<Problem>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// Collects problems against one file's text.
pub struct Problems<'t> {
    file: PathBuf,
    text: &'t str,
    found: Vec<Problem>,
    /// Where the part being read starts in `text` (see [`Problems::parse_part`]): spans
    /// are relative to it.
    base: usize,
}

impl<'t> Problems<'t> {
    /// Starts collecting problems of `file`, whose contents are `text`.
    pub fn new(file: impl Into<PathBuf>, text: &'t str) -> Self {
        Problems {
            file: file.into(),
            text,
            found: Vec::new(),
            base: 0,
        }
    }

    /// Records a problem at byte range `span` of the text.
    pub fn at(&mut self, span: Range<usize>, key: impl Into<String>, message: impl Into<String>) {
        let (line, column) = line_column(self.text, self.base + span.start);
        self.found.push(Problem {
            file: self.file.clone(),
            line,
            column,
            key: key.into(),
            message: message.into(),
        });
    }

    /// Records a problem about a spanned value.
    pub fn on<T>(
        &mut self,
        value: &Spanned<T>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.at(value.span(), key, message);
    }

    /// Records a problem that has no single place in the file.
    pub fn general(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.found.push(Problem {
            file: self.file.clone(),
            line: 0,
            column: 0,
            key: key.into(),
            message: message.into(),
        });
    }

    /// Whether nothing has been found so far.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The problems found, in file order.
    pub fn into_errors(mut self) -> ConfigErrors {
        self.found.sort_by_key(|p| (p.line, p.column));
        ConfigErrors(self.found)
    }

    /// Parses the document, recording every syntax error. `None` when there were any.
    pub fn parse_document(&mut self) -> Option<Spanned<DeTable<'t>>> {
        self.parse_part(0..self.text.len())
    }

    /// Parses the bytes `part` of the text as a document of its own, recording every
    /// syntax error. Spans recorded from now on are taken as relative to `part`, as the
    /// document's are. `None` when there were errors.
    pub fn parse_part(&mut self, part: Range<usize>) -> Option<Spanned<DeTable<'t>>> {
        self.base = part.start;
        let (doc, errors) = DeTable::parse_recoverable(&self.text[part]);
        for error in &errors {
            let span = error.span().unwrap_or(0..0);
            let message = first_line(error.message());
            self.at(span, "", format!("TOML syntax: {message}"));
        }
        errors.is_empty().then_some(doc)
    }

    /// Deserializes one value found at `key`. A value of the wrong shape is reported
    /// with the precise key inside it, then removed and the rest deserialized again,
    /// so that one bad key does not hide the problems of its neighbours.
    pub fn deserialize<T: DeserializeOwned>(
        &mut self,
        key: &str,
        value: &Spanned<DeValue<'t>>,
    ) -> Option<T> {
        let mut value = value.clone();
        let mut reported = 0;
        loop {
            let error = match T::deserialize(ValueDeserializer::from(value.clone())) {
                // After removals, defaults stand in for the bad keys: the problems are
                // recorded, so the plan is never built, but the rest is still checked.
                Ok(parsed) => return Some(parsed),
                Err(error) => error,
            };
            let span = error.span().unwrap_or(value.span());
            let inner = locate(&value, &span);
            let full = match (key.is_empty(), inner.is_empty()) {
                (_, true) => key.to_owned(),
                (true, false) => inner,
                (false, false) if inner.starts_with('[') => format!("{key}{inner}"),
                (false, false) => format!("{key}.{inner}"),
            };
            self.at(span.clone(), full, plain_message(error.message()));
            reported += 1;
            if reported > 64 || !remove_at(&mut value, &span) {
                return None;
            }
        }
    }

    /// Deserializes every element of the array at `key`, one problem per bad element.
    pub fn deserialize_each<T: DeserializeOwned>(
        &mut self,
        key: &str,
        value: &Spanned<DeValue<'t>>,
    ) -> Vec<(usize, T)> {
        self.deserialize_each_from(key, value, 0)
    }

    /// [`Problems::deserialize_each`] for an array whose first element is element
    /// `first` of a longer one (a part of a file): indexes count from it.
    pub fn deserialize_each_from<T: DeserializeOwned>(
        &mut self,
        key: &str,
        value: &Spanned<DeValue<'t>>,
        first: usize,
    ) -> Vec<(usize, T)> {
        let Some(items) = value.get_ref().as_array() else {
            self.on(value, key, "expected an array of tables ([[...]])");
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let i = first + i;
                self.deserialize(&format!("{key}[{i}]"), item)
                    .map(|parsed| (i, parsed))
            })
            .collect()
    }
}

/// The dotted path, inside `value`, of the innermost key whose key or value covers `span`.
fn locate(value: &Spanned<DeValue<'_>>, span: &Range<usize>) -> String {
    let covers = |outer: Range<usize>| {
        outer.start <= span.start && span.start < outer.end.max(outer.start + 1)
    };
    match value.get_ref() {
        DeValue::Table(table) => {
            for (key, inner) in table.iter() {
                if covers(key.span()) {
                    return key.get_ref().to_string();
                }
                if covers(inner.span()) {
                    let rest = locate(inner, span);
                    return match rest.is_empty() {
                        true => key.get_ref().to_string(),
                        false if rest.starts_with('[') => format!("{}{rest}", key.get_ref()),
                        false => format!("{}.{rest}", key.get_ref()),
                    };
                }
            }
            String::new()
        }
        DeValue::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                if covers(inner.span()) {
                    let rest = locate(inner, span);
                    return match rest.is_empty() {
                        true => format!("[{i}]"),
                        false if rest.starts_with('[') => format!("[{i}]{rest}"),
                        false => format!("[{i}].{rest}"),
                    };
                }
            }
            String::new()
        }
        _ => String::new(),
    }
}

/// Removes the innermost table entry whose key or value covers `span`.
fn remove_at(value: &mut Spanned<DeValue<'_>>, span: &Range<usize>) -> bool {
    let covers = |outer: Range<usize>| {
        outer.start <= span.start && span.start < outer.end.max(outer.start + 1)
    };
    match value.get_mut() {
        DeValue::Table(table) => {
            let mut doomed = None;
            for (key, inner) in table.iter_mut() {
                if covers(key.span()) {
                    doomed = Some(key.get_ref().to_string());
                    break;
                }
                if covers(inner.span()) {
                    if remove_at(inner, span) {
                        return true;
                    }
                    doomed = Some(key.get_ref().to_string());
                    break;
                }
            }
            match doomed {
                Some(name) => {
                    table.remove(name.as_str());
                    true
                }
                None => false,
            }
        }
        DeValue::Array(items) => items
            .iter_mut()
            .any(|inner| covers(inner.span()) && remove_at(inner, span)),
        _ => false,
    }
}

/// serde's message with Rust type names replaced by words.
fn plain_message(message: &str) -> String {
    first_line(message)
        .replace("expected i64", "expected an integer")
        .replace("expected f64", "expected a number")
        .replace("expected a string", "expected a string in quotes")
}

/// 1-based line and character column of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "a = 1\nб = \"x\"\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        // "б" is two bytes; the '=' after it is the third character of line 2.
        assert_eq!(line_column(text, 9), (2, 3));
    }
}
