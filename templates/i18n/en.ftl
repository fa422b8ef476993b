## Every word pressroom writes, in English: the reference catalogue.
## Another language is a file beside this one (`ru.ftl`); a folder of templates
## may hold an `i18n/<language>.ftl` whose messages replace these by id, or add a
## language. `pressroom check` reports a message a catalogue lacks or cannot parse.
## Dates are chrono patterns (strftime) whose names come from the language's locale.

# The C locale whose day and month names and number grouping this language uses.
locale = en_US

## Dates
# The issue's day, in its heading, subject and feeds.
date-issue = %A, %-d %B %Y
# The issue's day and time, for an edition that fires more than once a day.
date-issue-time = %A, %-d %B %Y, %H:%M
# A story's day and time, beside its outlet.
date-story = %a %H:%M
# A story's day, time and zone, in the feed entry.
date-story-zone = %a %H:%M %Z
# The day of an earlier story under "Read also".
date-read-also = %-d %b
# Counted from the issue's instant.
ago = { $unit ->
    [now] just now
    [min] { $count } min ago
    [h] { $count } h ago
   *[d] { $count } d ago
}

## The issue (email, its text part, the archive page, the feed entry)
stories = { $count ->
    [one] { $count } story
   *[other] { $count } stories
}
issues = { $count ->
    [one] { $count } issue
   *[other] { $count } issues
}
view-in-browser = View in browser
view-in-your-browser = View in your browser
in-this-issue = In this issue
top-stories = Top stories
more-in-archive = { $count ->
    [one] { $count } more story in the archive
   *[other] { $count } more stories in the archive
}
# A ranking's heading.
most-read = { $window ->
    [now] Most read now
    [today] Most read today
   *[week] Most read this week
}
# A story's badge: its place in a ranking, naming the ranking.
most-read-rank = { $window ->
    [now] #{ $rank } in Most read now
    [today] #{ $rank } in Most read today
   *[week] #{ $rank } in Most read this week
}
# After a contents link, for screen readers: where the link goes.
jump-to-story = (jump to the story)
# After a topic's link on an issue page, for screen readers: where the link goes.
topic-page = (all stories on this topic)
also-in = Also in
read-also = Read also
topics = Topics
sections = Sections
times-in-zone = times are in the { $zone } time zone.
page-times-in-zone = times in the { $zone } time zone
sent-to = This email was sent to { $address } because you subscribed to { $site }.
sent-to-text = This email was sent to { $address }
because-subscribed = because you subscribed to { $site }.
times-shown-in = Times are shown in the { $zone } time zone.
past-issues = Past issues
manage-subscription = Manage your subscription
unsubscribe = Unsubscribe
read-on-web = Read this issue on the web
all-issues-of = All issues of { $site }

## The archive's index
all-issues = All issues
all-issues-title = all issues
archive = Archive
follow-in-reader = Follow in a feed reader
no-issues = No issues yet.

## Topic and section pages of the archive
listing-kind = { $kind ->
    [topic] Topic
    [section] Section
   *[index] Topics and sections
}
stories-newest-first = { $count ->
    [one] { $count } story, newest first
   *[other] { $count } stories, newest first
}
in-the-issue-of = in the issue of

## Feeds
feed-digest-description = Every issue of { $edition }, as it went out.
feed-section-description = The { $section } stories chosen for { $edition }.
