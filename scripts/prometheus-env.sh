#!/usr/bin/env bash
# A real Prometheus for tests and game-day demos, bound to 127.0.0.1 and owned by this script.
#
#   scripts/prometheus-env.sh start [host:port ...]   install Debian's prometheus if missing, start it,
#                                                    scrape the given targets (plus any registered later);
#                                                    when already running, only updates the given targets
#   scripts/prometheus-env.sh stop                    stop the instance this script started (by its PID)
#   scripts/prometheus-env.sh status                  exit 0 when our instance is running and ready
#   scripts/prometheus-env.sh url                     print its URL
#   scripts/prometheus-env.sh env                     print `export` lines CI can eval
#
# Files (under $FAULTLINE_CI_DIR, default <repo>/.faultline/ci):
#   prometheus.url             the base URL, e.g. http://127.0.0.1:9090 (tests read it, or FAULTLINE_PROMETHEUS_URL)
#   prometheus.sd-dir          the path of the file_sd directory below (so tests need not guess)
#   prometheus/targets/*.json  file_sd target files, re-read every second: add one file per test with
#                              [{"targets":["127.0.0.1:PORT"],"labels":{"job":"..."}}] to be scraped without
#                              restarting Prometheus (packages/probes/src/test-support/prometheus.ts does this)
#   prometheus/prometheus.yml  generated config (scrape_interval 1s)
#   prometheus/prometheus.pid  PID of the process started here; `stop` kills only that PID
#   prometheus/prometheus.log  its output
# TSDB storage lives in a fresh temp dir per start and is deleted by `stop`.
#
# Environment: PROMETHEUS_PORT (preferred port, default 9090; the next free port is used if busy),
#              PROMETHEUS_BIN (default: prometheus on PATH), PROMETHEUS_READY_TIMEOUT (seconds, default 30).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CI_DIR="${FAULTLINE_CI_DIR:-$REPO_ROOT/.faultline/ci}"
STATE_DIR="$CI_DIR/prometheus"
SD_DIR="$STATE_DIR/targets"
CONFIG="$STATE_DIR/prometheus.yml"
PID_FILE="$STATE_DIR/prometheus.pid"
STORAGE_FILE="$STATE_DIR/storage-dir"
LOG_FILE="$STATE_DIR/prometheus.log"
URL_FILE="$CI_DIR/prometheus.url"
SD_POINTER="$CI_DIR/prometheus.sd-dir"
PREFERRED_PORT="${PROMETHEUS_PORT:-9090}"
READY_TIMEOUT="${PROMETHEUS_READY_TIMEOUT:-30}"
APT_LOCK=/tmp/faultline-apt.lock

log() { echo "prometheus-env: $*" >&2; }
die() { log "$*"; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

prometheus_bin() {
  if [ -n "${PROMETHEUS_BIN:-}" ]; then echo "$PROMETHEUS_BIN"; return; fi
  command -v prometheus || echo /usr/bin/prometheus
}

http_get() { # url -> body on stdout; non-zero on failure. Bounded: 2 s per call.
  if command -v curl >/dev/null; then curl -fsS --max-time 2 "$1"
  elif command -v wget >/dev/null; then wget -q -T 2 -O - "$1"
  else die "neither curl nor wget is installed; install one of them (apt-get install -y curl)"
  fi
}

# True when the Debian package's own service (not ours) is running.
package_service_running() {
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl is-active --quiet prometheus.service && return 0
  fi
  local pid
  pid="$(cat /run/prometheus/prometheus.pid 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = /usr/bin/prometheus ]
}

# The package's service listens on 0.0.0.0:9090 and would outlive the tests: stop and disable it.
stop_package_service() {
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    as_root systemctl disable --now prometheus.service >/dev/null 2>&1 || true
  fi
  if package_service_running; then
    log "stopping the prometheus package's own service (it binds 0.0.0.0:9090)"
    if [ -x /etc/init.d/prometheus ]; then as_root /etc/init.d/prometheus stop >/dev/null 2>&1 || true; fi
    if command -v update-rc.d >/dev/null; then as_root update-rc.d prometheus disable >/dev/null 2>&1 || true; fi
  fi
  if package_service_running; then
    die "the prometheus package's service is still running; stop it by hand (systemctl stop prometheus or /etc/init.d/prometheus stop)"
  fi
}

install_if_missing() {
  local bin
  bin="$(prometheus_bin)"
  if [ -x "$bin" ]; then return; fi
  log "installing Debian's prometheus package (apt-get, under $APT_LOCK)"
  # No recommends: prometheus-node-exporter would start another service on 0.0.0.0:9100.
  as_root flock "$APT_LOCK" apt-get update
  as_root flock "$APT_LOCK" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
  stop_package_service
  [ -x "$(prometheus_bin)" ] || die "apt-get installed prometheus but no binary was found at $(prometheus_bin)"
}

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

pick_port() {
  local port="$PREFERRED_PORT"
  for _ in $(seq 1 100); do
    if ! port_busy "$port"; then echo "$port"; return; fi
    port=$((port + 1))
  done
  die "no free port in $PREFERRED_PORT..$port on 127.0.0.1; set PROMETHEUS_PORT to a free one"
}

# Our PID, only if that process is still the prometheus we started with our config.
our_pid() {
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [ -n "$pid" ] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--config.file=$CONFIG" || return 1
  echo "$pid"
}

write_static_targets() {
  mkdir -p "$SD_DIR"
  local file="$SD_DIR/static.json"
  if [ "$#" -eq 0 ]; then rm -f "$file"; return; fi
  local list="" t
  for t in "$@"; do
    [[ "$t" =~ ^[A-Za-z0-9._-]+:[0-9]+$ ]] || die "scrape target \"$t\" is not host:port (e.g. 127.0.0.1:8080)"
    list="$list${list:+,}\"$t\""
  done
  # Write then rename, so Prometheus never reads half a file.
  printf '[{"targets":[%s],"labels":{"job":"static"}}]\n' "$list" >"$file.tmp"
  mv "$file.tmp" "$file"
}

write_config() {
  cat >"$CONFIG" <<EOF
# Generated by scripts/prometheus-env.sh; edits are overwritten on the next start.
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: faultline
    file_sd_configs:
      - files: ['$SD_DIR/*.json']
        refresh_interval: 1s
EOF
}

wait_ready() {
  local url="$1" pid="$2" deadline=$((SECONDS + READY_TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$LOG_FILE" >&2 || true
      die "prometheus exited during start-up (log above, full log: $LOG_FILE)"
    fi
    if http_get "$url/-/ready" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  tail -n 20 "$LOG_FILE" >&2 || true
  die "prometheus at $url was not ready within ${READY_TIMEOUT}s (log: $LOG_FILE); raise PROMETHEUS_READY_TIMEOUT"
}

start() {
  install_if_missing
  mkdir -p "$STATE_DIR" "$SD_DIR"
  local pid
  if pid="$(our_pid)"; then
    # Already running: targets given now replace the static ones; none given keeps them.
    if [ "$#" -gt 0 ]; then write_static_targets "$@"; fi
    log "already running (PID $pid) at $(cat "$URL_FILE")"
    cat "$URL_FILE"
    return
  fi
  write_static_targets "$@"
  write_config
  local port storage
  port="$(pick_port)"
  storage="$(mktemp -d "${TMPDIR:-/tmp}/faultline-prometheus.XXXXXX")"
  echo "$storage" >"$STORAGE_FILE"
  "$(prometheus_bin)" \
    --config.file="$CONFIG" \
    --storage.tsdb.path="$storage" \
    --storage.tsdb.retention.time=2h \
    --web.listen-address="127.0.0.1:$port" \
    --log.level=warn \
    >"$LOG_FILE" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PID_FILE"
  local url="http://127.0.0.1:$port"
  wait_ready "$url" "$pid"
  echo "$url" >"$URL_FILE"
  echo "$SD_DIR" >"$SD_POINTER"
  log "ready at $url (PID $pid); register scrape targets as JSON files in $SD_DIR"
  echo "$url"
}

stop() {
  local pid
  if pid="$(our_pid)"; then
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then log "PID $pid ignored SIGTERM for 5s; sending SIGKILL"; kill -KILL "$pid"; fi
    log "stopped PID $pid"
  else
    log "no prometheus started by this script is running"
  fi
  local storage
  storage="$(cat "$STORAGE_FILE" 2>/dev/null || true)"
  # Only ever delete a directory this script created.
  case "$storage" in */faultline-prometheus.*) rm -rf -- "$storage" ;; esac
  rm -f "$PID_FILE" "$STORAGE_FILE" "$URL_FILE" "$SD_POINTER"
  rm -f "$SD_DIR"/*.json
}

status() {
  local pid url
  pid="$(our_pid)" || { echo "not running" >&2; return 1; }
  url="$(cat "$URL_FILE" 2>/dev/null)" || { echo "running (PID $pid) but $URL_FILE is missing" >&2; return 1; }
  http_get "$url/-/ready" >/dev/null 2>&1 || { echo "PID $pid at $url is not ready" >&2; return 1; }
  echo "running (PID $pid) at $url; targets in $SD_DIR"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  url) cat "$URL_FILE" 2>/dev/null || die "not started; run: $0 start" ;;
  env)
    [ -f "$URL_FILE" ] || die "not started; run: $0 start"
    echo "export FAULTLINE_PROMETHEUS_URL=$(cat "$URL_FILE")"
    echo "export FAULTLINE_PROMETHEUS_SD_DIR=$SD_DIR"
    ;;
  *)
    echo "usage: $0 start [host:port ...] | stop | status | url | env" >&2
    exit 64
    ;;
esac
