"""A Flask backend deciding on Plaid Layer sessions with one `layer_risk.LiveScorer`.

- POST /layer/decision takes what the backend fetched from Plaid for one user: the
  `/user_account/session/get` body and, when it has them, the `/protect/compute`,
  `/identity/match` and `/identity_verification/get` bodies, its own view of the user
  (`applicant`) and the user's stable id (`user_id`, the rollout key of a staged rollout).
  Each Plaid body may be the JSON object or the raw text Plaid sent (a string: the decision
  id then covers the exact bytes).
- It answers with the decision (`trust`, `identity_match`, `identity_verification`,
  `manual_review`), its `decision_id` and reason codes. It fails closed: a body that is not
  what it claims, or a request that is not one, is answered with `identity_verification`
  and the error code, never `trust`.
- The rules file ($LAYER_RISK_RULES; none: the embedded default rules) is reloaded on
  SIGHUP and when its mtime (or size, or inode) changes, polled every
  $LAYER_RISK_POLL_SECONDS (default 5). A file that cannot be used is logged and never
  becomes live; the rules in use stay. Set $LAYER_RISK_SHADOW to a challenger rules file to
  run it in shadow (each record and log line then carries its decision).
- The evaluation date is today in UTC, rolled at midnight: checked on every request, so
  the first decision of a day is already made as of that day.
- One log line per decision, with the record's ids and codes only (Plaid's request id,
  the decision id, the outcome, the rules, the reason codes): never an identity value.

Run it from the repository root (after `pip install ./bindings/python flask`):

    LAYER_RISK_RULES=rules/lending.json flask --app bindings/python/examples/flask_app.py run
    curl -s localhost:5000/layer/decision -H 'Content-Type: application/json' \\
         -d '{"session": {"identity": null, "request_id": "r1"}}'
    kill -HUP <pid of flask>     # reload the rules file now

A multi-process server (gunicorn -w N) runs one app, so one LiveScorer and one watcher, per
worker; send SIGHUP to each worker (gunicorn's own HUP restarts them, which reloads too).
`bindings/python/tests/test_examples.py` runs this app in-process.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import signal
import threading
from typing import Callable, Optional

from flask import Flask, jsonify, request

import layer_risk

log = logging.getLogger("layer_risk.example")

# The answer when the input cannot be decided on: step up, never trust.
FAIL_CLOSED = "identity_verification"


def utc_today() -> datetime.date:
    """The evaluation day: the date in UTC (choose your business's zone if it has one)."""
    return datetime.datetime.now(datetime.timezone.utc).date()


class RulesWatcher:
    """Keeps a LiveScorer current: reloads the rules file when asked (SIGHUP) or when the
    file changes, and moves the evaluation date when the day changes."""

    def __init__(
        self,
        live: layer_risk.LiveScorer,
        rules: Optional[str],
        *,
        poll_seconds: float = 5.0,
        today: Callable[[], datetime.date] = utc_today,
    ):
        self.live = live
        self.rules = rules
        self.poll_seconds = poll_seconds
        self.today = today
        self._seen = self._stat()
        self._day = live.current.as_of
        self._forced = False
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._previous_handler = None

    def _stat(self):
        if self.rules is None:
            return None
        try:
            st = os.stat(self.rules)
        except OSError:
            return None  # gone for now (being replaced): the reload will say why, if it stays
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def request_reload(self, *_signal) -> None:
        """Reload at once (the SIGHUP handler: it only wakes the watcher thread)."""
        self._forced = True
        self._wake.set()

    def check(self) -> None:
        """One pass: reload if asked or if the file changed; roll the date if due."""
        forced, self._forced = self._forced, False
        seen = self._stat()
        if forced or seen != self._seen:
            self._seen = seen
            try:
                rules = self.live.reload(self.rules)
                log.info("rules reloaded name=%s version=%s sha256=%s", rules["name"],
                         rules["version"], rules["sha256"])
            except layer_risk.RulesError as e:
                # The message locates the problem in the rules file (which holds no PII).
                current = self.live.current.rules
                log.error("rules reload refused, keeping %s@%s: %s", current["name"],
                          current["version"], e)
        self.roll_date()

    def roll_date(self) -> None:
        """Decide as of today from now on, if the day changed (cheap when it did not)."""
        day = self.today().isoformat()
        if day != self._day:
            self._day = day
            self.live.set_as_of(day)
            log.info("as_of rolled to %s", day)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            if not self._stop.is_set():
                self.check()

    def start(self, sighup: bool = True) -> "RulesWatcher":
        self._thread = threading.Thread(target=self._run, name="layer-risk-rules", daemon=True)
        self._thread.start()
        # Signal handlers can only be set from the main thread (a dev server's reloader, a
        # test runner's worker thread: skip it there).
        if sighup and threading.current_thread() is threading.main_thread():
            self._previous_handler = signal.signal(signal.SIGHUP, self.request_reload)
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
        if self._previous_handler is not None:
            signal.signal(signal.SIGHUP, self._previous_handler)
            self._previous_handler = None


def fail_closed(code: str, status: int = 200, path: Optional[str] = None):
    log.warning("fail_closed code=%s path=%s", code, path)
    return jsonify(decision=FAIL_CLOSED, error=code), status


def create_app(
    rules: Optional[str] = None,
    *,
    shadow: Optional[str] = None,
    poll_seconds: Optional[float] = None,
    today: Callable[[], datetime.date] = utc_today,
    sighup: bool = True,
) -> Flask:
    """The app, its LiveScorer and its running watcher (`app.extensions["layer_risk"]`).
    A broken rules file at start-up raises RulesError: the deploy fails, not a user."""
    rules = rules if rules is not None else os.environ.get("LAYER_RISK_RULES")
    shadow = shadow if shadow is not None else os.environ.get("LAYER_RISK_SHADOW")
    if poll_seconds is None:
        poll_seconds = float(os.environ.get("LAYER_RISK_POLL_SECONDS", "5"))
    live = layer_risk.LiveScorer(layer_risk.Scorer(rules, as_of=today(), shadow=shadow))
    watcher = RulesWatcher(live, rules, poll_seconds=poll_seconds, today=today).start(sighup)

    app = Flask(__name__)
    app.extensions["layer_risk"] = watcher

    @app.post("/layer/decision")
    def decide():
        req = request.get_json(silent=True)
        if not isinstance(req, dict) or req.get("session") is None:
            return fail_closed("bad_request", 400)
        watcher.roll_date()
        session = req["session"]
        try:
            record = live.assess(
                # A string is the raw body as Plaid sent it; an object goes through json.dumps.
                session if isinstance(session, str) else json.dumps(session),
                req.get("applicant"),
                protect=req.get("protect"),
                identity_match=req.get("identity_match"),
                identity_verification=req.get("identity_verification"),
                rollout_key=req.get("user_id"),
            )
        except layer_risk.ParseError as e:
            return fail_closed(e.code, path=e.path)
        except TypeError:  # a part of a type no JSON body has (user_id not a string...)
            return fail_closed("bad_request", 400)
        shadow_record = record.get("shadow")
        log.info(
            "decision request_id=%s decision_id=%s decision=%s score=%s rules=%s@%s arm=%s "
            "shadow=%s reasons=%s",
            record["request_id"], record["decision_id"], record["decision"], record["score"],
            record["rules"]["name"], record["rules"]["version"], record.get("arm", "-"),
            shadow_record["decision"] if shadow_record else "-",
            ",".join(r["code"] for r in record["reasons"]) or "-",
        )
        return jsonify(
            decision=record["decision"],
            decision_id=record["decision_id"],
            reasons=[r["code"] for r in record["reasons"]],
            rules=record["rules"],
        )

    return app


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    create_app().run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
