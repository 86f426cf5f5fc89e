#!/bin/bash
# leap/postgres: Debian's PostgreSQL 15 with the platform's roles, database and schemas
# (deploy/local/db-bootstrap.sql, applied on every start: creates what is missing, re-applies passwords).
# Passwords are files (never in the image): $POSTGRES_SECRETS_DIR/{postgres,uploader,pseudonymiser,matcher,reporter}
# (default /run/secrets/postgres). Data: /var/lib/postgresql/data (a volume). Root filesystem read-only: the
# socket and the rendered settings live in /tmp.
#   POSTGRES_SETTINGS   extra postgresql.conf lines (e.g. "shared_buffers = 1GB")
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
PGDATA=${PGDATA:-/var/lib/postgresql/data}
SECRETS=${POSTGRES_SECRETS_DIR:-/run/secrets/postgres}
SOCK=/tmp
if [[ ! -s $PGDATA/PG_VERSION ]]; then
  "$BIN/initdb" -D "$PGDATA" -U postgres --auth-local=scram-sha-256 --auth-host=scram-sha-256 \
    --pwfile="$SECRETS/postgres" -E UTF8 --locale=C.UTF-8 >/dev/null
fi
cat >"$PGDATA/postgresql.auto.conf" <<CONF
listen_addresses = '*'
unix_socket_directories = '$SOCK'
max_connections = 200
shared_buffers = 256MB
password_encryption = scram-sha-256
shared_preload_libraries = 'pg_stat_statements'
timezone = 'UTC'
log_timezone = 'UTC'
${POSTGRES_SETTINGS:-}
CONF
printf '%s\n' "local all postgres scram-sha-256" "host all all 0.0.0.0/0 scram-sha-256" "host all all ::/0 scram-sha-256" \
  >"$PGDATA/pg_hba.conf"
# Bootstrap on the socket only, then serve.
"$BIN/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
export PGPASSWORD; PGPASSWORD=$(<"$SECRETS/postgres")
"$BIN/psql" -X -q -h "$SOCK" -U postgres -d postgres -v ON_ERROR_STOP=1 -v dbname=leap \
  -v uploader_password="$(<"$SECRETS/uploader")" -v pseudonymiser_password="$(<"$SECRETS/pseudonymiser")" \
  -v matcher_password="$(<"$SECRETS/matcher")" -v reporter_password="$(<"$SECRETS/reporter")" \
  -f /opt/leap/db-bootstrap.sql
"$BIN/psql" -X -q -h "$SOCK" -U postgres -d leap -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
"$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
unset PGPASSWORD
exec "$BIN/postgres" -D "$PGDATA"
