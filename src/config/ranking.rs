//! `[ranking]`: the ranking model's weights, and an edition's overrides of them.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{
    check::{duration, number},
    problems::Problems,
};

/// `[ranking]`: the ranking model's weights; an edition may override any of them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRanking {
    /// Age at which a story's recency factor halves, e.g. "6h". Default "6h".
    pub half_life: Option<Spanned<String>>,
    /// α in `1 + α·most_read`: the weight of being most read. Default 1.0.
    pub most_read: Option<Spanned<f64>>,
    /// β in `1 + β·ln(outlets)`: the weight of coverage by several outlets. Default 0.5.
    pub outlets: Option<Spanned<f64>>,
    /// Stories published further apart than this are never grouped as one. Default "36h".
    pub cluster_window: Option<Spanned<String>>,
}

/// The ranking model's weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranking {
    /// Age at which the recency factor halves.
    pub half_life: Duration,
    /// α: weight of being most read.
    pub most_read: f64,
    /// β: weight of coverage by several outlets.
    pub outlets: f64,
    /// Stories further apart than this are never grouped as one.
    pub cluster_window: Duration,
}

impl Default for Ranking {
    fn default() -> Self {
        Ranking {
            half_life: Duration::from_secs(6 * 3600),
            most_read: 1.0,
            outlets: 0.5,
            cluster_window: Duration::from_secs(36 * 3600),
        }
    }
}

/// Ranking weights at `key`, each missing one taken from `base`.
pub(super) fn compile(
    p: &mut Problems<'_>,
    key: &str,
    raw: Option<&RawRanking>,
    base: &Ranking,
) -> Ranking {
    let Some(raw) = raw else {
        return base.clone();
    };
    let weight = |p: &mut Problems<'_>, name: &str, value: &Option<Spanned<f64>>, default| {
        let rule = "must be a number of 0 or more";
        number(
            p,
            &format!("{key}.{name}"),
            value,
            default,
            |w| w >= 0.0,
            rule,
        )
    };
    Ranking {
        half_life: duration(
            p,
            &format!("{key}.half_life"),
            &raw.half_life,
            base.half_life,
        ),
        most_read: weight(p, "most_read", &raw.most_read, base.most_read),
        outlets: weight(p, "outlets", &raw.outlets, base.outlets),
        cluster_window: duration(
            p,
            &format!("{key}.cluster_window"),
            &raw.cluster_window,
            base.cluster_window,
        ),
    }
}
