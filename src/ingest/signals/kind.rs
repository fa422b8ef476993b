//! What a signal kind is ([`Kind`]): its name, its options, how it compiles them and
//! how it reads a fetched document; and `kinds!`, which registers the kinds as the
//! variants of [`SignalKind`](super::SignalKind).
//!
//! Nothing here knows the configuration file: the configuration hands a kind its
//! options through [`ReadOptions`] and places any [`OptionProblem`] at its line.

use serde::{Deserializer, de::DeserializeOwned};
use url::Url;

/// One kind of most-read signal, such as a feed or an analytics export.
pub trait Kind: Sized {
    /// Its name in `kind = "…"`.
    const NAME: &'static str;
    /// Its options as written in the `[[signals]]` table, besides the keys every
    /// signal has. A struct deserialized with `deny_unknown_fields`, whose `///` lines
    /// are the user's documentation of the keys.
    type Options: DeserializeOwned;
    /// Checks the options.
    fn compile(options: Self::Options) -> Result<Self, OptionProblem>;
    /// Reads the most-read entries of a fetched document.
    fn extract(&self, document: &Document<'_>) -> Result<Extract, String>;
}

/// Something wrong with one option of a kind.
#[derive(Debug, PartialEq, Eq)]
pub struct OptionProblem {
    /// The option's key (a missing option is placed at `kind`).
    pub option: &'static str,
    /// What is wrong, in one line.
    pub message: String,
}

/// Reads a kind's options from the configuration, reporting problems of shape (wrong
/// types, missing keys) itself; `None` when they could not be read.
pub trait ReadOptions {
    /// Deserializes the options as `T`.
    fn read<T: DeserializeOwned>(self) -> Option<T>;
}

/// A signal's document, as fetched.
pub struct Document<'a> {
    /// The bytes as fetched or read from the file, before any charset decoding.
    pub body: &'a [u8],
    /// The charset the server declared, if any.
    pub charset: Option<&'a str>,
    /// The URL the document was fetched from over http(s); `None` for a file, which
    /// has no web address.
    pub http_base: Option<&'a Url>,
}

impl Document<'_> {
    /// The base relative links resolve against: the document's own http URL, else the
    /// `candidate` the document names (a feed's link), if it is an http(s) URL.
    pub fn web_base(&self, candidate: Option<&str>) -> Option<Url> {
        self.http_base
            .cloned()
            .or_else(|| Url::parse(candidate?).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
    }
}

/// What a kind read from a document.
pub enum Extract {
    /// Links, most read first, and the base relative ones resolve against.
    Ranked {
        /// The links as written.
        links: Vec<String>,
        /// The base URL, if any.
        base: Option<Url>,
    },
    /// (URL, views) rows of an export, in file order; `None` for a row that could not
    /// be read. Exports carry absolute URLs: no base applies.
    Counted(Vec<Option<(String, u64)>>),
}

/// The keys a struct deserialized with serde's derive takes, in declaration order.
pub fn keys<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut found: &'static [&'static str] = &[];
    let _ = T::deserialize(KeyProbe(&mut found));
    found
}

/// A deserializer that records the fields a derived struct asks for, and stops.
struct KeyProbe<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for KeyProbe<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("only a struct has keys"))
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(serde::de::Error::custom("keys recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

/// Registers the signal kinds: `Variant(module::Type)`, one line each, with its doc.
/// Generates [`SignalKind`](super::SignalKind): the enum, the look-up of a kind by
/// name, the compilation of its options and the dispatch of `extract`. Its `Debug` is
/// the kind's own, so `Html { selector: "…" }` reads as it always has (the fetch
/// state keeps it as part of the rules that decide whether a body is re-read).
macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident($kind:ty),)*) => {
        /// What a most-read signal's URL serves: one variant per registered kind.
        #[derive(Clone, PartialEq)]
        pub enum SignalKind {
            $($(#[$doc])* $variant($kind),)*
        }

        impl SignalKind {
            /// The kinds' names, in registration order.
            pub const NAMES: &'static [&'static str] = &[$(<$kind as Kind>::NAME),*];

            /// This kind's name.
            pub fn name(&self) -> &'static str {
                match self {
                    $(SignalKind::$variant(_) => <$kind as Kind>::NAME,)*
                }
            }

            /// The options kind `name` takes; `None` when no kind has that name.
            pub fn options(name: &str) -> Option<&'static [&'static str]> {
                $(if name == <$kind as Kind>::NAME {
                    return Some(keys::<<$kind as Kind>::Options>());
                })*
                None
            }

            /// Compiles a signal of kind `name`, whose options `read` reads. `None` when
            /// no kind has that name or the options could not be read (`read` reported
            /// why).
            pub fn compile(
                name: &str,
                read: impl ReadOptions,
            ) -> Option<Result<SignalKind, OptionProblem>> {
                $(if name == <$kind as Kind>::NAME {
                    let options = read.read::<<$kind as Kind>::Options>()?;
                    return Some(<$kind as Kind>::compile(options).map(SignalKind::$variant));
                })*
                None
            }

            /// Reads the most-read entries of a fetched document.
            pub fn extract(&self, document: &Document<'_>) -> Result<Extract, String> {
                match self {
                    $(SignalKind::$variant(kind) => kind.extract(document),)*
                }
            }
        }

        impl std::fmt::Debug for SignalKind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $(SignalKind::$variant(kind) => std::fmt::Debug::fmt(kind, f),)*
                }
            }
        }
    };
}

pub(super) use kinds;
