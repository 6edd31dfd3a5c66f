"""Shared fixtures: the CLI the bindings must agree with, and a nasty generated export."""

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
AS_OF = "2026-11-22"


@pytest.fixture(scope="session")
def cli() -> Path:
    """The layer-risk CLI: $LAYER_RISK_CLI, or the repo's release build (built if missing)."""
    path = Path(os.environ.get("LAYER_RISK_CLI", REPO / "target" / "release" / "layer-risk"))
    if not path.exists():
        subprocess.run(
            ["cargo", "build", "--release", "--locked", "--bin", "layer-risk"],
            cwd=REPO,
            check=True,
        )
    return path


@pytest.fixture(scope="session")
def export(cli: Path, tmp_path_factory) -> Path:
    """3,000 generated lines (5% corrupt: truncated, invalid UTF-8, wrong types...; 30%
    envelopes with an applicant), then what gen does not write: a CRLF line, blank lines, a
    line of spaces, a line over the 1 MiB limit and a bare invalid UTF-8 byte."""
    path = tmp_path_factory.mktemp("export") / "export.jsonl"
    gen = subprocess.run(
        [str(cli), "gen", "--count", "3000", "--seed", "7", "--corrupt", "0.05",
         "--applicants", "0.3"],
        check=True,
        capture_output=True,
    ).stdout
    extra = (
        b'{"identity": null, "request_id": "crlf1"}\r\n'
        b"\n"
        b"   \t\r\n"
        + b'{"identity": {"name": {"first_name": "' + b"x" * (1 << 20) + b'"}}}\n'
        + b"\xff\n"
        + b'{"identity": '
    )
    path.write_bytes(gen + extra)
    return path


def run_cli(cli: Path, *args: str, stdin: bytes = b"") -> bytes:
    """The CLI's stdout. Exit status 1 means some lines got error records: expected here."""
    done = subprocess.run([str(cli), *args], input=stdin, capture_output=True)
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout


@pytest.fixture(scope="session")
def cli_records(cli: Path, export: Path) -> bytes:
    """What `layer-risk score --as-of AS_OF --jobs 1` prints for the export."""
    return run_cli(cli, "score", "--as-of", AS_OF, "--jobs", "1", str(export))


def strip_line(record: bytes) -> bytes:
    """A CLI record without its leading `"line":N,` field."""
    assert record.startswith(b'{"line":'), record[:40]
    comma = record.index(b",")
    return b"{" + record[comma + 1 :]


# The export of issue 19's challenger tests: what `layer-risk gen` writes with these flags.
CHALLENGER_GEN = ("gen", "--count", "3000", "--seed", "5", "--applicants", "0.2", "--corrupt", "0.01")


@pytest.fixture(scope="session")
def challenger_export(cli: Path, tmp_path_factory) -> Path:
    """3,000 generated lines (1% corrupt, 20% envelopes with an applicant)."""
    path = tmp_path_factory.mktemp("challenger") / "export.jsonl"
    subprocess.run([str(cli), *CHALLENGER_GEN, "--out", str(path)], check=True,
                   capture_output=True)
    return path


@pytest.fixture(scope="session")
def challenger_cli(cli: Path, challenger_export: Path) -> dict:
    """The CLI's records of that export: `live` (`score`, default rules), `lending`
    (`score --rules rules/lending.json`) and `shadow` (`score --shadow rules/lending.json`)."""
    lending = str(REPO / "rules" / "lending.json")
    base = ("score", "--as-of", AS_OF, "--jobs", "1")
    return {
        "live": run_cli(cli, *base, str(challenger_export)),
        "lending": run_cli(cli, *base, "--rules", lending, str(challenger_export)),
        "shadow": run_cli(cli, *base, "--shadow", lending, str(challenger_export)),
    }


@pytest.fixture(scope="session")
def keyed_export(challenger_export: Path, tmp_path_factory) -> Path:
    """That export with a rollout key on every line that is a JSON object (an envelope
    `{"session", ..., "rollout_key": "user-<n mod 500>"}`: about six lines per user); the
    other lines as they were."""
    import json

    out = []
    for i, raw in enumerate(challenger_export.read_bytes().split(b"\n")[:-1]):
        try:
            doc = json.loads(raw)
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            out.append(raw)
            continue
        line = doc if "session" in doc else {"session": doc}
        line["rollout_key"] = f"user-{i % 500}"
        out.append(json.dumps(line).encode())
    path = tmp_path_factory.mktemp("keyed") / "keyed.jsonl"
    path.write_bytes(b"\n".join(out) + b"\n")
    return path
