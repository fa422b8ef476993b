#!/usr/bin/python3
"""Verifies every DKIM signature of each message file given, with dkimpy (Debian's
python3-dkim, with python3-nacl for Ed25519), an implementation not written by
pressroom. The public keys are given on the command line instead of being looked up
in DNS (there is no DNS here).

usage: dkim_verify.py DOMAIN SELECTOR:KIND:PUBLIC_KEY_BASE64[,...] FILE...
KIND is "rsa" or "ed25519". A message passes when it carries exactly one signature
per key given and each one verifies. Prints one line per file, "ok FILE" or
"FAIL FILE (reason)", and exits 1 on any failure."""
import sys

import dkim

domain, keys = sys.argv[1:3]
records = {}
for key in keys.split(","):
    selector, kind, public = key.split(":")
    name = f"{selector}._domainkey.{domain}.".encode()
    records[name] = f"v=DKIM1; k={kind}; p={public}".encode()


def dns(name, timeout=5):
    return records.get(name) or records.get(name + b".")


failed = False
for path in sys.argv[3:]:
    with open(path, "rb") as f:
        message = f.read()
    d = dkim.DKIM(message)
    count = sum(1 for name, _ in d.headers if name.lower() == b"dkim-signature")
    reason = None
    if count != len(records):
        reason = f"{count} signatures, expected {len(records)}"
    for i in range(count):
        if reason is None and not d.verify(idx=i, dnsfunc=dns):
            reason = f"signature {i} does not verify"
    print(("ok " if reason is None else "FAIL ") + path + (f" ({reason})" if reason else ""))
    failed |= reason is not None
sys.exit(1 if failed else 0)
