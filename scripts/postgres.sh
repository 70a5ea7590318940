#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks: its own data directory and port, on
# loopback only, run as the `postgres` user when started by root (PostgreSQL refuses root).
#   scripts/postgres.sh start [DIR] [PORT] [--fast]   prints the URL (postgres://postgres@127.0.0.1:PORT/postgres)
#   scripts/postgres.sh restart [DIR] [MODE]          pg_ctl restart -m MODE (immediate: as a crash would)
#   scripts/postgres.sh stop [DIR]
# Durable by default (PostgreSQL's own settings: fsync, synchronous_commit, full_page_writes on), as
# the benchmarks need. --fast turns them off, for test databases only: a commit is acknowledged
# before its WAL is written, so a crash or an immediate restart loses the last acknowledged writes.
set -euo pipefail
action="${1:-start}"
dir="${2:-/tmp/orgs-pg-$$}"
port="${3:-55432}"
fast="${4:-}"
if [ "$action" = start ] && [ -n "$fast" ] && [ "$fast" != --fast ]; then
  echo "postgres.sh: unknown option \"$fast\" (only --fast)" >&2
  exit 2
fi

find_bin() {
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$found" ] && echo "$found"
}

if [ -z "$(find_bin initdb)" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "postgres.sh: installing Debian's postgresql package" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "postgres.sh: PostgreSQL's server programs (initdb, pg_ctl) are not installed" >&2
    exit 1
  fi
fi
INITDB=$(find_bin initdb)
PG_CTL=$(find_bin pg_ctl)

as_pg() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$action" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && { id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres; chown postgres "$dir"; }
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_pg "$INITDB" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
    fi
    opts="-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300"
    [ "$fast" = --fast ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_pg "$PG_CTL" -D "$dir" -l "$dir/server.log" -w -t 60 -o "$opts" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  restart)
    # pg_ctl restart reuses the options the server was started with (postmaster.opts).
    as_pg "$PG_CTL" -D "$dir" -l "$dir/server.log" -m "${3:-fast}" -w -t 60 restart >/dev/null
    ;;
  stop)
    as_pg "$PG_CTL" -D "$dir" -m fast -w stop >/dev/null || true
    ;;
  *) echo "usage: $0 start [DIR] [PORT] [--fast] | restart [DIR] [MODE] | stop [DIR]" >&2; exit 2 ;;
esac
