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

from ._native import Scorer

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow
    from pyspark.sql import DataFrame

__all__ = ["score"]

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
) -> "DataFrame":
    """Add a string column ``record`` to ``df``: for each row, the decision record of the
    line in ``column`` (the CLI's record without ``line``), or its error record when the line
    is not a response. Rows whose line is blank (or null) are dropped, as the CLI writes no
    record for them; every other column is kept.

    The line is handed to the scorer as bytes (the column's Arrow data viewed as binary,
    never decoded), so a line that is not UTF-8 gets the CLI's ``invalid_utf8`` record and a
    line over 1 MiB the CLI's ``line_too_long`` record.

    ``rules`` is a rules file on the driver (None: the embedded default): it is read and
    checked here, so a broken file raises :class:`layer_risk.RulesError` before any task
    runs, and its text travels with the job (executors need no copy of it). ``as_of`` is
    the evaluation date, a ``datetime.date`` or ``'YYYY-MM-DD'``.

    ``shadow``, or ``rollout`` with ``rollout_share``, name a challenger rules file, as in
    :class:`layer_risk.Scorer`: each record then carries the challenger's decision in
    ``shadow`` (and the ``arm`` that decided, in a rollout keyed by the envelopes'
    ``rollout_key``). The challenger is read and checked on the driver like ``rules``, and
    its text travels with the job too.

    Runs with ``DataFrame.mapInArrow`` (Spark 3.3+); ``column`` must be a string or binary
    column.

    >>> df = spark.read.option("lineSep", "\\n").text("export.jsonl")  # doctest: +SKIP
    >>> layer_risk.spark.score(df, as_of="2026-11-22").select("record").show()  # doctest: +SKIP
    """
    from pyspark.sql import types as T

    # Checked on the driver: the date, the rules files, the challenger's arguments, the
    # column. Each file is read by the core's one loader (as the CLI reads --rules); its
    # text, exactly as loaded, travels with the job, so every executor holds the same SHA-256.
    checked = Scorer(
        rules, as_of=as_of, shadow=shadow, rollout=rollout, rollout_share=rollout_share
    )
    rules_name: Optional[str] = None if rules is None else os.fspath(rules)
    rules_text: Optional[str] = None if rules is None else checked.rules_json
    as_of_text = checked.as_of
    challenger = shadow if shadow is not None else rollout
    challenger_name: Optional[str] = None if challenger is None else os.fspath(challenger)
    challenger_text: Optional[str] = checked.shadow_rules_json
    share: Optional[float] = checked.rollout_share

    names = df.columns
    if column not in names:
        raise ValueError(f"column {column!r} is not in the DataFrame (it has {names})")
    if names.count(column) > 1:
        raise ValueError(f"column {column!r} appears more than once")
    if RECORD in names:
        raise ValueError(f"the DataFrame already has a column {RECORD!r}")
    field = df.schema[column]
    if not isinstance(field.dataType, (T.StringType, T.BinaryType)):
        raise TypeError(
            f"column {column!r} is {field.dataType.simpleString()}, expected string or binary"
        )
    index = names.index(column)
    out_schema = T.StructType(
        list(df.schema.fields) + [T.StructField(RECORD, T.StringType(), True)]
    )

    def run(batches: Iterator["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        import pyarrow as pa

        if rules_name is None or rules_text is None:
            scorer = Scorer(as_of=as_of_text)
        else:
            scorer = Scorer.from_json(rules_text, rules_name, as_of=as_of_text)
        if challenger_name is not None and challenger_text is not None:
            other = Scorer.from_json(challenger_text, challenger_name, as_of=as_of_text)
            if share is None:
                scorer = scorer.with_shadow(other)
            else:
                scorer = scorer.with_rollout(other, share)
        for batch in batches:
            lines = batch.column(index)
            # Same buffers, read as bytes: no UTF-8 decoding, no copy.
            if pa.types.is_string(lines.type):
                lines = lines.view(pa.binary())
            elif pa.types.is_large_string(lines.type):
                lines = lines.view(pa.large_binary())
            records = scorer.score_lines(lines.to_pylist())
            recs = pa.array([r for r in records if r is not None], type=pa.string())
            kept = batch
            if len(recs) < batch.num_rows:  # blank lines: drop their rows
                kept = batch.filter(pa.array([r is not None for r in records], type=pa.bool_()))
            yield pa.RecordBatch.from_arrays(
                list(kept.columns) + [recs], names=list(batch.schema.names) + [RECORD]
            )

    return df.mapInArrow(run, out_schema)
