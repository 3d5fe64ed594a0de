#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on loopback for the store's tests and print its URL.
# Installs Debian's postgresql if missing (apt-get, as root or through sudo). The cluster lives
# under ${PGTEST_DIR:-/tmp/formfill-pg}, listens on 127.0.0.1:${PGTEST_PORT:-55432} only, trusts
# local connections, and has a database `formfill_test`. Idempotent: a running cluster is reused.
# Usage (from .ci/run):  export FORMFILL_TEST_POSTGRES_URL="$(bash scripts/ci_postgres.sh)"
# Stop it:               bash scripts/ci_postgres.sh stop
set -euo pipefail

DIR=${PGTEST_DIR:-/tmp/formfill-pg}
PORT=${PGTEST_PORT:-55432}
DB=formfill_test

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && echo "$d"
}

if [ -z "$(pg_bin)" ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "Installing Debian's postgresql" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
BIN=$(pg_bin)

# PostgreSQL refuses to run as root: run it as the postgres user (created by the package) then.
if [ "$(id -u)" -eq 0 ]; then
  OWNER=postgres
  as_owner() { runuser -u "$OWNER" -- "$@"; }
else
  OWNER=$(id -un)
  as_owner() { "$@"; }
fi

if [ "${1:-}" = "stop" ]; then
  [ -f "$DIR/data/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >&2
  exit 0
fi

mkdir -p "$DIR"
chown "$OWNER" "$DIR" 2>/dev/null || true
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2 \
    || as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 >&2
fi
if ! as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off" start >&2
fi
if ! as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB" >&2
fi
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"
