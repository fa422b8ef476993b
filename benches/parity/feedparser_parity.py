#!/usr/bin/env python3
"""Compares what pressroom reads with what Python's feedparser reads, per document.

Usage: python3 benches/parity/feedparser_parity.py [FOLDER ...]
(default: tests/fixtures/feeds). Needs the pressroom binary (target/debug or
target/release, or $PRESSROOM) and feedparser (Debian: apt-get install
python3-feedparser). Not part of the test suite.

For each document it counts the entries feedparser finds with a title or text, and
the stories pressroom stores from it (via `pressroom fetch` on file:// sources and
`status --json`), then prints the documents where pressroom has fewer, and totals.
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import feedparser

ROOT = Path(__file__).resolve().parents[2]


def binary():
    if os.environ.get("PRESSROOM"):
        return os.environ["PRESSROOM"]
    for profile in ("release", "debug"):
        path = ROOT / "target" / profile / "pressroom"
        if path.exists():
            return str(path)
    sys.exit("build pressroom first (cargo build)")


def main():
    folders = [Path(a) for a in sys.argv[1:]] or [ROOT / "tests/fixtures/feeds"]
    files = sorted(p for f in folders for p in f.iterdir() if p.is_file() and p.stat().st_size > 0)
    with tempfile.TemporaryDirectory() as tmp:
        config = ['[site]\ntitle = "Parity"\ntime_zone = "UTC"\n',
                  '[[sections]]\nid = "all"\ntitle = "All"\n']
        ids = {}
        for i, path in enumerate(files):
            ids[f"f{i}"] = path
            config.append(f'[[sources]]\nid = "f{i}"\nurl = "file://{path.resolve()}"\nfallback_section = "all"\n')
        (Path(tmp) / "pressroom.toml").write_text("\n".join(config))
        args = [binary(), "--config", str(Path(tmp) / "pressroom.toml"), "--now", "2026-11-27T06:00:00Z"]
        subprocess.run(args + ["fetch"], capture_output=True)
        status = json.loads(subprocess.run(args + ["status", "--json"], capture_output=True, text=True).stdout)
    ours = {s["id"]: s for s in status["sources"]}
    totals = {"documents": 0, "fp_entries": 0, "ours": 0, "fewer": 0, "fp_docs": 0, "our_docs": 0}
    for sid, path in ids.items():
        parsed = feedparser.parse(path.read_bytes())
        fp = sum(1 for e in parsed.entries if e.get("title") or e.get("summary") or e.get("content"))
        got = ours[sid]["stories"]
        totals["documents"] += 1
        totals["fp_entries"] += fp
        totals["ours"] += got
        totals["fp_docs"] += fp > 0
        totals["our_docs"] += got > 0
        if got < fp:
            totals["fewer"] += 1
            print(f"{path.name}: feedparser {fp}, pressroom {got}: {ours[sid]['last_error'] or ''}")
    print(json.dumps(totals))


if __name__ == "__main__":
    main()
