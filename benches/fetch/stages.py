#!/usr/bin/python3
"""Attributes the samples of a `perf script -F comm,ip,sym` dump of `pressroom fetch`
to ingest stages: each sample goes to the first stage (in the order below) that any
frame of its call chain matches. Recorded with --call-graph dwarf (see README.md).

usage: perf script -i FILE -F comm,ip,sym | python3 benches/fetch/stages.py /dev/stdin"""
import collections
import sys

rules = [
 ("normalise: sanitise (ammonia)", ["ingest::text::sanitise"]),
 ("normalise: text of sanitised HTML", ["text_of_sanitised"]),
 ("normalise: titles, topics (clean_text)", ["ingest::text::clean_text"]),
 ("normalise: dates", ["ingest::dates::"]),
 ("normalise: URLs", ["canonical_url", "url::parser", "url::ParseOptions", "image_url", "first_img"]),
 ("normalise: other (keys, excerpts, dedupe)", ["ingest::normalise::"]),
 ("decode: charset, declaration", ["ingest::charset::", "ingest::decode::", "ingest::ebcdic", "ingest::sniff"]),
 ("parse: fast reader, feed-rs, quick-xml", ["ingest::fast::", "feed_rs::", "quick_xml::", "ingest::adapter::", "ingest::jsonfeed"]),
 ("tokens for clustering (rank::kept)", ["rank::kept::", "rank::text::"]),
 ("store: save stories (SQLite)", ["save_items", "store::stories"]),
 ("store: commit, fetch records, prune", ["ingest::write", "record_fetch", "Connection::execute_batch", "store::", "sqlite3"]),
 ("download: HTTP (reqwest/hyper), gzip", ["hyper", "reqwest", "h2::", "flate2", "brotli", "ingest::fetch::", "tokio::net", "mio::"]),
 ("start-up: config, plan", ["config::", "toml", "load_plan"]),
]
counts = collections.Counter(); total = 0
threads = collections.Counter(); comm_now = None
stack = []; comm = None
def flush():
    global total
    if not stack: return
    total += 1
    threads[comm_now] += 1
    for name, pats in rules:  # the first rule any frame matches
        if any(p in frame for frame in stack for p in pats):
            counts[name] += 1; return
    counts["other (runtime, allocator, kernel, unresolved)"] += 1
for line in open(sys.argv[1], errors="replace"):
    if not line.strip():
        flush(); stack = []; continue
    if not line.startswith((" ", "\t")):
        flush(); stack = []; comm_now = line.split()[0]; continue
    parts = line.strip().split(None, 1)
    stack.append(parts[1] if len(parts) > 1 else "?")
flush()
for name, n in sorted(counts.items(), key=lambda x: -x[1]):
    print(f"{100*n/total:5.1f}%  {name}")
print(total, "samples", dict(threads))
