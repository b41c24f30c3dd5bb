#!/bin/sh
# Builds and runs every libFuzzer harness tests/fuzz/fuzz_*.c for FUZZ_SECONDS
# each, seeded from tests/fuzz/seeds-NAME/ (and the corpus it grows).
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
: "${FUZZ_SECONDS:=60}"
found=0
for h in tests/fuzz/fuzz_*.c; do
    [ -e "$h" ] || continue
    found=1
    n=$(basename "$h" .c)
    make --no-print-directory "build/fuzz/$n" >/dev/null
    mkdir -p "build/fuzz/corpus-$n"
    seeds="tests/fuzz/seeds-${n#fuzz_}"
    [ -d "$seeds" ] || seeds=
    dict="tests/fuzz/${n#fuzz_}.dict"
    [ -f "$dict" ] && dictarg="-dict=$dict" || dictarg=
    echo "fuzz: $n for ${FUZZ_SECONDS}s"
    "build/fuzz/$n" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -max_len=65536 \
        -timeout=10 -rss_limit_mb=2048 $dictarg "build/fuzz/corpus-$n" $seeds 2>"build/fuzz/$n.log" \
        || { tail -50 "build/fuzz/$n.log"; exit 1; }
    grep -E "stat::number_of_executed_units|cov:" "build/fuzz/$n.log" | tail -2
done
[ "$found" = 1 ] || echo "fuzz: no harness yet"
