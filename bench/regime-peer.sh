#!/usr/bin/env bash
# Regime as a peer of the tthc benchmark (../shared/bench/README.md, section 3):
#
#   bench/regime-peer.sh INPUT.csv UNITS.csv OUTDIR   -> OUTDIR/errors.csv, OUTDIR/rollup.csv
#   bench/regime-peer.sh --prepare                    builds regrt and the tthc library once,
#                                                     outside the timed runs
#
# One pass over the input: `regrt rollup` validates every row, writes errors.csv as it goes
# and rolls the valid rows up into rollup.csv.
#
# The library is, for now, the hand-written stand-in of the compiled regime
# (tests/fixtures/tthc_hand.c -> build/fixtures/tthc/tthc.so, same descriptor shape as
# regc's output). It switches to `regc build examples/tthc/tthc.regime` once the code
# generator produces it; nothing else here changes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
REGRT="$ROOT/build/bin/regrt"
LIB="$ROOT/build/fixtures/tthc/tthc.so"

if [ "${1:-}" = --prepare ] || [ ! -x "$REGRT" ] || [ ! -f "$LIB" ]; then
  make -C "$ROOT" --no-print-directory -s build/bin/regrt build/fixtures/tthc/tthc.so >&2
  [ "${1:-}" = --prepare ] && exit 0
fi
if [ $# -ne 3 ]; then
  echo "usage: $0 INPUT.csv UNITS.csv OUTDIR | --prepare" >&2
  exit 2
fi
mkdir -p "$3"
exec "$REGRT" rollup "$LIB" --units "$2" --errors "$3/errors.csv" -o "$3/rollup.csv" --quiet "$1"
