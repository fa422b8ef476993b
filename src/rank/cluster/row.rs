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
        // A walk through both without a branch on the terms (whose order is random
        // to the predictor): every step adds the product when the terms are equal
        // and `+0.0` when not. The sum starts at `+0.0` and so is never `-0.0`, and
        // adding `+0.0` to any other value leaves it as it is: the same bits as
        // adding the products of the shared terms alone, in the order of the terms.
        let (st, lt) = (short.terms, long.terms);
        let (sw, lw) = (&short.weights[..st.len()], &long.weights[..lt.len()]);
        let (mut i, mut j, mut sum) = (0, 0, 0.0f32);
        while i < st.len() && j < lt.len() {
            let (x, y) = (st[i], lt[j]);
            let product = sw[i] * lw[j];
            sum += if x == y { product } else { 0.0 };
            i += usize::from(x <= y);
            j += usize::from(y <= x);
        }
        sum
    }

    /// Adds `other` to the sum `terms` and `weights` (sorted by term) in place: the
    /// same terms and bits as [`Row::add`] of the two, with the sum's weights first
    /// (`0.0 + a + b` as there, `0.0 + b` for a term new to it). The sum's own
    /// weights are taken as they are, not as `0.0 + a`: the same bits unless one is
    /// `-0.0`, which no sum made by [`Row::add`] or this holds.
    pub fn add_into(self, terms: &mut Vec<u32>, weights: &mut Vec<f32>) {
        let (ot, ow) = (self.terms, &self.weights[..self.terms.len()]);
        if ot.len() * 8 <= terms.len() {
            // A story or a small group into a large one: each term looked up.
            for (&term, &weight) in ot.iter().zip(ow) {
                match terms.binary_search(&term) {
                    Ok(k) => weights[k] = 0.0 + weights[k] + weight,
                    Err(k) => {
                        terms.insert(k, term);
                        weights.insert(k, 0.0 + weight);
                    }
                }
            }
            return;
        }
        // How many of `other`'s terms the sum lacks.
        let (mut i, mut j, mut shared) = (0, 0, 0);
        while i < terms.len() && j < ot.len() {
            let (x, y) = (terms[i], ot[j]);
            shared += usize::from(x == y);
            i += usize::from(x <= y);
            j += usize::from(y <= x);
        }
        let old = terms.len();
        let new = old + ot.len() - shared;
        terms.resize(new, 0);
        weights.resize(new, 0.0);
        // Merged from the back, so that nothing is overwritten before it is read.
        let (mut i, mut j, mut at) = (old, ot.len(), new);
        while j > 0 {
            at -= 1;
            if i > 0 && terms[i - 1] > ot[j - 1] {
                terms[at] = terms[i - 1];
                weights[at] = weights[i - 1];
                i -= 1;
            } else if i > 0 && terms[i - 1] == ot[j - 1] {
                terms[at] = terms[i - 1];
                weights[at] = 0.0 + weights[i - 1] + ow[j - 1];
                i -= 1;
                j -= 1;
            } else {
                terms[at] = ot[j - 1];
                weights[at] = 0.0 + ow[j - 1];
                j -= 1;
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A random sparse vector: sorted distinct terms below `vocabulary`, weights in
    /// (0, 1), sometimes an exact zero.
    fn random(rng: &mut fastrand::Rng, len: usize, vocabulary: u32) -> (Vec<u32>, Vec<f32>) {
        let mut terms: Vec<u32> = (0..len).map(|_| rng.u32(0..vocabulary)).collect();
        terms.sort_unstable();
        terms.dedup();
        let weights = (terms.iter())
            .map(|_| match rng.u8(0..20) {
                0 => 0.0,
                _ => rng.f32(),
            })
            .collect();
        (terms, weights)
    }

    fn row(v: &(Vec<u32>, Vec<f32>)) -> Row<'_> {
        Row {
            terms: &v.0,
            weights: &v.1,
        }
    }

    /// The dot product as it was computed before the walk lost its branches.
    fn branching_dot(x: Row<'_>, y: Row<'_>) -> f32 {
        let (short, long) = if x.terms.len() <= y.terms.len() {
            (x, y)
        } else {
            (y, x)
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

    #[test]
    fn the_dot_product_has_the_bits_of_the_branching_walk() {
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..5000 {
            let vocabulary = rng.u32(1..300);
            let len = rng.usize(0..60);
            let x = random(&mut rng, len, vocabulary);
            let len = rng.usize(0..60);
            let y = random(&mut rng, len, vocabulary);
            let (x, y) = (row(&x), row(&y));
            let expected = branching_dot(x, y);
            assert_eq!(x.dot(y).to_bits(), expected.to_bits());
            assert_eq!(y.dot(x).to_bits(), expected.to_bits());
        }
    }

    #[test]
    fn a_sum_grown_in_place_has_the_bits_of_a_new_sum() {
        let mut rng = fastrand::Rng::with_seed(13);
        for _ in 0..5000 {
            let vocabulary = rng.u32(1..300);
            let len = rng.usize(0..240);
            let x = random(&mut rng, len, vocabulary);
            let len = rng.usize(0..40);
            let y = random(&mut rng, len, vocabulary);
            // A sum as `add` leaves it, then grown by `y` both ways round.
            let (terms, weights) = row(&x).add(Row {
                terms: &[],
                weights: &[],
            });
            let sum = Row {
                terms: &terms,
                weights: &weights,
            };
            let expected = sum.add(row(&y));
            let (mut t, mut w) = (terms.clone(), weights.clone());
            row(&y).add_into(&mut t, &mut w);
            assert_eq!(t, expected.0);
            let bits = |w: &[f32]| w.iter().map(|w| w.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&w), bits(&expected.1));
            let other_way = row(&y).add(sum);
            assert_eq!(bits(&w), bits(&other_way.1));
        }
    }
}
