//! Whether a headline looks ahead (a forecast, an expectation) or reports a
//! record: a measured fact.
//!
//! A record and the forecast or the decision it leads to are two events of one
//! storyline told with the same words (`Polar station records coldest November
//! day` and `Arctic blast to bring minus 25C by Sunday, forecasters warn`; record
//! exports and traders bracing for the quota decision). Clustering reads a title
//! that looks ahead against one that reports a record as evidence of two events
//! ([`crate::rank::cluster::Options::forecast_mismatch`]).
//!
//! The words are general news vocabulary of both languages, matched as the terms
//! the tokenizer makes of them (stemmed; `record` is a concept of the lexicon).

use std::sync::OnceLock;

use super::Tokenizer;

/// Words of a headline that looks ahead to what is to come. Measured on the
/// development data: alone (against any other title) they cost AllSides recall
/// (`Prosecutor convenes grand jury` / `grand jury expected to weigh evidence`),
/// so they count only against a record.
const AHEAD: &str = "forecast forecasts forecasters forecaster expected expects brace braces \
    bracing looms looming upcoming poised \
    прогноз прогнозы прогнозируют прогнозируется синоптики ожидается ожидаются ожидают";

/// Words of a headline that reports a record.
const RECORD: &str = "record records рекорд рекорды рекордный рекордная рекордное рекордные";

/// [`marks`]: the title looks ahead.
pub const AHEAD_MARK: u8 = 1;
/// [`marks`]: the title reports a record (and does not look ahead).
pub const RECORD_MARK: u8 = 2;

/// What a title's terms (as [`Tokenizer::tokenise`] makes them) say of its
/// outlook: [`AHEAD_MARK`], [`RECORD_MARK`] or 0.
pub fn marks(title: &[u64]) -> u8 {
    static SETS: OnceLock<[Vec<u64>; 2]> = OnceLock::new();
    let [ahead, record] = SETS.get_or_init(|| [terms_of(AHEAD), terms_of(RECORD)]);
    let any = |set: &[u64]| title.iter().any(|t| set.binary_search(t).is_ok());
    if any(ahead) {
        AHEAD_MARK
    } else if any(record) {
        RECORD_MARK
    } else {
        0
    }
}

/// The terms of `words`, sorted, each once.
fn terms_of(words: &str) -> Vec<u64> {
    let (mut terms, mut keys, mut numbers) = (Vec::new(), Vec::new(), Vec::new());
    Tokenizer::default().tokenise(words, usize::MAX, &mut terms, &mut keys, &mut numbers);
    terms.sort_unstable();
    terms.dedup();
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(title: &str) -> u8 {
        marks(&terms_of(title))
    }

    #[test]
    fn forecasts_look_ahead_and_records_are_reported_in_both_languages() {
        assert_eq!(of("Forecasters expect snow by Sunday"), AHEAD_MARK);
        assert_eq!(of("Markets brace for the rate decision"), AHEAD_MARK);
        assert_eq!(of("Синоптики прогнозируют снег"), AHEAD_MARK);
        assert_eq!(of("Gold hits a record high"), RECORD_MARK);
        assert_eq!(of("Рекордный урожай зерна"), RECORD_MARK);
        assert_eq!(of("Record heat expected on Friday"), AHEAD_MARK);
        assert_eq!(of("Parliament passes the budget"), 0);
    }
}
