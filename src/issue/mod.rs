//! Issues: which one is due or next, and assembling it from the store through the
//! (pure) rank stage. Shared by `preview`, `explain`, `pin`/`drop` and `publish`, so
//! that a preview describes exactly the issue `publish` would build.
//!
//! An issue's window ends at its instant ([`when`]) and starts at the instant of the
//! edition's previous frozen issue, capped at the edition's `window`; a story first
//! seen after that issue was frozen (a late feed) goes in this one. Nothing falls
//! between two issues, nothing repeats.

mod input;
pub mod when;

use chrono::{DateTime, Utc};

pub use self::when::Due;
use crate::{
    config::{EditionPlan, Plan},
    model::{EditionId, Issue, StoryId, StoryTokens},
    rank::{self, Window},
    store::{Store, StoreError},
};

/// The edition `requested`, or the first configured one.
pub fn edition<'p>(plan: &'p Plan, requested: Option<&str>) -> Result<&'p EditionPlan, String> {
    match requested {
        None => Ok(&plan.editions[0]),
        Some(name) => {
            let known: Vec<&str> = plan.editions.iter().map(|e| e.id.as_str()).collect();
            EditionId::parse(name)
                .ok()
                .and_then(|id| plan.edition(&id))
                .ok_or_else(|| {
                    format!(
                        "no edition {name:?}; the configuration has {}",
                        known.join(", ")
                    )
                })
        }
    }
}

/// The next issue of `edition` at `now`: the one due, unless it was frozen or held
/// already; then the following one.
pub fn next(
    plan: &Plan,
    edition: &EditionPlan,
    store: &Store,
    now: DateTime<Utc>,
) -> Result<Due, StoreError> {
    if let Some(due) = when::due(plan, edition, now)
        && store.issue(&due.id)?.is_none()
        && store.held(&due.id)?.is_none()
    {
        return Ok(due);
    }
    Ok(when::following(plan, edition, now))
}

/// The window of issue `due` of `edition`, from the previous frozen issue in the store.
pub fn window(edition: &EditionPlan, store: &Store, due: &Due) -> Result<Window, StoreError> {
    let first = Window::first(due.at, edition.window);
    let span = chrono::Duration::from_std(edition.window).unwrap_or_default();
    Ok(match store.previous_issue(&edition.id, due.at)? {
        Some(p) => {
            let (start, first) = match p.instant >= first.start {
                true => (p.instant, false),
                false => (first.start, true),
            };
            Window {
                start,
                first,
                cap: start - span,
                late_since: Some(p.frozen_at),
            }
        }
        None => first,
    })
}

/// Builds issue `due` of `edition` from the store, without writing anything: the
/// same stories, scores and order at any moment, given the same store.
pub fn assemble(
    plan: &Plan,
    edition: &EditionPlan,
    store: &Store,
    due: &Due,
) -> Result<Issue, StoreError> {
    let (issue, ()) = input::build(plan, edition, store, due, |_| ())?;
    Ok(issue)
}

/// [`assemble`], then keeps the tokens of the stories it read that had none of the
/// current tokenizer (stored before tokens were kept, or under an older
/// [`rank::kept::TOKENS_VERSION`]), so that later builds read them instead of
/// tokenising those stories at every build. For `publish`; `preview` and `explain`
/// write nothing.
pub fn assemble_keeping_tokens(
    plan: &Plan,
    edition: &EditionPlan,
    store: &mut Store,
    due: &Due,
) -> Result<Issue, StoreError> {
    let (issue, made) = input::build(plan, edition, &*store, due, |input| {
        // The last days' stories hold the window's when "Read also" reads them.
        let (stories, kept) = match input.earlier.is_empty() {
            true => (input.stories, input.kept.stories),
            false => (input.earlier, input.kept.earlier),
        };
        let made: Vec<(StoryId, StoryTokens)> = (stories.iter().enumerate())
            .filter(|&(at, _)| kept.get(at).is_none_or(Option::is_none))
            .map(|(_, s)| (s.id.clone(), rank::kept::tokens(&s.title, &s.excerpt)))
            .collect();
        made
    })?;
    if !made.is_empty() {
        let mut writer = store.writer()?;
        writer.keep_tokens(made.iter().map(|(id, tokens)| (id, tokens)))?;
        writer.commit()?;
    }
    Ok(issue)
}

/// Every group of stories in the window of issue `due`, selected or not
/// (`explain --all`).
pub fn groups(
    plan: &Plan,
    edition: &EditionPlan,
    store: &Store,
    due: &Due,
) -> Result<Vec<crate::model::Pick>, StoreError> {
    let mut picks = input::with_input(plan, edition, store, due, rank::groups)?;
    whole_picks(store, picks.iter_mut())?;
    Ok(picks)
}

/// Gives `picks` their whole stories: rank read only what it ranks by
/// ([`Store::stories_for_ranking`]), an issue carries the rest too.
fn whole_picks<'a>(
    store: &Store,
    picks: impl Iterator<Item = &'a mut crate::model::Pick>,
) -> Result<(), StoreError> {
    let picks: Vec<_> = picks.collect();
    let whole = store.stories_by_ids(picks.iter().map(|p| &p.story.id))?;
    give_whole(picks.into_iter(), &whole);
    Ok(())
}

/// Gives `picks` their stories in `whole`, read by id.
fn give_whole<'a>(
    picks: impl Iterator<Item = &'a mut crate::model::Pick>,
    whole: &std::collections::HashMap<StoryId, crate::model::Story>,
) {
    for pick in picks {
        if let Some(story) = whole.get(&pick.story.id) {
            pick.story = story.clone();
        }
    }
}

/// Why `issue` of `edition`, as assembled, would be held rather than sent: fewer
/// stories than `min_stories`, or no source fetched since its window opened (an
/// issue built from stale data). `None`: it goes out.
pub fn hold_reason(
    edition: &EditionPlan,
    store: &Store,
    issue: &Issue,
) -> Result<Option<String>, StoreError> {
    let stories = issue.story_count();
    if stories < edition.min_stories {
        let what = match stories {
            0 => "no story".to_owned(),
            1 => "1 story".to_owned(),
            n => format!("{n} stories"),
        };
        return Ok(Some(format!(
            "{what} in its window, fewer than min_stories = {}",
            edition.min_stories
        )));
    }
    let opened = issue.window_start;
    Ok(match store.last_fetch()? {
        Some(at) if at >= opened => None,
        Some(at) => Some(format!(
            "no source was fetched since its window opened at {opened} (the last fetch was at {at})"
        )),
        None => Some("no source has ever been fetched".to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::{
        config,
        model::{IssueId, Item, SectionId, SourceId},
    };

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn item(title: &str, hours_ago: i64) -> Item {
        Item {
            guid: Some(title.to_owned()),
            url: Some(format!("https://s.example/{}", title.replace(' ', "-"))),
            title_key: title.to_owned(),
            title: title.to_owned(),
            excerpt: format!("A lede about {title}."),
            section: Some(SectionId::parse("world").unwrap()),
            published: Some(at("2026-11-27T06:00:00Z") - chrono::Duration::hours(hours_ago)),
            ..Item::default()
        }
    }

    #[test]
    fn publish_keeps_the_tokens_a_store_lacked_and_preview_writes_nothing() {
        let text = "[[sections]]\nid = \"world\"\ntitle = \"World\"\n[[sources]]\nid = \"s\"\nname = \"S\"\nurl = \"https://s.example/rss\"\n[[editions]]\nid = \"e\"\nread_also = true\n";
        let plan = config::parse(text, std::path::Path::new("/tmp/pressroom.toml")).unwrap();
        let edition = &plan.editions[0];
        let mut store = Store::open_in_memory().unwrap();
        let now = at("2026-11-27T06:00:00Z");
        // Stored without tokens (as before tokens were kept): in the window, and
        // days before it (read by "Read also").
        let items = [
            item("Storm hits the northern coast", 2),
            item("Storm reaches the northern coast", 3),
            item("Coast braces for the storm", 80),
        ];
        let mut writer = store.writer().unwrap();
        writer
            .save_items(&SourceId::parse("s").unwrap(), &items, now)
            .unwrap();
        writer.commit().unwrap();
        let due = Due {
            id: IssueId::parse("e/2026-11-27").unwrap(),
            at: now,
        };
        let version = rank::kept::TOKENS_VERSION;
        let since = now - chrono::Duration::days(rank::read_also::DAYS);
        let kept = |store: &Store| store.stories_for_ranking(since, version).unwrap();

        let previewed = assemble(&plan, edition, &store, &due).unwrap();
        assert!(kept(&store).1.iter().all(Option::is_none), "preview wrote");

        let published = assemble_keeping_tokens(&plan, edition, &mut store, &due).unwrap();
        assert_eq!(published, previewed);
        let (stories, tokens) = kept(&store);
        assert_eq!(stories.len(), 3);
        for (story, tokens) in stories.iter().zip(&tokens) {
            let made = rank::kept::tokens(&story.title, &story.excerpt);
            assert_eq!(tokens.as_ref(), Some(&made), "{}", story.title);
        }
        // Built from the kept tokens, the issue is the same.
        assert_eq!(assemble(&plan, edition, &store, &due).unwrap(), previewed);
    }

    #[test]
    fn the_older_days_read_on_a_second_connection_give_the_one_read_issue() {
        let text = "[[sections]]\nid = \"world\"\ntitle = \"World\"\n[[sources]]\nid = \"s\"\nname = \"S\"\nurl = \"https://s.example/rss\"\n[[editions]]\nid = \"e\"\nlead = 1\nread_also = true\n";
        let plan = config::parse(text, std::path::Path::new("/tmp/pressroom.toml")).unwrap();
        let edition = &plan.editions[0];
        let folder = tempfile::tempdir().unwrap();
        let mut store = Store::open(&folder.path().join("pressroom.db")).unwrap();
        let now = at("2026-11-27T06:00:00Z");
        let mut items = vec![
            item("Kestria extends military service to 12 months", 2),
            item("Kestria parliament to debate longer military service", 72),
        ];
        let other = [
            "Gold", "Oil", "Wheat", "Copper", "Rates", "Storms", "Floods",
        ];
        items.extend((0..40).map(|n| {
            let title = format!("{} story number {n} of the week", other[n % other.len()]);
            item(&title, 30 + 3 * n as i64)
        }));
        // Whole stories differ from what rank reads of them.
        for item in &mut items {
            item.summary_html = format!("<p>{}</p>", item.excerpt);
        }
        let mut writer = store.writer().unwrap();
        writer
            .save_items(&SourceId::parse("s").unwrap(), &items, now)
            .unwrap();
        writer.commit().unwrap();
        let due = Due {
            id: IssueId::parse("e/2026-11-27").unwrap(),
            at: now,
        };
        let assembled = assemble(&plan, edition, &store, &due).unwrap();
        let lead = &assembled.lead[0];
        assert_eq!(lead.story.title, items[0].title);
        // Found among the older days' stories, read on the second connection.
        let found: Vec<&str> = lead.read_also.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(found, [items[1].title.as_str()]);
        assert_eq!(
            lead.story.summary_html,
            format!("<p>{}</p>", items[0].excerpt)
        );
        let mut one_read = input::with_input(&plan, edition, &store, &due, rank::build).unwrap();
        whole_picks(&store, one_read.picks_mut()).unwrap();
        assert_eq!(assembled, one_read);
    }
}
