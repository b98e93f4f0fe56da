#!/usr/bin/env bash
# Unleash (npm unleash-server 7.5.x) for the unleash.flag-flip tests, on the CI PostgreSQL.
#
#   scripts/unleash-env.sh start    create database `unleash_test` in the cluster of scripts/postgres-env.sh
#                                   (started first if needed), start Unleash on 127.0.0.1:<free port>, wait until healthy
#   scripts/unleash-env.sh stop     stop that Unleash (the database stays until postgres-env.sh stop)
#   scripts/unleash-env.sh status   exit 0 when it runs (prints the URL), 3 when it does not
#
# Writes .faultline/ci/unleash.url and .faultline/ci/unleash.token (an admin token for tests only), which
# packages/faults-http reads. Loopback only; version check and telemetry are off (no traffic leaves the machine).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${FAULTLINE_CI_DIR:-$REPO_ROOT/.faultline/ci}"
URL_FILE="$STATE_DIR/unleash.url"
TOKEN_FILE="$STATE_DIR/unleash.token"
PID_FILE="$STATE_DIR/unleash.pid"
LOG_FILE="$STATE_DIR/unleash.log"
DB_NAME="unleash_test"
START_TIMEOUT_S="${FAULTLINE_UNLEASH_START_TIMEOUT_S:-120}"

log() { printf 'unleash-env: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

is_running() {
  [[ -f "$PID_FILE" && -f "$URL_FILE" ]] || return 1
  kill -0 "$(cat "$PID_FILE")" 2>/dev/null || return 1
  curl -fsS -m 2 "$(cat "$URL_FILE")/health" >/dev/null 2>&1
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

cmd_start() {
  if is_running; then log "already running at $(cat "$URL_FILE")"; cat "$URL_FILE"; return 0; fi
  [[ -d "$REPO_ROOT/node_modules/unleash-server" ]] || die "unleash-server is not installed; run: npm install (it is a devDependency)"
  mkdir -p "$STATE_DIR"
  local pg_url
  pg_url="$("$REPO_ROOT/scripts/postgres-env.sh" status 2>/dev/null || "$REPO_ROOT/scripts/postgres-env.sh" start)"
  # shellcheck disable=SC1091
  source "$STATE_DIR/postgres.env"
  # A fresh database on every start: Unleash creates the admin token (initApiTokens) only in a database
  # that has no tokens yet, and this token is new each time.
  "$PG_BINDIR/dropdb" -h 127.0.0.1 -p "$PG_PORT" -U faultline --if-exists "$DB_NAME"
  "$PG_BINDIR/createdb" -h 127.0.0.1 -p "$PG_PORT" -U faultline "$DB_NAME"
  log "created database $DB_NAME"
  local port token url
  port="$(free_port)"
  token="*:*.faultline-tests-$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
  url="http://127.0.0.1:$port"
  (
    cd "$REPO_ROOT"
    UNLEASH_DATABASE_URL="${pg_url%/*}/$DB_NAME" UNLEASH_PORT="$port" UNLEASH_ADMIN_TOKEN="$token" SEND_TELEMETRY=false \
      nohup node scripts/unleash-server.mjs >"$LOG_FILE" 2>&1 &
    echo $! >"$PID_FILE"
  )
  local deadline=$((SECONDS + START_TIMEOUT_S))
  until curl -fsS -m 2 "$url/health" >/dev/null 2>&1; do
    kill -0 "$(cat "$PID_FILE")" 2>/dev/null || { tail -n 30 "$LOG_FILE" >&2; die "Unleash exited during start-up; log: $LOG_FILE"; }
    ((SECONDS < deadline)) || { tail -n 30 "$LOG_FILE" >&2; die "Unleash did not become healthy within ${START_TIMEOUT_S}s; log: $LOG_FILE"; }
    sleep 0.5
  done
  # The admin token is created during start-up; wait until it is accepted (401 before).
  until curl -fsS -m 2 -H "Authorization: $token" "$url/api/admin/projects" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "Unleash is up but the admin token is refused (initApiTokens needs tokenName and projects ['*']); log: $LOG_FILE"
    sleep 0.5
  done
  printf '%s\n' "$token" >"$TOKEN_FILE"
  chmod 600 "$TOKEN_FILE"
  printf '%s\n' "$url" >"$URL_FILE"
  log "running at $url (pid $(cat "$PID_FILE")); URL in $URL_FILE, admin token in $TOKEN_FILE"
  echo "$url"
}

cmd_stop() {
  if [[ -f "$PID_FILE" ]]; then
    local pid
    pid="$(cat "$PID_FILE")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
      log "stopped Unleash (pid $pid)"
    fi
  else
    log "not running"
  fi
  rm -f "$PID_FILE" "$URL_FILE" "$TOKEN_FILE"
}

cmd_status() {
  if is_running; then cat "$URL_FILE"; return 0; fi
  log "not running"; return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
