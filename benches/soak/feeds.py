"""Changing feeds for benches/soak.sh, on 127.0.0.1.

feeds.py PORT N_FEEDS CHANGE_SECONDS

Serves /feed/I.xml for I in 0..N_FEEDS: an RSS 2.0 channel whose newest item appears
every CHANGE_SECONDS (each feed on its own phase, so some feeds change at every fetch),
keeping the last 15 items, with an ETag and Last-Modified that answer conditional GETs
with 304. Items carry a section category and distinct headlines.
"""

import hashlib
import sys
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, FEEDS, CHANGE = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
SECTIONS = ["World", "Politics", "Business", "Sport"]
WORDS = ("harbour council budget summit storm rail vaccine court strike election market "
         "museum bridge drought league tariff satellite treaty refinery festival").split()


def slot(feed, now):
    """The number of the newest item of `feed` at `now`."""
    return int((now + feed * CHANGE / max(FEEDS, 1)) // CHANGE)


def headline(feed, n):
    h = int.from_bytes(hashlib.sha256(f"{feed}/{n}".encode()).digest()[:8], "big")
    words = [WORDS[(h >> (5 * k)) % len(WORDS)] for k in range(5)]
    return f"{' '.join(words).capitalize()} ({feed}-{n})"


def feed_xml(feed, newest):
    items = []
    for n in range(newest, max(newest - 15, 0), -1):
        when = formatdate(n * CHANGE - feed * CHANGE / max(FEEDS, 1), usegmt=True)
        section = SECTIONS[(feed + n) % len(SECTIONS)]
        items.append(
            f"<item><title>{headline(feed, n)}</title>"
            f"<link>https://outlet{feed}.example/story/{n}</link>"
            f"<guid isPermaLink=\"false\">outlet{feed}-{n}</guid><pubDate>{when}</pubDate>"
            f"<category>{section}</category>"
            f"<description>Report {n} from outlet {feed}: {headline(feed, n + 7)}.</description></item>"
        )
    return (
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
        f"<title>Outlet {feed}</title><link>https://outlet{feed}.example/</link>"
        + "".join(items) + "</channel></rss>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        try:
            feed = int(self.path.removeprefix("/feed/").removesuffix(".xml"))
        except ValueError:
            feed = -1
        if not 0 <= feed < FEEDS:
            self.send_response(404)
            self.send_header("content-length", "0")
            self.end_headers()
            return
        newest = slot(feed, time.time())
        etag = f"\"{feed}-{newest}\""
        if self.headers.get("if-none-match") == etag:
            self.send_response(304)
            self.send_header("etag", etag)
            self.send_header("content-length", "0")
            self.end_headers()
            return
        body = feed_xml(feed, newest)
        self.send_response(200)
        self.send_header("content-type", "application/rss+xml")
        self.send_header("etag", etag)
        changed = newest * CHANGE - feed * CHANGE / max(FEEDS, 1)
        self.send_header("last-modified", formatdate(changed, usegmt=True))
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer.allow_reuse_address = True
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
