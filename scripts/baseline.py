#!/usr/bin/env python3
"""What a risk analyst would write instead of layer-risk: the Python baseline.

Reads a JSONL export of Plaid Layer /user_account/session/get responses, and for each line
parses the JSON, validates the phone with `phonenumbers` (Google's libphonenumber port), and sums
a few edit-history rules; writes one small JSON record per line. Used only to measure layer-risk
against it, side by side (see README, "Performance"):

    pip install phonenumbers
    python3 scripts/baseline.py export.jsonl > /dev/null

Prints lines/s to stderr.
"""
import json
import sys
import time

import phonenumbers

RULES = [  # (field, window, at_least, points): a few of rules/default.json's edit rules
    ("ssn", "edits_current", 1, 50),
    ("date_of_birth", "edits_current", 1, 40),
    ("ssn", "edits_365d", 1, 20),
    ("name", "edits_current", 1, 20),
    ("address", "edits_current", 1, 10),
]


def counts(history, field):
    if not isinstance(history, dict):
        return None
    if field == "ssn":
        doc = history.get("official_document")
        return doc.get("ssn") if isinstance(doc, dict) else None
    return history.get(field)


def score(line):
    try:
        resp = json.loads(line)
    except ValueError:
        return {"error": "invalid_json"}
    if not isinstance(resp, dict):
        return {"error": "not_an_object"}
    points = 0
    identity = resp.get("identity") or {}
    phone = identity.get("phone_number") if isinstance(identity, dict) else None
    if not phone:
        points += 30
    else:
        try:
            n = phonenumbers.parse(phone, None)
            if not phonenumbers.is_valid_number(n):
                points += 30
            elif n.country_code != 1:
                points += 30
        except phonenumbers.NumberParseException:
            points += 20
    history = resp.get("identity_edit_history")
    for field, window, at_least, pts in RULES:
        c = counts(history, field)
        if isinstance(c, dict) and isinstance(c.get(window), int) and c[window] >= at_least:
            points += pts
    decision = "identity_verification" if points >= 60 else "identity_match" if points >= 30 else "trust"
    return {"request_id": resp.get("request_id"), "decision": decision, "score": points}


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "-"
    f = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")
    out = sys.stdout
    n = 0
    start = time.perf_counter()
    for n, line in enumerate(f, 1):
        if line.strip():
            rec = score(line)
            rec["line"] = n
            out.write(json.dumps(rec))
            out.write("\n")
    secs = time.perf_counter() - start
    print(f"baseline: {n} lines in {secs:.2f} s = {n / secs:,.0f} lines/s", file=sys.stderr)


if __name__ == "__main__":
    main()
