"""Challenger rule sets from Python (issue 19): a shadow gives the CLI's `score --shadow`
bytes, its live part is the plain decision and its shadow the challenger's own; decision
ids agree across every way in; a staged rollout keeps each user in one arm."""

import gzip
import json

import pytest

import layer_risk
from conftest import AS_OF, REPO, run_cli, strip_line

DEFAULT = REPO / "rules" / "default.json"
LENDING = REPO / "rules" / "lending.json"
PAYMENTS = REPO / "rules" / "payments.json"


def lines_of(data: bytes) -> list:
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def by_line(records: bytes) -> dict:
    """CLI records by line number, parsed."""
    out = {}
    for raw in records.splitlines():
        rec = json.loads(raw)
        out[rec["line"]] = rec
    return out


@pytest.fixture(scope="module")
def shadowed() -> layer_risk.Scorer:
    return layer_risk.Scorer(as_of=AS_OF, shadow=LENDING)


# (a) score --shadow ----------------------------------------------------------------------


def test_a_shadow_scorer_writes_the_cli_shadow_bytes(shadowed, challenger_export, challenger_cli):
    data = challenger_export.read_bytes()
    want = challenger_cli["shadow"]
    assert shadowed.score_jsonl(data) == want
    assert shadowed.score_jsonl(data, jobs=4) == want
    # The same scorer assembled from two scorers, and from the challenger as a Scorer.
    built = layer_risk.Scorer(as_of=AS_OF).with_shadow(layer_risk.Scorer(LENDING, as_of=AS_OF))
    assert built.score_jsonl(data) == want
    assert built.shadow_rules == shadowed.shadow_rules
    assert shadowed.shadow_rules["name"] == "lending"
    assert shadowed.rollout_share is None
    assert shadowed.shadow_rules_json == LENDING.read_text()


def test_the_live_part_is_the_plain_decision_and_the_shadow_the_challengers(challenger_cli):
    shadow = by_line(challenger_cli["shadow"])
    live = by_line(challenger_cli["live"])
    lending = by_line(challenger_cli["lending"])
    assert shadow.keys() == live.keys() == lending.keys()
    decided = differ = errors = 0
    for n, rec in shadow.items():
        if "error" in rec:
            # A line that is not a response has the live rules' error record, no shadow.
            assert rec == live[n]
            errors += 1
            continue
        challenger = rec.pop("shadow")
        assert rec == live[n], n  # the live decision untouched, its id included
        other = lending[n]
        assert challenger == {
            "decision_id": other["decision_id"],
            "decision": other["decision"],
            "score": other["score"],
            "reasons": [r["rule_id"] for r in other["reasons"]],
            "rules": other["rules"],
        }, n
        assert challenger["decision_id"] != rec["decision_id"]
        decided += 1
        differ += challenger["decision"] != rec["decision"]
    assert decided > 2900 and errors > 10, (decided, errors)
    assert differ > 20, f"the rule sets disagree on only {differ} lines: a weak comparison"


def test_score_lines_and_assess_carry_the_shadow(shadowed, challenger_export, challenger_cli):
    lines = lines_of(challenger_export.read_bytes())
    cli = challenger_cli["shadow"].splitlines()
    got = shadowed.score_lines(lines)
    assert [r for r in got if r is not None] == [strip_line(r).decode() for r in cli]
    assert all('"shadow":{' in r for r in got if '"error"' not in r)
    # assess: the same record as a dict (error lines raise instead).
    for raw, rec in zip(lines[:400], cli[:400]):
        want = json.loads(rec)
        del want["line"]
        if "error" in want:
            with pytest.raises(layer_risk.ParseError):
                shadowed.assess(raw)
        else:
            assert shadowed.assess(raw) == want


def test_dropping_the_challenger_gives_the_plain_records(shadowed, challenger_export,
                                                         challenger_cli):
    data = challenger_export.read_bytes()
    plain = shadowed.without_challenger()
    assert plain.shadow_rules is None
    assert plain.score_jsonl(data) == challenger_cli["live"]


# (b) decision ids --------------------------------------------------------------------------


def test_decision_ids_agree_across_every_way_in(challenger_export, challenger_cli):
    data = challenger_export.read_bytes()
    cli = by_line(challenger_cli["live"])
    ids = {n: r["decision_id"] for n, r in cli.items()}
    assert all(isinstance(i, str) and len(i) == 32 for i in ids.values())
    assert len(set(ids.values())) == len(ids), "one id per distinct line"

    scorer = layer_risk.Scorer(as_of=AS_OF)

    def ids_of_jsonl(out: bytes) -> dict:
        return {r["line"]: r["decision_id"] for r in map(json.loads, out.splitlines())}

    assert ids_of_jsonl(scorer.score_jsonl(data)) == ids
    assert ids_of_jsonl(scorer.score_jsonl(data, jobs=4)) == ids
    half = data.index(b"\n", len(data) // 2) + 1
    gz = gzip.compress(data[:half]) + gzip.compress(data[half:])
    assert ids_of_jsonl(scorer.score_jsonl(gz)) == ids
    lines = lines_of(data)
    from_lines = {
        n: json.loads(r)["decision_id"]
        for n, r in enumerate(scorer.score_lines(lines), 1)
        if r is not None
    }
    assert from_lines == ids
    for n in range(1, 300):
        if "error" not in cli[n]:
            assert scorer.assess(lines[n - 1])["decision_id"] == ids[n]

    # Another rule set: another id for every line, the one the CLI gives under it.
    lending_ids = {n: r["decision_id"] for n, r in by_line(challenger_cli["lending"]).items()}
    assert ids_of_jsonl(layer_risk.Scorer(LENDING, as_of=AS_OF).score_jsonl(data)) == lending_ids
    assert all(lending_ids[n] != ids[n] for n in ids)
    # Another date: another id.
    other_day = layer_risk.Scorer(as_of="2026-11-23").score_lines(lines[:1])[0]
    assert json.loads(other_day)["decision_id"] != ids[1]


# (e) staged rollout ------------------------------------------------------------------------


def arms_by_key(records: list) -> dict:
    arms = {}
    for rec, key in records:
        arms.setdefault(key, set()).add(rec["arm"])
    return arms


def test_a_rollout_is_the_cli_rollout_and_keeps_each_user_in_one_arm(cli, keyed_export):
    keyed = keyed_export
    data = keyed.read_bytes()
    want = run_cli(cli, "score", "--as-of", AS_OF, "--jobs", "1", "--rollout", str(PAYMENTS),
                   "--rollout-share", "0.3", str(keyed))
    scorer = layer_risk.Scorer(as_of=AS_OF, rollout=PAYMENTS, rollout_share=0.3)
    assert scorer.rollout_share == 0.3 and scorer.shadow_rules["name"] == "payments"
    assert scorer.score_jsonl(data) == want
    built = layer_risk.Scorer(as_of=AS_OF).with_rollout(layer_risk.Scorer(PAYMENTS, as_of=AS_OF),
                                                         0.3)
    assert built.score_jsonl(data) == want

    keys = {}
    for n, raw in enumerate(lines_of(data), 1):
        try:
            doc = json.loads(raw)
        except ValueError:
            doc = None
        keys[n] = doc.get("rollout_key") if isinstance(doc, dict) else None
    records = [(r, keys[r["line"]]) for r in map(json.loads, want.splitlines()) if "arm" in r]
    assert len(records) > 2900
    arms = arms_by_key(records)
    assert all(len(a) == 1 for a in arms.values()), "a user in two arms"
    challenger = {k for k, a in arms.items() if a == {"challenger"}}
    assert 0.2 < len(challenger) / len(arms) < 0.4, len(challenger)
    for rec, _ in records:
        live, other = ("payments", "default") if rec["arm"] == "challenger" else ("default",
                                                                               "payments")
        assert (rec["rules"]["name"], rec["shadow"]["rules"]["name"]) == (live, other)

    # assess with the key beside the body puts the user in the same arm.
    body = '{"identity": null, "request_id": "r1"}'
    for key, arm in list(arms.items())[:100]:
        assert scorer.assess(body, rollout_key=key)["arm"] == next(iter(arm))
        assert scorer.assess(body, rollout_key=key)["arm"] == next(iter(arm))
    # No key: the live rules decide.
    assert scorer.assess(body)["arm"] == "control"

    # Raising the share only moves users into the challenger.
    wider = layer_risk.Scorer(as_of=AS_OF).with_rollout(layer_risk.Scorer(PAYMENTS, as_of=AS_OF),
                                                        0.6)
    wider_challenger = {k for k in arms if wider.assess(body, rollout_key=k)["arm"] == "challenger"}
    assert challenger < wider_challenger


def test_share_0_is_all_control_and_share_1_all_challenger(keyed_export):
    keyed = keyed_export
    data = keyed.read_bytes()
    for share, arm, rules in ((0, "control", "default"), (1, "challenger", "payments"),
                              (0.0, "control", "default"), (1.0, "challenger", "payments")):
        scorer = layer_risk.Scorer(as_of=AS_OF, rollout=PAYMENTS, rollout_share=share)
        recs = [json.loads(r) for r in scorer.score_jsonl(data).splitlines()]
        decided = [r for r in recs if "arm" in r]
        assert len(decided) > 2900
        assert {r["arm"] for r in decided} == {arm}, share
        assert {r["rules"]["name"] for r in decided} == {rules}, share
        for key in ("user-1", "user-2", "someone-else"):
            assert scorer.assess('{"identity": null}', rollout_key=key)["arm"] == arm


def test_challenger_arguments_are_checked():
    with pytest.raises(ValueError, match="one or the other"):
        layer_risk.Scorer(as_of=AS_OF, shadow=LENDING, rollout=PAYMENTS, rollout_share=0.5)
    with pytest.raises(ValueError, match="needs rollout_share"):
        layer_risk.Scorer(as_of=AS_OF, rollout=PAYMENTS)
    with pytest.raises(ValueError, match="only with rollout"):
        layer_risk.Scorer(as_of=AS_OF, shadow=LENDING, rollout_share=0.5)
    for bad in (-0.1, 1.5, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="from 0 to 1"):
            layer_risk.Scorer(as_of=AS_OF, rollout=PAYMENTS, rollout_share=bad)
        with pytest.raises(ValueError, match="from 0 to 1"):
            layer_risk.Scorer(as_of=AS_OF).with_rollout(layer_risk.Scorer(as_of=AS_OF), bad)
    for bad in ("0.5", True, None):
        with pytest.raises(TypeError, match="rollout_share"):
            layer_risk.Scorer(as_of=AS_OF).with_rollout(layer_risk.Scorer(as_of=AS_OF), bad)
    with pytest.raises(TypeError):
        layer_risk.Scorer(as_of=AS_OF, shadow=7)
    with pytest.raises(TypeError):
        layer_risk.Scorer(as_of=AS_OF).with_shadow("rules/lending.json")
    with pytest.raises(TypeError, match="rollout_key: expected str, got int"):
        layer_risk.Scorer(as_of=AS_OF).assess("{}", rollout_key=7)


def test_a_broken_challenger_file_raises_located(tmp_path):
    text = LENDING.read_text()
    typo = tmp_path / "typo.json"
    typo.write_text(text.replace('"tiers"', '"teirs"', 1))
    line = next(i for i, l in enumerate(text.splitlines(), 1) if '"tiers"' in l)
    for kwargs in ({"shadow": typo}, {"rollout": typo, "rollout_share": 0.5}):
        with pytest.raises(layer_risk.RulesError) as e:
            layer_risk.Scorer(as_of=AS_OF, **kwargs)
        assert (e.value.code, e.value.line, e.value.path) == ("schema", line, "teirs")
        assert str(e.value).startswith(f"{typo}:{line}:")


def test_with_as_of_and_repr():
    s = layer_risk.Scorer(as_of=AS_OF, rollout=PAYMENTS, rollout_share=0.25)
    later = s.with_as_of("2026-11-23")
    assert (later.as_of, later.rollout_share, later.shadow_rules) == (
        "2026-11-23", 0.25, s.shadow_rules)
    assert s.as_of == AS_OF  # immutable: a new scorer each time
    version = s.rules["version"]
    assert repr(s) == (
        f"Scorer(rules=default@{version}, rollout=payments@{s.shadow_rules['version']}, "
        f"rollout_share=0.25, as_of={AS_OF})"
    )
    shadow = layer_risk.Scorer(as_of=AS_OF, shadow=LENDING)
    assert repr(shadow) == (
        f"Scorer(rules=default@{version}, shadow=lending@{shadow.shadow_rules['version']}, "
        f"as_of={AS_OF})"
    )
    assert repr(shadow.without_challenger()) == f"Scorer(rules=default@{version}, as_of={AS_OF})"
    # A rollout built on a shadowed scorer replaces its shadow.
    assert shadow.with_rollout(layer_risk.Scorer(PAYMENTS, as_of=AS_OF), 1).shadow_rules[
        "name"] == "payments"
