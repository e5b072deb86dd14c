#!/usr/bin/env bash
# The whole suite, twice: on SQLite and on a throwaway PostgreSQL started here and stopped on exit.
# The two runs are independent (their own databases, ports and temporary folders), so they run side
# by side, one per core; each one's output is printed whole when both have finished.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DIR=$(mktemp -d)
PG_PORT=${TEST_PG_PORT:-54329}
LOGS=$(mktemp -d)
chown postgres "$PG_DIR" 2>/dev/null || true
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_pg() { as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR" "$LOGS"; }
trap stop_pg EXIT
as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >/dev/null
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null

echo "== bandit: no high-severity finding in the plugin's code"
$PY -m bandit -q -r therapist_app -lll

$PY -m pytest -q -p no:cacheprovider "$@" >"$LOGS/sqlite" 2>&1 &
SQLITE=$!
TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres" \
  $PY -m pytest -q -p no:cacheprovider "$@" >"$LOGS/postgres" 2>&1 &
POSTGRES=$!
status=0
wait $SQLITE || status=1
wait $POSTGRES || status=1
echo "== pytest on SQLite"; cat "$LOGS/sqlite"
echo "== pytest on PostgreSQL"; cat "$LOGS/postgres"
exit $status
