#!/usr/bin/env bash
# The whole local platform in one command.
# Usage: platform.sh {up|down|status}
#   up:     install (fast when done), postgres, kafka, topics, services
#   down:   services, kafka, postgres (reverse order)
#   status: one line per component; exit 0 only when everything installed is up
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
D=$LOCAL_DIR

status() {
  local rc=0
  status_line COMPONENT STATE PID ENDPOINT
  "$D/postgres.sh" status || rc=1
  "$D/kafka.sh" status || rc=1
  "$D/services.sh" status || rc=1
  return $rc
}

case "${1:-}" in
  up)
    start=$SECONDS
    "$D/install.sh"
    "$D/postgres.sh" start
    "$D/kafka.sh" start
    "$D/kafka.sh" create-topics ""
    "$D/services.sh" start
    echo "platform: up in $((SECONDS - start))s"; echo
    status ;;
  down)
    "$D/services.sh" stop
    "$D/kafka.sh" stop
    "$D/postgres.sh" stop ;;
  status) status ;;
  *) echo "usage: $0 {up|down|status}" >&2; exit 2 ;;
esac
