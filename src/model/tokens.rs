//! A story's tokens, computed once at ingest and kept in the store, so that building
//! an issue does not tokenise every story of its window again (issue 10, point 6).
//!
//! What the clustering's tokenizer makes of a story's title and the lede of its
//! excerpt (`rank::tokens` makes them; `store/tokens.rs` keeps them): term, key and
//! number hashes and how each term was written. They are valid only for the
//! tokenizer that made them, so they carry its version; ranking uses those of the
//! current version and tokenises the others afresh.
//!
//! One flat byte string, which is also how the store keeps it: a header of seven
//! little-endian `u16` counts (title terms, title keys, title numbers, summary
//! terms, summary keys, title units as two values each, and how many summary terms
//! were read at most), then that many little-endian `u64` values in the same order,
//! then one byte per term (title, then summary) for how it was written (0 unknown,
//! 1 capitalised, 2 lower case, 3 capitalised as a sentence's first word).
//! Read in place: no allocation per story beyond the bytes themselves.

/// A story's kept tokens: see the module's documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoryTokens {
    /// The version of the tokenizer that made them.
    pub version: u32,
    bytes: Vec<u8>,
}

/// The header: seven `u16` counts.
const HEADER: usize = 14;

/// Lists of hashes: the header's counts before the summary limit.
const LISTS: usize = 6;

/// Which list of hashes.
#[derive(Clone, Copy)]
enum List {
    TitleTerms = 0,
    TitleKeys = 1,
    TitleNumbers = 2,
    SummaryTerms = 3,
    SummaryKeys = 4,
    TitleUnits = 5,
}

/// The lists of hashes [`StoryTokens::new`] is made of.
#[derive(Clone, Copy, Debug, Default)]
pub struct Lists<'a> {
    /// The title's terms, in text order.
    pub title_terms: &'a [u64],
    /// The keys among the title's words, in text order.
    pub title_keys: &'a [u64],
    /// The title's numbers, sorted, each once.
    pub title_numbers: &'a [u64],
    /// The title's counted numbers, `(the term after, the number)`, sorted, each
    /// once.
    pub title_units: &'a [(u64, u64)],
    /// How each title term was written (0 unknown, 1 capitalised, 2 lower case,
    /// 3 capitalised as a sentence's first word).
    pub title_cases: &'a [u8],
    /// The summary's first terms (at most `summary_limit`).
    pub summary_terms: &'a [u64],
    /// The keys among the same words.
    pub summary_keys: &'a [u64],
    /// How each of those summary terms was written.
    pub summary_cases: &'a [u8],
    /// How many summary terms were read at most.
    pub summary_limit: usize,
}

/// Why bytes are not kept tokens.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("kept tokens of {found} bytes where their header promises {expected}")]
pub struct Malformed {
    found: usize,
    expected: usize,
}

impl StoryTokens {
    /// Packs `lists`, made by tokenizer `version`. Lists longer than 65,535 are cut
    /// (a title or lede never comes near).
    pub fn new(version: u32, lists: &Lists<'_>) -> Self {
        let cut = |list: &[u64]| list.len().min(usize::from(u16::MAX) & !1);
        let units: Vec<u64> = (lists.title_units.iter())
            .flat_map(|&(unit, value)| [unit, value])
            .collect();
        let hashes = [
            lists.title_terms,
            lists.title_keys,
            lists.title_numbers,
            lists.summary_terms,
            lists.summary_keys,
            &units,
        ];
        let total: usize = hashes.iter().map(|l| cut(l)).sum();
        let cases = cut(lists.title_terms) + cut(lists.summary_terms);
        let mut bytes = Vec::with_capacity(HEADER + 8 * total + cases);
        for list in hashes {
            bytes.extend_from_slice(&(cut(list) as u16).to_le_bytes());
        }
        let limit = lists.summary_limit.min(usize::from(u16::MAX)) as u16;
        bytes.extend_from_slice(&limit.to_le_bytes());
        for list in hashes {
            for hash in &list[..cut(list)] {
                bytes.extend_from_slice(&hash.to_le_bytes());
            }
        }
        for (cases, terms) in [
            (lists.title_cases, lists.title_terms),
            (lists.summary_cases, lists.summary_terms),
        ] {
            let n = cut(terms);
            bytes.extend((0..n).map(|k| cases.get(k).copied().unwrap_or(0)));
        }
        StoryTokens { version, bytes }
    }

    /// Tokens as the store keeps them, checked for length.
    pub fn from_bytes(version: u32, bytes: Vec<u8>) -> Result<Self, Malformed> {
        let tokens = StoryTokens { version, bytes };
        let expected = match tokens.bytes.len() >= HEADER {
            true => HEADER + 8 * tokens.hashes() + tokens.terms(),
            false => HEADER,
        };
        match tokens.bytes.len() == expected {
            true => Ok(tokens),
            false => Err(Malformed {
                found: tokens.bytes.len(),
                expected,
            }),
        }
    }

    /// The bytes, as the store keeps them.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The title's terms.
    pub fn title_terms(&self) -> impl ExactSizeIterator<Item = u64> + '_ {
        self.list(List::TitleTerms)
    }

    /// The keys among the title's words.
    pub fn title_keys(&self) -> impl ExactSizeIterator<Item = u64> + '_ {
        self.list(List::TitleKeys)
    }

    /// The title's numbers, sorted, each once.
    pub fn title_numbers(&self) -> impl ExactSizeIterator<Item = u64> + '_ {
        self.list(List::TitleNumbers)
    }

    /// The summary's first terms.
    pub fn summary_terms(&self) -> impl ExactSizeIterator<Item = u64> + '_ {
        self.list(List::SummaryTerms)
    }

    /// The keys among the same words.
    pub fn summary_keys(&self) -> impl ExactSizeIterator<Item = u64> + '_ {
        self.list(List::SummaryKeys)
    }

    /// How many summary terms were read at most.
    pub fn summary_limit(&self) -> usize {
        self.count(LISTS)
    }

    /// The title's counted numbers, `(the term after, the number)`, sorted, each
    /// once.
    pub fn title_units(&self) -> impl ExactSizeIterator<Item = (u64, u64)> + '_ {
        let start = HEADER
            + 8 * (0..List::TitleUnits as usize)
                .map(|k| self.count(k))
                .sum::<usize>();
        let end = start + 8 * self.count(List::TitleUnits as usize);
        self.bytes[start..end].chunks_exact(16).map(|c| {
            let word =
                |c: &[u8]| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            (word(&c[..8]), word(&c[8..]))
        })
    }

    /// How each title term was written (0 unknown, 1 capitalised, 2 lower case,
    /// 3 capitalised as a sentence's first word).
    pub fn title_cases(&self) -> &[u8] {
        let start = HEADER + 8 * self.hashes();
        &self.bytes[start..start + self.count(List::TitleTerms as usize)]
    }

    /// How each summary term was written.
    pub fn summary_cases(&self) -> &[u8] {
        let start = HEADER + 8 * self.hashes() + self.count(List::TitleTerms as usize);
        &self.bytes[start..start + self.count(List::SummaryTerms as usize)]
    }

    fn count(&self, k: usize) -> usize {
        usize::from(u16::from_le_bytes([
            self.bytes[2 * k],
            self.bytes[2 * k + 1],
        ]))
    }

    /// Hashes in all lists.
    fn hashes(&self) -> usize {
        (0..LISTS).map(|k| self.count(k)).sum()
    }

    /// Terms (title and summary): one case byte each.
    fn terms(&self) -> usize {
        self.count(List::TitleTerms as usize) + self.count(List::SummaryTerms as usize)
    }

    fn list(&self, list: List) -> impl ExactSizeIterator<Item = u64> + '_ {
        let start = HEADER + 8 * (0..list as usize).map(|k| self.count(k)).sum::<usize>();
        let end = start + 8 * self.count(list as usize);
        self.bytes[start..end]
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_lists_read_back_and_bad_lengths_are_refused() {
        let lists = Lists {
            title_terms: &[1, 2, u64::MAX],
            title_keys: &[4],
            title_numbers: &[],
            title_units: &[(5, 6), (u64::MAX, 1)],
            title_cases: &[0, 1, 3],
            summary_terms: &[7, 8],
            summary_keys: &[9, 10, 11],
            summary_cases: &[2, 2],
            summary_limit: 30,
        };
        let tokens = StoryTokens::new(3, &lists);
        let back = StoryTokens::from_bytes(3, tokens.as_bytes().to_vec()).unwrap();
        assert_eq!(back, tokens);
        assert_eq!(back.title_terms().collect::<Vec<_>>(), [1, 2, u64::MAX]);
        assert_eq!(back.title_keys().collect::<Vec<_>>(), [4]);
        assert_eq!(back.title_numbers().len(), 0);
        assert_eq!(back.summary_terms().collect::<Vec<_>>(), [7, 8]);
        assert_eq!(back.summary_keys().collect::<Vec<_>>(), [9, 10, 11]);
        assert_eq!(
            back.title_units().collect::<Vec<_>>(),
            [(5, 6), (u64::MAX, 1)]
        );
        assert_eq!(back.title_cases(), [0, 1, 3]);
        assert_eq!(back.summary_cases(), [2, 2]);
        assert_eq!(back.summary_limit(), 30);
        let mut short = tokens.as_bytes().to_vec();
        short.pop();
        assert!(StoryTokens::from_bytes(3, short).is_err());
        assert!(StoryTokens::from_bytes(3, vec![1, 0]).is_err());
    }
}
