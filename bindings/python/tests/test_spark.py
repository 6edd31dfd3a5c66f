"""layer_risk.spark.score in a local Spark gives the CLI's record for every line.

Needs pyspark, pyarrow and a JDK. Without them the test is skipped, unless
LAYER_RISK_REQUIRE_ALL=1 (as CI sets it), when their absence fails the run.
"""

import json
import os
import sys

import pytest

import layer_risk
from conftest import AS_OF, REPO, run_cli, strip_line

if os.environ.get("LAYER_RISK_REQUIRE_ALL") == "1":
    import pyarrow  # noqa: F401
    import pyspark  # noqa: F401
else:
    pytest.importorskip("pyarrow")
    pytest.importorskip("pyspark")

from pyspark.sql import SparkSession  # noqa: E402

import layer_risk.spark  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    # The executors' Python is this one, where layer_risk is installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("layer-risk-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        # Small Arrow batches: a partition crosses several of them.
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "500")
        .getOrCreate()
    )
    yield session
    session.stop()


def read_lines(spark, path, partitions=3):
    """An export as Spark reads it: one row per `\\n`-ended line, in several partitions."""
    return spark.read.option("lineSep", "\n").text(str(path)).repartition(partitions)


def test_spark_gives_the_cli_records(spark, export, cli_records, tmp_path):
    df = read_lines(spark, export)
    scored = layer_risk.spark.score(df, as_of=AS_OF)
    assert scored.columns == ["value", "record"]
    got = sorted(r.record for r in scored.select("record").collect())
    want = sorted(strip_line(r).decode() for r in cli_records.splitlines())
    assert len(got) == len(want) and got == want
    # Not a vacuous comparison: the export holds every kind of bad line.
    text = "\n".join(got)
    for code in ("truncated", "invalid_utf8", "line_too_long", "wrong_type"):
        assert f'"code":"{code}"' in text, code


def test_spark_pairs_each_line_with_its_record(spark, export):
    """Each record sits on the row of its own line: rescoring a decided row's value gives
    the same record."""
    scorer = layer_risk.Scorer(as_of=AS_OF)
    rows = layer_risk.spark.score(read_lines(spark, export), as_of=AS_OF).collect()
    assert len(rows) > 2900
    checked = 0
    for row in rows[:: max(1, len(rows) // 300)]:
        # Python sees an invalid UTF-8 value already decoded (replaced); skip those.
        if '"invalid_utf8"' in row.record or '"line_too_long"' in row.record:
            continue
        assert scorer.score_lines([row.value])[0] == row.record
        checked += 1
    assert checked > 250


def test_spark_with_a_rules_file_and_a_binary_column(spark, export, cli):
    lending = REPO / "rules" / "lending.json"
    data = export.read_bytes()
    want = sorted(
        strip_line(r).decode()
        for r in run_cli(
            cli, "score", "--as-of", AS_OF, "--jobs", "1", "--rules", str(lending), "-",
            stdin=data,
        ).splitlines()
    )
    df = read_lines(spark, export).selectExpr("cast(value as binary) as line", "1 as batch")
    scored = layer_risk.spark.score(df, column="line", rules=lending, as_of=AS_OF)
    assert scored.columns == ["line", "batch", "record"]
    got = sorted(r.record for r in scored.select("record").collect())
    assert got == want
    assert all(json.loads(r)["rules"]["name"] == "lending" for r in got if '"decision"' in r)


def test_spark_checks_on_the_driver(spark, export, tmp_path):
    df = read_lines(spark, export)
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "x", "verison": "1"}')
    with pytest.raises(layer_risk.RulesError) as e:
        layer_risk.spark.score(df, rules=broken, as_of=AS_OF)
    assert e.value.code == "schema" and str(e.value).startswith(f"{broken}:1:")
    with pytest.raises(layer_risk.RulesError):
        layer_risk.spark.score(df, rules=tmp_path / "missing.json", as_of=AS_OF)
    with pytest.raises(ValueError, match="not in the DataFrame"):
        layer_risk.spark.score(df, column="line", as_of=AS_OF)
    with pytest.raises(TypeError, match="expected string or binary"):
        layer_risk.spark.score(df.selectExpr("length(value) as value"), as_of=AS_OF)
    with pytest.raises(ValueError, match="already has a column"):
        layer_risk.spark.score(df.selectExpr("value", "value as record"), as_of=AS_OF)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        layer_risk.spark.score(df, as_of="22/11/2026")


# Challenger rule sets (issue 19) -----------------------------------------------------------


def test_spark_with_a_shadow_gives_the_cli_shadow_records(spark, challenger_export,
                                                          challenger_cli):
    lending = REPO / "rules" / "lending.json"
    df = read_lines(spark, challenger_export)
    got = sorted(r.record for r in layer_risk.spark.score(df, as_of=AS_OF, shadow=lending)
                 .select("record").collect())
    want = sorted(strip_line(r).decode() for r in challenger_cli["shadow"].splitlines())
    assert len(got) == 3000 and got == want
    assert sum('"shadow":{' in r for r in got) > 2900
    # The decision ids are the CLI's: the live ones of `score`, the shadow's of
    # `score --rules lending.json`.
    ids = sorted(json.loads(r)["decision_id"] for r in got)
    assert ids == sorted(json.loads(r)["decision_id"] for r in challenger_cli["live"].splitlines())
    shadow_ids = sorted(json.loads(r)["shadow"]["decision_id"] for r in got if '"shadow"' in r)
    assert shadow_ids == sorted(
        json.loads(r)["decision_id"]
        for r in challenger_cli["lending"].splitlines()
        if b'"error"' not in r
    )


def test_spark_with_a_rollout_gives_the_cli_rollout_records(spark, keyed_export, cli):
    payments = REPO / "rules" / "payments.json"
    want = sorted(
        strip_line(r).decode()
        for r in run_cli(cli, "score", "--as-of", AS_OF, "--jobs", "1", "--rollout",
                         str(payments), "--rollout-share", "0.3", str(keyed_export)).splitlines()
    )
    df = read_lines(spark, keyed_export)
    scored = layer_risk.spark.score(df, as_of=AS_OF, rollout=payments, rollout_share=0.3)
    got = sorted(r.record for r in scored.select("record").collect())
    assert got == want
    arms = {json.loads(r).get("arm") for r in got}
    assert arms == {"control", "challenger", None}  # None: the error records


def test_spark_checks_the_challenger_on_the_driver(spark, challenger_export, tmp_path):
    df = read_lines(spark, challenger_export)
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "x", "verison": "1"}')
    with pytest.raises(layer_risk.RulesError) as e:
        layer_risk.spark.score(df, as_of=AS_OF, shadow=broken)
    assert e.value.code == "schema" and str(e.value).startswith(f"{broken}:1:")
    with pytest.raises(layer_risk.RulesError):
        layer_risk.spark.score(df, as_of=AS_OF, rollout=broken, rollout_share=0.5)
    payments = REPO / "rules" / "payments.json"
    with pytest.raises(ValueError, match="needs rollout_share"):
        layer_risk.spark.score(df, as_of=AS_OF, rollout=payments)
    with pytest.raises(ValueError, match="one or the other"):
        layer_risk.spark.score(df, as_of=AS_OF, shadow=payments, rollout=payments,
                               rollout_share=0.5)


SECRET = b"spark-link-test-secret-0123456789abcdef\n"
LINK_RULES = (
    "ssn-other-name-30d", "ssn-other-dob-30d", "phone-shared-4-30d", "email-shared-4-30d",
    "address-farm-5-30d", "identity-burst-1d",
)


def test_spark_link_gives_the_cli_link_memory_records(spark, cli, tmp_path):
    """Spark's own aggregation of the link history gives the decisions of `score --link
    memory` on the same export: rings, households, corrupt lines and the nasty extras."""
    ring = run_cli(
        cli, "gen", "--count", "2500", "--seed", "5", "--rings", "0.04", "--corrupt", "0.02",
        "--applicants", "0.1",
    )
    export = tmp_path / "rings.jsonl"
    # Then what gen does not write: a CRLF line, blank lines, a line over the limit.
    export.write_bytes(
        ring
        + b'{"identity": {"ssn": "524781963"}, "request_id": "crlf1"}\r\n\n  \n'
        + b'{"identity": {"name": {"first_name": "' + b"x" * (1 << 20) + b'"}}}\n'
    )
    key = tmp_path / "secret.key"
    key.write_bytes(SECRET)
    want = sorted(
        strip_line(r).decode()
        for r in run_cli(
            cli, "score", "--as-of", AS_OF, "--jobs", "2", "--link", "memory",
            "--link-secret-file", str(key), str(export),
        ).splitlines()
    )
    df = layer_risk.spark.with_line_numbers(spark, export).repartition(3)
    scored = layer_risk.spark.score(df, as_of=AS_OF, link_secret=key, order="line")
    assert scored.columns == ["value", "line", "record"]
    got = sorted(r.record for r in scored.select("record").collect())
    assert len(got) == len(want) and got == want
    text = "\n".join(got)
    # Not a vacuous comparison: link rules of several kinds fired.
    fired = {r for r in LINK_RULES if f'"rule_id":"{r}"' in text}
    assert len(fired) >= 3, fired
    # The same times given as a column (RFC 3339 text) instead of read from the lines.
    from pyspark.sql import functions as F

    timed = df.withColumn(
        "ts", F.get_json_object(F.col("value").cast("string"), "$.observed_at")
    )
    again = layer_risk.spark.score(
        timed, as_of=AS_OF, link_secret=SECRET, observed_at="ts", order="line"
    )
    assert sorted(r.record for r in again.select("record").collect()) == want


def test_spark_link_checks_on_the_driver(spark, tmp_path):
    df = read_lines(spark, REPO / "examples" / "export.jsonl")
    with pytest.raises(ValueError, match="at least 32"):
        layer_risk.spark.score(df, as_of=AS_OF, link_secret=b"short")
    with pytest.raises(ValueError, match="with link_secret only"):
        layer_risk.spark.score(df, as_of=AS_OF, order="value")
    with pytest.raises(ValueError, match="not in the DataFrame"):
        layer_risk.spark.score(df, as_of=AS_OF, link_secret=SECRET, order="line")
