//! The text part's lines: wrapped at a width, keeping indentation, list items hanging,
//! URLs whole.

/// Wraps every line longer than `width` at word boundaries, keeping its indentation;
/// a single word longer than the line (a URL) stays whole, and words are never split
/// at their hyphens (URLs are full of them).
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    for line in text.lines() {
        if textwrap::core::display_width(line) <= width {
            out.push_str(line.trim_end());
            out.push('\n');
            continue;
        }
        let indent: String = line.chars().take_while(|c| *c == ' ').collect();
        // A list item ("- ", "* ", "12. ") hangs: its continuation lines align with its text.
        let marker = list_marker(line.trim_start());
        let hanging = format!("{indent}{}", " ".repeat(marker));
        let options = textwrap::Options::new(width)
            .initial_indent(&indent)
            .subsequent_indent(&hanging)
            .break_words(false)
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        for piece in textwrap::wrap(line.trim_start(), options) {
            out.push_str(piece.trim_end());
            out.push('\n');
        }
    }
    out
}

/// The width of a list marker at the start of `text` ("- ", "* ", "3. "), or 0.
fn list_marker(text: &str) -> usize {
    if text.starts_with("- ") || text.starts_with("* ") {
        return 2;
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && text[digits..].starts_with(". ") {
        digits + 2
    } else {
        0
    }
}
