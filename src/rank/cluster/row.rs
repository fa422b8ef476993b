//! A sparse vector of term weights and the two operations clustering does on them:
//! the dot product (a cosine, the rows being normalised) and the sum (a group's).

/// A sparse vector, sorted by term.
#[derive(Clone, Copy)]
pub(super) struct Row<'a> {
    pub terms: &'a [u32],
    pub weights: &'a [f32],
}

impl Row<'_> {
    /// The dot product. When one vector is much longer (a large group's sum against
    /// one story), the shorter one's terms are looked up in it by binary search.
    pub fn dot(self, other: Row<'_>) -> f32 {
        let (short, long) = if self.terms.len() <= other.terms.len() {
            (self, other)
        } else {
            (other, self)
        };
        if long.terms.len() > 16 * short.terms.len().max(1) {
            return (short.terms.iter().zip(short.weights))
                .filter_map(|(t, w)| {
                    long.terms
                        .binary_search(t)
                        .ok()
                        .map(|k| w * long.weights[k])
                })
                .sum();
        }
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while i < short.terms.len() && j < long.terms.len() {
            match short.terms[i].cmp(&long.terms[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += short.weights[i] * long.weights[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// The sum, as owned vectors.
    pub fn add(self, other: Row<'_>) -> (Vec<u32>, Vec<f32>) {
        let capacity = self.terms.len() + other.terms.len();
        let (mut terms, mut weights) = (Vec::with_capacity(capacity), Vec::with_capacity(capacity));
        let (mut i, mut j) = (0, 0);
        while i < self.terms.len() || j < other.terms.len() {
            let (a, b) = (self.terms.get(i), other.terms.get(j));
            let take_a = b.is_none_or(|b| a.is_some_and(|a| a <= b));
            let take_b = a.is_none_or(|a| b.is_some_and(|b| b <= a));
            let mut weight = 0.0;
            if take_a {
                weight += self.weights[i];
                terms.push(self.terms[i]);
                i += 1;
            }
            if take_b {
                weight += other.weights[j];
                if !take_a {
                    terms.push(other.terms[j]);
                }
                j += 1;
            }
            weights.push(weight);
        }
        (terms, weights)
    }
}
