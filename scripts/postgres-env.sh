#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and CI (Faultline's PostgreSQL store backend).
#
#   scripts/postgres-env.sh start    create + start a cluster on 127.0.0.1:<free port>, print its URL
#   scripts/postgres-env.sh stop     stop that cluster and delete its data directory
#   scripts/postgres-env.sh status   exit 0 when it runs (prints the URL), 3 when it does not
#   scripts/postgres-env.sh url      print the URL (fails when not running)
#
# Both start and stop are idempotent. The URL is written to .faultline/ci/postgres.url, which the store
# test suite reads (FAULTLINE_TEST_POSTGRES_URL overrides it). Trust authentication, loopback only: never
# use this cluster for anything but tests. It touches no other PostgreSQL cluster on the machine.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${FAULTLINE_CI_DIR:-$REPO_ROOT/.faultline/ci}"
URL_FILE="$STATE_DIR/postgres.url"
ENV_FILE="$STATE_DIR/postgres.env"
DB_NAME="faultline_test"
DB_USER="faultline"
START_TIMEOUT_S="${FAULTLINE_PG_START_TIMEOUT_S:-60}"

log() { printf 'postgres-env: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

find_bindir() {
  local dir
  # Newest major version first.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then echo "$dir"; return 0; fi
  done
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"; return 0
  fi
  return 1
}

ensure_postgres_installed() {
  if find_bindir >/dev/null; then return 0; fi
  [[ $(id -u) -eq 0 ]] || die "PostgreSQL (initdb, pg_ctl) not found. Install it: sudo apt-get install -y postgresql"
  log "PostgreSQL not found; installing it with apt-get (under /tmp/faultline-apt.lock)"
  flock /tmp/faultline-apt.lock sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null'
  find_bindir >/dev/null || die "apt-get installed postgresql but initdb/pg_ctl are still missing under /usr/lib/postgresql/*/bin"
}

# initdb and postgres refuse to run as root: run them as the `postgres` system user (created if missing).
RUN_AS=()
setup_run_as() {
  if [[ $(id -u) -ne 0 ]]; then RUN_AS=(); return; fi
  if ! id postgres >/dev/null 2>&1; then
    log "creating system user 'postgres' (PostgreSQL refuses to run as root)"
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
  if command -v runuser >/dev/null 2>&1; then RUN_AS=(runuser -u postgres --)
  else RUN_AS=(su postgres -s /bin/sh -c); fi
}
as_pg() {
  if [[ ${#RUN_AS[@]} -eq 0 ]]; then "$@"
  elif [[ ${RUN_AS[0]} == runuser ]]; then "${RUN_AS[@]}" "$@"
  else "${RUN_AS[@]}" "$(printf '%q ' "$@")"; fi
}

free_port() {
  # Ask the kernel for an ephemeral port on loopback; PostgreSQL binds it right after (tiny race, retried).
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

load_state() {
  [[ -f "$ENV_FILE" ]] || return 1
  # shellcheck disable=SC1090
  source "$ENV_FILE"
  [[ -n "${PG_BINDIR:-}" && -n "${PG_DATA:-}" && -n "${PG_PORT:-}" ]]
}

is_running() {
  load_state || return 1
  [[ -d "$PG_DATA" ]] || return 1
  setup_run_as
  as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

wait_ready() {
  local deadline=$((SECONDS + START_TIMEOUT_S))
  until "$PG_BINDIR/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q; do
    ((SECONDS < deadline)) || die "PostgreSQL on 127.0.0.1:$PG_PORT did not accept connections within ${START_TIMEOUT_S}s; see $PG_DATA/server.log"
    sleep 0.2
  done
}

cmd_start() {
  if is_running; then
    log "already running on 127.0.0.1:$PG_PORT (data $PG_DATA)"
    cat "$URL_FILE"
    return 0
  fi
  # A stale state file (crashed cluster, rebooted machine): clean it up before starting fresh.
  if load_state; then cmd_stop; fi

  ensure_postgres_installed
  setup_run_as
  PG_BINDIR="$(find_bindir)"
  mkdir -p "$STATE_DIR"
  PG_DATA="$(mktemp -d /tmp/faultline-pg.XXXXXX)"
  chmod 700 "$PG_DATA"
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$PG_DATA"; fi

  log "initdb in $PG_DATA ($PG_BINDIR)"
  as_pg "$PG_BINDIR/initdb" -D "$PG_DATA" -U "$DB_USER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$PG_DATA.initdb.log" 2>&1 || { cat "$PG_DATA.initdb.log" >&2; die "initdb failed"; }
  rm -f "$PG_DATA.initdb.log"

  local attempt
  for attempt in 1 2 3; do
    PG_PORT="$(free_port)"
    # Sockets live in the data dir so we never need /var/run/postgresql.
    if as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t "$START_TIMEOUT_S" \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_DATA -c max_connections=100" \
      start >/dev/null; then
      break
    fi
    log "start on port $PG_PORT failed (attempt $attempt); last log lines:"
    tail -n 5 "$PG_DATA/server.log" >&2 || true
    [[ $attempt -lt 3 ]] || die "could not start PostgreSQL; see $PG_DATA/server.log"
  done

  cat >"$ENV_FILE" <<EOF
PG_BINDIR='$PG_BINDIR'
PG_DATA='$PG_DATA'
PG_PORT='$PG_PORT'
EOF
  wait_ready
  "$PG_BINDIR/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" "$DB_NAME"
  local url="postgres://$DB_USER@127.0.0.1:$PG_PORT/$DB_NAME"
  printf '%s\n' "$url" >"$URL_FILE"
  log "running on 127.0.0.1:$PG_PORT; URL written to $URL_FILE"
  echo "$url"
}

cmd_stop() {
  if ! load_state; then
    log "not running (no $ENV_FILE)"
    rm -f "$URL_FILE"
    return 0
  fi
  setup_run_as
  if [[ -d "$PG_DATA" ]] && as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null
    log "stopped cluster on port $PG_PORT"
  fi
  # Only ever delete the directory this script created.
  case "$PG_DATA" in
    /tmp/faultline-pg.*) rm -rf "$PG_DATA" ;;
    *) log "not deleting unexpected data dir $PG_DATA" ;;
  esac
  rm -f "$ENV_FILE" "$URL_FILE"
}

cmd_status() {
  if is_running; then cat "$URL_FILE"; return 0; fi
  log "not running"; return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) is_running || die "not running; run: $0 start"; cat "$URL_FILE" ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 64 ;;
esac
