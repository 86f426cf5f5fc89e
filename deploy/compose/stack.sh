#!/usr/bin/env bash
# The Compose stack (deploy/compose/docker-compose.yml) on the project's own engine.
# Usage: stack.sh {up|down|ps|logs [SERVICE]}
#   up:   secrets and env files (written once, .state/compose/<project>/), PostgreSQL and Kafka, topics and ACLs,
#         the four services (waits until each is healthy), the demo data (LEAP_COMPOSE_DEMO=0: none), the URLs
#   down: stop and remove the containers, networks and volumes (the secrets stay; delete the folder to rotate)
# LEAP_COMPOSE_PROJECT (default leap) and LEAP_{UPLOADER,PSEUDONYMISER,MATCHER,REPORTER}_PORT (18001..18004)
# let a second stack (the stack test's) run beside the first.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"
HERE="$ROOT/deploy/compose"
PROJECT=${LEAP_COMPOSE_PROJECT:-leap}
export LEAP_COMPOSE_DIR="$STATE/compose/$PROJECT"
export LEAP_UPLOADER_PORT=${LEAP_UPLOADER_PORT:-18001} LEAP_PSEUDONYMISER_PORT=${LEAP_PSEUDONYMISER_PORT:-18002}
export LEAP_MATCHER_PORT=${LEAP_MATCHER_PORT:-18003} LEAP_REPORTER_PORT=${LEAP_REPORTER_PORT:-18004}
eval "$("$ROOT/deploy/images/engine.sh" env)"
PY="$VENV/bin/python"
SERVICES=(uploader pseudonymiser matcher reporter)
compose() { docker-compose -p "$PROJECT" -f "$HERE/docker-compose.yml" "$@"; }

secrets() {   # random passwords and keys, generated once per project
  [[ -x $PY ]] || "$ROOT/deploy/local/install.sh"
  [[ -f $LEAP_COMPOSE_DIR/.written ]] && return 0
  mkdir -p "$LEAP_COMPOSE_DIR/secrets/postgres" "$LEAP_COMPOSE_DIR/secrets/kafka"
  chmod 700 "$LEAP_COMPOSE_DIR" "$LEAP_COMPOSE_DIR/secrets"
  "$PY" - "$LEAP_COMPOSE_DIR" <<'PY'
import base64, os, secrets, sys
from pathlib import Path
from leap_contracts.identity import new_key_pair
from leap_contracts.pseudonymisation import key_check_value

d = Path(sys.argv[1])
def secret(path: str) -> str:
    value = secrets.token_hex(24)
    (d / "secrets" / path).write_text(value)
    os.chmod(d / "secrets" / path, 0o644)  # read by the containers' users; the folder above is root's only
    return value
names = ("uploader", "pseudonymiser", "matcher", "reporter")
secret("postgres/postgres")
secret("kafka/admin")
db = {n: secret(f"postgres/{n}") for n in names}
for n in names:
    secret(f"kafka/leap-{n}")
port = {n: os.environ[f"LEAP_{n.upper()}_PORT"] for n in names}
url = {n: f"http://127.0.0.1:{port[n]}" for n in names}
key = secrets.token_hex(32)
private, public = new_key_pair()
analyst, admin = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
env = {n: [f"{n.upper()}_DATABASE_URL=postgresql://leap_{n}:{db[n]}@postgres:5432/leap",
           f"{n.upper()}_KAFKA_BOOTSTRAP=" + ("kafka-restricted:9094" if n in ("uploader", "pseudonymiser")
                                              else "kafka-general:9095"),
           f"{n.upper()}_FORWARDED_ALLOW_IPS=127.0.0.1",
           f"LEAP_KAFKA_SASL_USERNAME=leap-{n}"] for n in names}
env["pseudonymiser"] += [f"PSEUDONYMISER_KEY={key}", "PSEUDONYMISER_KEY_ID=compose-1"]
env["uploader"] += [f"UPLOADER_STORAGE_KEY={base64.b64encode(secrets.token_bytes(32)).decode()}",
                    "UPLOADER_PSEUDO_KEY_ID=compose-1",
                    f"UPLOADER_PSEUDO_KEY_CHECK_VALUE={key_check_value(bytes.fromhex(key))}",
                    f"UPLOADER_IDENTITY_SIGNING_KEY={private}", f"UPLOADER_REPORTER_URL={url['reporter']}",
                    f"UPLOADER_MATCHER_URL={url['matcher']}", "UPLOADER_COOKIE_SECURE=false"]
env["reporter"] += [f"REPORTER_IDENTITY_PUBLIC_KEY={public}", f"REPORTER_SIGN_IN_URL={url['uploader']}/sso/reporter",
                    f"REPORTER_ANALYST_TOKEN={analyst}", f"REPORTER_ADMIN_TOKEN={admin}"]
env["matcher"] += [f"MATCHER_IDENTITY_PUBLIC_KEY={public}", f"MATCHER_SIGN_IN_URL={url['uploader']}/sso/matcher",
                   f"MATCHER_ANALYST_TOKEN={secrets.token_urlsafe(24)}", f"MATCHER_ADMIN_TOKEN={secrets.token_urlsafe(24)}",
                   "MATCHER_WORKERS=1"]
for n, lines in env.items():
    path = d / f"{n}.env"
    path.write_text("\n".join(lines) + "\n")
    os.chmod(path, 0o600)
PY
  chmod 755 "$LEAP_COMPOSE_DIR/secrets/postgres" "$LEAP_COMPOSE_DIR/secrets/kafka"
  touch "$LEAP_COMPOSE_DIR/.written"
}

healthy() {   # healthy SERVICE...: every container of these services reports healthy
  local s id
  for s in "$@"; do
    id=$(compose ps -q "$s") && [[ -n $id ]] || return 1
    [[ $(docker inspect -f '{{.State.Health.Status}}' "$id" 2>/dev/null) == healthy ]] || return 1
  done
}

wait_healthy() {
  local deadline=$((SECONDS + ${COMPOSE_TIMEOUT:-180}))
  until healthy "$@"; do
    if ((SECONDS >= deadline)); then compose ps >&2; compose logs --tail 40 "$@" >&2; die "not healthy in time: $*"; fi
    sleep 1
  done
}

up() {
  local start=$SECONDS
  "$ROOT/deploy/images/engine.sh" start
  secrets
  compose up -d postgres kafka
  wait_healthy postgres kafka
  compose run --rm kafka-topics
  compose run --rm kafka-acls
  compose up -d "${SERVICES[@]}"
  wait_healthy "${SERVICES[@]}"
  echo "compose: $PROJECT up in $((SECONDS - start))s"
  if [[ ${LEAP_COMPOSE_DEMO:-1} == 1 ]]; then "$PY" -m leap_tools.compose_demo; fi
  urls
}

urls() {
  cat <<TXT

The LEAP platform runs in Compose (project $PROJECT, images from make images).
  Uploader        http://127.0.0.1:$LEAP_UPLOADER_PORT/        API docs: http://127.0.0.1:$LEAP_UPLOADER_PORT/docs
  Reporter        http://127.0.0.1:$LEAP_REPORTER_PORT/        reach: http://127.0.0.1:$LEAP_REPORTER_PORT/api/v1/reach (Bearer REPORTER_ANALYST_TOKEN in $LEAP_COMPOSE_DIR/reporter.env)
  Pseudonymiser   http://127.0.0.1:$LEAP_PSEUDONYMISER_PORT/docs
  Matcher         http://127.0.0.1:$LEAP_MATCHER_PORT/docs
  Health and metrics answer on each container's internal port (9001..9004), inside its network only.
  Secrets         $LEAP_COMPOSE_DIR (env files and secrets/; never in the images)
  Ops commands    docker-compose -p $PROJECT -f deploy/compose/docker-compose.yml exec uploader python -m leap_uploader.admin ...
  Stop with: make compose-down
TXT
}

case "${1:-}" in
  up) up ;;
  down) if [[ -S ${DOCKER_HOST#unix://} ]] && docker info >/dev/null 2>&1; then
          compose --profile setup down -v --remove-orphans; else echo "compose: no engine running"; fi ;;
  ps) compose ps ;;
  logs) shift; compose logs --tail 100 "$@" ;;
  urls) urls ;;
  *) echo "usage: $0 {up|down|ps|logs [SERVICE]|urls}" >&2; exit 2 ;;
esac
