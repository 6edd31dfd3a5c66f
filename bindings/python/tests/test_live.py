"""layer_risk.LiveScorer: rules reloaded while threads score. Every decision is made whole
under one of the rule sets that were live, a broken file raises a located RulesError and
never becomes live, and changes keep what they do not change (date, challenger, rules)."""

import json
import shutil
import threading
import time

import pytest

import layer_risk
from conftest import AS_OF, REPO

FILES = ("default", "lending", "payments")


def probe() -> str:
    """A body the three shipped files decide differently (the core's reload test's probe),
    padded with an unknown field past the size at which a call releases the GIL, so the
    scoring threads run in the core while the reloading thread swaps."""
    body = {
        "identity": {
            "name": {"first_name": "Leslie", "last_name": None},
            "address": {"street": "123 Main St.", "city": "Pawnee", "region": "IN",
                        "postal_code": "46001", "country": "US"},
            "phone_number": "+442079460958",
            "email": "leslie@knope.com",
            "date_of_birth": "1975-01-18",
            "ssn": "524781963",
        },
        "items": [{"item_id": "i1"}],
        "request_id": "probe",
        "padding": "x" * (20 << 10),
    }
    return json.dumps(body)


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("rules")
    for name in FILES:
        shutil.copy(REPO / "rules" / f"{name}.json", d / f"{name}.json")
    text = (REPO / "rules" / "lending.json").read_text()
    (d / "broken.json").write_text(text.replace('"tiers"', '"teirs"', 1))
    return d


def test_thousands_of_reloads_while_three_threads_assess(rules_dir):
    body = probe()
    expect = {}
    for name in FILES:
        d = layer_risk.Scorer(rules_dir / f"{name}.json", as_of=AS_OF).assess(body)
        expect[d["rules"]["sha256"]] = (name, d["decision"], d["score"])
    assert len({e[2] for e in expect.values()}) == 3, f"the probe tells the files apart: {expect}"

    live = layer_risk.LiveScorer(layer_risk.Scorer(as_of=AS_OF))
    done = threading.Event()
    seen = [dict() for _ in range(3)]
    failures = []

    def work(i):
        try:
            while not done.is_set():
                d = live.assess(body)
                name, decision, score = expect[d["rules"]["sha256"]]  # KeyError: a mix
                assert (d["rules"]["name"], d["decision"], d["score"]) == (name, decision, score)
                seen[i][name] = seen[i].get(name, 0) + 1
        except BaseException as e:  # noqa: BLE001 (reported below)
            failures.append(e)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for w in workers:
        w.start()
    broken = rules_dir / "broken.json"
    text = broken.read_text()
    line = next(i for i, l in enumerate(text.splitlines(), 1) if '"teirs"' in l)
    reloads = refused = 0
    deadline = time.monotonic() + 120
    try:
        # At least 3,000 reloads (and as many refusals), and on until every thread has
        # decided under every file: the swaps really interleave with the calls.
        while reloads < 3000 or not all(len(s) == 3 for s in seen):
            assert time.monotonic() < deadline, f"threads saw {seen} after {reloads} reloads"
            name = FILES[reloads % 3]
            # The embedded default now and then: reload() without a path.
            path = None if name == "default" and reloads % 2 else rules_dir / f"{name}.json"
            got = live.reload(path)
            assert got["name"] == name and got == live.current.rules
            reloads += 1
            with pytest.raises(layer_risk.RulesError) as e:
                live.reload(broken)
            err = e.value
            assert (err.code, err.line, err.path) == ("schema", line, "teirs")
            assert str(err).startswith(f"{broken}:{line}:{err.column}:")
            assert live.current.rules["name"] == name, "a broken file became live"
            refused += 1
            if reloads % 64 == 0:
                time.sleep(0.001)  # let the threads take turns with the GIL
    finally:
        done.set()
        for w in workers:
            w.join()
    assert not failures, failures[:3]
    assert reloads >= 3000 and refused == reloads
    assert all(len(s) == 3 for s in seen), seen


def test_a_batch_call_is_scored_whole_under_one_scorer(rules_dir):
    """score_lines and score_jsonl take the live scorer once: every record of one call names
    the same rule set, whatever is reloaded meanwhile."""
    live = layer_risk.LiveScorer(layer_risk.Scorer(as_of=AS_OF))
    line = probe().encode()
    done = threading.Event()
    failures = []

    def reload_forever():
        i = 0
        while not done.is_set():
            live.reload(rules_dir / f"{FILES[i % 3]}.json")
            i += 1

    reloader = threading.Thread(target=reload_forever)
    reloader.start()
    try:
        names = set()
        for _ in range(30):
            recs = [json.loads(r) for r in live.score_lines([line] * 40)]
            shas = {r["rules"]["sha256"] for r in recs}
            assert len(shas) == 1, shas
            out = live.score_jsonl(b"\n".join([line] * 40), jobs=2)
            shas = {json.loads(r)["rules"]["sha256"] for r in out.splitlines()}
            assert len(shas) == 1, shas
            names.add(recs[0]["rules"]["name"])
    except BaseException as e:  # noqa: BLE001
        failures.append(e)
    finally:
        done.set()
        reloader.join()
    assert not failures, failures
    assert len(names) >= 2, names


def test_changes_keep_what_they_do_not_change(rules_dir):
    start = layer_risk.Scorer(as_of=AS_OF, shadow=rules_dir / "lending.json")
    live = layer_risk.LiveScorer(start)
    assert repr(live).startswith("LiveScorer(Scorer(rules=default@")
    body = '{"identity": null, "request_id": "r1"}'

    # reload: new live rules, the same date and shadow.
    got = live.reload(rules_dir / "payments.json")
    assert got == layer_risk.Scorer(rules_dir / "payments.json", as_of=AS_OF).rules
    cur = live.current
    assert (cur.rules["name"], cur.shadow_rules["name"], cur.as_of) == ("payments", "lending", AS_OF)
    d = live.assess(body)
    assert (d["rules"]["name"], d["shadow"]["rules"]["name"]) == ("payments", "lending")
    # The same as a scorer built afresh, byte for byte.
    fresh = layer_risk.Scorer(rules_dir / "payments.json", as_of=AS_OF,
                              shadow=rules_dir / "lending.json")
    assert live.score_jsonl(body) == fresh.score_jsonl(body)

    # set_as_of: a new day, the same rules and shadow.
    live.set_as_of("2026-11-23")
    cur = live.current
    assert (cur.rules["name"], cur.shadow_rules["name"], cur.as_of) == (
        "payments", "lending", "2026-11-23")
    assert live.assess(body)["as_of"] == "2026-11-23"
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        live.set_as_of("tomorrow")
    assert live.current.as_of == "2026-11-23"

    # reload_json: rules kept elsewhere; a broken text is refused, located, and not live.
    text = (rules_dir / "lending.json").read_text()
    assert live.reload_json(text, "lending@db")["name"] == "lending"
    with pytest.raises(layer_risk.RulesError) as e:
        live.reload_json(text.replace('"tiers"', '"teirs"', 1), "lending@db")
    assert str(e.value).startswith("lending@db:") and e.value.code == "schema"
    assert live.current.rules["name"] == "lending"
    # reload(): the embedded default.
    assert live.reload()["name"] == "default"

    # replace: anything live (here the challenger dropped); the old scorer comes back.
    old = live.replace(live.current.without_challenger())
    assert old.shadow_rules["name"] == "lending"
    assert live.current.shadow_rules is None
    assert "shadow" not in live.assess(body)
    # The scorer it started from never changed.
    assert (start.rules["name"], start.as_of) == ("default", AS_OF)
    with pytest.raises(TypeError):
        layer_risk.LiveScorer("rules/default.json")
    with pytest.raises(layer_risk.RulesError) as e:
        live.reload(rules_dir / "missing.json")
    assert e.value.code == "io"


def test_a_live_scorer_decides_as_its_current_scorer(rules_dir, challenger_export):
    data = challenger_export.read_bytes()
    scorer = layer_risk.Scorer(rules_dir / "lending.json", as_of=AS_OF,
                               rollout=rules_dir / "payments.json", rollout_share=0.5)
    live = layer_risk.LiveScorer(scorer)
    assert live.score_jsonl(data, jobs=2) == scorer.score_jsonl(data)
    lines = data.split(b"\n")[:200]
    assert live.score_lines(lines) == scorer.score_lines(lines)
    body = '{"identity": null}'
    assert live.assess(body, rollout_key="u7") == scorer.assess(body, rollout_key="u7")
    assert live.current.rollout_share == 0.5


def test_a_reload_lets_other_threads_run(rules_dir, tmp_path):
    """The file is read without the GIL: while one thread reloads a big rules file, another
    thread's Python code runs in the middle of the call."""
    big = tmp_path / "big.json"
    # A rules file with a large description: slow to read and hash, valid all the same.
    doc = json.loads((rules_dir / "default.json").read_text())
    doc["description"] = "x" * (40 << 20)
    big.write_text(json.dumps(doc))
    live = layer_risk.LiveScorer(layer_risk.Scorer(as_of=AS_OF))
    span, samples, done = [], [], threading.Event()

    def work():
        t0 = time.perf_counter()
        live.reload(big)
        span.extend([t0, time.perf_counter()])
        done.set()

    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():
        samples.append(time.perf_counter())
    t.join()
    t0, t1 = span
    middle = [s for s in samples if t0 + 0.4 * (t1 - t0) < s < t0 + 0.6 * (t1 - t0)]
    assert t1 - t0 > 0.02, "the reload is too short to tell"
    assert middle, "no Python code ran while the rules file was loaded"
