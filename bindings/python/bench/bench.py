"""Benchmarks of the Python package against the CLI, on one generated export.

    python bindings/python/bench/bench.py [--lines 200000] [--spark] [--spark-lines 1000000]

1. score_jsonl(jobs=1) lines/s against `layer-risk score --jobs 1` on the same file (the
   CLI's wall time, process start and file read included; best of --repeat runs each).
2. The per-call overhead of Scorer.assess beyond the core: assess() per call against the
   core's own cost for the same lines (score_jsonl of them, per line), in microseconds;
   what a shadow (rules/lending.json beside the default rules) adds to each call, and what
   calling through a LiveScorer adds.
3. With --spark: layer_risk.spark.score in local[2] on --spark-lines lines, writing the
   records as text, against Spark reading and writing the same lines without scoring, and
   against the CLI with --jobs 1 and --jobs 2.

Needs the CLI built (`cargo build --release`) or LAYER_RISK_CLI; prints a Markdown table.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import layer_risk

REPO = Path(__file__).resolve().parents[3]
AS_OF = "2026-11-22"


def cli_path() -> str:
    path = Path(os.environ.get("LAYER_RISK_CLI", REPO / "target" / "release" / "layer-risk"))
    if not path.exists():
        sys.exit(f"bench: no CLI at {path}: run `cargo build --release` first")
    return str(path)


def best(repeat, f):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def round_robin(repeat, cases):
    """The best time of each case over `repeat` rounds, the cases taking turns."""
    out = {}
    for _ in range(repeat):
        for name, f in cases.items():
            t = time.perf_counter()
            f()
            out[name] = min(out.get(name, float("inf")), time.perf_counter() - t)
    return out


def gen(cli, lines, path):
    with open(path, "wb") as out:
        subprocess.run(
            [cli, "gen", "--count", str(lines), "--seed", "1", "--corrupt", "0.01",
             "--applicants", "0.2"],
            stdout=out,
            check=True,
        )


def run_cli(cli, path, jobs):
    with open(os.devnull, "wb") as null:
        done = subprocess.run(
            [cli, "score", "--as-of", AS_OF, "--jobs", str(jobs), "-q", str(path)], stdout=null
        )
    assert done.returncode in (0, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--spark", action="store_true")
    ap.add_argument("--spark-lines", type=int, default=1_000_000)
    args = ap.parse_args()
    cli = cli_path()
    tmp = Path(tempfile.mkdtemp(prefix="layer-risk-bench-"))
    try:
        export = tmp / "export.jsonl"
        gen(cli, args.lines, export)
        data = export.read_bytes()
        n = args.lines
        scorer = layer_risk.Scorer(as_of=AS_OF)
        scorer.score_jsonl(data[:100_000])  # warm the phone tables

        t_cli = best(args.repeat, lambda: run_cli(cli, export, 1))
        t_py = best(args.repeat, lambda: scorer.score_jsonl(data))
        print(f"| what | {n:,} lines | lines/s |")
        print("|---|---|---|")
        print(f"| CLI `score --jobs 1` | {t_cli:.2f} s | {n / t_cli:,.0f} |")
        print(f"| `score_jsonl(jobs=1)` | {t_py:.2f} s | {n / t_py:,.0f} ({t_py / t_cli - 1:+.1%} time vs CLI) |")

        # assess: per call, against the core's per-line cost on the same lines.
        lines = [l for l in data.split(b"\n")[:20_000] if l.strip()]
        sample = b"\n".join(lines) + b"\n"

        def assess_all(s=scorer):
            for line in lines:
                try:
                    s.assess(line)
                except layer_risk.ParseError:
                    pass

        t_core = best(args.repeat, lambda: scorer.score_jsonl(sample)) / len(lines)
        t_assess = best(args.repeat, assess_all) / len(lines)
        t_lines = best(args.repeat, lambda: [scorer.score_lines([l]) for l in lines]) / len(lines)
        print()
        print(f"| per call, mean over {len(lines):,} lines | µs |")
        print("|---|---|")
        print(f"| core (score_jsonl of the lines, per line) | {t_core * 1e6:.1f} |")
        print(f"| `score_lines([line])` (record as str) | {t_lines * 1e6:.1f} |")
        print(f"| `assess(line)` (record as dict) | {t_assess * 1e6:.1f} |")
        print(f"| overhead of `assess` beyond the core | {(t_assess - t_core) * 1e6:.1f} |")

        # A challenger beside the live rules, and the LiveScorer's indirection.
        shadowed = layer_risk.Scorer(as_of=AS_OF, shadow=REPO / "rules" / "lending.json")
        live = layer_risk.LiveScorer(scorer)
        # Taking turns, so that a busy machine's drift hits every case alike.
        t = round_robin(args.repeat, {
            "core": lambda: scorer.score_jsonl(sample),
            "core_shadow": lambda: shadowed.score_jsonl(sample),
            "assess": assess_all,
            "assess_shadow": lambda: assess_all(shadowed),
            "assess_live": lambda: assess_all(live),
        })
        us = {k: v / len(lines) * 1e6 for k, v in t.items()}
        print(f"| core with a shadow (per line) | {us['core_shadow']:.1f} "
              f"({us['core_shadow'] - us['core']:+.1f} over the core without) |")
        print(f"| `assess(line)` with a shadow | {us['assess_shadow']:.1f} "
              f"({us['assess_shadow'] - us['assess']:+.1f} over `assess` without, "
              f"{us['assess']:.1f}) |")
        print(f"| `LiveScorer.assess(line)` | {us['assess_live']:.1f} "
              f"({us['assess_live'] - us['assess']:+.1f} over `Scorer.assess`) |")

        # Two threads, one scorer: the GIL is released while the core works.
        def two_threads():
            ts = [threading.Thread(target=assess_all) for _ in range(2)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()

        t_two = best(args.repeat, two_threads)
        print(
            f"| 2 threads × {len(lines):,} `assess` calls | {t_two / (2 * len(lines)) * 1e6:.1f}"
            f" per call ({2 * len(lines) * t_assess / t_two:.2f}× one thread's throughput) |"
        )

        if args.spark:
            spark_bench(cli, tmp, args.spark_lines)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def spark_bench(cli, tmp, n):
    import layer_risk.spark
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    export = tmp / "spark.jsonl"
    gen(cli, n, export)
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")

    def read():
        return spark.read.option("lineSep", "\n").text(str(export))

    def copy():
        read().write.mode("overwrite").text(str(tmp / "copy"))

    def scored():
        df = layer_risk.spark.score(read(), as_of=AS_OF)
        df.select("record").write.mode("overwrite").text(str(tmp / "scored"))

    def scored_per_line():
        # The path spark.score took before it went Arrow end to end (kept here to measure
        # against): each batch's lines as Python bytes, score_lines, the records back into a
        # pyarrow array.
        from pyspark.sql import types as T

        df = read()
        schema = T.StructType(list(df.schema.fields) + [T.StructField("record", T.StringType())])
        as_of = AS_OF

        def run(batches):
            import pyarrow as pa

            scorer = layer_risk.Scorer(as_of=as_of)
            for batch in batches:
                lines = batch.column(0).view(pa.binary())
                records = scorer.score_lines(lines.to_pylist())
                recs = pa.array([r for r in records if r is not None], type=pa.string())
                kept = batch
                if len(recs) < batch.num_rows:
                    kept = batch.filter(pa.array([r is not None for r in records]))
                yield pa.RecordBatch.from_arrays(
                    list(kept.columns) + [recs], names=list(batch.schema.names) + ["record"]
                )

        out = df.mapInArrow(run, schema)
        out.select("record").write.mode("overwrite").text(str(tmp / "scored_lines"))

    copy()
    scored()  # warm the JVM and the Python workers
    scored_per_line()
    t_copy = best(2, copy)
    t_scored = best(2, scored)
    t_lines = best(2, scored_per_line)
    t_cli1 = best(2, lambda: run_cli(cli, export, 1))
    t_cli2 = best(2, lambda: run_cli(cli, export, 2))
    spark.stop()
    print()
    print(f"| {n:,} lines | s | lines/s |")
    print("|---|---|---|")
    print(f"| Spark local[2]: read + write text, no scoring | {t_copy:.2f} | {n / t_copy:,.0f} |")
    print(f"| Spark local[2]: read + `spark.score` + write | {t_scored:.2f} | {n / t_scored:,.0f} |")
    print(f"| of which scoring | {t_scored - t_copy:.2f} | |")
    print(f"| Spark local[2]: read + per-line `score_lines` (before Arrow) + write | {t_lines:.2f} | {n / t_lines:,.0f} |")
    print(f"| of which scoring | {t_lines - t_copy:.2f} | |")
    print(f"| CLI `score --jobs 1` | {t_cli1:.2f} | {n / t_cli1:,.0f} |")
    print(f"| CLI `score --jobs 2` | {t_cli2:.2f} | {n / t_cli2:,.0f} |")


if __name__ == "__main__":
    main()
