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
# The library is the tthc example compiled by `regc build examples/tthc/tthc.regime`
# (built by --prepare into build/bench/tthc). REGIME_PEER_LIB=fixture uses the
# hand-written stand-in (tests/fixtures/tthc_hand.c) instead, to compare generated code
# with hand-written C: both give byte-identical outputs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
REGRT="$ROOT/build/bin/regrt"
# A regime loads only when signed by a trusted key (docs/DISTRIBUTION.md): unless the caller
# has a key of its own, the benchmark signs with the development key of build/devkey/ (made
# once by scripts/devkey.sh; the Makefile signs the fixture with it) and trusts it.
if [ -z "${REGIME_SIGNING_KEY:-}" ]; then
  make -C "$ROOT" --no-print-directory -s build/devkey/dev.key >&2
  export REGIME_SIGNING_KEY="$ROOT/build/devkey/dev.key" REGIME_TRUST="$ROOT/build/devkey/trusted"
fi
if [ "${REGIME_PEER_LIB:-regc}" = regc ]; then
  LIB="$ROOT/build/bench/tthc"
  NEED="$LIB/tthc.so"
else
  LIB="$ROOT/build/fixtures/tthc/tthc.so"
  NEED="$LIB"
fi

if [ "${1:-}" = --prepare ] || [ ! -x "$REGRT" ] || [ ! -f "$NEED" ]; then
  make -C "$ROOT" --no-print-directory -s build/bin/regrt build/fixtures/tthc/tthc.so >&2
  if [ "${REGIME_PEER_LIB:-regc}" = regc ]; then
    make -C "$ROOT" --no-print-directory -s build/bin/regc >&2
    (cd "$ROOT" && REGIME_PATH="$ROOT/stdlib" build/bin/regc build examples/tthc/tthc.regime -o "$LIB") >&2
  fi
  [ "${1:-}" = --prepare ] && exit 0
fi
if [ $# -ne 3 ]; then
  echo "usage: $0 INPUT.csv UNITS.csv OUTDIR | --prepare" >&2
  exit 2
fi
mkdir -p "$3"
# --rules: the benchmark's contract is rules V1-V8; the spec's C1 (previous month) would
# make regrt join each row with the previous period first.
exec "$REGRT" rollup "$LIB" --units "$2" --errors "$3/errors.csv" -o "$3/rollup.csv" --quiet \
  --rules V1,V2,V3,V4,V5,V6,V7,V8 "$1"
