#!/usr/bin/python3
"""Verifies the DKIM signature of each message file given, with dkimpy (Debian's
python3-dkim), an implementation not written by pressroom. The public key is given on
the command line instead of being looked up in DNS (there is no DNS here).

usage: dkim_verify.py SELECTOR DOMAIN PUBLIC_KEY_BASE64 KEY_TYPE FILE...
Prints one line per file, "ok FILE" or "FAIL FILE", and exits 1 on any failure."""
import sys

import dkim

selector, domain, public, kind = sys.argv[1:5]
record = f"v=DKIM1; k={kind}; p={public}".encode()
expected = f"{selector}._domainkey.{domain}.".encode()


def dns(name, timeout=5):
    return record if name in (expected, expected.rstrip(b".")) else None


failed = False
for path in sys.argv[5:]:
    with open(path, "rb") as f:
        message = f.read()
    ok = dkim.verify(message, dnsfunc=dns)
    print(("ok " if ok else "FAIL ") + path)
    failed |= not ok
sys.exit(1 if failed else 0)
