#!/usr/bin/env bash
# Install (Debian packages) and start a private PostgreSQL server on 127.0.0.1 for the tests.
# Sourced by .ci/run: exports NASFORGE_TEST_POSTGRES (a URL with rights to create databases) and stops the
# server when the calling shell exits.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")"
PG_DIR="$(mktemp -d /tmp/nasforge-pg.XXXXXX)"
PG_PORT="${NASFORGE_PG_PORT:-54329}"
chown postgres "$PG_DIR"  # the server refuses to run as root
runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync -E UTF8 >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null
trap 'runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1; rm -rf "$PG_DIR"' EXIT
export NASFORGE_TEST_POSTGRES="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
export NASFORGE_REQUIRE_POSTGRES=1
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
