# Shared helpers for the golden and e2e shell tests (sourced, POSIX sh).
# O is the build directory (build or build/san), set by the Makefile.
: "${O:=build}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# T_REGC replaces regc (tests/e2e/t_honest.sh runs scripts with a broken one).
REGC="${T_REGC:-$ROOT/$O/bin/regc}"
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
T_UPDATED=0
T_NAME=${T_NAME:-test}

pass() { T_PASS=$((T_PASS + 1)); }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL: $*"; }

# need CMD...: a tool the test cannot do without. Missing, it is a failure
# (scripts/deps.sh installs every one), never a silent skip.
need() {
    for n_c in "$@"; do
        command -v "$n_c" >/dev/null 2>&1 || { fail "$T_NAME: needs '$n_c' (bash scripts/deps.sh installs it)"; return 1; }
    done
}

# expect_file NAME EXPECTED_FILE ACTUAL_FILE: compare. With UPDATE=1 a
# differing expected file is rewritten and its diff printed for review; it
# counts as updated, not passed, and the run fails (see summary).
expect_file() {
    if [ -f "$2" ] && cmp -s "$2" "$3"; then pass; return; fi
    if [ "${UPDATE:-0}" = 1 ]; then
        if [ -f "$2" ]; then diff -u "$2" "$3"; else echo "--- new file $2"; sed 's/^/+/' "$3"; fi
        cp "$3" "$2"
        T_UPDATED=$((T_UPDATED + 1))
        echo "UPDATED: $1: $2"
        return
    fi
    if [ ! -f "$2" ]; then fail "$1: missing expected file $2"; return; fi
    fail "$1"
    diff -u "$2" "$3" | head -40
}

# expect_status NAME WANT GOT
expect_status() {
    if [ "$2" = "$3" ]; then pass; else fail "$1: exit status $3, expected $2"; fi
}

# Exit status 0 only when nothing failed and nothing was rewritten: a run
# that updated expected files proves nothing until its diffs are reviewed
# and it is run again.
summary() {
    if [ "$T_UPDATED" -gt 0 ]; then
        echo "$T_NAME: $T_PASS passed, $T_FAIL failed, $T_UPDATED expected file(s) rewritten (UPDATE=1): review the diffs above (git diff), then run again without UPDATE"
        return 1
    fi
    echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
    [ "$T_FAIL" -eq 0 ]
}
