#!/usr/bin/env python3
"""Draft rules/NAME.tests.jsonl for the shipped rules files.

Each case is the clean base response (tests/it/util.rs `base()`) with one change: a finding
fixture (tests/fixtures/findings/CODE.json), edit counts that make one edit rule fire, or an
applicant that disagrees on one field. The expected decision is computed HERE, independently
of the engine, from the rules file and the resolution order of rules/README.md ("Outcome");
the engine only says which findings and match rules are present (validation and match
scores are tested elsewhere). The script then runs `layer-risk score` and refuses to write a
file where the engine disagrees with this reading of the rules, printing each disagreement.

Usage: cargo build && python3 scripts/rule_tests.py [--write]
"""
import json, subprocess, sys, copy, os

AS_OF = "2026-11-22"
BIN = os.environ.get("LAYER_RISK", "target/debug/layer-risk")
WINDOWS = ["current", "1d", "30d", "365d", "all_time"]
KEYS = {"current": "edits_current", "1d": "edits_1d", "30d": "edits_30d",
        "365d": "edits_365d", "all_time": "edits_all_time"}
RANK = {"trust": 0, "identity_match": 1, "identity_verification": 2}
IDENTITY_FIELDS = {"identity", "name", "address", "phone_number", "date_of_birth", "ssn"}
UNSETTLED = {"date_of_birth", "ssn", "identity"}
EDIT_CONCERNS = {"ssn": "ssn", "date_of_birth": "date_of_birth", "name": "name",
                 "address": "address", "email": "email"}
MATCH_CONCERNS = {"legal_name": "name", "date_of_birth": "date_of_birth", "phone_number":
                  "phone_number", "address": "address", "email_address": "email",
                  "email_name": "email"}

# code -> (field, class), from `layer-risk rules codes`.
CODES = {}
for line in subprocess.run([BIN, "rules", "codes"], capture_output=True, text=True,
                           check=True).stdout.splitlines():
    code, field, cls = line.split()[:3]
    if code not in ("edit_rule", "match_rule", "identity_match_unavailable"):
        CODES[code] = (field, cls)

BASE = json.load(open("tests/fixtures/findings/idv_passed.json"))
BASE.pop("idv_session_status")
IDENT = BASE["identity"]
APPLICANT = {k: IDENT[k] for k in ["name", "address", "phone_number", "email", "date_of_birth"]}

def tier(rules, score):
    t = rules["tiers"]
    return ("identity_verification" if score >= t["identity_verification"]
            else "identity_match" if score >= t["identity_match"] else "trust")

def price(rules, code):
    p = rules["findings"][code]
    return (p, None) if isinstance(p, int) else (p["points"], p.get("force"))

def fired_edit_rules(rules, hist):
    out = []
    for r in rules.get("edit_rules", []):
        f = hist.get("official_document", {}).get("ssn") if r["field"] == "ssn" else hist.get(r["field"])
        if not f:
            continue
        n = f[KEYS[r["window"]]] - (f[KEYS[r["minus"]]] if r.get("minus") else 0)
        if n >= r["at_least"]:
            out.append(r)
    return out

def predict(rules, findings, edit_rules, match_rules, has_items):
    """The six steps of rules/README.md "Outcome", without the IDV discount."""
    reasons = []  # (key, points, force, concerns, doubt)
    for c, shown in findings:
        pts, force = price(rules, c)
        _, cls = CODES[c]
        # A finding concerns the field its reason shows: for edit-history findings, the field
        # whose counts they are about (rules/README.md).
        field = shown
        doubt = cls in ("invalid", "inconsistent") and field in IDENTITY_FIELDS
        reasons.append((c, pts, force, field, doubt))
    for r in edit_rules:
        reasons.append((r["id"], r["points"], r.get("force"), EDIT_CONCERNS[r["field"]], False))
    for r in match_rules:
        reasons.append((r["id"], r["points"], r.get("force"), MATCH_CONCERNS[r["field"]], False))
    score = sum(r[1] for r in reasons)
    out = tier(rules, score)
    for r in reasons:                                   # 2. force
        if r[2] and RANK[r[2]] > RANK[out]:
            out = r[2]
    if any(r[4] for r in reasons) and out == "trust":   # 3. invalid identity data
        out = "identity_match"
    guards = rules.get("guardrails", {})
    for r in reasons:                                   # 4. guardrails
        g = guards.get(r[0])
        if g and RANK[g] > RANK[out]:
            out = g
    if out == "identity_match":                         # 5. what IM cannot settle
        if any((r[1] > 0 or r[2] or r[0] in guards or r[4]) and r[3] in UNSETTLED for r in reasons):
            out = "identity_verification"
    if out == "identity_match" and not has_items and rules.get("identity_match_requires_items", True):
        out = "identity_verification"                   # 6. no Item
    return out, score

def cases_for(name, rules):
    cases = []  # (name, input, target reasons)
    for code in CODES:
        if code == "idv_passed":
            continue
        doc = json.load(open(f"tests/fixtures/findings/{code}.json"))
        cases.append((f"finding {code}", doc, [code]))
    for r in rules.get("edit_rules", []):
        doc = copy.deepcopy(BASE)
        hist = doc["identity_edit_history"]
        counts = hist["official_document"]["ssn"] if r["field"] == "ssn" else hist[r["field"]]
        w = WINDOWS.index(r["window"])
        for i, win in enumerate(WINDOWS):
            counts[KEYS[win]] = r["at_least"] if i >= w else 0
        cases.append((f"edit rule {r['id']}", doc, [r["id"]]))
    diffs = {
        "legal_name": [("name Ron Swanson", {"name": {"first_name": "Ron", "last_name": "Swanson"}}),
                       ("name Lisa Knope", {"name": {"first_name": "Lisa", "last_name": "Knope"}})],
        "phone_number": [("another phone", {"phone_number": "+12126647665"})],
        "email_address": [("another email", {"email": "ron@swanson.com"})],
        "address": [("another address", {"address": {"street": "742 Evergreen Terrace",
                     "city": "Springfield", "region": "OR", "postal_code": "97403", "country": "US"}})],
        "date_of_birth": [("another date of birth", {"date_of_birth": "1982-07-04"}),
                          ("day and month swapped", {"date_of_birth": "1975-18-01"})],
    }
    for field, variants in diffs.items():
        for label, change in variants:
            app = dict(APPLICANT); app.update(change)
            ids = [r["id"] for r in rules.get("match_rules", []) if r["field"] == field]
            cases.append((f"applicant: {label}", {"session": copy.deepcopy(BASE), "applicant": app}, ids))
    s = copy.deepcopy(BASE); s["identity"]["email"] = "zq8841@example.com"
    app = dict(APPLICANT); app["email"] = "zq8841@example.com"
    cases.append(("applicant: email unlike the name", {"session": s, "applicant": app},
                  [r["id"] for r in rules.get("match_rules", []) if r["field"] == "email_name"]))
    cases.insert(0, ("clean response", copy.deepcopy(BASE), []))
    doc = copy.deepcopy(BASE); doc["items"] = []
    hist = doc["identity_edit_history"]["name"]
    for k in KEYS.values():
        hist[k] = 1 if k != "edits_1d" else 2
    hist["edits_30d"] = hist["edits_365d"] = hist["edits_all_time"] = 2
    cases.insert(1, ("name edited now and earlier today, no linked account", doc, []))
    return cases

def main():
    write = "--write" in sys.argv
    bad = 0
    for name in ["default", "lending", "payments"]:
        rules = json.load(open(f"rules/{name}.json"))
        cases = cases_for(name, rules)
        inp = "\n".join(json.dumps(c[1]) for c in cases) + "\n"
        out = subprocess.run([BIN, "score", "-q", "--rules", f"rules/{name}.json", "--as-of", AS_OF, "-"],
                             input=inp, capture_output=True, text=True).stdout.splitlines()
        lines = []
        for (cname, doc, targets), rec in zip(cases, out):
            rec = json.loads(rec)
            session = doc.get("session", doc)
            findings = [(r["code"], r["field"]) for r in rec["reasons"] if r["code"] in CODES]
            matches = [r for r in rules.get("match_rules", []) if any(x["rule_id"] == r["id"] for x in rec["reasons"])]
            hist = session.get("identity_edit_history") or {}
            edits = fired_edit_rules(rules, hist) if isinstance(hist, dict) else []
            has_items = bool(session.get("items"))
            want, _ = predict(rules, findings, edits, matches, has_items)
            got_ids = [r["rule_id"] for r in rec["reasons"]]
            targets = [t for t in targets if t in got_ids or t in CODES]
            expected_edit_ids = {r["id"] for r in edits}
            engine_edit_ids = {r["rule_id"] for r in rec["reasons"] if r["code"] == "edit_rule"}
            if want != rec["decision"] or expected_edit_ids != engine_edit_ids or any(t not in got_ids for t in targets):
                bad += 1
                print(f"{name}: {cname}: predicted {want} {sorted(expected_edit_ids)}, engine {rec['decision']} {got_ids}")
            lines.append(json.dumps({"name": cname, "as_of": AS_OF, "input": doc,
                                     "expect": {"decision": want, "reasons": targets}},
                                    separators=(", ", ": ")))
        print(f"{name}: {len(lines)} cases")
        if write and not bad:
            open(f"rules/{name}.tests.jsonl", "w").write("\n".join(lines) + "\n")
    sys.exit(1 if bad else 0)

main()
