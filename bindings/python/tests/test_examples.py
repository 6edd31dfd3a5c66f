"""The Flask example (bindings/python/examples/flask_app.py) run in-process with Flask's
test client: it decides, reloads its rules when the file changes and on SIGHUP, refuses a
broken file, rolls the date, fails closed, and logs ids and codes only.

Needs flask (CI installs it); skipped without it unless LAYER_RISK_REQUIRE_ALL=1."""

import datetime
import importlib.util
import json
import logging
import os
import shutil
import signal
import time

import pytest

import layer_risk
from conftest import REPO

if os.environ.get("LAYER_RISK_REQUIRE_ALL") != "1":
    pytest.importorskip("flask")

from test_signals import base, edited, identity_match  # noqa: E402

EXAMPLE = REPO / "bindings" / "python" / "examples" / "flask_app.py"
DAY = datetime.date(2026, 11, 22)


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("flask_app_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def rules_file(tmp_path):
    path = tmp_path / "rules.json"
    shutil.copy(REPO / "rules" / "default.json", path)
    return path


def make(example, rules_file, **kwargs):
    day = {"today": DAY}
    app = example.create_app(str(rules_file), today=lambda: day["today"], **kwargs)
    return app, app.extensions["layer_risk"], day


def replace_rules(path, source):
    """Write another rules file at `path` (as a deploy does), with a later mtime."""
    data = (REPO / "rules" / f"{source}.json").read_bytes()
    path.write_bytes(data)
    later = time.time() + 5
    os.utime(path, (later, later))


def wait_for(predicate, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def post(client, **payload):
    return client.post("/layer/decision", json=payload)


def rules_name(client):
    return post(client, session={"identity": None}).get_json()["rules"]["name"]


def test_decisions_reload_on_file_change_and_refuse_a_broken_file(example, rules_file, caplog):
    caplog.set_level(logging.INFO, logger="layer_risk.example")
    app, watcher, day = make(example, rules_file, poll_seconds=0.05, sighup=False)
    client = app.test_client()
    try:
        scorer = layer_risk.Scorer(rules_file, as_of=DAY)
        raw = json.dumps(edited("name", 3))
        got = post(client, session=raw)
        assert got.status_code == 200
        want = scorer.assess(raw)
        assert got.get_json() == {
            "decision": want["decision"],
            "decision_id": want["decision_id"],  # the raw text: the same bytes, the same id
            "reasons": [r["code"] for r in want["reasons"]],
            "rules": want["rules"],
        }
        # With Plaid's other verdicts: a passed Identity Match settles the name edits.
        settled = post(client, session=raw, identity_match=identity_match([100, 12]))
        assert settled.get_json()["decision"] == "trust" != want["decision"]

        # The file changes: the watcher reloads it within a poll or two.
        replace_rules(rules_file, "lending")
        wait_for(lambda: rules_name(client) == "lending", "the file change to be seen")
        # A broken file: refused and logged; the rules in use stay.
        text = rules_file.read_text().replace('"tiers"', '"teirs"', 1)
        rules_file.write_text(text)
        later = time.time() + 10
        os.utime(rules_file, (later, later))
        wait_for(lambda: any("reload refused" in r.getMessage() for r in caplog.records),
                 "the broken file to be refused")
        assert rules_name(client) == "lending"

        # Midnight: the next request is decided as of the new day.
        day["today"] = DAY + datetime.timedelta(days=1)
        record = post(client, session=raw).get_json()
        assert watcher.live.current.as_of == "2026-11-23"
        assert record["decision_id"] != layer_risk.Scorer(REPO / "rules" / "lending.json",
                                                          as_of=DAY).assess(raw)["decision_id"]
        assert record["decision_id"] == layer_risk.Scorer(
            REPO / "rules" / "lending.json", as_of="2026-11-23").assess(raw)["decision_id"]
    finally:
        watcher.stop()

    # One line per decision, with ids and codes, no identity value.
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("decision ")]
    assert len(lines) >= 5
    assert all("decision_id=" in line and "reasons=" in line for line in lines)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("Leslie", "Knope", "524781963", "1975-01-18", "4157452130", "knope.com",
                   "Pawnee", "access-sandbox"):
        assert secret not in logged


def test_sighup_reloads(example, rules_file):
    # Polling an hour apart: only the signal can make it reload within the test.
    app, watcher, _ = make(example, rules_file, poll_seconds=3600)
    client = app.test_client()
    try:
        assert rules_name(client) == "default"
        replace_rules(rules_file, "payments")
        time.sleep(0.3)
        assert rules_name(client) == "default", "no poll is due for an hour"
        os.kill(os.getpid(), signal.SIGHUP)
        wait_for(lambda: rules_name(client) == "payments", "SIGHUP to reload the rules")
    finally:
        watcher.stop()
    assert signal.getsignal(signal.SIGHUP) is not watcher.request_reload  # handler restored


def test_it_fails_closed(example, rules_file, caplog):
    caplog.set_level(logging.INFO, logger="layer_risk.example")
    app, watcher, _ = make(example, rules_file, poll_seconds=3600, sighup=False)
    client = app.test_client()
    try:
        secret = "Leslie Knope 524781963"
        cases = [
            ({"session": '{"identity": '}, 200, "truncated"),
            ({"session": '{"identity": 7}'}, 200, "wrong_type"),
            ({"session": base(), "identity_match": {"accounts": [{"legal_name": {"score": secret}}]}},
             200, "wrong_type"),
            ({"session": base(), "protect": [secret]}, 200, "not_an_object"),
            ({"session": base(), "user_id": 7}, 400, "bad_request"),
            ({"body": base()}, 400, "bad_request"),
        ]
        for payload, status, code in cases:
            got = post(client, **payload)
            assert (got.status_code, got.get_json()) == (
                status, {"decision": "identity_verification", "error": code}), payload
        got = client.post("/layer/decision", data=b"{not json", content_type="application/json")
        assert (got.status_code, got.get_json()["decision"]) == (400, "identity_verification")
        got = client.post("/layer/decision", data=b"x", content_type="text/plain")
        assert (got.status_code, got.get_json()["decision"]) == (400, "identity_verification")
    finally:
        watcher.stop()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "fail_closed code=wrong_type path=signals.identity_match.accounts[0].legal_name.score" \
        in logged
    assert "Leslie" not in logged and "524781963" not in logged


def test_a_broken_rules_file_stops_the_start(example, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(layer_risk.RulesError):
        example.create_app(str(broken), sighup=False)
