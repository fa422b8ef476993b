//! Candidate pairs: which stories are worth comparing, and how similar they are.
//!
//! Comparing every pair is quadratic (5·10⁹ pairs for 100,000 stories), so pairs are
//! proposed by an inverted index kept in time order. Each story walks back the
//! posting lists of its informative terms, heaviest term first, accumulating the
//! part of the cosine those terms give; a walk stops at the edge of the time window,
//! after [`Options::max_postings`] stories, or when the story has spent its
//! [`Options::postings_budget`]. Terms in more than [`Options::common_share`] of the
//! stories are too common to propose pairs. A pair whose walked part reaches half the
//! threshold gets its exact cosine computed. Below a few thousand stories the caps
//! are widened ([`Options::search_work`]) so that the walks go through all of a
//! story's informative terms; above, they trade a little recall for linear time. Stories are
//! independent here, so large inputs are shared out between threads; the edges are
//! sorted afterwards, so the result is the same.

use super::{Doc, Options, parallel, vectors::Vectors};

/// A pair is compared in full only if its informative shared terms already give this
/// share of the threshold: the common terms left out weigh little (their IDF is low),
/// and most stories a walk reaches share one middling word and nothing else.
const PREFILTER: f32 = 0.5;

/// Each story is compared in full with at most this many earlier stories, those with
/// the largest partial similarity: enough to join it to its group (the merge rule
/// looks at whole groups anyway), while a story of a very large event does not bring
/// hundreds of redundant pairs.
const EDGES_PER_STORY: usize = 8;

/// Two stories similar enough to consider merging.
#[derive(Clone, Copy, Debug)]
pub(super) struct Edge {
    /// Cosine similarity, faded by the time between the two.
    pub sim: f32,
    /// The indices of the two stories, `a < b`.
    pub a: u32,
    pub b: u32,
}

/// What the pair check needs about a story, by rank in time order.
#[derive(Clone, Copy)]
struct Facts {
    doc: u32,
    outlet: u32,
    /// Seconds after the earliest story.
    at: u32,
}

/// The similar pairs, sorted from most to least similar (ties by indices).
/// `outlets` holds a dense outlet id per story.
pub(super) fn edges(
    docs: &[Doc<'_>],
    outlets: &[u32],
    vectors: &Vectors,
    options: &Options,
) -> Vec<Edge> {
    let common = options.common_df(docs.len());
    let facts = facts(docs, outlets);
    let caps = Caps::new(options, docs.len());
    let index = Index::new(vectors, common, caps.indexed_terms);
    let postings = Postings::new(vectors, &facts, &index);
    let search = Search {
        vectors,
        facts: &facts,
        postings: &postings,
        index: &index,
        window: options
            .chrono_window()
            .num_seconds()
            .clamp(1, i64::from(u32::MAX)) as u32,
        options,
        caps,
    };
    let ranges = parallel::ranges(docs.len());
    // Each thread sorts its own pairs; the sorted runs are then merged, the same
    // order as one sort of them all (the order is total: equal pairs are equal).
    let found = parallel::map(&ranges, |ranks| {
        let mut mine = search.ranks(ranks.clone());
        mine.sort_unstable_by(strongest_first);
        mine
    });
    (found.into_iter())
        .reduce(|x, y| parallel::merge_sorted(x, y, strongest_first))
        .unwrap_or_default()
}

/// A story's search caps for one run: [`Options::indexed_terms`],
/// [`Options::postings_budget`] and [`Options::max_postings`], widened by
/// [`Options::widening`] for the number of stories.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Caps {
    indexed_terms: usize,
    postings: usize,
    per_term: usize,
}

impl Caps {
    fn new(options: &Options, stories: usize) -> Self {
        let widening = options.widening(stories);
        Caps {
            indexed_terms: options.indexed_terms * widening.min(4),
            postings: options.postings_budget * widening,
            per_term: options.max_postings * widening,
        }
    }
}

/// Most similar first, ties by indices.
fn strongest_first(x: &Edge, y: &Edge) -> std::cmp::Ordering {
    y.sim.total_cmp(&x.sim).then((x.a, x.b).cmp(&(y.a, y.b)))
}

/// The stories' facts in time order (ties by index).
fn facts(docs: &[Doc<'_>], outlets: &[u32]) -> Vec<Facts> {
    let first = docs.iter().map(|d| d.published).min().unwrap_or_default();
    let mut facts: Vec<Facts> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| Facts {
            doc: i as u32,
            outlet: outlets[i],
            at: (d.published - first)
                .num_seconds()
                .clamp(0, i64::from(u32::MAX)) as u32,
        })
        .collect();
    facts.sort_by_key(|f| (f.at, f.doc));
    facts
}

/// One entry of a posting list: a story (by rank in time order), its weight, and
/// when it was published.
#[derive(Clone, Copy)]
struct Posting {
    rank: u32,
    weight: f32,
    at: u32,
}

/// The posting lists of the informative terms, in one flat array: the list of term
/// `t` is `slots[start[t]..start[t + 1]]`, in time order. `slot_of` gives, for each
/// entry of the flat term rows of [`Vectors`], where that story sits in that term's
/// list, so that a story finds the stories before it without searching.
struct Postings {
    start: Vec<usize>,
    slots: Vec<Posting>,
    slot_of: Vec<u32>,
}

impl Postings {
    /// Every story under each of its indexed terms.
    fn new(vectors: &Vectors, facts: &[Facts], index: &Index) -> Self {
        let mut start = vec![0usize; vectors.df.len() + 1];
        for &entry in &index.entries {
            start[vectors.term_at(entry as usize) as usize + 1] += 1;
        }
        for t in 0..vectors.df.len() {
            start[t + 1] += start[t];
        }
        let mut fill = start.clone();
        let empty = Posting {
            rank: 0,
            weight: 0.0,
            at: 0,
        };
        let mut slots = vec![empty; index.entries.len()];
        let mut slot_of = vec![u32::MAX; vectors.len()];
        for (rank, f) in facts.iter().enumerate() {
            for &entry in index.of(f.doc) {
                let (term, weight) = vectors.entry(entry as usize);
                let slot = &mut fill[term as usize];
                slots[*slot] = Posting {
                    rank: rank as u32,
                    weight,
                    at: f.at,
                };
                slot_of[entry as usize] = *slot as u32;
                *slot += 1;
            }
        }
        Postings {
            start,
            slots,
            slot_of,
        }
    }

    /// The stories before the story whose row entry `entry` is for `term`, oldest
    /// first.
    fn before(&self, term: u32, entry: usize) -> &[Posting] {
        &self.slots[self.start[term as usize]..self.slot_of[entry] as usize]
    }
}

/// Which terms of each story are indexed: its [`Options::indexed_terms`] heaviest
/// informative terms, heaviest first, as entries of the flat rows of [`Vectors`].
struct Index {
    offsets: Vec<usize>,
    entries: Vec<u32>,
}

impl Index {
    fn new(vectors: &Vectors, common: u32, per_story: usize) -> Self {
        let mut index = Index {
            offsets: Vec::with_capacity(vectors.stories() + 1),
            entries: Vec::with_capacity(vectors.stories() * per_story),
        };
        index.offsets.push(0);
        let mut mine: Vec<(f32, u32)> = Vec::new();
        for doc in 0..vectors.stories() {
            let (row, offset) = (vectors.row(doc), vectors.offset(doc));
            mine.clear();
            mine.extend(
                (row.terms.iter().zip(row.weights).enumerate())
                    .filter(|(_, (t, _))| vectors.df[**t as usize] <= common)
                    .map(|(k, (_, &w))| (w, (offset + k) as u32)),
            );
            mine.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            index
                .entries
                .extend(mine.iter().take(per_story).map(|&(_, e)| e));
            index.offsets.push(index.entries.len());
        }
        index
    }

    /// The indexed entries of story `doc`, heaviest first.
    fn of(&self, doc: u32) -> &[u32] {
        &self.entries[self.offsets[doc as usize]..self.offsets[doc as usize + 1]]
    }
}

/// What every search shares.
struct Search<'a> {
    vectors: &'a Vectors,
    facts: &'a [Facts],
    postings: &'a Postings,
    index: &'a Index,
    window: u32,
    options: &'a Options,
    caps: Caps,
}

impl Search<'_> {
    /// The edges from each story of `ranks` to earlier ones.
    fn ranks(&self, ranks: std::ops::Range<usize>) -> Vec<Edge> {
        let mut partial = vec![0.0f32; self.facts.len()];
        let mut dense = vec![0.0f32; self.vectors.df.len()];
        let (mut touched, mut shortlist) = (Vec::new(), Vec::new());
        let mut edges = Vec::new();
        for rank in ranks {
            self.walk(rank, &mut partial, &mut touched);
            self.shortlist(rank, &mut touched, &mut partial, &mut shortlist);
            self.compare(rank, &shortlist, &mut dense, &mut edges);
        }
        edges
    }

    /// The at most [`EDGES_PER_STORY`] stories reached by the walk with the largest
    /// partial similarity, if it reaches [`PREFILTER`] of the threshold, leaving out
    /// the story's own outlet when [`Options::one_story_per_outlet`] is set. Clears
    /// `touched` and `partial`.
    fn shortlist(
        &self,
        rank: usize,
        touched: &mut Vec<u32>,
        partial: &mut [f32],
        shortlist: &mut Vec<(f32, u32)>,
    ) {
        let me = self.facts[rank];
        let least = PREFILTER * self.options.threshold;
        shortlist.clear();
        for j in touched.drain(..) {
            let part = std::mem::take(&mut partial[j as usize]);
            let same_outlet =
                || self.options.one_story_per_outlet && self.facts[j as usize].outlet == me.outlet;
            if part >= least && !same_outlet() {
                shortlist.push((part, j));
            }
        }
        if shortlist.len() > EDGES_PER_STORY {
            let largest = |x: &(f32, u32), y: &(f32, u32)| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1));
            shortlist.select_nth_unstable_by(EDGES_PER_STORY, largest);
            shortlist.truncate(EDGES_PER_STORY);
        }
    }

    /// The exact, faded similarity of story `rank` with each shortlisted one, kept as
    /// an edge if it reaches the threshold. `dense` (all zeros) holds the story's
    /// vector meanwhile, so each comparison is one pass over the other story's terms.
    fn compare(
        &self,
        rank: usize,
        shortlist: &[(f32, u32)],
        dense: &mut [f32],
        edges: &mut Vec<Edge>,
    ) {
        if shortlist.is_empty() {
            return;
        }
        let me = self.facts[rank];
        let row = self.vectors.row(me.doc as usize);
        for (&t, &w) in row.terms.iter().zip(row.weights) {
            dense[t as usize] = w;
        }
        for &(_, j) in shortlist {
            let them = self.facts[j as usize];
            let other = self.vectors.row(them.doc as usize);
            let dot: f32 = (other.terms.iter().zip(other.weights))
                .map(|(&t, &w)| dense[t as usize] * w)
                .sum();
            let sim = dot * fade(me.at - them.at, self.window);
            if sim >= self.options.threshold {
                let (a, b) = (me.doc.min(them.doc), me.doc.max(them.doc));
                edges.push(Edge { sim, a, b });
            }
        }
        for &t in row.terms {
            dense[t as usize] = 0.0;
        }
    }

    /// Accumulates into `partial` the similarity story `rank` gets from each earlier
    /// story through its informative terms, noting in `touched` the stories reached.
    fn walk(&self, rank: usize, partial: &mut [f32], touched: &mut Vec<u32>) {
        let me = self.facts[rank];
        let mut budget = self.caps.postings;
        for &entry in self.index.of(me.doc) {
            if budget == 0 {
                break;
            }
            let (term, weight) = self.vectors.entry(entry as usize);
            let earlier = self.postings.before(term, entry as usize);
            for p in earlier.iter().rev().take(self.caps.per_term.min(budget)) {
                if me.at - p.at > self.window {
                    break;
                }
                budget -= 1;
                let slot = &mut partial[p.rank as usize];
                if *slot == 0.0 {
                    touched.push(p.rank);
                }
                *slot += weight * p.weight;
            }
        }
    }
}

/// How much of a pair's similarity counts, by the seconds between the two stories:
/// all of it at the same instant, fading linearly to nothing at the window's edge.
/// Reports of one event bunch up in time; look-alike events (the next day's match,
/// the talks that failed the day after they began) are further apart.
pub(super) fn fade(apart: u32, window: u32) -> f32 {
    (1.0 - apart as f32 / window as f32).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_windows_are_searched_with_wider_caps_and_large_ones_as_configured() {
        let options = Options::default();
        let wide = Caps::new(&options, 120);
        assert_eq!(
            wide,
            Caps {
                indexed_terms: options.indexed_terms * 4,
                postings: options.postings_budget * crate::rank::cluster::MAX_WIDENING,
                per_term: options.max_postings * crate::rank::cluster::MAX_WIDENING,
            }
        );
        let large = Caps::new(&options, 100_000);
        assert_eq!(
            large,
            Caps {
                indexed_terms: options.indexed_terms,
                postings: options.postings_budget,
                per_term: options.max_postings,
            }
        );
        // In between, the walks' total stays within the work allowed.
        for stories in [5_000, 10_000, 20_000, 50_000] {
            let caps = Caps::new(&options, stories);
            assert!(
                caps.postings * stories
                    <= options.search_work.max(options.postings_budget * stories)
            );
            assert!(caps.postings >= options.postings_budget);
        }
    }
}
