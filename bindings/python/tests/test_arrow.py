"""Scorer.score_arrow: Arrow in, Arrow out, equal to score_lines and the CLI, for every Arrow
type of a line column, with nulls, blank lines, invalid UTF-8 and a line over the limit."""

import pyarrow as pa
import pytest

import layer_risk
from conftest import AS_OF, REPO, strip_line
from test_scorer import lines_of


@pytest.fixture(scope="module")
def scorer() -> layer_risk.Scorer:
    return layer_risk.Scorer(as_of=AS_OF)


@pytest.mark.parametrize("kind", ["binary", "large_binary", "string", "large_string"])
def test_score_arrow_equals_score_lines_and_the_cli(scorer, export, cli_records, kind):
    lines = lines_of(export.read_bytes()) + [None]
    if kind in ("binary", "large_binary"):
        arr = pa.array(lines, type=getattr(pa, kind)())
    else:
        # A string column holds only UTF-8: its invalid lines are left to the binary cases.
        lines = [l for l in lines if l is None or _utf8(l)]
        arr = pa.array([None if l is None else l.decode() for l in lines], type=getattr(pa, kind)())
    got = pa.array(scorer.score_arrow(arr))
    assert got.type == pa.string() and len(got) == len(lines)
    assert got.to_pylist() == scorer.score_lines(lines)
    if kind == "binary":
        cli = [strip_line(r).decode() for r in cli_records.splitlines()]
        assert [r for r in got.to_pylist() if r is not None] == cli
        assert got.null_count == 3  # two blank lines and the null


def _utf8(b: bytes) -> bool:
    try:
        b.decode()
        return True
    except UnicodeDecodeError:
        return False


def test_score_arrow_reads_a_slice_and_carries_the_challenger(export):
    lines = lines_of(export.read_bytes())
    arr = pa.array(lines, type=pa.binary()).slice(100, 400)  # an offset into the buffers
    lending = layer_risk.Scorer(REPO / "rules" / "lending.json", as_of=AS_OF)
    shadowed = layer_risk.Scorer(as_of=AS_OF).with_shadow(lending)
    got = pa.array(shadowed.score_arrow(arr)).to_pylist()
    assert got == shadowed.score_lines(lines[100:500])
    live = layer_risk.LiveScorer(shadowed)
    assert pa.array(live.score_arrow(arr)).to_pylist() == got


def test_score_arrow_refuses_what_is_not_a_line_column(scorer):
    with pytest.raises(TypeError, match="binary or utf8"):
        scorer.score_arrow(pa.array([1, 2, 3]))
    with pytest.raises(TypeError, match="__arrow_c_array__"):
        scorer.score_arrow([b"{}"])
    recs = scorer.score_arrow(pa.array([], type=pa.binary()))
    assert len(recs) == 0 and pa.array(recs).to_pylist() == []
    assert repr(recs) == "ArrowRecords(len=0, nulls=0)"
