//! Merging two groups' states: the sum of their vectors and the union of what the
//! merge rule reads of them, grown in place in the larger of the two.

use super::{Group, Groups};

impl Groups<'_> {
    /// Merges the groups of `a` and `b` into the one with the smaller root. The
    /// merged state is the larger of the two grown in place by the other (sums of
    /// sizes, times and weights are the same bits either way round, the sets the
    /// same values), or a new one when both are stories alone.
    pub fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        let (keep, gone) = (a.min(b), a.max(b));
        let terms = |g: &Option<Box<Group>>| g.as_ref().map_or(0, |g| g.terms.len());
        let (base, other) = match terms(&self.merged[gone]) > terms(&self.merged[keep]) {
            true => (gone, keep),
            false => (keep, gone),
        };
        let mut group = match self.merged[base].take() {
            Some(group) => group,
            None => Box::new(self.alone(base)),
        };
        self.absorb(&mut group, other);
        self.merged[other] = None;
        self.merged[keep] = Some(group);
        self.parent[gone] = keep;
    }

    /// The state of the story `i` alone, as a group of one.
    fn alone(&self, i: usize) -> Group {
        let row = self.vectors.row(i);
        let (ahead, records) = self.outlook(i);
        Group {
            size: 1.0,
            outlets: vec![self.outlet_of[i]],
            numbers: set_of(self.numbers(i)),
            units: set_of(self.units(i)),
            cyrillic: self.cyrillic(i),
            ahead,
            records,
            title_names: set_of(self.title_names(i)),
            all_names: set_of(self.all_names(i)),
            sure_names: set_of(self.sure_names(i)),
            time_sum: self.times[i] as f64,
            terms: row.terms.to_vec(),
            weights: row.weights.iter().map(|w| 0.0 + w).collect(),
        }
    }

    /// Adds the group rooted at `other` to `group`.
    fn absorb(&self, group: &mut Group, other: usize) {
        self.sum(other)
            .add_into(&mut group.terms, &mut group.weights);
        add_set(&mut group.outlets, self.outlets(other));
        add_set(&mut group.numbers, self.numbers(other));
        add_set(&mut group.units, self.units(other));
        group.cyrillic = group.cyrillic && self.cyrillic(other);
        let (ahead, records) = self.outlook(other);
        group.ahead += ahead;
        group.records += records;
        add_set(&mut group.title_names, self.title_names(other));
        add_set(&mut group.all_names, self.all_names(other));
        add_set(&mut group.sure_names, self.sure_names(other));
        group.time_sum += self.time_sum(other);
        group.size += self.size(other);
    }
}

/// The sorted, distinct values of `list`.
fn set_of<T: Ord + Copy>(list: &[T]) -> Vec<T> {
    let mut set = list.to_vec();
    if !set.is_sorted_by(|x, y| x < y) {
        set.sort_unstable();
        set.dedup();
    }
    set
}

/// Adds the values of `list` to `set` (sorted, distinct), in place: the values
/// sorted and deduplicated of the two concatenated.
fn add_set<T: Ord + Copy>(set: &mut Vec<T>, list: &[T]) {
    if !list.is_sorted_by(|x, y| x < y) {
        return add_set(set, &set_of(list));
    }
    if list.len() * 8 <= set.len() {
        for &value in list {
            if let Err(at) = set.binary_search(&value) {
                set.insert(at, value);
            }
        }
        return;
    }
    // How many of `list`'s values the set lacks, then a merge from the back.
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < set.len() && j < list.len() {
        let (x, y) = (set[i], list[j]);
        shared += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    let Some(&filler) = list.first() else {
        return;
    };
    let old = set.len();
    set.resize(old + list.len() - shared, filler);
    let (mut i, mut j, mut at) = (old, list.len(), set.len());
    while j > 0 {
        at -= 1;
        if i > 0 && set[i - 1] >= list[j - 1] {
            j -= usize::from(set[i - 1] == list[j - 1]);
            set[at] = set[i - 1];
            i -= 1;
        } else {
            set[at] = list[j - 1];
            j -= 1;
        }
    }
}

/// Whether two sorted lists have a value in common: the shorter's values looked up
/// in the longer, or one walk through both when their lengths are alike.
pub(super) fn any_shared<T: Ord + Copy>(x: &[T], y: &[T]) -> bool {
    let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    if long.len() > 8 * short.len() {
        return short.iter().any(|o| long.binary_search(o).is_ok());
    }
    let (mut i, mut j) = (0, 0);
    while i < short.len() && j < long.len() {
        let (a, b) = (short[i], long[j]);
        if a == b {
            return true;
        }
        i += usize::from(a < b);
        j += usize::from(b < a);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_lists_share_a_value_when_one_holds_one_of_the_others() {
        let mut rng = fastrand::Rng::with_seed(9);
        for _ in 0..3000 {
            let mut list = |most: usize| {
                let mut list: Vec<u32> = (0..rng.usize(0..most)).map(|_| rng.u32(0..300)).collect();
                list.sort_unstable();
                list.dedup();
                list
            };
            let (x, y) = (list(40), list(120));
            let expected = x.iter().any(|v| y.contains(v));
            assert_eq!(any_shared(&x, &y), expected, "{x:?} {y:?}");
            assert_eq!(any_shared(&y, &x), expected);
        }
    }

    #[test]
    fn a_set_grows_to_the_sorted_distinct_values_of_both() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..2000 {
            let mut set: Vec<u32> = (0..rng.usize(0..100)).map(|_| rng.u32(0..200)).collect();
            set.sort_unstable();
            set.dedup();
            let list: Vec<u32> = (0..rng.usize(0..12)).map(|_| rng.u32(0..200)).collect();
            let mut expected = [set.as_slice(), list.as_slice()].concat();
            expected.sort_unstable();
            expected.dedup();
            let mut grown = set.clone();
            add_set(&mut grown, &list);
            assert_eq!(grown, expected, "{set:?} + {list:?}");
        }
    }

    #[test]
    fn a_set_of_a_list_is_sorted_and_distinct() {
        assert_eq!(set_of(&[3u64, 1, 3, 2]), vec![1, 2, 3]);
        assert_eq!(set_of(&[1u64, 2, 5]), vec![1, 2, 5]);
        assert_eq!(set_of::<u64>(&[]), Vec::<u64>::new());
    }
}
