"""The README's Flask backend runs as written: its code block is executed against a fake
Plaid (the HTTP layer under plaid-python answers /user_account/session/get), and the
route answers with the decision the scorer gives that body.

Needs flask and plaid-python (CI installs them); skipped without them unless
LAYER_RISK_REQUIRE_ALL=1."""

import io
import json
import os
import re

import pytest

import layer_risk
from conftest import REPO

if os.environ.get("LAYER_RISK_REQUIRE_ALL") != "1":
    pytest.importorskip("flask")
    pytest.importorskip("plaid")

import urllib3  # noqa: E402  (plaid-python's HTTP client)

README = REPO / "bindings" / "python" / "README.md"


def readme_block(heading: str) -> str:
    text = README.read_text()
    section = text[text.index(heading):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_flask_example_routes_on_the_decision(monkeypatch):
    monkeypatch.setenv("PLAID_CLIENT_ID", "client-id")
    monkeypatch.setenv("PLAID_SECRET", "secret")
    monkeypatch.delenv("LAYER_RISK_RULES", raising=False)
    namespace = {"__name__": "readme_example"}
    exec(compile(readme_block("## A backend: Flask"), str(README), "exec"), namespace)
    app = namespace["app"]

    bodies = [
        line
        for line in (REPO / "examples" / "export.jsonl").read_bytes().splitlines()
        if line.strip()
    ]
    scorer = layer_risk.Scorer(as_of=namespace["datetime"].datetime.now(
        namespace["datetime"].timezone.utc).date())
    sent = []

    def fake_plaid(self, method, url, body=None, preload_content=True, **kwargs):
        sent.append((method, url, json.loads(body)))
        return urllib3.HTTPResponse(
            body=io.BytesIO(answer),
            status=200,
            headers={"Content-Type": "application/json"},
            preload_content=preload_content,
        )

    monkeypatch.setattr(urllib3.PoolManager, "request", fake_plaid)
    client = app.test_client()
    seen = set()
    for answer in bodies[:40]:
        want = scorer.assess(answer)["decision"]
        got = client.post("/layer/complete", json={"public_token": "profile-sandbox-1"})
        assert got.status_code == 200
        assert got.get_json() == {"next_step": want}
        seen.add(want)
    method, url, request = sent[-1]
    assert (method, url.rsplit("/", 2)[-2:]) == ("POST", ["session", "get"])
    assert request["public_token"] == "profile-sandbox-1"
    assert len(seen) >= 2, seen  # the example's routes were exercised, not one branch

    # A body that is not a response: the route steps up instead of failing.
    answer = b'{"identity": '
    got = client.post("/layer/complete", json={"public_token": "profile-sandbox-1"})
    assert got.get_json() == {"next_step": "identity_verification"}
