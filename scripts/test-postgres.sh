#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for backfit's tests.
#
#   scripts/test-postgres.sh run -- CMD ARGS...   start a cluster, run CMD with
#                                                 BACKFIT_TEST_POSTGRES_URL set, stop it (always)
#   scripts/test-postgres.sh start                start one; print `export ...` lines (eval them)
#   scripts/test-postgres.sh stop DIR             stop the cluster started in DIR
#
# Installs PostgreSQL from Debian packages when no initdb/postgres is found.
# postgres refuses to run as root, so as root the cluster runs as the system
# user `backfit-ci` (created if missing) through runuser.
set -euo pipefail

CI_USER=backfit-ci

find_bindir() {
  local candidate
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return
  fi
  for candidate in /usr/lib/postgresql/*/bin; do
    if [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" && -x "$candidate/postgres" ]]; then
      echo "$candidate"
    fi
  done | sort -V | tail -n 1
}

install_postgres() {
  echo "test-postgres: PostgreSQL not found; installing it from Debian packages" >&2
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends postgresql >&2
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "$CI_USER" -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

start() {
  local bindir dir port
  bindir=$(find_bindir)
  if [[ -z "$bindir" ]]; then
    install_postgres
    bindir=$(find_bindir)
  fi
  [[ -n "$bindir" ]] || { echo "test-postgres: no PostgreSQL binaries after installing" >&2; exit 1; }
  dir=$(mktemp -d /tmp/backfit-pg.XXXXXX)
  chmod 755 "$dir"
  if [[ $(id -u) -eq 0 ]]; then
    id -u "$CI_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$CI_USER"
    chown "$CI_USER" "$dir"
  fi
  port=$(free_port)
  as_owner "$bindir/initdb" -D "$dir/data" -U backfit --auth=trust --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >&2 || { cat "$dir/server.log" >&2; exit 1; }
  echo "export BACKFIT_TEST_POSTGRES_URL=postgresql+psycopg://backfit@127.0.0.1:$port/postgres"
  echo "export BACKFIT_TEST_POSTGRES_DIR=$dir"
  echo "export BACKFIT_TEST_POSTGRES_BINDIR=$bindir"
}

stop() {
  local dir=$1 bindir
  bindir=${BACKFIT_TEST_POSTGRES_BINDIR:-$(find_bindir)}
  if [[ -d "$dir/data" ]]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:?usage: $0 stop DIR}" ;;
  run)
    shift
    [[ "${1:-}" == "--" ]] && shift
    [[ $# -gt 0 ]] || { echo "usage: $0 run -- CMD ARGS..." >&2; exit 2; }
    eval "$(start)"
    trap 'stop "$BACKFIT_TEST_POSTGRES_DIR"' EXIT
    echo "test-postgres: $BACKFIT_TEST_POSTGRES_URL" >&2
    "$@"
    ;;
  *) echo "usage: $0 run -- CMD ARGS... | start | stop DIR" >&2; exit 2 ;;
esac
