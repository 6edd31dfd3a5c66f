#!/usr/bin/env bash
# The PostgreSQL link store's tests against a real server: install PostgreSQL if the machine
# has none (Debian's `postgresql`, apt-get as root), start a throwaway cluster in a temporary
# directory on a free port as the unprivileged `postgres` user (PostgreSQL refuses to run as
# root), run the tests with LAYER_RISK_REQUIRE_POSTGRES=1 (so they fail, not skip, without a
# server), and stop the server whatever happens. Run from anywhere; used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

find_bin() {
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
}

PGBIN=$(find_bin || true)
if [ -z "$PGBIN" ] || ! command -v pg_dump >/dev/null 2>&1; then
  echo "== postgres: installing Debian's postgresql"
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ci-postgres: no PostgreSQL, and cannot install one (needs apt-get as root)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q postgresql >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null; }
  PGBIN=$(find_bin)
fi
PG_DUMP=$(command -v pg_dump)

# As root, the server runs as a dedicated user; otherwise as whoever runs this.
RUN=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  RUN=(runuser -u postgres --)
fi

DATA=$(mktemp -d /tmp/layer-risk-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres "$DATA"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA/db" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap stop EXIT

echo "== postgres: a throwaway cluster on 127.0.0.1:$PORT ($("$PGBIN/postgres" --version))"
"${RUN[@]}" "$PGBIN/initdb" -D "$DATA/db" -A trust -U postgres -E UTF8 --no-sync >/dev/null
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$DATA/db" -l "$DATA/log" -w \
  -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50" start >/dev/null

export LAYER_RISK_TEST_POSTGRES_URL="host=127.0.0.1 port=$PORT user=postgres"
export LAYER_RISK_REQUIRE_POSTGRES=1
export LAYER_RISK_PG_DUMP="$PG_DUMP"
echo "== postgres: cargo test --features link-postgres (link tests)"
cargo test --locked --features link-postgres --test lib -- it::link::
