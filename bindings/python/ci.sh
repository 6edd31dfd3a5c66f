#!/usr/bin/env bash
# CI for the Python package, from the repository root: install it from source into a fresh
# virtualenv exactly as the README says (`pip install ./bindings/python`), then run its tests,
# the local-Spark test and the README's Flask example included (LAYER_RISK_REQUIRE_ALL=1: a
# missing pyspark, pyarrow, JDK, flask or plaid-python fails the run instead of skipping).
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null || { echo "ci/python: $PYTHON not found" >&2; exit 1; }
# Spark needs a JDK (17: what pyspark 4 requires); take it from the machine's packages.
if ! command -v java >/dev/null 2>&1; then
  echo "== python: installing a JDK 17 (Debian: openjdk-17-jre-headless)"
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless >/dev/null; }
  else
    echo "ci/python: no java, and cannot install one (needs apt-get as root)" >&2
    exit 1
  fi
fi

# The CLI the tests compare with.
cargo build --release --locked -q --bin layer-risk

VENV=target/ci-python
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
echo "== python: pip install ./bindings/python (maturin builds the extension)"
"$VENV/bin/pip" install -q ./bindings/python
echo "== python: test dependencies (pytest, pyspark, pyarrow, flask, plaid-python)"
"$VENV/bin/pip" install -q pytest "pyspark>=3.5,<5" "pyarrow>=14" "pandas<3" flask plaid-python
echo "== python: pytest"
LAYER_RISK_REQUIRE_ALL=1 LAYER_RISK_CLI="$PWD/target/release/layer-risk" \
  "$VENV/bin/python" -m pytest -q -p no:cacheprovider bindings/python/tests

# The wheel is abi3 (one for CPython 3.9+): when the oldest supported Python is on the
# machine (pyenv's, or $PYTHON39), the same wheel passes the same tests there too.
PY39=${PYTHON39:-$(ls -d "$(pyenv root 2>/dev/null || echo /nonexistent)"/versions/3.9*/bin/python 2>/dev/null | tail -1 || true)}
if [ -n "$PY39" ] && [ -x "$PY39" ]; then
  echo "== python: the same abi3 wheel under $("$PY39" --version)"
  rm -rf target/wheels target/ci-python39
  "$VENV/bin/pip" wheel -q --no-deps ./bindings/python -w target/wheels
  "$PY39" -m venv target/ci-python39
  target/ci-python39/bin/pip install -q target/wheels/layer_risk-*-abi3-*.whl pytest
  LAYER_RISK_CLI="$PWD/target/release/layer-risk" \
    target/ci-python39/bin/python -m pytest -q -p no:cacheprovider bindings/python/tests/test_scorer.py
else
  echo "== python: no Python 3.9 on this machine; the abi3 wheel was tested under $("$VENV/bin/python" --version) only"
fi
