#!/usr/bin/env bash
# The tthc benchmark, Regime beside its peers, in one run.
#
#   bench/bench.sh                      # default size: every commune x 12 months x 20 domains
#   bench/bench.sh --size small         # 200,000 rows
#   bench/bench.sh --size large         # 10x the default (12 months x 20 domains x 10 seeds' worth)
#   bench/bench.sh --repeat 5 --peers "regime c duckdb sqlite pandas"
#
# Installs the peers with ../shared/bench/setup-peers.sh, generates the data with
# ../shared/bench/gen.py (cached under bench/work/), then runs every peer REPEAT times,
# alternating (regime, c, duckdb, ... , regime, c, ...) so machine noise hits all alike.
# Checks that every output is byte-identical to Regime's and prints a table with the median
# wall time, rows/s, MB/s, peak RSS and each peer's ratio to Regime. Exit 1 on a mismatch.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SHARED="${REGIME_BENCH_SHARED:-$ROOT/../shared/bench}"
SIZE=default; REPEAT=3; PEERS="regime c duckdb sqlite pandas"
WORK="${REGIME_BENCH_WORK:-$HERE/work}"
while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE="$2"; shift 2;;
    --repeat) REPEAT="$2"; shift 2;;
    --peers) PEERS="$2"; shift 2;;
    --work) WORK="$2"; shift 2;;
    -h|--help) sed -n '2,14p' "$0"; exit 0;;
    *) echo "bench: unknown option $1" >&2; exit 2;;
  esac
done
[ -f "$SHARED/gen.py" ] || { echo "bench: $SHARED/gen.py not found (set REGIME_BENCH_SHARED)" >&2; exit 2; }

case " $PEERS " in *" duckdb "*|*" sqlite "*|*" pandas "*) bash "$SHARED/setup-peers.sh" >/dev/null;; esac
CACHE="${TTHC_BENCH_CACHE:-$HOME/.cache/tthc-bench}"

UNITS_SRC="$ROOT/stdlib/data/vn_admin_units_2025-03-01.csv"
[ -f "$UNITS_SRC" ] || UNITS_SRC="$SHARED/../data/vn_admin_units_2025-03-01.csv"
case "$SIZE" in
  small)   GEN=(--rows 200000);;
  default) GEN=(--months 12);;
  large)   GEN=(--months 120);;   # ten years of months: 10x the default rows
  *) echo "bench: unknown size $SIZE (small, default, large)" >&2; exit 2;;
esac
TAG="$SIZE"
DATA="$WORK/data/$TAG"; OUT="$WORK/out/$TAG"
mkdir -p "$DATA" "$OUT"
PARAMS="${GEN[*]} --domains 20 --seed 42 $(sha256sum "$SHARED/gen.py" | cut -c1-16)"
if [ ! -f "$DATA/input.csv" ] || [ "$(cat "$DATA/params" 2>/dev/null)" != "$PARAMS" ]; then
  echo "bench: generating $TAG data ..." >&2
  python3 "$SHARED/gen.py" --units-src "$UNITS_SRC" "${GEN[@]}" --domains 20 --seed 42 \
    --out "$DATA/input.csv" --units-out "$DATA/units.csv"
  echo "$PARAMS" > "$DATA/params"
fi
IN="$DATA/input.csv"; UN="$DATA/units.csv"
NROWS=$(( $(wc -l < "$IN") - 1 ))
BYTES=$(stat -c %s "$IN")

gcc -O2 -o "$WORK/baseline" "$SHARED/baseline.c"
# Regime builds its library once, outside the timed runs (as the C peer is compiled once).
bash "$HERE/regime-peer.sh" --prepare >/dev/null

peer_cmd() {
  case "$1" in
    regime) echo "bash $HERE/regime-peer.sh";;
    c)      echo "$WORK/baseline";;
    duckdb) echo "node $SHARED/peers/duckdb.js";;
    sqlite) echo "$SHARED/peers/sqlite.sh";;
    pandas) echo "/usr/bin/python3 $SHARED/peers/pandas_peer.py";;
    *) echo "bench: unknown peer $1" >&2; exit 2;;
  esac
}

cat "$IN" > /dev/null
declare -A TIMES RSSES STATUS
for ((i = 0; i < REPEAT; i++)); do
  for p in $PEERS; do
    rm -rf "$OUT/$p"; mkdir -p "$OUT/$p"
    t0=$(date +%s.%N)
    # shellcheck disable=SC2046
    if ! /usr/bin/time -v -o "$OUT/$p.time" $(peer_cmd "$p") "$IN" "$UN" "$OUT/$p" > "$OUT/$p.log" 2>&1; then
      echo "bench: peer $p FAILED" >&2; tail -20 "$OUT/$p.log" >&2; STATUS[$p]=FAILED; continue
    fi
    t1=$(date +%s.%N)
    TIMES[$p]="${TIMES[$p]:-} $(echo "$t1 - $t0" | bc -l)"
    RSSES[$p]="${RSSES[$p]:-} $(awk -F': ' '/Maximum resident set size/{print $2}' "$OUT/$p.time")"
    if [ ! -f "$OUT/$p/errors.csv" ] || [ ! -f "$OUT/$p/rollup.csv" ]; then
      echo "bench: peer $p wrote no output" >&2; STATUS[$p]=FAILED; continue
    fi
    sum=$(cat "$OUT/$p/errors.csv" "$OUT/$p/rollup.csv" | sha256sum | cut -c1-16)
    STATUS[$p]="${STATUS[$p]:-ok} $sum"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
FIRST=$(echo "$PEERS" | awk '{print $1}')
REF=$(echo "${STATUS[$FIRST]:-}" | awk '{print $2}')
FAIL=0
echo
echo "Regime tthc bench: size=$SIZE rows=$NROWS input=$(echo "scale=1; $BYTES/1000000" | bc) MB repeat=$REPEAT (median) $(nproc) cores $(date -u +%Y-%m-%d)"
echo
printf '| %-8s | %8s | %11s | %8s | %12s | %14s | %-18s |\n' peer "wall s" "rows/s" "MB/s" "peak RSS MiB" "ratio to regime" "output sha256 (16)"
printf '|%s|%s:|%s:|%s:|%s:|%s:|%s|\n' ---------- ---------- ------------- ---------- -------------- ---------------- --------------------
RW=$(echo "${TIMES[regime]:-0}" | median)
for p in $PEERS; do
  st="${STATUS[$p]:-FAILED}"
  if [ "$st" = FAILED ] || [ -z "${TIMES[$p]:-}" ]; then
    printf '| %-8s | %8s | %11s | %8s | %12s | %14s | %-18s |\n' "$p" - - - - - FAILED; FAIL=1; continue
  fi
  w=$(echo "${TIMES[$p]}" | median); r=$(echo "${RSSES[$p]}" | median)
  sums=$(echo "$st" | tr ' ' '\n' | grep -v '^ok$' | grep -v '^$' | sort -u)
  if [ "$(echo "$sums" | wc -l)" != 1 ] || [ "$sums" != "$REF" ]; then ok="DIFF $sums"; FAIL=1; else ok="ok $sums"; fi
  ratio=$( [ "$RW" != 0 ] && echo "$w / $RW" | bc -l | xargs printf '%.2f' || echo -)
  printf '| %-8s | %8.3f | %11.0f | %8.1f | %12.1f | %14s | %-18s |\n' "$p" "$w" "$(echo "$NROWS / $w" | bc -l)" \
    "$(echo "$BYTES / 1000000 / $w" | bc -l)" "$(echo "$r / 1024" | bc -l)" "$ratio" "$ok"
done
echo
if [ "$FAIL" = 1 ]; then echo "bench: MISMATCH or FAILURE" >&2; exit 1; fi
echo "all peers agree with Regime byte for byte (errors.csv + rollup.csv)"
