//! The accessibility audit: axe-core (WCAG 2.0–2.2 A and AA, and best practices)
//! run in the headless Chromium over pages, light and dark, at 1280, 375 and 320 px,
//! with a check that each reflows.
//!
//! axe-core is not a Debian package: tests/run fetches it from the npm registry,
//! pinned and checked against its sha512, into target/axe/ (or `PRESSROOM_AXE` names
//! the file). Without it the audits are skipped with a loud message, except on CI
//! (`CI` set), where they fail.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use serde_json::Value;

use super::browser::Browser;

/// The axe-core release tests/run fetches.
const AXE_VERSION: &str = "4.14.1";

/// The rules run: WCAG 2.0, 2.1 and 2.2 at A and AA, and Deque's best practices.
const TAGS: &str =
    r#"["wcag2a","wcag2aa","wcag21a","wcag21aa","wcag22a","wcag22aa","best-practice"]"#;

/// axe-core's source, or `None` (with a loud message) when it was not fetched and
/// this is not CI.
pub fn axe_source() -> Option<String> {
    let path = std::env::var_os("PRESSROOM_AXE").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("target/axe/axe-{AXE_VERSION}.min.js"))
        },
        PathBuf::from,
    );
    match std::fs::read_to_string(&path) {
        Ok(source) => {
            assert!(
                source.starts_with(&format!("/*! axe v{AXE_VERSION}")),
                "{} is not axe-core {AXE_VERSION}",
                path.display()
            );
            Some(source)
        }
        Err(error) => {
            let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
            assert!(
                !ci,
                "axe-core is missing ({}: {error}); tests/run fetches it",
                path.display()
            );
            // Straight to stderr: the test harness would swallow eprintln! of a test
            // that passes.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "\n{bar}\n!! SKIPPED: the accessibility audit did not run: axe-core is missing\n!! ({}: {error}).\n!! Run tests/run once (it fetches axe-core {AXE_VERSION}), or set PRESSROOM_AXE.\n{bar}\n",
                path.display(),
                bar = "!".repeat(78)
            );
            None
        }
    }
}

/// Runs axe on the page the browser shows; its violations, one line each with up
/// to five of the elements.
pub async fn audit(browser: &Browser, axe: &str) -> Vec<String> {
    let loaded = browser
        .eval(&format!("{axe}\n;return typeof window.axe"))
        .await;
    assert_eq!(loaded, "object", "axe-core did not load");
    let script = format!(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {{runOnly: {{type: 'tag', values: {TAGS}}}, resultTypes: ['violations'], iframes: false}})
           .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + '\\n'
               + v.nodes.slice(0, 5).map(n => '      ' + n.target.join(' ') + ': '
                   + (n.failureSummary || '').replace(/\\s+/g, ' ')).join('\\n'))))
           .catch(e => done(['axe failed: ' + e]));"
    );
    let result = browser.eval_async(&script, Duration::from_secs(120)).await;
    let Value::Array(found) = result else {
        panic!("axe answered {result}");
    };
    found
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A script: `null` when the page fits the screen's width (`WIDTH`), else the
/// page's width and the elements that run off the side (outside any box that
/// scrolls).
const WIDEST: &str = "const page = document.documentElement.scrollWidth;
    if (page <= WIDTH && innerWidth <= WIDTH) return null;
    const scrolls = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
        if (getComputedStyle(p).overflowX !== 'visible') return true; return false; };
    const off = [...document.body.querySelectorAll('*')]
        .filter(e => e.getBoundingClientRect().right > WIDTH + 1 && !scrolls(e))
        .slice(-3).map(e => e.tagName + '.' + e.className + ' to ' + Math.round(e.getBoundingClientRect().right));
    return page + ' px in a WIDTH px screen: ' + off.join(', ');";

/// Audits every page of `pages` (name, address) with axe, light and dark, at 1280,
/// 375 and 320 px, and checks that it reflows: how many audits ran, and every
/// failure, one line each.
pub async fn audit_at_every_width(
    browser: &Browser,
    axe: &str,
    pages: &[(String, String)],
) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut audits = 0;
    for width in [1280, 375, 320] {
        for dark in [false, true] {
            browser.emulate(width, dark).await;
            let mode = format!("{width} px, {}", if dark { "dark" } else { "light" });
            for (name, url) in pages {
                browser.go(url).await;
                let dark_shown = browser
                    .eval("return matchMedia('(prefers-color-scheme: dark)').matches")
                    .await;
                assert_eq!(dark_shown, dark, "{name}: the colour scheme did not hold");
                for violation in audit(browser, axe).await {
                    failures.push(format!("{name}, {mode}: {violation}"));
                }
                audits += 1;
                // Reflow (WCAG 1.4.10): nothing runs off the side, down to 320 px (a
                // phone's viewport widens to fit a page that does not).
                let wide = browser
                    .eval(&WIDEST.replace("WIDTH", &width.to_string()))
                    .await;
                if let Some(wide) = wide.as_str() {
                    failures.push(format!("{name}, {mode}: does not reflow: {wide}"));
                }
            }
        }
    }
    (audits, failures)
}
