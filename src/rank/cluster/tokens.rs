//! Tokenising every story, on several threads when there are many.
//!
//! Tokenising is the largest single cost of clustering (every word of 100,000
//! headlines and ledes), and each story is independent, so large inputs are cut into
//! one chunk per core and tokenised in parallel. The chunks come back in input order,
//! so the result does not depend on the number of threads.

use super::Doc;
use crate::rank::text::Tokenizer;

/// Below this many stories one thread is faster than starting several.
const PARALLEL_FROM: usize = 8192;

/// At most this many threads.
const MAX_THREADS: usize = 4;

/// The hashes of a run of stories: for story `d` of the run, `cuts[d]` splits
/// `hashes` into its title terms, summary terms, title keys and summary keys.
#[derive(Default)]
pub(super) struct Hashed {
    hashes: Vec<u64>,
    cuts: Vec<[usize; 5]>,
}

/// One story's hashes.
pub(super) struct Fields<'a> {
    pub title: &'a [u64],
    pub summary: &'a [u64],
    pub title_keys: &'a [u64],
    pub summary_keys: &'a [u64],
}

impl Hashed {
    /// Each story's fields, in order.
    pub fn stories(&self) -> impl Iterator<Item = Fields<'_>> {
        self.cuts.iter().map(|c| Fields {
            title: &self.hashes[c[0]..c[1]],
            summary: &self.hashes[c[1]..c[2]],
            title_keys: &self.hashes[c[2]..c[3]],
            summary_keys: &self.hashes[c[3]..c[4]],
        })
    }
}

/// Tokenises every story (the summary up to `summary_words` terms), in chunks that
/// follow the input order.
pub(super) fn tokenise(docs: &[Doc<'_>], summary_words: usize) -> Vec<Hashed> {
    let threads = if docs.len() < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
    };
    if threads == 1 {
        return vec![tokenise_chunk(docs, summary_words)];
    }
    let chunk = docs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = docs
            .chunks(chunk)
            .map(|part| scope.spawn(move || tokenise_chunk(part, summary_words)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("tokenising does not panic"))
            .collect()
    })
}

fn tokenise_chunk(docs: &[Doc<'_>], summary_words: usize) -> Hashed {
    let mut tokenizer = Tokenizer::default();
    let mut out = Hashed {
        hashes: Vec::with_capacity(docs.len() * 48),
        cuts: Vec::with_capacity(docs.len()),
    };
    let (mut title_keys, mut summary_keys) = (Vec::new(), Vec::new());
    for doc in docs {
        let start = out.hashes.len();
        title_keys.clear();
        summary_keys.clear();
        tokenizer.tokenise(doc.title, usize::MAX, &mut out.hashes, &mut title_keys);
        let title_end = out.hashes.len();
        tokenizer.tokenise(
            doc.summary,
            summary_words,
            &mut out.hashes,
            &mut summary_keys,
        );
        let summary_end = out.hashes.len();
        out.hashes.extend_from_slice(&title_keys);
        let title_keys_end = out.hashes.len();
        out.hashes.extend_from_slice(&summary_keys);
        let end = out.hashes.len();
        out.cuts
            .push([start, title_end, summary_end, title_keys_end, end]);
    }
    out
}
