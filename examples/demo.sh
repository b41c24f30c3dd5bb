#!/bin/sh
# demo.sh — what Regime does, in under a minute (run by `make demo`).
#
# 1. checks and compiles the Biểu 06 regime (examples/tthc/tthc.regime),
# 2. generates one month of submissions for every real commune of Vietnam
#    (10,035 communes of the 2025-03-01 unit list) with a few deliberate
#    errors,
# 3. validates them, rolls them up to provinces and the nation, prints the
#    2025 reporting calendar and a short summary.
#
# POSIX sh; needs build/bin/regc and build/bin/regrt (`make all`) and python3.
# Everything it writes goes to build/demo/.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
: "${O:=build}"
REGC="$ROOT/$O/bin/regc"
REGRT="$ROOT/$O/bin/regrt"
OUT=build/demo            # relative: the script runs from the top of the tree
UNITS="stdlib/data/vn_admin_units_2025-03-01.csv"
SPEC="examples/tthc/tthc.regime"
MONTH=2025-05
export REGIME_PATH="$ROOT/stdlib"

die() {
    echo "demo: $*" >&2
    exit 1
}

now() { date +%s; }
T0=$(now)

section() {
    echo
    echo "== $*"
}

# ---- what is needed -----------------------------------------------------------
[ -x "$REGC" ] || die "$REGC is missing: run 'make all' first"
[ -x "$REGRT" ] || die "$REGRT is missing: run 'make all' first"
command -v python3 >/dev/null 2>&1 || die "python3 is needed to generate the sample submissions"
if ! "$REGC" build --help >/dev/null 2>&1; then
    die "'regc build' is not available in this build yet (code generation, issue 4):
      $("$REGC" build --help 2>&1 | head -1)
      The demo needs the compiled regime; nothing was run."
fi
for c in validate rollup calendar; do
    "$REGRT" "$c" --help >/dev/null 2>&1 || die "'regrt $c' is not available in this build yet (runtime, issue 6)"
done

rm -rf "$OUT"
mkdir -p "$OUT" || die "cannot create $OUT"

echo "Regime demo — Biểu 06 (Circular 01/2020/TT-VPCP): how every commune of Vietnam"
echo "settled administrative procedures in one month, checked and consolidated."

# ---- 1. check and build -------------------------------------------------------
section "1. regc check $SPEC"
"$REGC" check "$SPEC"
st=$?
[ $st -eq 0 ] || die "regc check failed (exit $st)"
echo "clean: no errors"

# A compiled regime is native code: regrt loads it only when its folder is
# signed by a key it trusts (docs/DISTRIBUTION.md). The demo plays the national
# office with a development key made once under build/devkey/, unless
# REGIME_SIGNING_KEY (and REGIME_TRUST) name keys of your own.
if [ -z "${REGIME_SIGNING_KEY:-}" ]; then
    sh scripts/devkey.sh "$REGC" "$O/devkey" dev || die "cannot make the development key"
    export REGIME_SIGNING_KEY="$ROOT/$O/devkey/dev.key" REGIME_TRUST="$ROOT/$O/devkey/trusted"
fi

section "2. regc build $SPEC -o build/demo/tthc --sign $(basename "$REGIME_SIGNING_KEY")"
"$REGC" build "$SPEC" -o "$OUT/tthc" --sign "$REGIME_SIGNING_KEY"
st=$?
[ $st -eq 0 ] || die "regc build failed (exit $st)"
ls -l "$OUT/tthc" | awk '/^-/ { printf "  %-32s %9s bytes\n", $NF, $5 }'
[ -d "$OUT/tthc/forms" ] && ls "$OUT/tthc/forms" | sed 's/^/  forms\//'
"$REGRT" info "$OUT/tthc" | sed -n 's/^signer *\(.*\)/signed by key \1/p'
[ -n "$("$REGRT" info "$OUT/tthc" 2>&1 | grep '^signer')" ] || die "the signed library does not verify: $("$REGRT" info "$OUT/tthc" 2>&1)"

# ---- 2. a month of submissions -----------------------------------------------
section "3. one month ($MONTH) of submissions for every commune in $UNITS"
python3 examples/tthc/gen_month.py --units "$UNITS" --month "$MONTH" \
    --log "$OUT/injected.txt" >"$OUT/tthc-$MONTH.csv" || die "the generator failed"
ROWS=$(($(wc -l <"$OUT/tthc-$MONTH.csv") - 1))
COMMUNES=$(awk -F, 'NR > 1 && $5 != "" { n++ } END { print n }' "$UNITS")
echo "$ROWS rows for $COMMUNES communes: one row per commune and domain of procedures it handled"
echo "deliberate errors (also in build/demo/injected.txt):"
sed 's/^/  /' "$OUT/injected.txt"

# ---- 3. validate --------------------------------------------------------------
section "4. regrt validate (every violation, then a summary)"
"$REGRT" validate "$OUT/tthc" "$OUT/tthc-$MONTH.csv" --units "$UNITS" \
    >"$OUT/validate.txt" 2>"$OUT/validate.err"
st=$?
cat "$OUT/validate.txt" "$OUT/validate.err"
case $st in
0) echo "(exit 0: no error-level rule failed)" ;;
1) echo "(exit 1: some rows break error-level rules; they are left out of the roll-up)" ;;
*) die "regrt validate could not run (exit $st)" ;;
esac
"$REGRT" validate "$OUT/tthc" "$OUT/tthc-$MONTH.csv" --units "$UNITS" --format csv \
    -o "$OUT/errors.csv" 2>/dev/null
N_ERR=$(grep -c ',error$' "$OUT/errors.csv" 2>/dev/null)
N_WARN=$(grep -c ',warning$' "$OUT/errors.csv" 2>/dev/null)

# ---- 4. roll up ---------------------------------------------------------------
section "5. regrt rollup to provinces and the nation ($MONTH)"
"$REGRT" rollup "$OUT/tthc" "$OUT/tthc-$MONTH.csv" --units "$UNITS" --period month \
    -o "$OUT/rollup.csv" 2>"$OUT/rollup.err"
st=$?
cat "$OUT/rollup.err"
[ $st -eq 0 ] || die "regrt rollup failed (exit $st)"
echo "$(($(wc -l <"$OUT/rollup.csv") - 1)) groups written to build/demo/rollup.csv"
echo
echo "The nation, per domain (first 8 domains; ontime_rate is recomputed from the sums):"
awk -F, 'BEGIN { printf "  %-6s %-8s %-6s %9s %9s %8s %11s %8s\n", "unit", "period", "domain", "received", "resolved", "pending", "ontime_rate", "n_units" }
         $1 == "national" && n++ < 8 { printf "  %-6s %-8s %-6s %9s %9s %8s %11s %8s\n", $2, $3, $4, $8, $12, $15, $16, $17 }' \
    "$OUT/rollup.csv"
echo
echo "The five provinces with the most case files received, all domains together:"
awk -F, 'FNR == NR { if (FNR > 1) name[$1] = $2; next }
         $1 == "province" { r[$2] += $8; s[$2] += $12; ok[$2] += $9 + $10 }
         END { for (p in r) printf "%s\t%d\t%d\t%.4f\t%s\n", p, r[p], s[p], s[p] ? ok[p] / s[p] : 0, name[p] }' \
    "$UNITS" "$OUT/rollup.csv" | sort -t "$(printf '\t')" -k2,2nr | head -5 |
    awk -F '\t' 'BEGIN { printf "  %-4s %9s %9s %12s  %s\n", "code", "received", "resolved", "on-time rate", "province" }
         { printf "  %-4s %9d %9d %12s  %s\n", $1, $2, $3, $4, $5 }'
NAT=$(awk -F, '$1 == "national" { r += $8; s += $12; ok += $9 + $10; c = $17 > c ? $17 : c }
               END { printf "%d %d %.2f%% %d", r, s, s ? 100 * ok / s : 0, c }' "$OUT/rollup.csv")

# ---- 5. calendar --------------------------------------------------------------
section "6. regrt calendar --year 2025 (cut-off windows, deadlines in working days)"
"$REGRT" calendar "$OUT/tthc" --year 2025
st=$?
[ $st -eq 0 ] || die "regrt calendar failed (exit $st)"

# ---- summary ------------------------------------------------------------------
T1=$(now)
# shellcheck disable=SC2086 # four numbers, split on purpose
set -- $NAT
section "Summary"
row() { printf '  %-36s %s\n' "$1" "$2"; }
row "communes in the unit list" "$COMMUNES"
row "rows submitted for $MONTH" "$ROWS"
row "findings: errors / warnings" "$N_ERR / $N_WARN (13 injected: 12 errors, 1 warning)"
row "case files received, nationwide" "$1"
row "resolved" "$2 ($3 early or on time)"
row "communes in the busiest domain" "$4 (n_units: communes with a valid row)"
row "outputs" "build/demo/: validate.txt, errors.csv, rollup.csv"
row "elapsed" "$((T1 - T0)) s"
