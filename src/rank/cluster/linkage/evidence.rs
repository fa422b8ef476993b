//! What the merge rule reads besides the words: the numbers, names and outlook of
//! each group's titles (and ledes), and when two groups' disagree.

use super::Groups;
#[cfg(doc)]
use crate::rank::cluster::Options;
use crate::rank::text::outlook;

impl Groups<'_> {
    /// The numbers of the titles of the group rooted at `root`.
    pub(in crate::rank::cluster) fn numbers(&self, root: usize) -> &[u64] {
        match &self.merged[root] {
            Some(g) => &g.numbers,
            None => self.numbers.of(root),
        }
    }

    /// The titles' numbers with the term after each, of the group rooted at `root`.
    pub(super) fn units(&self, root: usize) -> &[(u64, u64)] {
        match &self.merged[root] {
            Some(g) => &g.units,
            None => self.units.of(root),
        }
    }

    /// Whether every title of the group rooted at `root` is in Cyrillic.
    pub(super) fn cyrillic(&self, root: usize) -> bool {
        match &self.merged[root] {
            Some(g) => g.cyrillic,
            None => self.cyrillic[root],
        }
    }

    /// Whether the titles of the groups rooted at `a` and `b` give different
    /// numbers of one thing: they share no number ([`Groups::numbers_disagree`]),
    /// and some term follows a number in each (`26-летнего` and `51-летнего`, `94
    /// человека` and `98 человек`) with no figure of one a rounding of one of the
    /// other's (`$1 trillion` and `$1.2 trillion` agree).
    pub(super) fn units_disagree(&self, a: usize, b: usize) -> bool {
        let (x, y) = (self.units(a), self.units(b));
        self.numbers_disagree(a, b)
            && x.iter().any(|&(unit, _)| {
                of(y, unit).next().is_some()
                    && !of(x, unit).any(|v| of(y, unit).any(|w| same_figure(v, w)))
            })
    }

    /// The names of the titles of the group rooted at `root`.
    pub(super) fn title_names(&self, root: usize) -> &[u64] {
        match &self.merged[root] {
            Some(g) => &g.title_names,
            None => self.names.title.of(root),
        }
    }

    /// The sure names of the titles of the group rooted at `root`.
    pub(super) fn sure_names(&self, root: usize) -> &[u64] {
        match &self.merged[root] {
            Some(g) => &g.sure_names,
            None => self.names.sure.of(root),
        }
    }

    /// The names of the titles and ledes of the group rooted at `root`.
    pub(super) fn all_names(&self, root: usize) -> &[u64] {
        match &self.merged[root] {
            Some(g) => &g.all_names,
            None => self.names.all.of(root),
        }
    }

    /// Whether the names of the groups rooted at `a` and `b` conflict: both titles
    /// name someone or something, and none of either's title names is in the
    /// other's titles and ledes (another region, person or team). A name only one
    /// side's lede gives (Ufa in Bashkiria, the Odessa plant behind `ОПЗ`) is
    /// agreement enough. With [`Options::lede_names`], when one side's titles name
    /// nobody and the other's surely name someone, the names of the first side's
    /// ledes stand in for its titles' (`В Омской области похолодает` against
    /// `Прогноз погоды на 8 ноября`, whose lede is about the Amur region).
    pub(super) fn names_conflict(&self, a: usize, b: usize, lede_names: bool) -> bool {
        let (mut x, mut y) = (self.title_names(a), self.title_names(b));
        if lede_names && x.is_empty() && !self.sure_names(b).is_empty() {
            x = self.all_names(a);
        } else if lede_names && y.is_empty() && !self.sure_names(a).is_empty() {
            y = self.all_names(b);
        }
        let found =
            |names: &[u64], other: &[u64]| names.iter().any(|n| other.binary_search(n).is_ok());
        !x.is_empty()
            && !y.is_empty()
            && !found(x, self.all_names(b))
            && !found(y, self.all_names(a))
    }

    /// How many titles of the group rooted at `root` look ahead, and how many
    /// report a record.
    pub(super) fn outlook(&self, root: usize) -> (u32, u32) {
        match &self.merged[root] {
            Some(g) => (g.ahead, g.records),
            None => {
                let marks = self.outlook[root];
                let is = |mark: u8| u32::from(marks == mark);
                (is(outlook::AHEAD_MARK), is(outlook::RECORD_MARK))
            }
        }
    }

    /// Whether one of the groups rooted at `a` and `b` looks ahead in every title
    /// and the other reports a record with no title looking ahead
    /// ([`Options::forecast_mismatch`]).
    pub(super) fn forecast_and_record(&self, a: usize, b: usize) -> bool {
        let ((ahead_a, records_a), (ahead_b, records_b)) = (self.outlook(a), self.outlook(b));
        let all_ahead = |ahead: u32, root: usize| ahead as f32 == self.size(root);
        (all_ahead(ahead_a, a) && records_b > 0 && ahead_b == 0)
            || (all_ahead(ahead_b, b) && records_a > 0 && ahead_a == 0)
    }

    /// Whether the titles of the groups rooted at `a` and `b` both give numbers and
    /// share none ([`Options::number_mismatch`]).
    pub(in crate::rank::cluster) fn numbers_disagree(&self, a: usize, b: usize) -> bool {
        let (x, y) = (self.numbers(a), self.numbers(b));
        !x.is_empty() && !y.is_empty() && !x.iter().any(|n| y.binary_search(n).is_ok())
    }
}

/// The figures of a `(term, figure)` list that `unit` follows.
fn of(list: &[(u64, u64)], unit: u64) -> impl Iterator<Item = u64> + '_ {
    list.iter().filter(move |p| p.0 == unit).map(|p| p.1)
}

/// Whether two figures' significant digits are one figure, the shorter a rounding
/// of the longer (`1` and `12` for $1 and $1.2 trillion; not `8` and `18`).
fn same_figure(v: u64, w: u64) -> bool {
    let digits = |n: u64| n.checked_ilog10().unwrap_or(0);
    let (mut long, short) = if digits(v) >= digits(w) {
        (v, w)
    } else {
        (w, v)
    };
    while digits(long) > digits(short) {
        long /= 10;
    }
    long == short
}
