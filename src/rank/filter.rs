//! The filter: an issue's stories → the candidates that can be ranked, with what
//! ranking needs of each, and the reasons for the others left out.
//!
//! One pass over the stories in input order, on two threads for a large window
//! (each taking half: a story's look-ups, its source, section and most-read URL,
//! and its candidate made while it is in the cache), then the halves' candidates
//! sorted together ([`Candidates::sorted`]). What must follow input order across
//! the halves (the stories left out, the ids of outlets the plan does not know) is
//! done after, in order.

use chrono::{DateTime, Utc};

use super::{
    Input, cluster,
    group::{Candidate, Candidates, Outlets},
    left, parallel_from,
    score::{MostRead, ReadUrls},
    unrankable,
};
use crate::model::{LeftOut, Story};

/// The candidates of one run of stories, in input order, with the columns the
/// sort reads.
pub(super) struct Part<'a> {
    pub list: Vec<Candidate<'a>>,
    /// When each was published.
    pub published: Vec<DateTime<Utc>>,
    /// The first eight bytes of each one's id, as an integer.
    pub prefixes: Vec<u64>,
    /// The stories of the run that cannot be ranked, in input order.
    left_out: Vec<LeftOut>,
    /// The positions in `list` of the candidates of sources the plan does not
    /// know, whose outlet ids are given after, in input order.
    unknown: Vec<u32>,
}

/// The stories in the window that can be ranked, in a section the edition carries,
/// in a deterministic order whatever the store returned; the others that cannot be
/// ranked go to `left_out`.
pub(super) fn candidates<'a>(
    input: &Input<'a>,
    urls: &ReadUrls<'_>,
    most_read: &MostRead,
    left_out: &mut Vec<LeftOut>,
) -> Candidates<'a> {
    let mut outlets = Outlets::new(input.plan);
    let stories = input.stories;
    let half = match stories.len() < parallel_from() {
        true => stories.len(),
        false => stories.len() / 2,
    };
    let (first, second) = stories.split_at(half);
    // Both allocated here, on the thread that frees them. The first has room for
    // every story, as one list of them all had: glibc raises its mmap and trim
    // thresholds to the largest block freed, and with two half-size lists the
    // clustering's larger blocks were mapped and faulted in again at every build
    // (about 3,600 more page faults a build of 100,000 stories).
    let mut parts = [stories.len(), second.len()].map(Part::with_capacity);
    let [a, b] = &mut parts;
    let known = &outlets;
    std::thread::scope(|scope| {
        if !second.is_empty() {
            scope.spawn(|| b.fill(input, second, half, urls, most_read, known));
        }
        a.fill(input, first, 0, urls, most_read, known);
    });
    for part in &mut parts {
        for &k in &part.unknown {
            let candidate = &mut part.list[k as usize];
            candidate.outlet = outlets.id(candidate.story.source.as_str());
        }
        left_out.append(&mut part.left_out);
    }
    Candidates::sorted(parts, outlets.names)
}

impl<'a> Part<'a> {
    fn with_capacity(stories: usize) -> Self {
        Part {
            list: Vec::with_capacity(stories),
            published: Vec::with_capacity(stories),
            prefixes: Vec::with_capacity(stories),
            left_out: Vec::new(),
            unknown: Vec::new(),
        }
    }

    /// Takes `stories` (from `input.stories[offset..]`), in order.
    fn fill(
        &mut self,
        input: &Input<'a>,
        stories: &'a [Story],
        offset: usize,
        urls: &ReadUrls<'_>,
        most_read: &MostRead,
        outlets: &Outlets<'a>,
    ) {
        let plan = input.plan;
        let sections = &input.edition.sections;
        for (at, story) in (offset..).zip(stories) {
            if story.published < input.window.cap || story.published > input.now {
                continue;
            }
            if let Some(reason) = unrankable(plan, story) {
                if input.window.holds(story) {
                    self.left_out.push(left(plan, story, None, reason));
                }
                continue;
            }
            let section =
                (story.section.as_ref()).and_then(|s| sections.iter().position(|(id, _)| id == s));
            let Some(section) = section else {
                continue; // a section this edition does not carry
            };
            let (outlet, name, weight) = match plan.source_position(&story.source) {
                Some(i) => {
                    let outlet = outlets.of_source[i];
                    (
                        outlet,
                        outlets.names[outlet as usize],
                        plan.sources[i].weight,
                    )
                }
                None => {
                    self.unknown.push(self.list.len() as u32);
                    (u32::MAX, story.source.as_str(), 1.0)
                }
            };
            let url = story.url.as_deref();
            let read_url = url.and_then(|u| urls.id(u));
            self.published.push(story.published);
            self.prefixes.push(prefix(&story.id.0));
            self.list.push(Candidate {
                story,
                doc: cluster::Doc {
                    outlet: name,
                    url,
                    title: &story.title,
                    summary: &story.excerpt,
                    published: story.published,
                },
                kept: input.kept.stories.get(at).and_then(Option::as_ref),
                outlet,
                weight,
                section: section as u32,
                read: most_read.get(read_url),
                read_url,
                fresh: input.window.holds(story),
            });
        }
    }
}

/// The first eight bytes of `id` as a big-endian integer (zeros after a shorter
/// id): ids compare as their prefixes do, unless those are equal.
pub(super) fn prefix(id: &str) -> u64 {
    let id = id.as_bytes();
    let mut bytes = [0u8; 8];
    bytes[..id.len().min(8)].copy_from_slice(&id[..id.len().min(8)]);
    u64::from_be_bytes(bytes)
}
