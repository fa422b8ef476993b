#!/usr/bin/env bash
# A soak of `pressroom daemon` (release build) on 127.0.0.1: changing feeds, an SMTP
# sink, and a feed outage in the middle. Prints RSS, open descriptors, WAL size,
# messages received and /healthz over time; at the end, how long SIGTERM took and
# whether every issue carried stories and reached every subscriber once
# (benches/soak/check.py). Exit 1 if that check fails. See benches/README.md.
#
#   benches/soak.sh                       # 3 minutes, the defaults below
#   SOAK_MINUTES=15 SOAK_FEEDS=200 benches/soak.sh
#
# Needs python3 with aiosmtpd (Debian's python3-aiosmtpd, as the tests), curl, sqlite3
# from python. Builds target/release/pressroom if PRESSROOM is not set.
set -euo pipefail

MINUTES=${SOAK_MINUTES:-3}
FEEDS=${SOAK_FEEDS:-200}
SUBSCRIBERS=${SOAK_SUBSCRIBERS:-500}
FETCH=${SOAK_FETCH:-"*/5 * * * * *"}
EDITION=${SOAK_EDITION:-"*/30 * * * * *"}
CHANGE=${SOAK_CHANGE:-20}           # seconds between new items in a feed
OUTAGE=${SOAK_OUTAGE:-45}           # seconds the feed server is down, mid-run
SAMPLE=${SOAK_SAMPLE:-10}           # seconds between samples
PYTHON=${SOAK_PYTHON:-/usr/bin/python3}

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
if [ -z "${PRESSROOM:-}" ]; then
    (cd "$root" && cargo build --release --locked --quiet)
    PRESSROOM=$root/target/release/pressroom
fi
"$PYTHON" -c 'import aiosmtpd' 2>/dev/null || {
    echo "soak: $PYTHON has no aiosmtpd (apt-get install python3-aiosmtpd)" >&2
    exit 2
}

work=$(mktemp -d /tmp/pressroom-soak.XXXXXX)
free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
FEED_PORT=$(free_port); SMTP_PORT=$(free_port); LISTEN_PORT=$(free_port)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

start_feeds() {
    "$PYTHON" "$here/soak/feeds.py" "$FEED_PORT" "$FEEDS" "$CHANGE" &
    feeds_pid=$!
    pids+=("$feeds_pid")
}
start_feeds

"$PYTHON" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$work/maildir" &
pids+=($!)

{
    cat <<EOF
[site]
title = "Soak Review"
base_url = "http://127.0.0.1:$LISTEN_PORT/"
time_zone = "UTC"
state = "state/pressroom.db"
output = "out"

[fetch]
interval = "1s"
per_host = 16
retries = 0

[[sections]]
id = "world"
title = "World"
categories = ["world"]
[[sections]]
id = "politics"
title = "Politics"
categories = ["politics"]
[[sections]]
id = "business"
title = "Business"
categories = ["business"]
[[sections]]
id = "sport"
title = "Sport"
categories = ["sport"]

[[editions]]
id = "rolling"
title = "Rolling Review"
window = "24h"
schedule = "$EDITION"

[email]
from = "Soak Review <soak@soak.example>"
subscribers = "subscribers.toml"
transport = "smtp"
host = "127.0.0.1"
port = $SMTP_PORT
tls = "none"
attempts = 2
backoff = "1s"

[daemon]
listen = "127.0.0.1:$LISTEN_PORT"
fetch = "$FETCH"
shutdown_grace = "10s"
EOF
    for ((i = 0; i < FEEDS; i++)); do
        printf '\n[[sources]]\nid = "outlet%d"\nurl = "http://127.0.0.1:%d/feed/%d.xml"\nfallback_section = "world"\n' "$i" "$FEED_PORT" "$i"
    done
} >"$work/pressroom.toml"
for ((i = 0; i < SUBSCRIBERS; i++)); do
    printf '[[subscribers]]\nemail = "reader%05d@readers.example"\n\n' "$i"
done >"$work/subscribers.toml"
"$PRESSROOM" --config "$work/pressroom.toml" check >/dev/null

# Wait for the sink.
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && break
    sleep 0.1
done

"$PRESSROOM" --config "$work/pressroom.toml" --log-format json daemon 2>"$work/daemon.log" &
daemon=$!
pids+=("$daemon")
echo "soak: $MINUTES min, $FEEDS feeds changing every ${CHANGE}s, fetch \"$FETCH\", edition \"$EDITION\", $SUBSCRIBERS subscribers, feed outage ${OUTAGE}s mid-run; load $(cut -d' ' -f1-3 /proc/loadavg); in $work"

duration=$((MINUTES * 60))
outage_from=$(((duration - OUTAGE) / 2))
outage_to=$((outage_from + OUTAGE))
printf '%6s %8s %5s %9s %8s %9s %7s  %s\n' t_s rss_mb fds wal_kb db_kb messages failing healthz
started=$(date +%s)
next_sample=0
down=0
while :; do
    t=$(($(date +%s) - started))
    [ "$t" -ge "$duration" ] && break
    kill -0 "$daemon" 2>/dev/null || { echo "soak: the daemon died" >&2; tail -20 "$work/daemon.log" >&2; exit 1; }
    if [ "$down" = 0 ] && [ "$t" -ge "$outage_from" ] && [ "$t" -lt "$outage_to" ]; then
        kill "$feeds_pid"; wait "$feeds_pid" 2>/dev/null || true
        down=1; echo "  -- feed server down at ${t}s"
    elif [ "$down" = 1 ] && [ "$t" -ge "$outage_to" ]; then
        start_feeds; down=2; echo "  -- feed server back at ${t}s"
    fi
    if [ "$t" -ge "$next_sample" ]; then
        rss=$(awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$daemon/status")
        fds=$( (find "/proc/$daemon/fd" -mindepth 1 -maxdepth 1 2>/dev/null || true) | wc -l)
        wal=$(( $(stat -c %s "$work/state/pressroom.db-wal" 2>/dev/null || echo 0) / 1024 ))
        db=$(( $(stat -c %s "$work/state/pressroom.db" 2>/dev/null || echo 0) / 1024 ))
        messages=$( (find "$work/maildir/new" -type f 2>/dev/null || true) | wc -l)
        code=$(curl -s -m 5 -o "$work/health.json" -w '%{http_code}' "http://127.0.0.1:$LISTEN_PORT/healthz" || true)
        read -r status failing < <("$PYTHON" -c 'import json,sys; b=json.load(open(sys.argv[1])); print(b["status"], b["sources_failing"])' "$work/health.json" 2>/dev/null || echo "? ?")
        printf '%6d %8s %5d %9d %8d %9d %7s  %s %s\n' "$t" "$rss" "$fds" "$wal" "$db" "$messages" "$failing" "$code" "$status"
        next_sample=$((next_sample + SAMPLE))
    fi
    sleep 1
done

peak=$(awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$daemon/status")
asked=$(date +%s.%N)
kill -TERM "$daemon"
wait "$daemon" && code=0 || code=$?
stopped=$(echo "$(date +%s.%N) - $asked" | bc)
echo "stop: exit $code after ${stopped}s; peak RSS ${peak} MB"

count() { grep -c "$1" "$work/daemon.log" || true; }
echo "log: $(count '"fetch: ') fetch runs, $(count 'fetch fire skipped') fetch fires skipped (one in flight), $(count 'issue delivered') publish runs, $(count '"level":"WARN".*fire started late') fires late > 5 s, $(count '"level":"ERROR"') errors"
grep '"fetch: ' "$work/daemon.log" | "$PYTHON" -c '
import json, re, sys
secs = [float(re.search(r"in ([0-9.]+) s", json.loads(l)["fields"]["message"]).group(1)) for l in sys.stdin]
if secs:
    secs.sort()
    print(f"fetch runs: median {secs[len(secs)//2]:.2f} s, max {secs[-1]:.2f} s")
' || true
"$PYTHON" "$here/soak/check.py" "$work/maildir" "$work/state/pressroom.db" "$SUBSCRIBERS"
