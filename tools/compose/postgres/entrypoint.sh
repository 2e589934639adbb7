#!/usr/bin/env bash
# The stand-in's entrypoint (tools/compose/postgres/Containerfile): the official image's
# contract, in short. As root it hands PGDATA to the postgres user and runs itself again as
# that user; the first start creates the cluster, the user and the database.
set -euo pipefail

if [ "${1:-}" = postgres ]; then
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA"
    chown -R postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
  fi
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?the stand-in, as the official image, needs POSTGRES_PASSWORD}"
    user=${POSTGRES_USER:-postgres}
    database=${POSTGRES_DB:-$user}
    echo "stand-in postgres: creating the cluster in $PGDATA (user $user, database $database)"
    initdb --username="$user" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") --encoding=UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 -D "$PGDATA" >/dev/null
    echo 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
    if [ "$database" != postgres ]; then
      # Over the socket only, so that nobody connects before the database exists.
      pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
      psql -v ON_ERROR_STOP=1 --username "$user" --dbname postgres -q -c "CREATE DATABASE \"$database\""
      pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    fi
  fi
fi
exec "$@"
