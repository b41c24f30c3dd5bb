#!/bin/sh
# valgrind.sh — memcheck over a representative set of regc and regrt runs:
# every subcommand on the examples, CSV and XML submissions, the error paths
# of the hostile corpus (tests/hostile/), write errors. Run by `make
# valgrind` against the normal build (O=build; an ASan build cannot run
# under valgrind).
#
# Each run: valgrind --leak-check=full --errors-for-leak-kinds=definite,possible
# --error-exitcode=99. Not 1: regrt and regc exit 1 for findings, so a
# memcheck error needs a status of its own. A run passes when memcheck
# reports nothing and the command exits as it does without valgrind.
#
# VALGRIND_QUICK=1 runs a smaller set (no regc build, fewer hostile inputs).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
: "${O:=build}"
REGC="$ROOT/$O/bin/regc"
REGRT="$ROOT/$O/bin/regrt"
export REGIME_PATH="$ROOT/stdlib"
case "$O" in
*san*)
    echo "valgrind: skipped for the sanitizer build ($O); run it on O=build"
    exit 0
    ;;
esac
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed (scripts/deps.sh installs it)"; exit 2; }
[ -x "$REGC" ] && [ -x "$REGRT" ] || { echo "valgrind: build $REGC and $REGRT first (make)"; exit 2; }
# regimes load only when signed by a trusted key (docs/DISTRIBUTION.md): the
# development key, as in tests/lib.sh
sh "$ROOT/scripts/devkey.sh" "$REGC" "$ROOT/$O/devkey" dev || exit 2
export REGIME_SIGNING_KEY="$ROOT/$O/devkey/dev.key" REGIME_TRUST="$ROOT/$O/devkey/trusted"
unset REGIME_ALLOW_UNSIGNED

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
VG="valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,possible --error-exitcode=99 --log-file=$tmp/vg.%p.log"
N_PASS=0
N_FAIL=0

# vg WANT_STATUS CMD...: runs CMD under memcheck; WANT_STATUS may be "any"
vg() {
    want=$1
    shift
    rm -f "$tmp"/vg.*.log
    # shellcheck disable=SC2086 # VG is a command with its options
    $VG "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    st=$?
    logs=$(cat "$tmp"/vg.*.log 2>/dev/null)
    if [ "$st" = 99 ] || [ -n "$logs" ]; then
        N_FAIL=$((N_FAIL + 1))
        echo "FAIL (memcheck): $*"
        cat "$tmp"/vg.*.log | head -60
    elif [ "$want" != any ] && [ "$st" != "$want" ]; then
        N_FAIL=$((N_FAIL + 1))
        echo "FAIL (exit $st, expected $want): $*"
        head -5 "$tmp/err"
    else
        N_PASS=$((N_PASS + 1))
    fi
}

TTHC=examples/tthc/tthc.regime
UNITS=stdlib/data/vn_admin_units_2025-03-01.csv
EDGE=tests/fixtures/edge_units.csv

# ---- regc ----
vg 0 "$REGC" check "$TTHC"
vg 0 "$REGC" check --format json "$TTHC"
vg 1 "$REGC" check tests/golden/fmt/syntax_error.regime
vg any "$REGC" fmt --check "$TTHC"
cp "$TTHC" "$tmp/fmt.regime"
cp examples/tthc/domains.csv "$tmp/"
vg 0 "$REGC" fmt "$tmp/fmt.regime"
vg any "$REGC" test "$TTHC"
for d in tests/golden/diff/rule_removed tests/golden/diff/code_added tests/golden/diff/type_changed; do
    [ -d "$d" ] && vg any "$REGC" diff "$d/old.regime" "$d/new.regime"
done
[ -d tests/golden/diff/code_added ] && vg any "$REGC" diff --format json tests/golden/diff/code_added/old.regime tests/golden/diff/code_added/new.regime
for f in tests/hostile/spec/*.regime; do
    case $f in */mod_*) continue ;; esac
    vg any "$REGC" check "$f"
done
python3 tests/hostile/gen.py "$tmp/gen" >/dev/null 2>&1
for n in nesting_100000 name_1mb number_100000_digits terms_10000 binary_64kb import_chain_40; do
    [ -f "$tmp/gen/spec/$n.regime" ] && vg 1 "$REGC" check "$tmp/gen/spec/$n.regime"
done

# ---- regc build (LLVM) ----
if [ "${VALGRIND_QUICK:-0}" = 1 ]; then
    LIB="$ROOT/$O/vg-tthc"
    "$REGC" build "$TTHC" -o "$LIB" >/dev/null 2>&1 || { echo "valgrind: regc build failed"; exit 2; }
else
    LIB="$tmp/tthc"
    vg 0 "$REGC" build "$TTHC" -o "$LIB"
    vg 0 "$REGC" build --emit-llvm "$TTHC" -o "$tmp/tthc-ir"
fi
"$REGC" build examples/edoc/edoc.regime -o "$tmp/edoc" >/dev/null 2>&1

# ---- regrt ----
vg 1 "$REGRT" validate "$LIB" --units "$UNITS" examples/tthc/submissions_2025-0[456].csv
vg 1 "$REGRT" validate "$LIB" --units "$UNITS" --format json --lang vi examples/tthc/submissions_2025-06.csv
vg 1 "$REGRT" validate "$LIB" --units "$UNITS" --format csv --threads 4 -o "$tmp/e.csv" examples/tthc/submissions_2025-06.csv
vg 0 "$REGRT" rollup "$LIB" --units "$UNITS" -o "$tmp/r.csv" --errors "$tmp/re.csv" examples/tthc/submissions_2025-0[456].csv
vg 0 "$REGRT" rollup "$LIB" --units "$UNITS" --period month --to province examples/tthc/submissions_2025-05.csv
vg 0 "$REGRT" calendar "$LIB" --year 2025
vg 0 "$REGRT" calendar "$LIB" --year 2026 --format json
vg any "$REGRT" status "$LIB" --units "$EDGE" --as-of 2025-07-20 examples/tthc/submissions_2025-06.csv
vg any "$REGRT" validate "$tmp/edoc" --units examples/edoc/agencies.csv examples/edoc/submissions_2025-Q3.csv
vg any "$REGRT" rollup "$tmp/edoc" --units examples/edoc/agencies.csv examples/edoc/submissions_2025-Q3.csv
for f in examples/tthc/xml/valid/*.xml examples/tthc/xml/invalid/*.xml; do
    vg any "$REGRT" validate "$LIB" --units "$UNITS" "$f"
done
vg 2 "$REGRT" validate "$LIB" nope.csv
vg 2 "$REGRT" validate "$LIB" --format nope x.csv
vg 2 "$REGRT" rollup "$LIB" examples/tthc/submissions_2025-06.csv

# the hostile corpus: every stored input, and the generated ones that are
# quick under valgrind
for f in tests/hostile/csv/*.csv tests/hostile/xml/*.xml; do
    case $(basename "$f") in edoc_*) l="$tmp/edoc" u=examples/edoc/agencies.csv ;; *) l="$LIB" u="$EDGE" ;; esac
    vg any "$REGRT" validate "$l" --units "$u" --format csv "$f"
done
for f in csv/field_1mb_number.csv csv/field_1mb_code.csv csv/columns_10000.csv csv/row_10000_fields.csv \
    xml/deep_100000.xml xml/attributes_100000.xml xml/attribute_10mb.xml; do
    [ -f "$tmp/gen/$f" ] && vg any "$REGRT" validate "$LIB" --units "$EDGE" --format text "$tmp/gen/$f"
done

# write errors (a private /dev/full when we may create one)
if mknod "$tmp/full" c 1 7 2>/dev/null; then
    vg 2 "$REGRT" validate "$LIB" --format csv -o "$tmp/full" examples/tthc/submissions_2025-06.csv
    vg 2 "$REGRT" rollup "$LIB" --units "$UNITS" -o "$tmp/full" examples/tthc/submissions_2025-06.csv
fi

echo "valgrind: $N_PASS runs clean, $N_FAIL failed"
[ "$N_FAIL" = 0 ]
