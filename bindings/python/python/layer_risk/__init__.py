"""layer-risk: decide whether a backend can trust the identity Plaid Layer returns, or must
step the user up to Identity Match or Identity Verification.

Plaid Layer prefills a user's identity and lets the user edit it before sharing, so the
body of ``/user_account/session/get`` is user-submitted and unverified. A :class:`Scorer`
validates every field, prices what it finds and the edit history with a rules file, and
returns an explained decision: ``trust``, ``identity_match`` or ``identity_verification``,
with a score, stable reason codes and the rule set's name, version and SHA-256. Decisions
never hold identity values.

Right after the session fetch:

>>> import layer_risk
>>> scorer = layer_risk.Scorer(as_of="2026-11-22")   # embedded default rules; pass today's date
>>> record = scorer.assess('{"identity": null, "items": [], "request_id": "m8MDnv9okwxFNBV"}')
>>> record["decision"], record["reasons"][0]["code"]
('identity_verification', 'identity_missing')
>>> record["rules"]["name"]
'default'

An export, exactly as ``layer-risk score --as-of 2026-11-22 --jobs 1`` writes it:

>>> import json
>>> out = scorer.score_jsonl(b'{"identity": null, "request_id": "r1"}\\n\\n{"identity": \\n')
>>> records = [json.loads(line) for line in out.splitlines()]
>>> [(r["line"], r.get("decision") or r["error"]["code"]) for r in records]
[(1, 'identity_verification'), (3, 'truncated')]
>>> len(records[0]["decision_id"])  # the same input, rules and date: the same id everywhere
32

A challenger rule set beside the live one (``shadow=``, or ``rollout=`` with
``rollout_share=``) puts its decision in each record's ``shadow``; a :class:`LiveScorer`
reloads rules while threads score, never mixing two rule sets in one decision.

Linkage across sessions: a :class:`SqliteLinkStore` records each session under keyed hashes
and returns what earlier sessions say (``store.observe(body)``), which the scorer's link
rules price (``scorer.assess(body, link=history)``).

Every call releases the GIL while the Rust core works on a large input, so threads of a
web server score in parallel. ``layer_risk.spark.score`` scores a Spark DataFrame of export
lines.
"""

from ._errors import LayerRiskError, ParseError, RulesError
from ._native import (
    DEFAULT_MAX_LINE_BYTES,
    ArrowRecords,
    LiveScorer,
    Scorer,
    SqliteLinkStore,
    link_keys,
)

__all__ = [
    "Scorer",
    "LiveScorer",
    "ArrowRecords",
    "SqliteLinkStore",
    "link_keys",
    "LayerRiskError",
    "ParseError",
    "RulesError",
    "DEFAULT_MAX_LINE_BYTES",
]
