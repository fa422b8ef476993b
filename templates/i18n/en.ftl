## Every word pressroom writes, in English: the reference catalogue.
## Another language is a file beside this one (`ru.ftl`); a folder of templates
## may hold an `i18n/<language>.ftl` whose messages replace these by id, or add a
## language. `pressroom check` reports a message a catalogue lacks or cannot parse.
## Dates are chrono patterns (strftime) whose names come from the language's locale.

# The C locale whose day and month names and number grouping this language uses.
locale = en_US
# How day and month names are written in running text: `locale`, as the locale has
# them; `lower`, in lower case (templates capitalise a date that starts a line).
date-names = locale

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
listing-recent = { $count ->
    [one] From the newest issue; earlier ones are in the archive.
   *[other] From the newest { $count } issues; earlier ones are in the archive.
}

## Feeds
feed-digest-description = Every issue of { $edition }, as it went out.
feed-section-description = The { $section } stories chosen for { $edition }.

## The reader's pages (sign-up, confirm, preferences, search), unsubscribe, 404.
## Text arguments arrive HTML-escaped; { $link } is a whole link.
page-not-accepted = Not accepted
page-not-accepted-text = This form was sent from another site. Nothing has changed.
page-try-later = Try again later
page-try-later-text = Something went wrong on our side. Nothing has changed; please try again later.
page-subscribe = Subscribe
page-check-inbox = Check your inbox
check-inbox-text = If this address can receive { $site }, an email is on its way to it with a link. Open it within { $hours ->
    [one] { $hours } hour
   *[other] { $hours } hours
} to confirm.
check-inbox-spam = Nothing arrives? Look in your spam folder; you can ask again tomorrow.
page-too-many = Too many requests
too-many-text = Too many sign-ups from your network in the last hour. Please try again later.
form-expired = This form has expired or did not come from this site. Please send it again.
form-bad-address = Enter an email address such as name@example.com.
form-no-section = Choose at least one section.
form-no-edition = Choose at least one edition.
form-email = Email address
form-trap = Leave this empty
form-subscribe = Subscribe
form-name = Your name (optional, for the greeting)
form-sections = Sections
form-editions = Editions
form-format = Format
form-format-html = HTML (with a plain-text version)
form-format-text = Plain text only
form-time-zone = Your time zone (for the times in your email)
page-link-broken = This link does not work
link-expired = This confirmation link has expired. { $link } to get a new one.
sign-up-again = Sign up again
link-invalid = This link is incomplete or was not issued by us. Nothing has changed.
page-confirm = Confirm your subscription
confirm-text = Press the button to start receiving { $site }.
confirm-button = Confirm my subscription
manage-link = Choose your sections, format and time zone
manage-text = { $link } at any time.
page-subscribed = You are subscribed
subscribed-text = Thank you: { $site } will come to your inbox from the next issue.
page-nothing-to-confirm = Nothing to confirm
nothing-to-confirm-text = No sign-up is waiting for this address (it may have been more than two days). { $link }.
preferences-link-invalid = This link is incomplete or was not issued by us. Use the "Manage your subscription" link of a recent email.
page-preferences = Your subscription
preferences-of = Subscription of { $address } to { $site }.
preferences-receive = You receive it.
preferences-unsubscribed = You are unsubscribed: nothing is sent to you.
preferences-not-subscribed = You are not subscribed.
preferences-by-hand = Your subscription is kept by the editors by hand: write to them to change your sections or format.
preferences-apply = Changes apply from the next issue.
preferences-save = Save my choices
preferences-subscribe = Subscribe
preferences-resubscribe = Subscribe again
preferences-unsubscribe = Unsubscribe
preferences-data = Your data
preferences-data-text = We keep your address, your choices above, when you subscribed, and which issues were sent to you. There are no tracking pixels and no redirected links.
preferences-download = Download what is stored about you (JSON)
preferences-delete = Delete what is stored about me
note-unsubscribed = You are unsubscribed. Nothing more will be sent to you.
note-resubscribed = You are subscribed again, from the next issue.
note-by-hand = Your subscription is kept by hand: nothing was changed.
note-saved = Saved. Your choices apply from the next issue.
note-not-saved = You are not subscribed: nothing was saved.
page-deleted = Deleted
deleted-by-hand = You are unsubscribed, and your choices are deleted. The editors keep your address in their list by hand, marked so that nothing is sent to it; write to them to have it removed.
deleted-text = Your subscription and your choices are deleted. Nothing more will be sent to you.
page-search = Search
search-label = Search the archive
search-button = Search
search-found = { $count ->
    [0] No stories
    [one] { $count } story
   *[other] { $count } stories
} for “{ $query }”.
page-unsubscribe = Unsubscribe
unsubscribe-question = Stop sending { $site } to { $address }?
unsubscribe-button = Unsubscribe
page-unsubscribed = Unsubscribed
unsubscribed-text = You will not receive this digest any more.
page-link-not-valid = This link is not valid
unsubscribe-invalid = The unsubscribe link is incomplete or was not issued by us. Nothing has changed.
page-not-found = Not found
not-found-text = There is no page at this address. The { $link } lists every issue.
archive-link = archive
subscribe-intro = Receive { $site } by email. We will send you a link to confirm; nothing is sent until you do. Every email has a link to change your choices or unsubscribe.

## The sign-up notices (plain-text emails); { $url } is on a line of its own.
notice-confirm-subject = Confirm your subscription to { $site }
notice-confirm-text = Someone, probably you, asked to receive { $site } at this address.

    To confirm, open this link and press the button:

    { $url }

    The link works until { $until } UTC. If you did not ask, ignore this email: nothing will be sent to you.
notice-already-subject = You already receive { $site }
notice-already-text = Someone, probably you, asked to subscribe this address to { $site }, which already receives it. Nothing has changed.

    To choose your sections, format or time zone, or to unsubscribe:

    { $url }

## The editor's preview site (`pressroom preview --serve`).
preview = pressroom preview
preview-error = pressroom preview: error
preview-cannot-render = Cannot render the preview
preview-fix-and-reload = Fix it and reload.
preview-next-issues = Next issues, as each audience will get them:
preview-subscribers = { $count ->
    [one] { $count } subscriber
   *[other] { $count } subscribers
}
# The navigation's name, for screen readers.
preview-nav = Preview
preview-all-editions = All editions
preview-page = Preview: { $issue }
# The email's frame, for screen readers.
preview-frame = The email { $title } { $issue }, as the { $audience } audience gets it
preview-held = Would be held, not sent:
preview-ranking = Ranking
preview-position = position
preview-title = title
preview-outlet = outlet
preview-score = score
preview-recency = recency
preview-most-read = most read
preview-outlets = outlets
preview-note = note
preview-actions = actions
# A story's place in the ranking table: the lead, or a section and its rank.
preview-lead = lead
preview-pinned = pinned
preview-also-in = also in { $outlets }
preview-not-selected = not selected
preview-pin-to-lead = Pin to lead
preview-drop = Drop
preview-reset = Reset
preview-sources = Sources
preview-source = source
preview-state = state
preview-stories = stories
preview-last-error = last error
preview-source-ok = ok
preview-source-failing = FAILING ({ $count })
preview-items = { $count ->
    [one] { $count } item
   *[other] { $count } items
}
# The name shown in place of a reader's, in a template that writes it.
preview-reader = Reader

## Languages
# This language's name, in itself: how a reader choosing a language finds it.
language-name = English
form-language = Language of the emails
