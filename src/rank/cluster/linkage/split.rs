//! [`Groups::join_similar`] on two threads, with the same groups as on one.
//!
//! Merging along an edge reads and changes only the two groups it joins, and a
//! refusal is remembered for those two groups alone: so the edges of one connected
//! component of the graph (the stories, linked by the edges and by the groups of
//! one URL already formed) never read or change another component's groups. Taken
//! in their own order, one component's edges merge exactly as they do among all the
//! edges in one pass, to the same groups, sums and union-find forest. The
//! components are shared out between two threads (the second works on a copy of
//! the forest, in which it touches only its own components' stories), then the
//! second's stories are copied back.

use super::{Edge, Groups, Options};

/// Below this many edges the merging runs on one thread (starting one costs more).
const SPLIT_FROM: usize = 4096;

/// The edges of each thread, in their order among all the edges, and the stories
/// of the second thread's components.
struct Shares {
    first: Vec<Edge>,
    second: Vec<Edge>,
    theirs: Vec<bool>,
}

impl Groups<'_> {
    /// Merges along `edges` (most similar first) by the group-average rule, keeping
    /// one story per outlet in a group when [`Options::one_story_per_outlet`] is set.
    pub fn join_similar(&mut self, edges: &[Edge], options: &Options) {
        self.join_similar_from(edges, options, SPLIT_FROM);
    }

    /// [`Groups::join_similar`], on two threads from `split_from` edges on when the
    /// components allow it.
    fn join_similar_from(&mut self, edges: &[Edge], options: &Options, split_from: usize) {
        let shares = match edges.len() >= split_from {
            true => share(&self.parent, edges),
            false => None,
        };
        let Some(Shares {
            first,
            second,
            theirs,
        }) = shares
        else {
            return self.join_edges(edges, options);
        };
        let mut other = self.sibling(&theirs);
        std::thread::scope(|scope| {
            let other = scope.spawn(move || {
                other.join_edges(&second, options);
                other
            });
            self.join_edges(&first, options);
            let other = other.join().expect("merging does not panic");
            self.adopt(other, &theirs);
        });
    }

    /// A copy of the forest for the stories of `theirs`, which move their merged
    /// states to it.
    fn sibling(&mut self, theirs: &[bool]) -> Self {
        let merged = (self.merged.iter_mut().zip(theirs))
            .map(|(state, &theirs)| if theirs { state.take() } else { None })
            .collect();
        Groups {
            vectors: self.vectors,
            outlet_of: self.outlet_of,
            numbers: self.numbers,
            units: self.units,
            names: self.names,
            cyrillic: self.cyrillic,
            outlook: self.outlook,
            times: self.times.clone(),
            parent: self.parent.clone(),
            merged,
        }
    }

    /// Takes back the stories of `theirs` from `other`.
    fn adopt(&mut self, mut other: Self, theirs: &[bool]) {
        for (i, _) in theirs.iter().enumerate().filter(|(_, theirs)| **theirs) {
            self.parent[i] = other.parent[i];
            self.merged[i] = other.merged[i].take();
        }
    }
}

/// The root of `i` in the components' forest (halving the path).
fn root(forest: &mut [u32], mut i: u32) -> u32 {
    while forest[i as usize] != i {
        forest[i as usize] = forest[forest[i as usize] as usize];
        i = forest[i as usize];
    }
    i
}

fn link(forest: &mut [u32], a: u32, b: u32) {
    let (a, b) = (root(forest, a), root(forest, b));
    forest[a.max(b) as usize] = a.min(b);
}

/// The connected components of the stories (the groups of `parent`, linked by
/// `edges`) shared out between two threads by their number of edges, each to the
/// one with fewer so far, in order of their first edge; `None` when one thread
/// would get less than a quarter of the edges (one large component).
fn share(parent: &[usize], edges: &[Edge]) -> Option<Shares> {
    let n = parent.len();
    let mut forest: Vec<u32> = (0..n as u32).collect();
    for (i, &p) in parent.iter().enumerate().filter(|(i, p)| *i != **p) {
        link(&mut forest, i as u32, p as u32);
    }
    for edge in edges {
        link(&mut forest, edge.a, edge.b);
    }
    let roots: Vec<u32> = (edges.iter()).map(|e| root(&mut forest, e.a)).collect();
    let mut load = vec![0u32; n];
    for &r in &roots {
        load[r as usize] += 1;
    }
    // 0: not yet shared out; 1: the first thread's; 2: the second's.
    let mut side = vec![0u8; n];
    let mut totals = [0usize; 2];
    for &r in &roots {
        if side[r as usize] == 0 {
            let t = usize::from(totals[1] < totals[0]);
            side[r as usize] = t as u8 + 1;
            totals[t] += load[r as usize] as usize;
        }
    }
    if totals[0].min(totals[1]) < edges.len() / 4 {
        return None;
    }
    let (mut first, mut second) = (Vec::with_capacity(totals[0]), Vec::with_capacity(totals[1]));
    for (&edge, &r) in edges.iter().zip(&roots) {
        match side[r as usize] {
            1 => first.push(edge),
            _ => second.push(edge),
        }
    }
    let theirs = (0..n as u32)
        .map(|i| side[root(&mut forest, i) as usize] == 2)
        .collect();
    Some(Shares {
        first,
        second,
        theirs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::cluster::{
        Doc, candidates, linkage::Evidence, names::Names, outlet_ids, vectors::Tokens,
    };

    #[test]
    fn two_threads_merge_to_the_same_groups_as_one() {
        // Events of three reports each, under look-alike headlines (words of a
        // small made-up vocabulary): merges, refusals and look-alike events in
        // components of several sizes; some reports share a URL.
        let syllables = ["ka", "lo", "mi", "ru", "te", "sa", "no", "vi"];
        let words: Vec<String> = (0..64)
            .map(|w| format!("{}{}", syllables[w / 8], syllables[w % 8]))
            .collect();
        let outlets = ["a", "b", "c", "d", "e", "f", "g"];
        let texts: Vec<(String, String, Option<String>)> = (0..1200)
            .map(|i| {
                let event = i / 3;
                let word = |k: usize| words[(event * 7 + k * 13 + (i % 3) * (k / 3)) % 64].as_str();
                let title = format!(
                    "{} {} {} {} {}",
                    word(0),
                    word(1),
                    word(2),
                    word(3),
                    event % 97
                );
                let summary = format!("{} {} and {}", word(4), word(1), word(5));
                let url = (i % 50 == 0).then(|| format!("https://x.example/{}", i / 100));
                (title, summary, url)
            })
            .collect();
        let docs: Vec<Doc<'_>> = (texts.iter().enumerate())
            .map(|(i, (title, summary, url))| Doc {
                outlet: outlets[i % outlets.len()],
                url: url.as_deref(),
                title,
                summary,
                published: chrono::DateTime::UNIX_EPOCH + chrono::Duration::minutes(i as i64 * 7),
            })
            .collect();
        let options = Options::default();
        let tokens = Tokens::kept(&docs, &[], &options);
        let vectors = tokens.terms();
        let outlet_of = outlet_ids(&docs);
        let edges = candidates::edges(&docs, &outlet_of, &vectors, &options);
        let (numbers, units) = (tokens.numbers(), tokens.units());
        let (cyrillic, names) = (tokens.cyrillic(), Names::none(docs.len()));
        let outlook = vec![0u8; docs.len()];
        let groups = || {
            let evidence = Evidence {
                numbers: &numbers,
                units: &units,
                names: &names,
                cyrillic: &cyrillic,
                outlook: &outlook,
            };
            let mut groups = Groups::new(&docs, &outlet_of, &vectors, evidence);
            groups.join_same_urls(&docs, &tokens.urls());
            groups
        };
        let mut one = groups();
        one.join_similar_from(&edges, &options, usize::MAX);
        let mut two = groups();
        let shares = share(&two.parent, &edges).expect("components to share out");
        assert!(!shares.first.is_empty() && !shares.second.is_empty());
        two.join_similar_from(&edges, &options, 0);
        assert_eq!(one.parent, two.parent);
        for i in 0..docs.len() {
            assert_eq!(one.size(i), two.size(i));
            assert_eq!(one.outlets(i), two.outlets(i));
            let (x, y) = (one.sum(i), two.sum(i));
            assert_eq!((x.terms, x.weights), (y.terms, y.weights));
        }
        let partition = one.into_partition();
        assert!(partition.len() < docs.len() * 2 / 3, "{}", partition.len());
        assert_eq!(partition, two.into_partition());
    }
}
