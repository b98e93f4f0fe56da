#!/usr/bin/env bash
# A real Docker engine for packages/faults-docker's tests (and for trying Docker experiments by hand).
#
#   scripts/docker-env.sh start    install (Debian) if missing, start dockerd, build faultline/busybox:test
#   scripts/docker-env.sh stop     stop the dockerd this script started (never someone else's)
#   scripts/docker-env.sh status   say whether an engine answers, who started it and how it networks
#
# start is idempotent: when an engine already answers (DOCKER_HOST or /var/run/docker.sock) it is reused
# and only the test image is built if missing. Nothing is pulled: the test image is made from the host's
# busybox-static with `docker import`.
#
# Networking: dockerd first gets its default bridge with --iptables=true. If the kernel has no usable
# iptables/netfilter, it falls back to `--iptables=false --bridge=none`: containers on the default
# network then have only loopback, but user-defined bridge networks (`docker network create`) still
# work for container-to-container traffic, which is what the network-disconnect and packet-loss faults
# and their tests use. The chosen mode is written to $STATE_DIR/network-mode and shown by `status`.
#
# Environment: FAULTLINE_DOCKER_DIR (default /tmp/faultline-docker) holds dockerd.pid, dockerd.log and
# network-mode; FAULTLINE_DOCKER_WAIT_S (default 60) bounds every wait.
set -euo pipefail

STATE_DIR="${FAULTLINE_DOCKER_DIR:-/tmp/faultline-docker}"
PID_FILE="$STATE_DIR/dockerd.pid"
LOG_FILE="$STATE_DIR/dockerd.log"
MODE_FILE="$STATE_DIR/network-mode"
WAIT_S="${FAULTLINE_DOCKER_WAIT_S:-60}"
IMAGE="faultline/busybox:test"
APT_LOCK=/tmp/faultline-apt.lock

log() { echo "docker-env: $*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

engine_answers() {
  timeout 5 docker info >/dev/null 2>&1
}

our_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

busybox_bin() {
  # The image has no libc, so only a statically linked busybox works (Debian: busybox-static).
  for b in /bin/busybox /usr/bin/busybox; do
    if [ -x "$b" ] && runs_without_libc "$b"; then echo "$b"; return 0; fi
  done
  return 1
}

runs_without_libc() {
  local dir ok=1
  dir="$(mktemp -d /tmp/faultline-bbcheck.XXXXXX)"
  cp "$1" "$dir/busybox"
  if as_root chroot "$dir" /busybox true >/dev/null 2>&1; then ok=0; fi
  rm -rf "$dir"
  return "$ok"
}

install_missing() {
  local need=()
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  command -v docker >/dev/null 2>&1 || need+=(docker.io)
  command -v iptables >/dev/null 2>&1 || need+=(iptables)
  command -v ip >/dev/null 2>&1 || need+=(iproute2)
  command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
  busybox_bin >/dev/null || need+=(busybox-static)
  if [ "${#need[@]}" -eq 0 ]; then return 0; fi
  log "installing ${need[*]} with apt"
  # Several engineers share this machine; apt must not run twice at once.
  as_root flock "$APT_LOCK" apt-get update -q
  as_root flock "$APT_LOCK" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    $(printf '%s\n' "${need[@]}" | sort -u)
}

iptables_usable() {
  # nf_tables first (Debian's default), then legacy; whichever lists rules works on this kernel.
  if iptables -w 5 -L -n >/dev/null 2>&1; then return 0; fi
  if command -v iptables-legacy >/dev/null 2>&1 && iptables-legacy -w 5 -L -n >/dev/null 2>&1; then
    as_root update-alternatives --set iptables /usr/sbin/iptables-legacy >/dev/null
    as_root update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy >/dev/null 2>&1 || true
    log "nf_tables unusable; switched iptables to the legacy backend"
    return 0
  fi
  return 1
}

# Starts dockerd with the given extra flags; succeeds once `docker info` answers within WAIT_S.
launch_dockerd() {
  mkdir -p "$STATE_DIR"
  : >"$LOG_FILE"
  # setsid: dockerd must outlive this shell and not get its terminal's signals.
  setsid dockerd --storage-driver=vfs --pidfile "$STATE_DIR/dockerd.self.pid" "$@" >>"$LOG_FILE" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$PID_FILE"
  local deadline=$((SECONDS + WAIT_S))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "dockerd $* exited early; last log lines:"
      tail -n 15 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    if engine_answers; then return 0; fi
    sleep 0.5
  done
  log "dockerd $* did not answer within ${WAIT_S}s (log: $LOG_FILE); stopping it"
  stop_pid "$pid"
  rm -f "$PID_FILE"
  return 1
}

stop_pid() {
  local pid="$1" deadline=$((SECONDS + WAIT_S))
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "dockerd $pid ignored SIGTERM for ${WAIT_S}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
}

check_user_networks() {
  local net="faultline-envcheck-$$"
  if ! timeout 20 docker network create --label faultline.test=1 "$net" >/dev/null 2>>"$LOG_FILE"; then
    return 1
  fi
  timeout 20 docker network rm "$net" >/dev/null
}

build_image() {
  if timeout 10 docker image inspect "$IMAGE" >/dev/null 2>&1; then
    log "image $IMAGE present"
    return 0
  fi
  local bb root
  bb="$(busybox_bin)" || die "no static busybox found; install busybox-static"
  root="$(mktemp -d /tmp/faultline-rootfs.XXXXXX)"
  # shellcheck disable=SC2064
  trap "rm -rf '$root'" RETURN
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,www,proc,sys,dev,root}
  chmod 1777 "$root/tmp"
  cp "$bb" "$root/bin/busybox"
  # --install writes absolute symlinks (/bin/sh, /bin/nc, /usr/sbin/httpd, ...), so run it chrooted.
  as_root chroot "$root" /bin/busybox --install -s
  for tool in sh httpd nc wget; do
    [ -e "$root/bin/$tool" ] || [ -e "$root/usr/sbin/$tool" ] || [ -e "$root/sbin/$tool" ] || [ -e "$root/usr/bin/$tool" ] \
      || die "busybox at $bb has no $tool applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  echo "faultline test image" >"$root/www/index.html"
  tar -C "$root" -c . | timeout 120 docker import \
    --change 'CMD ["/bin/sh"]' \
    --change 'LABEL dev.faultline.image=busybox-test' \
    - "$IMAGE" >/dev/null
  log "built $IMAGE from $bb"
}

start() {
  install_missing
  if engine_answers; then
    if pid="$(our_pid)"; then log "dockerd $pid (started by this script) already answers"
    else log "a Docker engine already answers; reusing it"; fi
  else
    rm -f "$PID_FILE"
    mkdir -p "$STATE_DIR"
    local mode=""
    if iptables_usable && launch_dockerd --iptables=true; then
      if check_user_networks; then mode="bridge+iptables"
      else
        log "docker network create fails with iptables enabled; restarting without"
        stop_pid "$(cat "$PID_FILE")"; rm -f "$PID_FILE"
      fi
    fi
    if [ -z "$mode" ]; then
      launch_dockerd --iptables=false --bridge=none || die "dockerd does not start on this machine (log: $LOG_FILE)"
      mode="no-iptables"
    fi
    echo "$mode" >"$MODE_FILE"
    log "dockerd $(cat "$PID_FILE") answers (networking: $mode; log: $LOG_FILE)"
  fi
  check_user_networks || die "docker network create fails: the network-disconnect fault cannot be tested (log: $LOG_FILE)"
  build_image
  status
}

stop() {
  local pid
  if pid="$(our_pid)"; then
    stop_pid "$pid"
    log "stopped dockerd $pid"
  else
    log "no dockerd started by this script is running (pid file: $PID_FILE); nothing stopped"
  fi
  rm -f "$PID_FILE"
}

status() {
  local pid mode
  mode="$(cat "$MODE_FILE" 2>/dev/null || echo unknown)"
  if engine_answers; then
    local ver
    ver="$(timeout 5 docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null || echo '?')"
    if pid="$(our_pid)"; then echo "docker: running, started by docker-env.sh (pid $pid, networking $mode, engine $ver)"
    else echo "docker: running, not started by docker-env.sh (engine $ver)"; fi
    if timeout 10 docker image inspect "$IMAGE" >/dev/null 2>&1; then echo "image: $IMAGE present"
    else echo "image: $IMAGE missing (run: bash scripts/docker-env.sh start)"; fi
    return 0
  fi
  echo "docker: not answering (run: bash scripts/docker-env.sh start)"
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 64
    ;;
esac
