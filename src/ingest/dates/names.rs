//! Month, weekday and zone names, in English and in the other languages whose dates
//! feedparser reads (Greek, Hungarian, Korean), plus the commonest Western European
//! ones, which it does not.

/// The month (1–12) a word names: English by its first three letters (`Sept.`,
/// `November`), other languages by the whole word.
pub fn month(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.').to_lowercase();
    const ENGLISH: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if let Some(m) = FOREIGN.iter().find(|(w, _)| *w == word).map(|(_, m)| *m) {
        return Some(m);
    }
    let head: String = word.chars().take(3).collect();
    let english = ENGLISH.iter().position(|m| *m == head)?;
    // Only English words, so that a foreign word sharing three letters (`juin`) is
    // not read as another month.
    word.chars()
        .all(|c| c.is_ascii_alphabetic())
        .then_some(english as u32 + 1)
}

/// Non-English month names and abbreviations.
const FOREIGN: &[(&str, u32)] = &[
    // Greek (feedparser's table).
    ("ιαν", 1),
    ("φεβ", 2),
    ("μάώ", 3),
    ("μαώ", 3),
    ("μάρ", 3),
    ("μαρ", 3),
    ("απρ", 4),
    ("μάι", 5),
    ("μαϊ", 5),
    ("μαι", 5),
    ("ιούν", 6),
    ("ιον", 6),
    ("ιούλ", 7),
    ("ιολ", 7),
    ("αύγ", 8),
    ("αυγ", 8),
    ("σεπ", 9),
    ("οκτ", 10),
    ("νοέ", 11),
    ("νοε", 11),
    ("δεκ", 12),
    // Hungarian (feedparser's table).
    ("január", 1),
    ("februári", 2),
    ("március", 3),
    ("április", 4),
    ("máujus", 5),
    ("május", 5),
    ("június", 6),
    ("július", 7),
    ("augusztus", 8),
    ("szeptember", 9),
    ("október", 10),
    ("november", 11),
    ("december", 12),
    // German.
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("maerz", 3),
    ("mär", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("okt", 10),
    ("dezember", 12),
    ("dez", 12),
    // French.
    ("janvier", 1),
    ("janv", 1),
    ("février", 2),
    ("fevrier", 2),
    ("févr", 2),
    ("mars", 3),
    ("avril", 4),
    ("avr", 4),
    ("juin", 6),
    ("juillet", 7),
    ("juil", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("déc", 12),
    // Spanish, Italian, Portuguese, Dutch.
    ("enero", 1),
    ("ene", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("abr", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("ago", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("dic", 12),
    ("gennaio", 1),
    ("gen", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("mag", 5),
    ("giugno", 6),
    ("giu", 6),
    ("luglio", 7),
    ("lug", 7),
    ("settembre", 9),
    ("set", 9),
    ("ottobre", 10),
    ("ott", 10),
    ("dicembre", 12),
    ("janeiro", 1),
    ("fevereiro", 2),
    ("fev", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("outubro", 10),
    ("out", 10),
    ("novembro", 11),
    ("dezembro", 12),
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
];

/// Whether a word is a weekday name (English by three letters, Greek, German).
pub fn is_weekday(word: &str) -> bool {
    let word = word.trim_end_matches(['.', ',']).to_lowercase();
    let head: String = word.chars().take(3).collect();
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].contains(&head.as_str())
        || ["κυρ", "δευ", "τρι", "τετ", "πεμ", "παρ", "σαβ"].contains(&head.as_str())
        || ["mo", "di", "mi", "do", "fr", "sa", "so"].contains(&word.as_str())
        || word.ends_with("tag") && word.len() <= 10
        || word == "mittwoch"
}

/// The UTC offset in minutes of a zone name (feedparser's, and common others).
pub fn zone(name: &str) -> Option<i32> {
    let name = name.trim_start_matches("etc/").to_ascii_lowercase();
    let hours = match name.as_str() {
        "ut" | "utc" | "gmt" | "z" | "wet" | "uct" => 0,
        "adt" => -3,
        "ast" | "at" | "edt" => -4,
        "est" | "et" | "cdt" => -5,
        "cst" | "ct" | "mdt" => -6,
        "mst" | "mt" | "pdt" => -7,
        "pst" | "pt" => -8,
        "akst" => -9,
        "akdt" => -8,
        "hst" => -10,
        "a" => -1,
        "n" => 1,
        "m" => -12,
        "y" => 12,
        "met" | "cet" | "bst" | "west" => 1,
        "mest" | "cest" | "eet" | "sast" => 2,
        "eest" | "msk" => 3,
        "jst" | "kst" => 9,
        "aest" => 10,
        "aedt" => 11,
        "nzst" => 12,
        "nzdt" => 13,
        _ => return None,
    };
    Some(hours * 60)
}
