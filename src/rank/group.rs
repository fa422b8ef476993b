//! Grouping and scoring: the candidates of an issue → scored groups, best first.
//!
//! Built for 100,000 stories: the candidates are described once by compact facts
//! (outlet id, weight, section index) in a deterministic order; groups are ranges of
//! one flat member list from [`cluster::partition`], described by a few numbers
//! each; nothing is cloned or allocated per group until a group is picked
//! ([`Ranked::pick`]).

mod order;
mod scoring;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;

use super::{Input, cluster, filter::Part, score};
use crate::model::{AlsoIn, Pick, Placed, Story, StoryTokens};

/// The stories that can be ranked in an issue, in a deterministic order (newest
/// first, then by id), with what ranking needs of each, by position.
pub(super) struct Candidates<'a> {
    pub stories: Vec<&'a Story>,
    pub docs: Vec<cluster::Doc<'a>>,
    /// The tokens kept at ingest, where the store had them.
    pub kept: Vec<Option<&'a StoryTokens>>,
    /// When each was published: grouping reads it for every member, and reading it
    /// here rather than from the stories (scattered in memory) saves a cache miss each.
    pub published: Vec<DateTime<Utc>>,
    /// Dense outlet ids (equal for equal outlet names) and the names.
    pub outlet: Vec<u32>,
    pub outlet_names: Vec<&'a str>,
    /// The source's weight.
    pub weight: Vec<f64>,
    /// The index of the story's section in the edition's sections.
    pub section: Vec<u32>,
    /// The most-read value and best rank of the story's URL.
    pub read: Vec<(f64, Option<u32>)>,
    /// The id of the story's URL among the most-read readings' ([`score::ReadUrls`]).
    pub read_url: Vec<Option<u32>>,
    /// Whether the story is the to carry ([`super::Window::holds`]).
    pub fresh: Vec<bool>,
    /// The position of the first candidate published at the same instant with the
    /// same id (itself, unless ids repeat): ties in score are broken by it.
    pub order: Vec<u32>,
}

/// One candidate, as found in input order.
pub(super) struct Candidate<'a> {
    pub story: &'a Story,
    pub doc: cluster::Doc<'a>,
    pub kept: Option<&'a StoryTokens>,
    pub outlet: u32,
    pub weight: f64,
    pub section: u32,
    pub read: (f64, Option<u32>),
    pub read_url: Option<u32>,
    pub fresh: bool,
}

impl<'a> Candidates<'a> {
    /// Sorts the parts' candidates (in input order, the first part's first) into
    /// columns (on two threads for a large window: the gather reads the candidates
    /// in sorted order, scattered in memory).
    pub fn sorted(parts: [Part<'a>; 2], outlet_names: Vec<&'a str>) -> Self {
        let [first, second] = &parts;
        let published = [first.published.as_slice(), &second.published].concat();
        let prefixes = [first.prefixes.as_slice(), &second.prefixes].concat();
        let split = first.list.len() as u32;
        let get = |at: u32| match at < split {
            true => &first.list[at as usize],
            false => &second.list[(at - split) as usize],
        };
        let (positions, order) =
            order::order(&published, &prefixes, |at| get(at).story.id.as_str());
        let mut candidates = if positions.len() < super::parallel_from() {
            Candidates::gather(get, &positions, positions.len())
        } else {
            let (one, two) = positions.split_at(positions.len() / 2);
            std::thread::scope(|scope| {
                let two = scope.spawn(|| Candidates::gather(get, two, two.len()));
                let mut candidates = Candidates::gather(get, one, positions.len());
                candidates.append(two.join().expect("gathering does not panic"));
                candidates
            })
        };
        candidates.outlet_names = outlet_names;
        candidates.order = order;
        candidates
    }

    /// The columns of the candidates at `positions` (`get` finds them), in that
    /// order (no outlet names, no order), with room for `n`.
    fn gather<'l>(get: impl Fn(u32) -> &'l Candidate<'a>, positions: &[u32], n: usize) -> Self
    where
        'a: 'l,
    {
        let mut candidates = Candidates {
            stories: Vec::with_capacity(n),
            docs: Vec::with_capacity(n),
            kept: Vec::with_capacity(n),
            published: Vec::with_capacity(n),
            outlet: Vec::with_capacity(n),
            outlet_names: Vec::new(),
            weight: Vec::with_capacity(n),
            section: Vec::with_capacity(n),
            read: Vec::with_capacity(n),
            read_url: Vec::with_capacity(n),
            fresh: Vec::with_capacity(n),
            order: Vec::new(),
        };
        for &at in positions {
            let c = get(at);
            candidates.stories.push(c.story);
            candidates.docs.push(c.doc);
            candidates.kept.push(c.kept);
            candidates.published.push(c.doc.published);
            candidates.outlet.push(c.outlet);
            candidates.weight.push(c.weight);
            candidates.section.push(c.section);
            candidates.read.push(c.read);
            candidates.read_url.push(c.read_url);
            candidates.fresh.push(c.fresh);
        }
        candidates
    }

    /// Appends `other`'s columns (but its outlet names and order).
    fn append(&mut self, other: Self) {
        self.stories.extend(other.stories);
        self.docs.extend(other.docs);
        self.kept.extend(other.kept);
        self.published.extend(other.published);
        self.outlet.extend(other.outlet);
        self.weight.extend(other.weight);
        self.section.extend(other.section);
        self.read.extend(other.read);
        self.read_url.extend(other.read_url);
        self.fresh.extend(other.fresh);
    }
}

/// A scored group of candidates: `members[start..end]` of [`Ranked`], the
/// representative first.
#[derive(Clone, Copy, Debug)]
pub(super) struct Group {
    pub total: f64,
    /// The most-read value (the best of any member).
    pub read: f64,
    pub start: u32,
    pub end: u32,
    /// Distinct outlets.
    pub outlets: u32,
    /// The best most-read rank of any member.
    pub most_read_rank: Option<u32>,
    /// The representative's section, as an index in the edition's sections.
    pub section: u32,
    /// The representative's [`Candidates::order`].
    order: u32,
}

/// The groups of an issue's candidates, best first.
pub(super) struct Ranked<'a> {
    pub candidates: Candidates<'a>,
    members: Vec<u32>,
    pub groups: Vec<Group>,
}

impl<'a> Ranked<'a> {
    /// Clusters the candidates, scores each group and sorts the groups.
    pub fn new(input: &Input<'a>, mut candidates: Candidates<'a>) -> Self {
        let options = cluster::Options {
            window: input.edition.ranking.cluster_window,
            ..Default::default()
        };
        let cluster::Partition {
            mut members,
            starts,
        } = cluster::partition_kept_outlets(
            &candidates.docs,
            &candidates.kept,
            &candidates.outlet,
            &options,
        );
        candidates.docs = Vec::new();
        candidates.kept = Vec::new();
        let groups = candidates.groups(input, &mut members, &starts);
        Ranked {
            candidates,
            members,
            groups,
        }
    }

    /// The members of `group`, the representative first.
    pub fn members(&self, group: &Group) -> &[u32] {
        &self.members[group.start as usize..group.end as usize]
    }

    /// Whether any member of `group` is the to carry (else every report
    /// of it came before the window).
    pub fn fresh(&self, group: &Group) -> bool {
        (self.members(group).iter()).any(|&m| self.candidates.fresh[m as usize])
    }

    /// The representative story of `group`.
    pub fn rep(&self, group: &Group) -> &'a Story {
        self.candidates.stories[self.members[group.start as usize] as usize]
    }

    /// The URLs of `group`'s members, representative first.
    pub fn urls(&self, group: &Group) -> impl Iterator<Item = &'a str> + '_ {
        (self.members(group).iter())
            .filter_map(|&i| self.candidates.stories[i as usize].url.as_deref())
    }

    /// `group` as a pick of the edition: the representative, its score's factors and
    /// the other outlets' versions (one per outlet).
    pub fn pick(&self, input: &Input<'_>, group: &Group, placed: Placed) -> Pick {
        let c = &self.candidates;
        let members = self.members(group);
        let rep = members[0] as usize;
        let mut outlets = vec![c.outlet[rep]];
        let mut also_in = Vec::new();
        for &i in &members[1..] {
            let (i, outlet) = (i as usize, c.outlet[i as usize]);
            if !outlets.contains(&outlet) {
                outlets.push(outlet);
                let s = c.stories[i];
                also_in.push(AlsoIn {
                    outlet: c.outlet_names[outlet as usize].to_owned(),
                    source: s.source.clone(),
                    story: s.id.clone(),
                    title: s.title.clone(),
                    url: s.url.clone(),
                });
            }
        }
        let score = score::score(
            &input.edition.ranking,
            c.weight[rep],
            c.published[rep],
            input.now,
            group.read,
            group.outlets,
        );
        Pick {
            story: c.stories[rep].clone(),
            outlet: c.outlet_names[c.outlet[rep] as usize].to_owned(),
            score,
            also_in,
            most_read_rank: group.most_read_rank,
            placed,
            read_also: Vec::new(),
        }
    }
}

/// Dense outlet ids by outlet name: for the plan's sources by position, and for
/// stories of sources the plan does not know (named by their source id).
pub(super) struct Outlets<'a> {
    pub names: Vec<&'a str>,
    ids: FxHashMap<&'a str, u32>,
    /// The id of each of the plan's sources.
    pub of_source: Vec<u32>,
}

impl<'a> Outlets<'a> {
    pub fn new(plan: &'a crate::config::Plan) -> Self {
        let mut outlets = Outlets {
            names: Vec::new(),
            ids: FxHashMap::default(),
            of_source: Vec::with_capacity(plan.sources.len()),
        };
        for source in &plan.sources {
            let id = outlets.id(&source.name);
            outlets.of_source.push(id);
        }
        outlets
    }

    /// The id of the outlet named `name`.
    pub fn id(&mut self, name: &'a str) -> u32 {
        let next = self.names.len() as u32;
        let id = *self.ids.entry(name).or_insert(next);
        if id == next {
            self.names.push(name);
        }
        id
    }
}
