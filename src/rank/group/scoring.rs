//! Each group of the partition scored, and the groups sorted best first: on two
//! threads for many groups.

use super::{Candidates, Group};
use crate::rank::{Input, score};

impl Candidates<'_> {
    /// Scores every group of the partition (`members[starts[g]..starts[g + 1]]`,
    /// put in representative order) and sorts them best first: on two threads for
    /// many groups, each scoring and sorting half, the halves then merged (the
    /// order compares scores, then representatives, then first members, which
    /// differ for every two groups, so the merge is the one sort's order).
    pub(super) fn groups(
        &self,
        input: &Input<'_>,
        members: &mut [u32],
        starts: &[u32],
    ) -> Vec<Group> {
        let count = starts.len().saturating_sub(1);
        if count < crate::rank::parallel_from() {
            let mut groups = self.score(input, members, starts, 0);
            groups.sort_unstable_by(best_first);
            return groups;
        }
        let half = count / 2;
        let (first, second) = members.split_at_mut(starts[half] as usize);
        let (first_starts, second_starts) = (&starts[..=half], &starts[half..]);
        let (a, b) = std::thread::scope(|scope| {
            let second = scope.spawn(|| {
                let mut groups = self.score(input, second, second_starts, half);
                groups.sort_unstable_by(best_first);
                groups
            });
            let mut groups = self.score(input, first, first_starts, 0);
            groups.sort_unstable_by(best_first);
            (groups, second.join().expect("scoring does not panic"))
        });
        crate::rank::cluster::parallel::merge_sorted(a, b, best_first)
    }

    /// Scores the groups `members[starts[k] - starts[0]..starts[k + 1] -
    /// starts[0]]`, numbered from `first`.
    fn score(
        &self,
        input: &Input<'_>,
        members: &mut [u32],
        starts: &[u32],
        first: usize,
    ) -> Vec<Group> {
        let base = starts[0] as usize;
        let mut seen = vec![u32::MAX; self.outlet_names.len()];
        (starts.windows(2).enumerate())
            .map(|(k, w)| {
                let range = w[0] as usize - base..w[1] as usize - base;
                let g = (first + k) as u32;
                self.group(input, &mut members[range], &mut seen, g, w)
            })
            .collect()
    }

    /// Scores the group of `members` (put in representative order: the heaviest
    /// source, then the earliest, then by id). `seen` marks, by outlet, the last group
    /// that counted it; this group is number `g`.
    fn group(
        &self,
        input: &Input<'_>,
        members: &mut [u32],
        seen: &mut [u32],
        g: u32,
        bounds: &[u32],
    ) -> Group {
        if members.len() > 1 {
            members.sort_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                (self.weight[b].total_cmp(&self.weight[a]))
                    .then_with(|| self.published[a].cmp(&self.published[b]))
                    .then_with(|| self.stories[a].id.cmp(&self.stories[b].id))
            });
        }
        let (mut read, mut most_read_rank, mut outlets) = (0.0f64, None::<u32>, 0);
        for &i in members.iter() {
            let i = i as usize;
            let (value, rank) = self.read[i];
            read = read.max(value);
            most_read_rank = match (most_read_rank, rank) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let mark = &mut seen[self.outlet[i] as usize];
            if *mark != g {
                *mark = g;
                outlets += 1;
            }
        }
        let rep = members[0] as usize;
        let score = score::score(
            &input.edition.ranking,
            self.weight[rep],
            self.published[rep],
            input.now,
            read,
            outlets,
        );
        Group {
            total: score.total,
            read,
            start: bounds[0],
            end: bounds[1],
            outlets,
            most_read_rank,
            section: self.section[rep],
            order: self.order[rep],
        }
    }
}

/// Best first; then the newest representative, then by its id (its order), then
/// by first member.
fn best_first(a: &Group, b: &Group) -> std::cmp::Ordering {
    (b.total.total_cmp(&a.total))
        .then(a.order.cmp(&b.order))
        .then(a.start.cmp(&b.start))
}
