#!/bin/sh
# bench_load.sh — the deadline rush, measured (docs/BENCHMARKS.md): every
# commune of the 2025-03 unit list (10,035) submits its tthc report for one
# month, each from its own account, over 8 connections on loopback, against
# `regrt serve` on SQLite and then on PostgreSQL (a throwaway cluster).
# Prints the load client's figures and the server's peak RSS (VmHWM).
# Not part of `make test`: run by hand, `sh tests/serve/bench_load.sh [N]`.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
N=${1:-0}
W=${WORKERS:-8}
B=build/loadbench
U=stdlib/data/vn_admin_units_2025-03-01.csv
rm -rf "$B" && mkdir -p "$B/spool"
sh scripts/devkey.sh build/bin/regc build/devkey dev || exit 1
export REGIME_TRUST=$ROOT/build/devkey/trusted
REGIME_PATH=$ROOT/stdlib build/bin/regc build examples/tthc/tthc.regime -o "$B/regimes/tthc" \
    --sign build/devkey/dev.key >/dev/null || exit 1
python3 tests/serve/load.py accounts "$U" "$B/accounts.csv"

run() {
    label=$1
    store=$2
    t0=$(date +%s.%N)
    build/bin/regrt serve-admin --store "$store" import "$B/accounts.csv" --cost "${COST:-min}" >/dev/null || exit 1
    t1=$(date +%s.%N)
    build/bin/regrt serve --regimes "$B/regimes" --units "$U" --store "$store" --listen 127.0.0.1:0 \
        --spool "$B/spool" --threads "${THREADS:-4}" >"$B/$label.log" 2>&1 &
    pid=$!
    while ! grep -q "listening on" "$B/$label.log"; do sleep 0.1; done
    url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$B/$label.log")
    rss0=$(awk '/VmRSS/ { print $2 }' /proc/$pid/status)
    res=$(python3 tests/serve/load.py run "$url" "$U" --workers "$W" --limit "$N")
    hwm=$(awk '/VmHWM/ { print $2 }' /proc/$pid/status)
    kill -TERM $pid
    wait $pid
    printf '%-10s %s  server RSS at start %d MB, peak %d MB  (accounts imported in %.1f s)\n' "$label" "$res" \
        $((rss0 / 1024)) $((hwm / 1024)) "$(echo "$t1 - $t0" | bc)"
}

run sqlite "sqlite:$B/store.db"
PG=$(mktemp -d /tmp/regime-pg.XXXXXX)
URL=$(sh tests/serve/pg.sh start "$PG") || exit 1
run postgresql "$URL"
sh tests/serve/pg.sh stop "$PG"
