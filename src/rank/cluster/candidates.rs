//! Candidate pairs: which stories are worth comparing, and how similar they are.
//!
//! Comparing every pair is quadratic (5·10⁹ pairs for 100,000 stories), so pairs are
//! proposed by an inverted index kept in time order. Each story walks back the
//! posting lists of its informative terms, heaviest term first, accumulating the
//! part of the cosine those terms give; a walk stops at the edge of the time window,
//! after [`Options::max_postings`] stories, or when the story has spent its
//! [`Options::postings_budget`]. Terms in more than [`Options::common_share`] of the
//! stories are too common to propose pairs: their part of the cosine is bounded
//! instead (Cauchy–Schwarz on the two stories' common-term weights), and only a pair
//! whose partial similarity plus that bound can reach the threshold gets its exact
//! cosine computed. Stories are independent here, so large inputs are shared out
//! between threads; the edges are sorted afterwards, so the result is the same.

use super::{Doc, Options, vectors::Vectors};

/// Below this many stories one thread is faster than starting several.
const PARALLEL_FROM: usize = 8192;

/// At most this many threads.
const MAX_THREADS: usize = 4;

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
    /// Norm of the story's common-term weights.
    common_mass: f32,
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
    let facts = facts(docs, outlets, vectors, common);
    let postings = Postings::new(vectors, &facts, common);
    let search = Search {
        vectors,
        facts: &facts,
        postings: &postings,
        common,
        window: options
            .chrono_window()
            .num_seconds()
            .clamp(1, i64::from(u32::MAX)) as u32,
        options,
    };
    let threads = if docs.len() < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
    };
    let chunk = docs.len().div_ceil(threads).max(1);
    let mut edges: Vec<Edge> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..docs.len())
            .step_by(chunk)
            .map(|from| {
                let search = &search;
                scope.spawn(move || search.ranks(from..(from + chunk).min(docs.len())))
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("the search does not panic"))
            .collect()
    });
    edges.sort_unstable_by(|x, y| y.sim.total_cmp(&x.sim).then((x.a, x.b).cmp(&(y.a, y.b))));
    edges
}

/// The stories' facts in time order (ties by index).
fn facts(docs: &[Doc<'_>], outlets: &[u32], vectors: &Vectors, common: u32) -> Vec<Facts> {
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
            common_mass: vectors.row(i).mass(|t| vectors.df[t as usize] > common),
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
    /// Every story under every term that appears in at most `common` stories.
    fn new(vectors: &Vectors, facts: &[Facts], common: u32) -> Self {
        let mut start = Vec::with_capacity(vectors.df.len() + 1);
        let mut total = 0;
        for &d in &vectors.df {
            start.push(total);
            total += if d <= common { d as usize } else { 0 };
        }
        start.push(total);
        let mut fill = start.clone();
        let empty = Posting {
            rank: 0,
            weight: 0.0,
            at: 0,
        };
        let mut slots = vec![empty; total];
        let mut slot_of = vec![u32::MAX; vectors.len()];
        for (rank, f) in facts.iter().enumerate() {
            let (row, offset) = (vectors.row(f.doc as usize), vectors.offset(f.doc as usize));
            let entries = row.terms.iter().zip(row.weights).enumerate();
            for (k, (&term, &weight)) in entries {
                if vectors.df[term as usize] <= common {
                    let slot = &mut fill[term as usize];
                    slots[*slot] = Posting {
                        rank: rank as u32,
                        weight,
                        at: f.at,
                    };
                    slot_of[offset + k] = *slot as u32;
                    *slot += 1;
                }
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

/// One informative term of the story searching: its weight, and its entry in the
/// flat rows.
struct Query {
    weight: f32,
    term: u32,
    entry: usize,
}

/// What every search shares.
struct Search<'a> {
    vectors: &'a Vectors,
    facts: &'a [Facts],
    postings: &'a Postings,
    common: u32,
    window: u32,
    options: &'a Options,
}

impl Search<'_> {
    /// The edges from each story of `ranks` to earlier ones.
    fn ranks(&self, ranks: std::ops::Range<usize>) -> Vec<Edge> {
        let mut partial = vec![0.0f32; self.facts.len()];
        let (mut query, mut touched, mut edges) = (Vec::new(), Vec::new(), Vec::new());
        for rank in ranks {
            self.walk(rank, &mut query, &mut partial, &mut touched);
            for j in touched.drain(..) {
                let bound = std::mem::take(&mut partial[j as usize]);
                if let Some(edge) = self.judge(rank, j as usize, bound) {
                    edges.push(edge);
                }
            }
        }
        edges
    }

    /// Accumulates into `partial` the similarity story `rank` gets from each earlier
    /// story through its informative terms, noting in `touched` the stories reached.
    fn walk(
        &self,
        rank: usize,
        query: &mut Vec<Query>,
        partial: &mut [f32],
        touched: &mut Vec<u32>,
    ) {
        let me = self.facts[rank];
        let (row, offset) = (
            self.vectors.row(me.doc as usize),
            self.vectors.offset(me.doc as usize),
        );
        query.clear();
        query.extend(
            (row.terms.iter().zip(row.weights).enumerate())
                .filter(|(_, (t, _))| self.vectors.df[**t as usize] <= self.common)
                .map(|(k, (&term, &weight))| Query {
                    weight,
                    term,
                    entry: offset + k,
                }),
        );
        query.sort_unstable_by(|a, b| b.weight.total_cmp(&a.weight).then(a.term.cmp(&b.term)));
        let mut budget = self.options.postings_budget;
        for q in query.iter() {
            if budget == 0 {
                break;
            }
            let earlier = self.postings.before(q.term, q.entry);
            let weight = q.weight;
            for p in earlier
                .iter()
                .rev()
                .take(self.options.max_postings.min(budget))
            {
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

    /// The edge between stories `rank` and `other` (an earlier rank), if their
    /// similarity reaches the threshold; `partial` is what the walk found.
    fn judge(&self, rank: usize, other: usize, partial: f32) -> Option<Edge> {
        let (me, them) = (self.facts[rank], self.facts[other]);
        let fade = fade(me.at - them.at, self.window);
        let bound = (partial + me.common_mass * them.common_mass) * fade;
        let same_outlet = self.options.one_story_per_outlet && me.outlet == them.outlet;
        if bound < self.options.threshold || same_outlet {
            return None;
        }
        let sim = self.vectors.dot(me.doc as usize, them.doc as usize) * fade;
        let (a, b) = (me.doc.min(them.doc), me.doc.max(them.doc));
        (sim >= self.options.threshold).then_some(Edge { sim, a, b })
    }
}

/// How much of a pair's similarity counts, by the seconds between the two stories:
/// all of it at the same instant, fading linearly to nothing at the window's edge.
/// Reports of one event bunch up in time; look-alike events (the next day's match,
/// the talks that failed the day after they began) are further apart.
pub(super) fn fade(apart: u32, window: u32) -> f32 {
    (1.0 - apart as f32 / window as f32).max(0.0)
}
