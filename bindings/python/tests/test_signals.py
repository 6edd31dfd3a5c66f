"""Plaid's other verdicts given beside the session (`assess(body, protect=...,
identity_match=..., identity_verification=...)`): the same decision as the envelope line
carrying them, apart from the id; in the shapes Plaid's clients define (the core's
tests/it/signals.rs: full bodies with unknown fields, bodies of older API versions with
nulls); errors located under `signals.…` and quoting no value."""

import copy
import json

import pytest

import layer_risk
from conftest import AS_OF, REPO

SHIPPED = ("default", "lending", "payments")


def scorer(name: str) -> layer_risk.Scorer:
    return layer_risk.Scorer(REPO / "rules" / f"{name}.json", as_of=AS_OF)


def zero_counts() -> dict:
    return {"edits_current": 0, "edits_1d": 0, "edits_30d": 0, "edits_365d": 0,
            "edits_all_time": 0}


def base() -> dict:
    """A clean `/user_account/session/get` body (the core's tests' `base()`)."""
    return {
        "identity": {
            "name": {"first_name": "Leslie", "last_name": "Knope"},
            "address": {"street": "123 Main St.", "street2": "Apt 4", "city": "Pawnee",
                        "region": "IN", "postal_code": "46001", "country": "US"},
            "phone_number": "+14157452130",
            "email": "leslie@knope.com",
            "date_of_birth": "1975-01-18",
            "ssn": "524781963",
            "ssn_last_4": "1963",
        },
        "identity_edit_history": {
            "name": zero_counts(), "address": zero_counts(), "email": zero_counts(),
            "date_of_birth": zero_counts(), "official_document": {"ssn": zero_counts()},
        },
        "items": [{"item_id": "item-fixture-1", "access_token": "access-sandbox-fixture-0001"}],
        "request_id": "reqBase",
    }


def edited(field: str, n: int) -> dict:
    b = base()
    counts = {k: n for k in zero_counts()}
    if field == "ssn":
        b["identity_edit_history"]["official_document"]["ssn"] = counts
    else:
        b["identity_edit_history"][field] = counts
    return b


def protect(score) -> dict:
    """A full `/protect/compute` response, with a field from a newer API version."""
    return {
        "request_id": "Rb7kQ2xLm9", "score": score, "model": "ti-link-session-2.0",
        "attributes": {"session.challenged_with_mfa": False, "device.ip_risk": "low"},
        "subscores": {"cash_advance_bucket_0_25": None, "cash_advance_bucket_25_50": 61},
        "timestamp": "2026-08-03T17:22:09Z",
        "fraud_attributes_v3": {"future": [1, 2, 3]},
    }


def identity_match(names, phone=None, email=None, address=None) -> dict:
    """An `/identity/match` response with two accounts of the Item (balances null)."""
    def account(id_, mask, n, p, e, a):
        return {
            "account_id": id_, "mask": mask, "name": "Plaid Checking",
            "official_name": "Plaid Gold Standard 0% Interest Checking",
            "type": "depository", "subtype": "checking", "verification_status": None,
            "persistent_account_id": None, "holder_category": "personal",
            "balances": {"available": None, "current": None, "limit": None,
                         "iso_currency_code": None, "unofficial_currency_code": None,
                         "last_updated_datetime": None},
            "legal_name": {"score": n, "is_first_name_or_last_name_match": True,
                           "is_nickname_match": False, "is_business_name_detected": False},
            "phone_number": {"score": p},
            "email_address": {"score": e},
            "address": {"score": a, "is_postal_code_match": True},
        }
    return {
        "accounts": [
            account("BxLp4kQz9w", "0042", names[0], phone, email, address),
            account("Qz9wBxLp4k", "7781", names[1], None, None, None),
        ],
        "item": {"item_id": "Ed6bjNrD", "institution_id": "ins_109508", "webhook": None,
                 "available_products": [], "billed_products": ["identity"],
                 "consent_expiration_time": None, "update_type": "background"},
        "request_id": "m8MDnv9o",
    }


def identity_match_old() -> dict:
    """An `/identity/match` response of API versions through 1.708.0: score objects optional
    and nullable, inner keys optional."""
    return {
        "accounts": [{
            "account_id": "BxLp4kQz9w", "mask": "0042",
            "balances": {"available": None, "current": None},
            "legal_name": None, "phone_number": {}, "address": {"is_postal_code_match": None},
        }],
        "item": {"item_id": "Ed6bjNrD"},
        "request_id": "m8MDnv9o",
    }


def idv_user() -> dict:
    return {
        "phone_number": "+14157452130", "date_of_birth": "1975-01-18",
        "ip_address": "203.0.113.77", "email_address": "leslie@knope.com",
        "name": {"given_name": "Leslie", "family_name": "Knope"},
        "address": {"street": "123 Main St.", "street2": "Apt 4", "city": "Pawnee",
                    "region": "IN", "postal_code": "46001", "country": "US"},
        "id_number": {"value": "524781963", "type": "us_ssn"},
    }


def idv(status: str, user, synthetic, stolen) -> dict:
    """A full `/identity_verification/get` response with every step block."""
    return {
        "id": "idv_7Qm2Zr8K", "client_user_id": "user-5521",
        "created_at": "2026-11-20T16:02:11Z", "completed_at": "2026-11-20T16:09:40Z",
        "previous_attempt_id": None, "shareable_url": None,
        "template": {"id": "idvtmp_4FrXJvfQU3zGUR", "version": 2},
        "status": status,
        "steps": {"accept_tos": "success", "verify_sms": "success", "kyc_check": "success",
                  "documentary_verification": "success", "selfie_check": "success",
                  "watchlist_screening": "success", "risk_check": "success"},
        "documentary_verification": {"status": "success", "documents": [{
            "status": "success", "attempt": 1,
            "images": {"original_front": None, "original_back": None, "cropped_front": None,
                       "cropped_back": None, "face": None},
            "extracted_data": {"id_number": "D1234567", "category": "drivers_license",
                               "expiration_date": "2030-01-18", "issuing_country": "US",
                               "issuing_region": "IN", "date_of_birth": "1975-01-18",
                               "address": None, "name": None},
            "analysis": {"authenticity": "match", "image_quality": "high",
                         "extracted_data": {"name": "match", "date_of_birth": "match",
                                            "expiration_date": "not_expired",
                                            "issuing_country": "match"},
                         "fraud_analysis_details": None, "human_review": None},
            "redacted_at": None}]},
        "selfie_check": {"status": "success", "selfies": [{
            "status": "success", "attempt": 1,
            "capture": {"image_url": None, "video_url": None},
            "analysis": {"document_comparison": "match", "liveness_check": "success",
                         "age_check": {"status": "match"}}}]},
        "kyc_check": {"status": "success",
                      "address": {"summary": "match", "po_box": "no", "type": "residential"},
                      "name": {"summary": "match"}, "date_of_birth": {"summary": "match"},
                      "id_number": {"summary": "match"},
                      "phone_number": {"summary": "match", "area_code": "match"}},
        "risk_check": {
            "status": "success",
            "behavior": {"user_interactions": "genuine", "fraud_ring_detected": "no",
                         "bot_detected": "no"},
            "email": {"is_deliverable": "yes", "breach_count": 2, "first_breached_at": None,
                      "last_breached_at": None, "domain_registered_at": None,
                      "domain_is_free_provider": "no", "domain_is_custom": "yes",
                      "domain_is_disposable": "no", "top_level_domain_is_suspicious": "no",
                      "linked_services": ["linkedin"], "name": "match"},
            "phone": {"linked_services": []},
            "devices": [{"ip_proxy_type": "none_detected", "ip_spam_list_count": 0,
                         "ip_timezone_offset": "-05:00:00"}],
            "identity_abuse_signals": {"synthetic_identity": {"score": synthetic},
                                       "stolen_identity": {"score": stolen}},
            "facial_duplicates": [], "trust_index_score": 78},
        "verify_sms": {"status": "success", "verifications": []},
        "watchlist_screening_id": None, "beacon_user_id": None,
        "user": user,
        "redacted_at": None,
        "latest_scored_protect_event": None,
        "request_id": "saKrIBuEB9qJZng",
    }


def envelope(session: dict, signals) -> str:
    return json.dumps({"session": session, "signals": signals})


def without_ids(record: dict) -> dict:
    """A record apart from its ids (they cover the input bytes as given)."""
    r = copy.deepcopy(record)
    del r["decision_id"]
    if "shadow" in r:
        del r["shadow"]["decision_id"]
    return r


def apart_and_enveloped(s, session: dict, **parts):
    """The decision with the parts beside the body, and with them in the envelope line."""
    apart = s.assess(json.dumps(session), **parts)
    inside = s.assess(envelope(session, parts))
    assert without_ids(apart) == without_ids(inside)
    assert apart["decision_id"] != inside["decision_id"]
    return apart


def codes(record: dict) -> list:
    return [r["code"] for r in record["reasons"]]


def test_full_bodies_of_a_genuine_user_are_trusted_under_every_file():
    for name in SHIPPED:
        d = apart_and_enveloped(
            scorer(name), base(),
            protect=protect(91),
            identity_match=identity_match([100, 38], phone=100, address=96),
            identity_verification=idv("success", idv_user(), 4, 11),
        )
        assert d["decision"] == "trust", (name, d)
        assert "idv_passed" in [r["rule_id"] for r in d["reasons"]], name
        assert "signal_rule" not in codes(d), name


def test_old_api_versions_and_nulls_say_nothing_but_what_is_missing():
    for name in SHIPPED:
        d = apart_and_enveloped(
            scorer(name), base(),
            protect=protect(None),
            identity_match=identity_match_old(),
            identity_verification=idv("success", None, None, None),
        )
        # Identity Match ran (so it is not offered again); none of its fields failed.
        assert [c for c in codes(d) if c.startswith("identity_match_")] == ["identity_match_ran"], name
        assert "protect_score_missing" in codes(d), name
        assert "idv_passed" in codes(d), name
        assert all("settled_by" not in r for r in d["reasons"]), name


def test_a_passed_identity_match_settles_name_edits():
    for name in SHIPPED:
        s = scorer(name)
        assert s.assess(json.dumps(edited("name", 3)))["decision"] != "trust"
        d = apart_and_enveloped(s, edited("name", 3), identity_match=identity_match([100, 12]))
        assert d["decision"] == "trust", (name, d)
        settled = [r for r in d["reasons"] if "settled_by" in r]
        assert settled and all(
            r["settled_by"] == "identity_match" and r["points"] == 0 for r in settled
        ), (name, d)
        # A failed match is a finding.
        d = apart_and_enveloped(s, edited("name", 3), identity_match=identity_match([20, 12]))
        assert "identity_match_name_failed" in [r["rule_id"] for r in d["reasons"]], name
        assert d["decision"] != "trust"


def test_a_successful_idv_of_another_person_settles_nothing():
    for name in SHIPPED:
        s = scorer(name)
        user = idv_user()
        user["date_of_birth"] = "1975-01-19"
        d = apart_and_enveloped(s, edited("date_of_birth", 1),
                                identity_verification=idv("success", user, 4, 11))
        mismatch = [r for r in d["reasons"] if r["rule_id"] == "idv_identity_mismatch"]
        assert mismatch and mismatch[0]["observed"] == "date_of_birth", name
        assert d["decision"] == "manual_review", (name, d)


def test_signal_rules_say_which_verdict_they_read():
    s = scorer("default")
    d = apart_and_enveloped(s, base(), protect=protect(3),
                            identity_verification=idv("success", idv_user(), 97, 98))
    signals = {r["signal"] for r in d["reasons"] if r["code"] == "signal_rule"}
    assert signals == {"protect_trust_index", "idv_synthetic_identity", "idv_stolen_identity"}, d
    assert d["decision"] != "trust"


def test_a_shadow_decides_on_the_same_parts():
    s = layer_risk.Scorer(as_of=AS_OF, shadow=REPO / "rules" / "lending.json")
    parts = dict(protect=protect(22), identity_match=identity_match([40, 55], phone=100, email=12),
                 identity_verification=idv("pending_review", idv_user(), 81, 3))
    d = apart_and_enveloped(s, edited("address", 2), **parts)
    assert d["shadow"]["rules"]["name"] == "lending"
    lending = scorer("lending").assess(json.dumps(edited("address", 2)), **parts)
    assert d["shadow"]["decision"] == lending["decision"]
    assert d["shadow"]["decision_id"] == lending["decision_id"]


def test_parts_as_dict_str_or_bytes():
    s = scorer("default")
    body = json.dumps(edited("name", 3))
    im = identity_match([100, 12])
    text = json.dumps(im)
    as_dict = s.assess(body, identity_match=im)
    as_str = s.assess(body, identity_match=text)
    as_bytes = s.assess(body.encode(), identity_match=text.encode())
    assert as_dict == as_str == as_bytes  # a dict is json.dumps'd: the same bytes, the same id
    pretty = s.assess(body, identity_match=json.dumps(im, indent=2))
    assert without_ids(pretty) == without_ids(as_str)
    assert pretty["decision_id"] != as_str["decision_id"]  # the id covers the bytes as given
    # Each part is covered by the id.
    assert s.assess(body, identity_match=text, protect=protect(50))["decision_id"] != as_str[
        "decision_id"]
    assert s.assess(body, identity_match=text, rollout_key="u1")["decision_id"] != as_str[
        "decision_id"]


SECRET = "Leslie Knope 524781963"


@pytest.mark.parametrize(
    "part, value, path, apart_code",
    [
        ("identity_match", "legal_name_score",
         "signals.identity_match.accounts[0].legal_name.score", "wrong_type"),
        ("identity_verification", "dob_object",
         "signals.identity_verification.user.date_of_birth", "wrong_type"),
        # A part that is not an object at all: `not_an_object` given apart (as for the
        # applicant), `wrong_type` inside the envelope; the same path.
        ("protect", "list", "signals.protect", "not_an_object"),
    ],
)
def test_errors_in_a_verdict_are_located_and_quote_nothing(part, value, path, apart_code):
    s = scorer("default")
    if value == "legal_name_score":
        bad = identity_match([90, 1])
        bad["accounts"][0]["legal_name"]["score"] = SECRET
    elif value == "dob_object":
        user = idv_user()
        user["date_of_birth"] = {"value": SECRET}
        bad = idv("success", user, 1, 1)
    else:
        bad = [SECRET]
    errors = []
    for given in (bad, json.dumps(bad), json.dumps(bad).encode()):
        with pytest.raises(layer_risk.ParseError) as e:
            s.assess(json.dumps(base()), **{part: given})
        errors.append(e.value)
    with pytest.raises(layer_risk.ParseError) as e:
        s.assess(envelope(base(), {part: bad}))
    errors.append(e.value)
    assert [e.code for e in errors] == [apart_code] * 3 + ["wrong_type"]
    for err in errors:
        assert err.path == path
        for text in (str(err), repr(err), err.path):
            for secret in ("Leslie", "Knope", "524781963"):
                assert secret not in text, text


def test_a_part_given_twice_is_ambiguous():
    s = scorer("default")
    line = envelope(base(), {"protect": protect(50)})
    with pytest.raises(layer_risk.ParseError) as e:
        s.assess(line, protect=protect(50))
    assert e.value.code == "ambiguous_envelope"
    keyed = json.dumps({"session": base(), "rollout_key": "u1"})
    with pytest.raises(layer_risk.ParseError) as e:
        s.assess(keyed, rollout_key="u1")
    assert e.value.code == "ambiguous_envelope"
    # But another part beside an envelope is fine.
    assert s.assess(line, identity_match=identity_match([100, 1]))["decision"]


def test_no_value_of_a_verdict_reaches_a_record():
    secrets = ["Leslie", "Knope", "1975-01-18", "524781963", "203.0.113.77", "leslie@knope.com",
               "4157452130", "Pawnee", "123 Main", "D1234567", "user-5521", "idv_7Qm2Zr8K",
               "BxLp4kQz9w", "Ed6bjNrD", "Rb7kQ2xLm9", "secret-user-key"]
    for name in SHIPPED:
        s = scorer(name).with_shadow(scorer("payments"))
        for status in ("success", "failed", "pending_review", "approved_v2"):
            user = idv_user()
            if status == "failed":
                user["date_of_birth"] = "1975-01-19"
            d = s.assess(json.dumps(edited("name", 2)), protect=protect(12),
                         identity_match=identity_match([20, 30], phone=15, email=9, address=40),
                         identity_verification=idv(status, user, 90, 95),
                         rollout_key="secret-user-key")
            text = json.dumps(d)
            for secret in secrets:
                assert secret not in text, (name, status, secret)
