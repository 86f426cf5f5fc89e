#!/usr/bin/env bash
# The project's own Docker engine (Debian's docker.io), state in .state/docker.
# Usage: engine.sh {install|start|stop|status|env}
#   env: prints `export DOCKER_HOST=...` for the engine's socket (eval "$(engine.sh env)")
# No systemd here: dockerd runs detached in its own process group, stopped by its pid.
# An engine already named by DOCKER_HOST (and answering) is used as it is.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"

DDIR="$STATE/docker"
SOCK="$DDIR/docker.sock"
PIDFILE="$RUN/dockerd.pid"
LOG="$LOGS/dockerd.log"
export DOCKER_HOST=${LEAP_DOCKER_HOST:-unix://$SOCK}

install() {
  command -v dockerd >/dev/null && command -v debootstrap >/dev/null && command -v docker-compose >/dev/null && return 0
  echo "engine: apt-get install docker.io docker-compose debootstrap"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -q && apt-get install -y -q docker.io docker-compose debootstrap; } >"$LOGS/apt-docker.log" 2>&1 \
    || { show_tail "$LOGS/apt-docker.log"; die "could not install docker.io"; }
}

answering() { /usr/bin/docker info >/dev/null 2>&1; }

start() {
  local pid
  if answering; then echo "engine: running ($DOCKER_HOST)"; return 0; fi
  install
  mkdir -p "$DDIR/data" "$DDIR/exec"
  echo "engine: starting dockerd ($DOCKER_HOST)"
  setsid dockerd --data-root "$DDIR/data" --exec-root "$DDIR/exec" --pidfile "$DDIR/dockerd.pid" \
    -H "unix://$SOCK" >>"$LOG" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDFILE"
  wait_for "${START_TIMEOUT}" "dockerd on $SOCK" "$LOG" "$pid" answering || die "engine: dockerd did not start (see $LOG)"
  echo "engine: started (pid $pid)"
}

status() {
  if answering; then status_line docker running "$(cat "$PIDFILE" 2>/dev/null || echo -)" "$DOCKER_HOST"; return 0; fi
  status_line docker stopped; return 3
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop_pid "$PIDFILE" dockerd dockerd 60 ;;
  status) status ;;
  env) echo "export DOCKER_HOST=$DOCKER_HOST" ;;
  *) echo "usage: $0 {install|start|stop|status|env}" >&2; exit 2 ;;
esac
