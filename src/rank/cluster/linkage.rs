//! Merging similar stories into groups, without chaining.
//!
//! Stories with the same article URL start in one group (syndicated copies, or one
//! story in two feeds of an outlet). Then the edges are taken from the most similar
//! down, and the two groups they join are merged only if the *average* similarity
//! over all their cross pairs reaches the threshold. Because the vectors are
//! normalised, that average is `(ΣA · ΣB) / (|A| · |B|)`, computed from one running
//! sum vector per group, so the check costs one sparse dot product however large the
//! groups are. Single linkage (merge on any one similar pair) chains: A resembles B,
//! B resembles C, and an unrelated A and C end up together.

mod evidence;
mod merge;
mod split;
#[cfg(test)]
mod tests;

use std::collections::HashSet;

use super::{
    Doc, Options, Partition,
    candidates::{Edge, fade},
    names::Names,
    tokens::FastStrings,
    vectors::{Numbers, Row, Units, Vectors},
};

/// The groups being built: a union-find forest over story indices, with the state of
/// each group kept at its root (the group's smallest index). A story alone is
/// described by its own row and outlet; state is allocated only on merging.
pub(super) struct Groups<'a> {
    vectors: &'a Vectors,
    outlet_of: &'a [u32],
    numbers: &'a Numbers,
    units: &'a Units,
    names: &'a Names,
    /// Per story: whether its title is in Cyrillic.
    cyrillic: &'a [bool],
    /// Per story: its title's [`crate::rank::text::outlook::marks`].
    outlook: &'a [u8],
    /// Each story's publication time, in seconds.
    times: Vec<i64>,
    parent: Vec<usize>,
    /// At roots: the merged state, `None` for a story still alone (boxed: the
    /// merge rule checks this for random roots, and 8 bytes a story stay in the
    /// cache where a whole `Group` a story, 18 MB for 100,000, does not).
    merged: Vec<Option<Box<Group>>>,
}

/// What the merge rule reads of each story besides its vector, per story.
pub(super) struct Evidence<'a> {
    /// The numbers of its title.
    pub numbers: &'a Numbers,
    /// Its title's numbers with the term after each.
    pub units: &'a Units,
    /// The names of its title and lede.
    pub names: &'a Names,
    /// Whether its title is in Cyrillic.
    pub cyrillic: &'a [bool],
    /// Its title's [`crate::rank::text::outlook::marks`].
    pub outlook: &'a [u8],
}

/// What the merge rule needs to know about a group of several stories.
struct Group {
    size: f32,
    /// Outlet ids, sorted.
    outlets: Vec<u32>,
    /// The numbers of the members' titles, sorted, each once.
    numbers: Vec<u64>,
    /// Those numbers with the term after each, `(term, significant digits)`,
    /// sorted, each once.
    units: Vec<(u64, u64)>,
    /// Whether every member's title is in Cyrillic.
    cyrillic: bool,
    /// How many members' titles look ahead, and how many report a record.
    ahead: u32,
    records: u32,
    /// The names of the members' titles, and of their titles and ledes, sorted,
    /// each once.
    title_names: Vec<u64>,
    all_names: Vec<u64>,
    /// The names of the members' titles that are surely names, sorted, each once.
    sure_names: Vec<u64>,
    /// The sum of the members' publication times, in seconds.
    time_sum: f64,
    /// The sum of the members' vectors.
    terms: Vec<u32>,
    weights: Vec<f32>,
}

impl<'a> Groups<'a> {
    /// One group per story; `outlet_of` holds a dense outlet id per story.
    pub fn new(
        docs: &[Doc<'_>],
        outlet_of: &'a [u32],
        vectors: &'a Vectors,
        evidence: Evidence<'a>,
    ) -> Self {
        Groups {
            vectors,
            outlet_of,
            numbers: evidence.numbers,
            units: evidence.units,
            names: evidence.names,
            cyrillic: evidence.cyrillic,
            outlook: evidence.outlook,
            times: docs.iter().map(|d| d.published.timestamp()).collect(),
            parent: (0..outlet_of.len()).collect(),
            merged: (0..outlet_of.len()).map(|_| None).collect(),
        }
    }

    fn size(&self, root: usize) -> f32 {
        self.merged[root].as_ref().map_or(1.0, |g| g.size)
    }

    fn outlets(&self, root: usize) -> &[u32] {
        match &self.merged[root] {
            Some(g) => &g.outlets,
            None => std::slice::from_ref(&self.outlet_of[root]),
        }
    }

    /// The mean publication time of the group rooted at `root`, in seconds.
    fn mean_time(&self, root: usize) -> f64 {
        match &self.merged[root] {
            Some(g) => g.time_sum / f64::from(g.size),
            None => self.times[root] as f64,
        }
    }

    fn time_sum(&self, root: usize) -> f64 {
        match &self.merged[root] {
            Some(g) => g.time_sum,
            None => self.times[root] as f64,
        }
    }

    fn sum(&self, root: usize) -> Row<'_> {
        match &self.merged[root] {
            Some(g) => Row {
                terms: &g.terms,
                weights: &g.weights,
            },
            None => self.vectors.row(root),
        }
    }

    /// Puts stories with the same article URL together, whatever their outlets:
    /// each story joins the first one with its URL. `urls` holds a hash of each
    /// story's article URL (0 for none); equal hashes are checked on the URLs.
    pub fn join_same_urls(&mut self, docs: &[Doc<'_>], urls: &[u64]) {
        let twice = seen_twice(urls);
        let mut keyed: Vec<(u64, u32)> = (urls.iter().enumerate())
            .filter(|(_, hash)| **hash != 0 && twice(**hash))
            .map(|(i, &hash)| (hash, i as u32))
            .collect();
        keyed.sort_unstable();
        let url = |i: u32| docs[i as usize].url;
        let mut joins: Vec<(u32, u32)> = Vec::new();
        for same_hash in keyed.chunk_by(|a, b| a.0 == b.0).filter(|c| c.len() > 1) {
            for (k, &(_, i)) in same_hash.iter().enumerate().skip(1) {
                // The first (smallest) story of the run with the same URL.
                let first = same_hash[..k].iter().find(|&&(_, j)| url(j) == url(i));
                if let Some(&(_, j)) = first {
                    joins.push((i, j));
                }
            }
        }
        joins.sort_unstable();
        for (i, j) in joins {
            self.union(i as usize, j as usize);
        }
    }

    /// Merges along `edges` (most similar first) by the group-average rule, keeping
    /// one story per outlet in a group when [`Options::one_story_per_outlet`] is set
    /// (on one thread: [`Groups::join_similar`] shares the work out).
    fn join_edges(&mut self, edges: &[Edge], options: &Options) {
        // Pairs of groups already refused, as (root, root, size, size): a refusal
        // stands until one of the two groups grows.
        let mut refused: HashSet<(usize, usize, u32, u32), FastStrings> = HashSet::default();
        for edge in edges {
            let (a, b) = (self.find(edge.a as usize), self.find(edge.b as usize));
            if a == b {
                continue;
            }
            let key = (a.min(b), a.max(b), self.size(a) as u32, self.size(b) as u32);
            if refused.contains(&key) {
                continue;
            }
            let conflict = options.one_story_per_outlet && self.share_outlet(a, b);
            let bar = if conflict {
                options.same_outlet_threshold
            } else {
                options.threshold
            };
            if bar <= 1.0 && self.reaches(a, b, options, bar) {
                self.union(a, b);
            } else {
                refused.insert(key);
            }
        }
    }

    /// The root of the group of story `i`.
    pub fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Whether the groups rooted at `a` and `b` have an outlet in common.
    pub fn share_outlet(&self, a: usize, b: usize) -> bool {
        merge::any_shared(self.outlets(a), self.outlets(b))
    }

    /// The linkage of the groups rooted at `a` and `b`, as [`Groups::reaches`] tells
    /// it against a bar.
    #[cfg(test)]
    fn linkage(&self, a: usize, b: usize, options: &Options) -> f32 {
        let [fade, numbers, names, outlook] = self.factors(a, b, options);
        self.average(a, b) * fade * numbers * names * outlook
    }

    /// Whether the average similarity over the cross pairs of the groups rooted at `a` and `b`,
    /// faded by the time between their mean publication times over
    /// [`Options::event_span`] (an event is reported within hours, and a group a day
    /// later is more likely the storyline's next development), and lowered when
    /// their titles' numbers disagree ([`Options::number_mismatch`],
    /// [`Options::unit_mismatch`]), their names conflict
    /// ([`Options::name_mismatch`], [`Options::cyrillic_name_mismatch`]) or one
    /// looks ahead where the other reports a record ([`Options::forecast_mismatch`]),
    /// reaches `bar`.
    ///
    /// Without their dot product when one of its factors besides the average
    /// is zero (two titles' counts of one thing disagree, with the default
    /// [`Options::unit_mismatch`]; or the groups are a whole event span apart) and
    /// `bar` is positive: the linkage is then `±0.0`, or NaN, whatever the average,
    /// and reaches no positive bar.
    fn reaches(&self, a: usize, b: usize, options: &Options, bar: f32) -> bool {
        let factors = self.factors(a, b, options);
        if bar > 0.0 && factors.contains(&0.0) {
            return false;
        }
        let [fade, numbers, names, outlook] = factors;
        self.average(a, b) * fade * numbers * names * outlook >= bar
    }

    /// The average similarity over the cross pairs of the groups rooted at `a` and
    /// `b`.
    fn average(&self, a: usize, b: usize) -> f32 {
        self.sum(a).dot(self.sum(b)) / (self.size(a) * self.size(b))
    }

    /// The factors of [`Groups::linkage`] besides the average: the fade, and those
    /// for numbers, names and outlook.
    fn factors(&self, a: usize, b: usize, options: &Options) -> [f32; 4] {
        let apart = (self.mean_time(a) - self.mean_time(b))
            .abs()
            .min(f64::from(u32::MAX));
        let span = options.event_span.as_secs().clamp(1, u64::from(u32::MAX)) as u32;
        let numbers = if self.units_disagree(a, b) {
            options.number_mismatch.min(options.unit_mismatch)
        } else if self.numbers_disagree(a, b) {
            options.number_mismatch
        } else {
            1.0
        };
        let name_mismatch = if self.cyrillic(a) && self.cyrillic(b) {
            options.cyrillic_name_mismatch
        } else {
            options.name_mismatch
        };
        let names = if name_mismatch < 1.0 && self.names_conflict(a, b, options.lede_names) {
            name_mismatch
        } else {
            1.0
        };
        let outlook = if options.forecast_mismatch < 1.0 && self.forecast_and_record(a, b) {
            options.forecast_mismatch
        } else {
            1.0
        };
        [fade(apart as u32, span), numbers, names, outlook]
    }

    /// The final groups: members ascending, groups by first member. The groups'
    /// states are freed on another thread meanwhile (tens of thousands of them).
    pub fn into_partition(mut self) -> Partition {
        let merged = std::mem::take(&mut self.merged);
        if merged.len() < FREE_APART_FROM {
            drop(merged);
            return self.partition();
        }
        std::thread::scope(|scope| {
            scope.spawn(move || drop(merged));
            self.partition()
        })
    }

    fn partition(&mut self) -> Partition {
        let n = self.parent.len();
        // Each root's group number, in order of first member, and each group's size.
        let mut number = vec![u32::MAX; n];
        let mut sizes: Vec<u32> = Vec::new();
        let roots: Vec<u32> = (0..n).map(|i| self.find(i) as u32).collect();
        for &root in &roots {
            let slot = &mut number[root as usize];
            if *slot == u32::MAX {
                *slot = sizes.len() as u32;
                sizes.push(0);
            }
            sizes[*slot as usize] += 1;
        }
        let mut starts = Vec::with_capacity(sizes.len() + 1);
        starts.push(0u32);
        for size in &sizes {
            starts.push(starts[starts.len() - 1] + size);
        }
        let mut fill = starts.clone();
        let mut members = vec![0u32; n];
        for (i, &root) in roots.iter().enumerate() {
            let at = &mut fill[number[root as usize] as usize];
            members[*at as usize] = i as u32;
            *at += 1;
        }
        Partition { members, starts }
    }
}

/// A test that holds for every hash of `urls` (but 0) found more than once, and
/// for few others: two bitmaps of eight bits a story, of the hashes seen and of
/// those seen again, so that only those few are sorted to find the stories of one
/// URL, not every story's.
fn seen_twice(urls: &[u64]) -> impl Fn(u64) -> bool {
    let bits = (urls.len() * 8).next_power_of_two().max(64);
    let shift = 64 - bits.trailing_zeros();
    let bit = move |hash: u64| (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize;
    let (mut seen, mut twice) = (vec![0u64; bits / 64], vec![0u64; bits / 64]);
    for &hash in urls.iter().filter(|h| **h != 0) {
        let (word, mask) = (bit(hash) / 64, 1u64 << (bit(hash) % 64));
        twice[word] |= seen[word] & mask;
        seen[word] |= mask;
    }
    move |hash| twice[bit(hash) / 64] & (1 << (bit(hash) % 64)) != 0
}

/// From this many stories [`Groups::into_partition`] frees the groups' states on
/// another thread.
const FREE_APART_FROM: usize = 8192;
