# Shared helpers for the golden and e2e shell tests (sourced, POSIX sh).
# O is the build directory (build or build/san), set by the Makefile.
: "${O:=build}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REGC="$ROOT/$O/bin/regc"
REGRT="$ROOT/$O/bin/regrt"
export REGIME_PATH="$ROOT/stdlib"
# Regimes load only when signed by a trusted key (docs/DISTRIBUTION.md):
# every `regc build` of the tests signs with the development key made once
# under $O/devkey/ (scripts/devkey.sh; the Makefile signs the hand-written
# fixture with it too), and regrt trusts $O/devkey/trusted.
REGIME_DEVKEY="$ROOT/$O/devkey"
sh "$ROOT/scripts/devkey.sh" "$REGC" "$REGIME_DEVKEY" dev || { echo "FAIL: cannot make the development key"; exit 1; }
export REGIME_SIGNING_KEY="$REGIME_DEVKEY/dev.key"
export REGIME_TRUST="$REGIME_DEVKEY/trusted"
unset REGIME_ALLOW_UNSIGNED
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
T_PASS=0
T_FAIL=0
T_NAME=${T_NAME:-test}

pass() { T_PASS=$((T_PASS + 1)); }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL: $*"; }

# expect_eq NAME EXPECTED_FILE ACTUAL_FILE: compare, regenerating when UPDATE=1.
expect_file() {
    if [ "${UPDATE:-0}" = 1 ]; then cp "$3" "$2"; pass; return; fi
    if [ ! -f "$2" ]; then fail "$1: missing expected file $2"; return; fi
    if cmp -s "$2" "$3"; then pass; else fail "$1"; diff -u "$2" "$3" | head -40; fi
}

# expect_status NAME WANT GOT
expect_status() {
    if [ "$2" = "$3" ]; then pass; else fail "$1: exit status $3, expected $2"; fi
}

summary() {
    echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
    [ "$T_FAIL" -eq 0 ]
}
