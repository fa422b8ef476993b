//! Fuzzes the feed adapter: any bytes must come back from
//! `pressroom::ingest::adapter::read_feed` as a feed or an error, never as a panic.
//!
//! feed-rs is known to panic on some documents; the adapter catches those with
//! `catch_unwind` and reports `ParseError::Crashed`. libfuzzer-sys installs a panic
//! hook that aborts on *every* panic, caught or not, so this target replaces it with
//! one that only remembers the message: a panic caught inside the adapter passes
//! (the first from each place is printed), one that escapes is printed and aborts (a
//! finding). The decoder (`to_utf8`, with
//! an HTTP charset; `read_feed` decodes without one) and the normaliser that turns
//! entries into stories run on the same input.
#![no_main]

use std::{
    cell::RefCell,
    collections::BTreeSet,
    panic::{self, AssertUnwindSafe},
    path::Path,
    sync::{LazyLock, Mutex, Once},
};

use libfuzzer_sys::fuzz_target;
use pressroom::{
    config::{self, Plan},
    ingest::{adapter, decode, normalise},
};

/// Where the panics caught inside the adapter so far came from.
static CAUGHT: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// One source with a category map and a fallback, as the normaliser needs one.
static PLAN: LazyLock<Plan> = LazyLock::new(|| {
    let text = r#"
        [[sections]]
        id = "world"
        title = "World"
        categories = ["World"]

        [[sections]]
        id = "sport"
        title = "Sport"

        [[sources]]
        id = "fuzz"
        url = "https://news.example/feed.xml"
        categories = { "Football" = "sport" }
        fallback_section = "world"
    "#;
    config::parse(text, Path::new("fuzz.toml")).expect("valid fuzz configuration")
});

fuzz_target!(|data: &[u8]| {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        panic::set_hook(Box::new(|info| {
            LAST_PANIC.with_borrow_mut(|last| *last = Some(info.to_string()));
        }))
    });
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| exercise(data)));
    let message = LAST_PANIC.with_borrow_mut(Option::take);
    if outcome.is_err() {
        eprintln!(
            "a panic escaped the adapter: {}",
            message.unwrap_or_default()
        );
        std::process::abort();
    }
    // Caught inside (as designed): show the first of each place, so that a run tells
    // which parser bugs it reached.
    if let Some(message) = message {
        let place = message.lines().next().unwrap_or_default().to_owned();
        if CAUGHT
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(place)
        {
            eprintln!("caught inside the adapter (as designed): {message}");
        }
    }
});

/// HTTP charsets for the decoder, one picked by the input's first byte.
const CHARSETS: &[&str] = &[
    "utf-8",
    "windows-1251",
    "iso-8859-1",
    "koi8-r",
    "shift_jis",
    "utf-16",
    "no-such-charset",
];

fn exercise(data: &[u8]) {
    // read_feed decodes without an HTTP charset; this covers the path with one.
    let charset = CHARSETS[usize::from(data.first().copied().unwrap_or(0)) % CHARSETS.len()];
    let _ = decode::to_utf8(data, Some(charset));
    let Ok(feed) = adapter::read_feed(data, None, None) else {
        return;
    };
    let base = url::Url::parse("https://news.example/feed.xml").expect("valid");
    let home = feed
        .link
        .as_deref()
        .and_then(|l| pressroom::model::url::canonical_url(l, Some(&base)));
    let cx = normalise::Context {
        source: &PLAN.sources[0],
        sections: &PLAN.sections,
        base: Some(base),
        home,
        authors: feed.authors,
    };
    let _ = normalise::normalise(feed.entries, &cx);
}
