//! The filter and the scoring split between two threads give what one gives.

use super::{NOW, SPLIT_FROM, at, everything, field, issue, plan, snapshot, story};
use crate::{
    model::Sent,
    rank::{Input, build, groups},
};

#[test]
fn the_filter_and_the_scoring_give_the_same_on_two_threads_as_on_one() {
    let plan = plan();
    let mut stories = field(11, 300);
    stories.extend((400..460).map(|n| story(n, "wire", "sport", (n % 23) as f64)));
    // Other outlets' reports of the same stories (groups of several), sources the
    // plan does not know (outlet ids given in input order), stories that cannot be
    // ranked (left out in input order), one id repeated at one instant.
    for (k, source) in (0..120).zip(["nobody", "paper", "elsewhere", "wire"].iter().cycle()) {
        let mut copy = story(1_000 + k, source, "politics", 0.0);
        (copy.title, copy.published) = (stories[k * 2].title.clone(), stories[k * 2].published);
        stories.push(copy);
    }
    for n in [500, 700] {
        let mut undated = story(n, "nobody", "politics", 1.0);
        undated.dated = false;
        let mut unplaced = story(n + 1, "paper", "politics", 2.0);
        unplaced.section = None;
        stories.extend([undated, unplaced]);
    }
    stories.push(stories[5].clone());
    fastrand::Rng::with_seed(3).shuffle(&mut stories);
    let reads: Vec<String> = (stories.iter().step_by(7))
        .filter_map(|s| s.url.clone())
        .collect();
    let snapshots = [snapshot(&reads)];
    for edition in [plan.editions[0].clone(), everything(&plan)] {
        let input = Input {
            plan: &plan,
            edition: &edition,
            issue: issue(&edition),
            now: at(NOW),
            window: crate::rank::Window::first(at(NOW), edition.window),
            stories: &stories,
            snapshots: &snapshots,
            readings: crate::rank::Readings {
                snapshots: &snapshots,
                stories: &stories,
            },
            sent: &Sent::default(),
            earlier: &[],
            kept: Default::default(),
            overrides: &[],
        };
        let [one, two] = [usize::MAX, 2].map(|from| {
            SPLIT_FROM.with(|s| s.set(Some(from)));
            (build(&input), groups(&input))
        });
        SPLIT_FROM.with(|s| s.set(None));
        assert!(one.1.iter().any(|pick| !pick.also_in.is_empty()));
        let unrankable = (one.0.left_out.iter())
            .filter(|l| ["s0500", "s0501", "s0700", "s0701"].contains(&l.story.0.as_str()));
        assert_eq!(unrankable.count(), 4);
        assert_eq!(one, two);
    }
}
