//! Sharing independent work between threads, deterministically.
//!
//! Only large inputs are split (starting threads costs more than small work), into
//! one part per core (at most [`MAX_THREADS`]). Results come back in input order, so
//! they never depend on the number of threads or on scheduling.

use std::ops::Range;

/// Below this many stories one thread is faster than starting several.
const PARALLEL_FROM: usize = 8192;

/// At most this many threads.
const MAX_THREADS: usize = 4;

/// `0..len` cut into one contiguous range per thread to use (one empty range when
/// `len` is 0).
pub(super) fn ranges(len: usize) -> Vec<Range<usize>> {
    if len == 0 {
        return std::iter::once(0..0).collect();
    }
    let threads = if len < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
    };
    let size = len.div_ceil(threads).max(1);
    (0..len)
        .step_by(size)
        .map(|start| start..(start + size).min(len))
        .collect()
}

/// `f` applied to every item, one thread per item beyond the first, results in
/// order.
pub(super) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    match items {
        [] => Vec::new(),
        [only] => vec![f(only)],
        [first, rest @ ..] => std::thread::scope(|scope| {
            let f = &f;
            let handles: Vec<_> = rest
                .iter()
                .map(|item| scope.spawn(move || f(item)))
                .collect();
            let mut results = vec![f(first)];
            results.extend(
                handles
                    .into_iter()
                    .map(|h| h.join().expect("workers do not panic")),
            );
            results
        }),
    }
}
