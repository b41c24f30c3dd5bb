#!/bin/sh
# coverage.sh NAME CORPUS_DIR... — line and branch coverage of a robustness
# harness (fuzz_csv, fuzz_xml, fuzz_fmtdiff) over a corpus, per source file,
# with clang-19 source-based coverage (no sanitizers). For example, after
# `make fuzz FUZZ_SECONDS=600`:
#
#   sh tests/fuzz/coverage.sh fuzz_csv build/fuzz/corpus-fuzz_csv tests/fuzz/seeds-csv
#
# Builds build/fuzz/cov/NAME, runs every input once (-runs=0) and prints
# `llvm-cov report` for the files the harness is about.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
n=$1
shift
CC=${FUZZ_CC:-clang-19}
OUT=build/fuzz/cov
mkdir -p "$OUT"
make --no-print-directory "build/fuzz/$n" >/dev/null # the regimes of build/fuzz/lib, build/gen
FLAGS="-std=c11 -g -O1 -fprofile-instr-generate -fcoverage-mapping -fsanitize=fuzzer -pthread -D_GNU_SOURCE
       -DREGIME_VERSION=\"cov\" -DFUZZ_ROOT=\"$ROOT\" -Iruntime/include -Iruntime -Icompiler -Ibuild/gen
       $(pkg-config --cflags libxml-2.0)"
RT=$(ls runtime/*.c | grep -v regrt.c)
case $n in
fuzz_csv)
    files="runtime/csv.c runtime/scan.c runtime/report.c runtime/units.c runtime/value.c runtime/period.c runtime/calendar.c runtime/rollup.c"
    # shellcheck disable=SC2086
    $CC $FLAGS -o "$OUT/$n" "tests/fuzz/$n.c" $RT $(pkg-config --libs libxml-2.0) -ldl -lm ;;
fuzz_xml)
    files="runtime/xml.c runtime/scan.c runtime/report.c runtime/rollup.c"
    # shellcheck disable=SC2086
    $CC $FLAGS -o "$OUT/$n" "tests/fuzz/$n.c" $RT $(pkg-config --libs libxml-2.0) -ldl -lm ;;
fuzz_fmtdiff)
    files="compiler/fmt.c compiler/diff.c"
    CS=$(ls compiler/*.c | grep -v main.c)
    # shellcheck disable=SC2086
    $CC $FLAGS $(llvm-config-19 --cflags | sed -e 's/-std=[^ ]*//g' -e 's/-W[^ ]*//g') -Wno-unused-command-line-argument \
        -o "$OUT/$n" "tests/fuzz/$n.c" $CS build/gen/parser.c build/gen/lexer.c $RT \
        $(llvm-config-19 --ldflags --libs --link-shared) $(pkg-config --libs libxml-2.0) -ldl -lm ;;
*)
    echo "coverage.sh: unknown harness $n" >&2
    exit 2 ;;
esac
rm -f "$OUT/$n".*.profraw
LLVM_PROFILE_FILE="$OUT/$n.%p.profraw" "$OUT/$n" -runs=0 -max_len=65536 -timeout=30 "$@" >"$OUT/$n.log" 2>&1 ||
    { tail -20 "$OUT/$n.log"; exit 1; }
llvm-profdata-19 merge -sparse -o "$OUT/$n.profdata" "$OUT/$n".*.profraw
# shellcheck disable=SC2086
llvm-cov-19 report "$OUT/$n" -instr-profile="$OUT/$n.profdata" $files
