#!/usr/bin/env bash
# Project-local PostgreSQL cluster in .state/postgres (127.0.0.1:55432), run as
# the OS user postgres. Debian's own cluster (port 5432) is never used.
# Usage: postgres.sh {install|start|stop|status|create-test-db NAME|drop-test-db NAME}
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PGDATA_DIR="$STATE/postgres"
SOCK_DIR="$RUN/postgres"          # unix socket lives here, not in /var/run
PG_LOG="$LOGS/postgres.log"
PG_PORT=55432

# Run a command as the postgres OS user (initdb and the server refuse root);
# from / because postgres binaries fail if they cannot read the current dir.
as_pg() { if ((EUID == 0)); then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

install() {
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null && return 0
  echo "postgres: installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q postgresql
  # The package creates (and may start) a "main" cluster on 5432. We run our
  # own: stop it and keep it from auto-starting. Left on disk, unused.
  local conf ver
  for conf in /etc/postgresql/*/main; do
    [[ -d $conf ]] || continue
    ver=$(basename "$(dirname "$conf")")
    pg_ctlcluster --skip-systemctl-redirect "$ver" main stop 2>/dev/null || true
    echo manual >"$conf/start.conf"
  done
}

# Binaries matching an existing cluster's version, else the newest installed.
pg_bin() {
  if [[ -s $PGDATA_DIR/PG_VERSION ]]; then echo "/usr/lib/postgresql/$(<"$PGDATA_DIR/PG_VERSION")/bin"
  else find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n1 | sed 's#^#/usr/lib/postgresql/#; s#$#/bin#'; fi
}

# The postgres user must reach .state: give o+x (traverse only, not read) to
# any ancestor directory that lacks it, top-down.
ensure_traversable() {
  ((EUID == 0)) || return 0
  local d="" part parts
  IFS=/ read -ra parts <<<"${STATE#/}"
  for part in "${parts[@]}"; do
    d="$d/$part"
    if ! runuser -u postgres -- test -x "$d"; then echo "postgres: chmod o+x $d (postgres must traverse it)"; chmod o+x "$d"; fi
  done
}

init_cluster() {
  [[ -s $PGDATA_DIR/PG_VERSION ]] && return 0
  local bin; bin=$(pg_bin)
  echo "postgres: initdb $PGDATA_DIR"
  rm -rf "$PGDATA_DIR.new"; mkdir -p "$PGDATA_DIR.new"
  ((EUID != 0)) || chown postgres:postgres "$PGDATA_DIR.new"
  chmod 700 "$PGDATA_DIR.new"
  as_pg "$bin/initdb" -D "$PGDATA_DIR.new" -U postgres -E UTF8 --locale=C.UTF-8 --data-checksums \
    --auth-local=trust --auth-host=scram-sha-256 --no-instructions >"$LOGS/initdb.log" 2>&1 \
    || { show_tail "$LOGS/initdb.log"; die "initdb failed"; }
  echo "include_if_exists = 'leap.conf'   # written by deploy/local/postgres.sh" >>"$PGDATA_DIR.new/postgresql.conf"
  mv "$PGDATA_DIR.new" "$PGDATA_DIR"   # a half-initialised cluster never looks valid
}

# Settings and access rules are rewritten on every start from deploy/local/postgres/.
write_config() {
  sed -e "s#@PORT@#$PG_PORT#g" -e "s#@SOCKET_DIR@#$SOCK_DIR#g" "$LOCAL_DIR/postgres/leap.conf.in" >"$PGDATA_DIR/leap.conf"
  cp "$LOCAL_DIR/postgres/pg_hba.conf" "$PGDATA_DIR/pg_hba.conf"
  ((EUID != 0)) || chown postgres:postgres "$PGDATA_DIR/leap.conf" "$PGDATA_DIR/pg_hba.conf"
}

# pg_ctl status alone is fooled by a killed, not yet reaped (zombie) postmaster.
running() {
  [[ -s $PGDATA_DIR/PG_VERSION ]] && as_pg "$(pg_bin)/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1 &&
    alive "$(head -n1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null)"
}

# Superuser psql over the unix socket; extra args are passed through.
psql_su() { as_pg "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK_DIR" -p "$PG_PORT" -U postgres "$@"; }

# bootstrap DBNAME: apply db-bootstrap.sql; passwords come from the environment
# (or .state/platform.env) via \getenv, so they never appear on a command line.
bootstrap() {
  load_platform_env
  local v
  for v in UPLOADER PSEUDONYMISER MATCHER REPORTER; do
    v="${v}_DB_PASSWORD"; [[ -n ${!v:-} ]] || die "$v is not set (run deploy/local/install.sh to write $ENV_FILE)"
  done
  { printf '\\getenv %s_password %s_DB_PASSWORD\n' uploader UPLOADER pseudonymiser PSEUDONYMISER matcher MATCHER reporter REPORTER
    cat "$LOCAL_DIR/db-bootstrap.sql"; } | psql_su -d postgres -v dbname="$1"
}

pid_gone() { ! kill -0 "$1" 2>/dev/null; }

start() {
  install
  if running; then
    write_config; psql_su -d postgres -qAtc "SELECT pg_reload_conf()" >/dev/null   # settings changed in the repo apply
    echo "postgres: already running"
  else
    ! port_open 127.0.0.1 "$PG_PORT" || die "postgres: port $PG_PORT is in use by a process we did not start"
    local sock="$SOCK_DIR/.s.PGSQL.$PG_PORT"
    ((${#sock} < 108)) || die "postgres: socket path too long for unix sockets: $sock"
    ensure_traversable
    init_cluster
    write_config
    mkdir -p "$SOCK_DIR"; touch "$PG_LOG"; chmod 700 "$SOCK_DIR"
    ((EUID != 0)) || chown postgres:postgres "$SOCK_DIR" "$PG_LOG"
    # After a crash the old postmaster may linger as a zombie until reaped; the
    # server refuses to start while its pid is still visible, so wait for it.
    local old; old=$(head -n1 "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)
    if [[ $old =~ ^[0-9]+$ ]] && kill -0 "$old" 2>/dev/null; then
      wait_for "$START_TIMEOUT" "the previous postmaster ($old) to disappear" "$PG_LOG" "" pid_gone "$old"
    fi
    echo "postgres: starting on 127.0.0.1:$PG_PORT"
    # -w: pg_ctl itself polls until the server accepts connections (deadline -t).
    as_pg "$(pg_bin)/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t "$START_TIMEOUT" start >/dev/null \
      || { show_tail "$PG_LOG"; die "postgres: did not start"; }
  fi
  bootstrap leap
  echo "postgres: ready (database leap)"
}

stop() {
  if ! running; then echo "postgres: not running"; return 0; fi
  as_pg "$(pg_bin)/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >/dev/null || { show_tail "$PG_LOG"; die "postgres: did not stop"; }
  echo "postgres: stopped"
}

status() {
  if running; then status_line postgres running "$(head -n1 "$PGDATA_DIR/postmaster.pid")" "127.0.0.1:$PG_PORT/leap"; return 0; fi
  status_line postgres stopped; return 3
}

# Test databases: same roles and schemas, any name but the real ones.
test_db_name() {
  [[ ${1:-} =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "test database name must match [a-z_][a-z0-9_]*"
  case $1 in leap | postgres | template0 | template1) die "refusing to touch database $1" ;; esac
  running || die "postgres is not running (postgres.sh start)"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  create-test-db) test_db_name "${2:-}"
    psql_su -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$2\" WITH (FORCE)"   # always fresh
    bootstrap "$2"; echo "postgres: test database $2 ready" ;;
  drop-test-db) test_db_name "${2:-}"
    psql_su -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$2\" WITH (FORCE)"; echo "postgres: dropped $2" ;;
  *) echo "usage: $0 {install|start|stop|status|create-test-db NAME|drop-test-db NAME}" >&2; exit 2 ;;
esac
