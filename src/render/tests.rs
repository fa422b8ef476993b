//! Tests of the renderer.

use super::wrap;

#[test]
fn text_is_wrapped_at_78_columns_without_breaking_urls() {
    let long = format!("  {}", "word ".repeat(40));
    let url = format!("https://news.example/{}", "x".repeat(90));
    let hyphens =
        "https://news.example/2026/11/27/a-slug-full-of-hyphens-that-is-much-longer-than-a-line";
    let wrapped = wrap(&format!("{long}\n{url}\nshort\nSee {hyphens} now\n"), 78);
    for line in wrapped.lines() {
        assert!(
            line.chars().count() <= 78 || line == url || line == hyphens,
            "{line:?}"
        );
    }
    assert!(wrapped.lines().all(|l| l.is_empty()
        || l.starts_with("  ")
        || l == url
        || l == "short"
        || l == hyphens
        || l.starts_with("See")
        || l == "now"));
    assert!(wrapped.contains(&url));
    assert!(wrapped.lines().any(|l| l == hyphens), "{wrapped}");
}
