#!/bin/sh
# pg.sh — a throwaway PostgreSQL cluster for the server's tests.
#   pg.sh start DIR   initdb + start in DIR (unix socket only), create database
#                     "regime"; prints the store URL for `regrt serve --store`
#   pg.sh stop DIR    stops it (immediate) and removes DIR
# As root (CI) the cluster runs as the 'postgres' user of Debian's
# postgresql package (runuser); otherwise as the current user. Exit 1 with
# the log when PostgreSQL cannot start: a test that needs it must fail.
set -u
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
cmd=${1:-}
D=${2:-}
[ -n "$D" ] || { echo "usage: pg.sh start|stop DIR" >&2; exit 2; }
RUN=
if [ "$(id -u)" = 0 ]; then RUN="runuser -u postgres --"; fi
PORT=5499
case $cmd in
start)
    [ -n "$BIN" ] && [ -x "$BIN/initdb" ] || { echo "pg.sh: no PostgreSQL server (install the postgresql package: bash scripts/deps.sh)" >&2; exit 1; }
    mkdir -p "$D" && chmod 755 "$D" || exit 1
    [ -n "$RUN" ] && chown postgres "$D"
    if ! $RUN "$BIN/initdb" -D "$D/data" -A trust -U regime -E UTF8 --no-sync >"$D/initdb.log" 2>&1; then
        echo "pg.sh: initdb failed:" >&2; cat "$D/initdb.log" >&2; exit 1
    fi
    if ! $RUN "$BIN/pg_ctl" -D "$D/data" -l "$D/pg.log" -w -t 60 \
        -o "-k $D -c listen_addresses= -p $PORT -c max_connections=20 -c shared_buffers=32MB" start >/dev/null 2>&1; then
        echo "pg.sh: PostgreSQL did not start:" >&2; cat "$D/pg.log" >&2; exit 1
    fi
    if ! $RUN "$BIN/createdb" -h "$D" -p $PORT -U regime regime >/dev/null 2>"$D/createdb.log"; then
        echo "pg.sh: createdb failed:" >&2; cat "$D/createdb.log" >&2; exit 1
    fi
    echo "postgresql:///regime?host=$D&port=$PORT&user=regime"
    ;;
stop)
    [ -d "$D/data" ] && $RUN "$BIN/pg_ctl" -D "$D/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$D"
    ;;
*) echo "usage: pg.sh start|stop DIR" >&2; exit 2 ;;
esac
