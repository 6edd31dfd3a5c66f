"""Score exports inside Spark: one decision record per line, computed in the executors.

Read an export so that each row is one line exactly as the CLI sees it (only ``\\n`` ends a
line; a ``\\r`` before it is dropped by the scorer, as the CLI drops it)::

    df = spark.read.option("lineSep", "\\n").text("s3://bucket/exports/2026-11-*.jsonl")
    scored = layer_risk.spark.score(df, as_of="2026-11-22")
    scored.select("record").write.text("s3://bucket/decisions/2026-11-22/")

``score`` needs ``pyarrow`` and the ``layer_risk`` wheel on every executor (see the
package README for building one wheel for a Linux cluster).
"""

from __future__ import annotations

import os
from datetime import date
from typing import TYPE_CHECKING, Iterator, Optional, Union

from ._native import Scorer, link_keys

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow
    from pyspark.sql import DataFrame

__all__ = ["score", "with_line_numbers"]

RECORD = "record"


def score(
    df: "DataFrame",
    column: str = "value",
    rules: Optional[Union[str, "os.PathLike[str]"]] = None,
    *,
    as_of: Union[str, date],
    shadow: Optional[Union[str, "os.PathLike[str]"]] = None,
    rollout: Optional[Union[str, "os.PathLike[str]"]] = None,
    rollout_share: Optional[float] = None,
    link_secret: Optional[Union[bytes, str, "os.PathLike[str]"]] = None,
    observed_at: Optional[str] = None,
    order: Optional[str] = None,
) -> "DataFrame":
    """Add a string column ``record`` to ``df``: for each row, the decision record of the
    line in ``column`` (the CLI's record without ``line``), or its error record when the line
    is not a response. Rows whose line is blank (or null) are dropped, as the CLI writes no
    record for them; every other column is kept.

    The line column's Arrow buffers are handed to the Rust scorer as they are (the Arrow C
    data interface, :meth:`layer_risk.Scorer.score_arrow`), never decoded, so a line that is
    not UTF-8 gets the CLI's ``invalid_utf8`` record and a line over 1 MiB the CLI's
    ``line_too_long`` record; the records come back as an Arrow array built in Rust.

    ``rules`` is a rules file on the driver (None: the embedded default): it is read and
    checked here, so a broken file raises :class:`layer_risk.RulesError` before any task
    runs, and its text travels with the job (executors need no copy of it). ``as_of`` is
    the evaluation date, a ``datetime.date`` or ``'YYYY-MM-DD'``.

    ``shadow``, or ``rollout`` with ``rollout_share``, name a challenger rules file, as in
    :class:`layer_risk.Scorer`: each record then carries the challenger's decision in
    ``shadow`` (and the ``arm`` that decided, in a rollout keyed by the envelopes'
    ``rollout_key``). The challenger is read and checked on the driver like ``rules``, and
    its text travels with the job too.

    On Spark 4.1+ it runs as a scalar Arrow UDF (only the line column goes to the Python
    worker and only the records come back); on Spark 3.3 to 4.0 with ``DataFrame.mapInArrow``.
    ``column`` must be a string or binary column.

    >>> df = spark.read.option("lineSep", "\\n").text("export.jsonl")  # doctest: +SKIP
    >>> layer_risk.spark.score(df, as_of="2026-11-22").select("record").show()  # doctest: +SKIP

    **Linkage across sessions.** With ``link_secret`` (the secret's bytes, or the path of the
    file holding them, as ``layer-risk score --link-secret-file`` reads it), each line is
    decided with its link history, computed as the CLI's ``--link memory`` computes it over
    the same export, and the same records come out. The keys are derived in the executors
    (in Rust, ``layer_risk.link_keys``); the history is Spark's own aggregation: self-joins
    of the keys over earlier lines, grouped per line, never a loop on the driver.
    ``order`` names a column giving each line's place in the export (the CLI's line number:
    see :func:`with_line_numbers`); without it, the order Spark read the rows in
    (``monotonically_increasing_id`` before any shuffle). ``observed_at`` names a column with
    each line's time (a timestamp, Unix seconds, or an RFC 3339 string); without it, the
    line's own ``observed_at``, else ``as_of`` at 00:00 UTC, as in the CLI. The joins are
    per key, so a key shared by very many lines costs quadratic work in that key's lines.
    """
    if link_secret is not None:
        challenger = (shadow, rollout, rollout_share)
        return _score_linked(df, column, rules, as_of, link_secret, observed_at, order,
                             challenger)
    if observed_at is not None or order is not None:
        raise ValueError("observed_at and order are used with link_secret only")
    from pyspark.sql import types as T

    # Checked on the driver: the date, the rules files, the challenger's arguments, the
    # column. Each file is read by the core's one loader (as the CLI reads --rules); its
    # text, exactly as loaded, travels with the job, so every executor holds the same SHA-256.
    built_from = _job(rules, as_of, shadow, rollout, rollout_share)
    _check_columns(df, column)

    from pyspark.sql import functions as F

    if hasattr(F, "arrow_udf"):
        # Spark 4.1+: a scalar Arrow UDF. Only the line column crosses to the Python worker
        # and only the records come back; the other columns stay in the JVM. The lines'
        # buffers go to Rust as they are (the Arrow C data interface, never decoded) and the
        # records come back as an Arrow array built in Rust, null for a blank or null line,
        # whose rows are then dropped, as the CLI writes nothing for them.
        import pyarrow as pa

        def records(lines):
            return pa.array(_worker_scorer(*built_from).score_arrow(lines))

        # The hints Spark reads to know a scalar Arrow UDF (set as objects: this module's
        # annotations are strings, and pyarrow is imported here, not at the top).
        records.__annotations__ = {"lines": pa.Array, "return": pa.Array}
        # Marked nondeterministic only so that Spark evaluates it once: it would otherwise
        # inline the UDF into the filter below and score every line twice (the decision is
        # a pure function of the line, the rules and the date).
        udf = F.arrow_udf(records, T.StringType()).asNondeterministic()
        scored = df.withColumn(RECORD, udf(F.col(column)))
        return scored.where(F.col(RECORD).isNotNull())

    # Spark 3.3 to 4.0: mapInArrow, every column through the worker and back.
    index = names.index(column)
    out_schema = T.StructType(
        list(df.schema.fields) + [T.StructField(RECORD, T.StringType(), True)]
    )

    def run(batches: Iterator["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        import pyarrow as pa

        scorer = _worker_scorer(*built_from)
        for batch in batches:
            recs = pa.array(scorer.score_arrow(batch.column(index)))
            kept = batch
            if recs.null_count:  # blank lines: drop their rows, as the CLI writes nothing
                valid = recs.is_valid()
                kept = batch.filter(valid)
                recs = recs.filter(valid)
            yield pa.RecordBatch.from_arrays(
                list(kept.columns) + [recs], names=list(batch.schema.names) + [RECORD]
            )

    return df.mapInArrow(run, out_schema)


def _job(rules, as_of, shadow, rollout, rollout_share) -> tuple:
    """What a job's workers build their scorer from, checked on the driver: the rules file's
    and the challenger's names and texts exactly as the core's one loader read them (so every
    executor holds the same SHA-256), the date, and the rollout share. A broken file, a bad
    date or challenger arguments raise here, before any task runs."""
    checked = Scorer(
        rules, as_of=as_of, shadow=shadow, rollout=rollout, rollout_share=rollout_share
    )
    challenger = shadow if shadow is not None else rollout
    return (
        None if rules is None else os.fspath(rules),
        None if rules is None else checked.rules_json,
        checked.as_of,
        None if challenger is None else os.fspath(challenger),
        checked.shadow_rules_json,
        checked.rollout_share,
    )


def _check_columns(df, column: str, *others: Optional[str]) -> None:
    """The line column (and any other named column) is in the DataFrame once, the line column
    is string or binary, and `record` is free."""
    from pyspark.sql import types as T

    names = df.columns
    for c in (column, *others):
        if c is None:
            continue
        if c not in names:
            raise ValueError(f"column {c!r} is not in the DataFrame (it has {names})")
        if names.count(c) > 1:
            raise ValueError(f"column {c!r} appears more than once")
    if RECORD in names:
        raise ValueError(f"the DataFrame already has a column {RECORD!r}")
    field = df.schema[column]
    if not isinstance(field.dataType, (T.StringType, T.BinaryType)):
        raise TypeError(
            f"column {column!r} is {field.dataType.simpleString()}, expected string or binary"
        )


#: Scorers built in this Python worker, by what they were built from: a reused worker
#: (Spark's default) loads a rules file once, not once per task or batch.
_SCORERS: dict = {}


def _worker_scorer(rules_name, rules_text, as_of_text, challenger_name, challenger_text, share) -> Scorer:
    """The scorer a job's texts describe (read on the driver), built once per worker."""
    key = (rules_name, rules_text, as_of_text, challenger_name, challenger_text, share)
    scorer = _SCORERS.get(key)
    if scorer is None:
        if rules_name is None or rules_text is None:
            scorer = Scorer(as_of=as_of_text)
        else:
            scorer = Scorer.from_json(rules_text, rules_name, as_of=as_of_text)
        if challenger_name is not None and challenger_text is not None:
            other = Scorer.from_json(challenger_text, challenger_name, as_of=as_of_text)
            scorer = scorer.with_shadow(other) if share is None else scorer.with_rollout(other, share)
        _SCORERS[key] = scorer
    return scorer


# ------------------------------------------------------------------------------------------
# Linkage across sessions
# ------------------------------------------------------------------------------------------

#: The memory store's retention horizon (days) and the largest count it reports: the
#: aggregation below reproduces both (``layer_risk::link``).
HORIZON_DAYS = 400
MAX_COUNT = 1000
_KEYS = ["ssn", "name", "dob", "phone", "email", "address", "identity"]
_WINDOWS = [("1d", 86_400), ("30d", 30 * 86_400), ("365d", 365 * 86_400)]
#: signal -> (key, other): a pair kind of the stores.
_PAIRS = {
    "ssn_other_names": ("ssn", "name"),
    "ssn_other_dobs": ("ssn", "dob"),
    "phone_other_identities": ("phone", "identity"),
    "email_other_identities": ("email", "identity"),
    "address_identities": ("address", "identity"),
}


def with_line_numbers(spark, path: Union[str, "os.PathLike[str]"], name: str = "line"):
    """Read an export as ``score`` wants it, with each row's 1-based line number in column
    ``name`` (blank lines counted, as the CLI counts them): the ``order`` for linkage. The
    line is a binary column ``value`` (its bytes as in the file).

    >>> df = layer_risk.spark.with_line_numbers(spark, "export.jsonl")  # doctest: +SKIP
    >>> layer_risk.spark.score(df, as_of="2026-11-22", link_secret=key, order="line")  # doctest: +SKIP
    """
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    # As bytes: a line that is not UTF-8 keeps its bytes (and gets the CLI's invalid_utf8).
    df = spark.read.option("lineSep", "\n").text(os.fspath(path))
    df = df.select(F.col("value").cast("binary").alias("value"))
    schema = T.StructType(list(df.schema.fields) + [T.StructField(name, T.LongType(), False)])
    rdd = df.rdd.zipWithIndex().map(lambda r: tuple(r[0]) + (r[1] + 1,))
    return spark.createDataFrame(rdd, schema)


def _secret_bytes(secret: Union[bytes, str, "os.PathLike[str]"]) -> bytes:
    if isinstance(secret, (bytes, bytearray)):
        return bytes(secret)
    with open(os.fspath(secret), "rb") as f:
        return f.read()


def _score_linked(df, column, rules, as_of, link_secret, observed_at, order,
                  challenger=(None, None, None)):
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    shadow, rollout, rollout_share = challenger
    built_from = _job(rules, as_of, shadow, rollout, rollout_share)
    as_of_text = built_from[2]
    secret = _secret_bytes(link_secret)
    link_keys([], secret, 0)  # a short secret raises ValueError here, on the driver
    midnight = int(
        date.fromisoformat(as_of_text).toordinal() - date(1970, 1, 1).toordinal()
    ) * 86_400

    _check_columns(df, column, observed_at, order)
    names = df.columns
    index = names.index(column)

    ord_col = "_lr_ord"
    base = df.withColumn(
        ord_col, F.col(order).cast("long") if order else F.monotonically_increasing_id()
    )
    key_fields = [T.StructField(f"_lr_{k}", T.StringType(), True) for k in _KEYS]
    keyed_schema = T.StructType(
        list(base.schema.fields) + key_fields + [T.StructField("_lr_t", T.LongType(), True)]
    )

    def keys(batches: Iterator["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        import pyarrow as pa

        for batch in batches:
            lines = batch.column(index)
            if pa.types.is_string(lines.type):
                lines = lines.view(pa.binary())
            elif pa.types.is_large_string(lines.type):
                lines = lines.view(pa.large_binary())
            got = link_keys(lines.to_pylist(), secret, midnight)
            cols = [
                pa.array([g[i] if g else None for g in got], type=pa.string())
                for i in range(len(_KEYS))
            ]
            cols.append(pa.array([g[7] if g else None for g in got], type=pa.int64()))
            yield pa.RecordBatch.from_arrays(
                list(batch.columns) + cols,
                names=list(batch.schema.names) + [f"_lr_{k}" for k in _KEYS] + ["_lr_t"],
            )

    keyed = base.mapInArrow(keys, keyed_schema).cache()
    if observed_at is not None:
        dtype = df.schema[observed_at].dataType
        if isinstance(dtype, (T.TimestampType, T.TimestampNTZType, T.StringType)):
            seconds = F.unix_timestamp(F.to_timestamp(F.col(observed_at)))
        else:
            seconds = F.col(observed_at).cast("long")
        keyed = keyed.withColumn(
            "_lr_t", F.when(F.col("_lr_t").isNotNull(), F.coalesce(seconds, F.col("_lr_t")))
        )
    obs = keyed.where(F.col("_lr_t").isNotNull()).select(
        F.col(ord_col).alias("ord"),
        F.col("_lr_t").alias("t"),
        *[F.col(f"_lr_{k}").alias(k) for k in _KEYS],
    )
    obs = obs.cache()
    horizon = HORIZON_DAYS * 86_400

    def windowed(times: str):
        out = [
            F.sum(F.when(F.col(times) > F.col("t") - w, 1).otherwise(0)).alias(name)
            for name, w in _WINDOWS
        ]
        return out + [F.count(F.lit(1)).alias("all_time")]

    def prior(key: str, other: Optional[str]):
        cols = ["ord", "t", key] + ([other] if other else [])
        a = obs.where(F.col(key).isNotNull()).select(*cols)
        if other:
            a = a.where(F.col(other).isNotNull())
        b = a.select(*[F.col(c).alias(f"b_{c}") for c in cols])
        cond = (
            (F.col(key) == F.col(f"b_{key}"))
            & (F.col("b_ord") < F.col("ord"))
            & (F.col("b_t") > F.col("t") - horizon)
        )
        if other:
            cond = cond & (F.col(f"b_{other}") != F.col(other))
        return a.join(b, cond)

    counts = obs.select("ord")
    signals = []
    for signal, (key, other) in _PAIRS.items():
        latest = prior(key, other).groupBy("ord", "t", f"b_{other}").agg(
            F.max("b_t").alias("s")
        )
        c = latest.groupBy("ord", "t").agg(*windowed("s")).drop("t")
        c = c.select("ord", *[F.col(w).alias(f"{signal}__{w}") for w in ("1d", "30d", "365d", "all_time")])
        counts = counts.join(c, "ord", "left")
        signals.append(signal)
    sessions = prior("identity", None).groupBy("ord", "t").agg(*windowed("b_t")).drop("t")
    sessions = sessions.select(
        "ord",
        *[F.col(w).alias(f"identity_sessions__{w}") for w in ("1d", "30d", "365d", "all_time")],
    )
    counts = counts.join(sessions, "ord", "left")
    signals.append("identity_sessions")
    first = prior("ssn", None).groupBy("ord", "t").agg(F.min("b_t").alias("first"))
    first = first.select(
        "ord",
        F.least(
            F.greatest(F.floor((F.col("t") - F.col("first")) / 86_400), F.lit(0)),
            F.lit(HORIZON_DAYS),
        )
        .cast("long")
        .alias("ssn_first_seen_days"),
    )
    counts = counts.join(first, "ord", "left")

    def clamp(c: str):
        return F.least(F.coalesce(F.col(c), F.lit(0)), F.lit(MAX_COUNT)).cast("long")

    history = F.to_json(
        F.struct(
            *[
                F.struct(
                    *[clamp(f"{s}__{w}").alias(w) for w in ("1d", "30d", "365d", "all_time")]
                ).alias(s)
                for s in signals
            ],
            F.col("ssn_first_seen_days"),
        )
    )
    links = counts.select(F.col("ord").alias(ord_col), history.alias("_lr_link"))
    joined = keyed.join(links, ord_col, "left")

    out_schema = T.StructType(
        list(df.schema.fields) + [T.StructField(RECORD, T.StringType(), True)]
    )
    link_index = joined.columns.index("_lr_link")
    line_index = joined.columns.index(column)
    keep = [joined.columns.index(n) for n in names]

    def run(batches: Iterator["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        import pyarrow as pa

        scorer = _worker_scorer(*built_from)
        for batch in batches:
            lines = batch.column(line_index)
            if pa.types.is_string(lines.type):
                lines = lines.view(pa.binary())
            elif pa.types.is_large_string(lines.type):
                lines = lines.view(pa.large_binary())
            records = scorer.score_lines(
                lines.to_pylist(), batch.column(link_index).to_pylist()
            )
            recs = pa.array([r for r in records if r is not None], type=pa.string())
            kept = batch
            if len(recs) < batch.num_rows:
                kept = batch.filter(pa.array([r is not None for r in records], type=pa.bool_()))
            yield pa.RecordBatch.from_arrays(
                [kept.column(i) for i in keep] + [recs], names=list(names) + [RECORD]
            )

    return joined.mapInArrow(run, out_schema)
