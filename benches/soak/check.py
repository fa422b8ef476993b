"""The end of benches/soak.sh: did every issue carry stories and reach everyone once?

check.py MAILDIR STATE_DB SUBSCRIBERS

Reads every message the SMTP sink received, maps each to its issue through the
outbox (by Message-ID), and prints per issue: stories, messages, distinct recipients,
duplicates, recipients missing, and the outbox's states. Exits 1 when an issue has no
stories, when anyone received an issue twice, or when a finished issue (nothing
pending) missed anyone.
"""

import collections
import email.parser
import pathlib
import sqlite3
import sys

maildir, state, subscribers = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
db = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
issue_of = {mid: issue for mid, issue in db.execute("SELECT message_id, issue FROM outbox")}
stories = dict(db.execute(
    "SELECT i.id, COUNT(s.story) FROM issues i LEFT JOIN issue_stories s ON s.issue = i.id "
    "GROUP BY i.id"))
states = collections.defaultdict(collections.Counter)
for issue, state_, n in db.execute("SELECT issue, state, COUNT(*) FROM outbox GROUP BY 1, 2"):
    states[issue][state_] = n

received = collections.defaultdict(collections.Counter)
unknown = 0
parser = email.parser.BytesHeaderParser()
for sub in ("new", "cur"):
    for path in (maildir / sub).glob("*"):
        with open(path, "rb") as f:
            head = parser.parse(f)
        mid = (head.get("Message-ID") or "").strip().strip("<>")
        issue = issue_of.get(mid)
        if issue is None:
            unknown += 1
            continue
        received[issue][head.get("To", "").strip().lower()] += 1

failures = []
print(f"{'issue':<34} {'stories':>7} {'msgs':>6} {'readers':>7} {'dupes':>5} {'missing':>7}  outbox")
for issue in sorted(set(stories) | set(received)):
    got = received[issue]
    msgs, readers = sum(got.values()), len(got)
    dupes = sum(n - 1 for n in got.values() if n > 1)
    missing = subscribers - readers
    outbox = ", ".join(f"{k} {v}" for k, v in sorted(states[issue].items()))
    print(f"{issue:<34} {stories.get(issue, 0):>7} {msgs:>6} {readers:>7} {dupes:>5} {missing:>7}  {outbox}")
    if stories.get(issue, 0) == 0:
        failures.append(f"{issue}: no stories")
    if dupes:
        failures.append(f"{issue}: {dupes} duplicate deliveries")
    finished = states[issue]["pending"] + states[issue]["sending"] == 0
    if finished and missing:
        failures.append(f"{issue}: {missing} subscribers never received it")
if unknown:
    failures.append(f"{unknown} messages match no outbox row")
print(f"issues: {len(stories)}; messages received: {sum(sum(c.values()) for c in received.values())}")
for failure in failures:
    print(f"FAIL {failure}")
print("check: " + ("FAILED" if failures else "every issue had stories and reached everyone once"))
sys.exit(1 if failures else 0)
