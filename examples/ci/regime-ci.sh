#!/bin/sh
# regime-ci.sh — the checks a repository of regime specs runs on every change.
#
#   regime-ci.sh [options] [SPEC...]
#
# For every spec (default: every *.regime tracked by git):
#   1. regc check --Werror     no errors, no warnings
#   2. regc test               the spec's own tests pass
#   3. regc diff BASE NEW      no breaking change without a new MAJOR version,
#                              against the spec as it is on the base branch
#   (4. regc fmt --check       with --fmt: the spec is formatted)
# Modules (files without a `regime` declaration) are checked and tested but
# not diffed: the regimes that import them see their changes.
#
# Options:
#   --base REF      compare with REF (default: origin/main, else main)
#   --no-diff       skip step 3 (e.g. on the main branch itself)
#   --fmt           also require `regc fmt --check`
#   --json DIR      also write machine-readable results into DIR:
#                   check-*.json, test-*.json, test-*.xml (JUnit), diff-*.json
#   -h, --help      this help
# Environment:
#   REGC            the compiler (default: regc on the PATH)
#   REGC_FLAGS      extra options for every regc call (e.g. "-I lib")
#
# Exit status: 0 every step passed, 1 a step failed, 2 usage or setup error.
# POSIX sh and git; nothing else.

set -u
REGC=${REGC:-regc}
REGC_FLAGS=${REGC_FLAGS:-}
base=
do_diff=1
do_fmt=0
json=

usage() { sed -n '2,/^# POSIX/s/^# \{0,1\}//p' "$0"; }

while [ $# -gt 0 ]; do
    case $1 in
    --base) [ $# -ge 2 ] || { echo "regime-ci: --base needs a ref" >&2; exit 2; }; base=$2; shift 2 ;;
    --base=*) base=${1#--base=}; shift ;;
    --no-diff) do_diff=0; shift ;;
    --fmt) do_fmt=1; shift ;;
    --json) [ $# -ge 2 ] || { echo "regime-ci: --json needs a directory" >&2; exit 2; }; json=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    -*) echo "regime-ci: unknown option '$1'" >&2; exit 2 ;;
    *) break ;;
    esac
done

if ! command -v "$REGC" >/dev/null 2>&1; then
    echo "regime-ci: cannot run the compiler '$REGC' (set REGC)" >&2
    exit 2
fi
top=$(git rev-parse --show-toplevel 2>/dev/null) || { echo "regime-ci: not in a git repository" >&2; exit 2; }
if [ -n "$json" ]; then
    mkdir -p "$json" || exit 2
    json=$(cd "$json" && pwd)
fi
# paths given on the command line are relative to where we were called
here=$(pwd)
specs=
for s in "$@"; do
    case $s in /*) abs=$s ;; *) abs=$here/$s ;; esac
    [ -f "$abs" ] || { echo "regime-ci: no such spec '$s'" >&2; exit 2; }
    rel=$(cd "$(dirname "$abs")" && pwd)/$(basename "$abs")
    specs="$specs ${rel#"$top"/}"
done
cd "$top" || exit 2
[ -n "$specs" ] || specs=$(git ls-files '*.regime')
if [ -z "$specs" ]; then
    echo "regime-ci: no *.regime file in the repository"
    exit 0
fi

work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT INT TERM

# The base version of the whole tree, so that the old spec finds its
# imports and data files beside it as the new one does.
if [ "$do_diff" = 1 ]; then
    if [ -z "$base" ]; then
        if git rev-parse -q --verify origin/main >/dev/null; then base=origin/main
        elif git rev-parse -q --verify main >/dev/null; then base=main
        else
            echo "regime-ci: no origin/main or main to compare with; use --base REF or --no-diff" >&2
            exit 2
        fi
    fi
    git rev-parse -q --verify "$base^{commit}" >/dev/null || { echo "regime-ci: unknown base '$base'" >&2; exit 2; }
    mkdir "$work/base" && git archive "$base" | tar -x -C "$work/base" || { echo "regime-ci: cannot extract '$base'" >&2; exit 2; }
fi

failed=0
n_specs=0
summary=
note() { summary="$summary
$1"; }
# a file name for the JSON results of a spec: its path with / as __
slug() { printf '%s' "$1" | sed -e 's|/|__|g' -e 's|\.regime$||'; }

# shellcheck disable=SC2086 # REGC_FLAGS and the spec list are word lists
for spec in $specs; do
    n_specs=$((n_specs + 1))
    echo "=== $spec"
    s=$(slug "$spec")

    echo "--- regc check --Werror"
    if $REGC check --Werror $REGC_FLAGS "$spec"; then ok_check=pass; else ok_check=FAIL; failed=1; fi
    [ -n "$json" ] && $REGC check --Werror --format json $REGC_FLAGS "$spec" >"$json/check-$s.json" 2>/dev/null

    echo "--- regc test"
    $REGC test $REGC_FLAGS "$spec" >"$work/test.out" 2>&1
    st=$?
    cat "$work/test.out"
    if [ $st = 0 ]; then ok_test=pass
    elif [ $st = 2 ] && grep -q 'not available in this build' "$work/test.out"; then ok_test=skipped
    else ok_test=FAIL; failed=1; fi
    if [ -n "$json" ] && [ "$ok_test" != skipped ]; then
        $REGC test --format json $REGC_FLAGS "$spec" >"$json/test-$s.json" 2>/dev/null
        $REGC test --format junit $REGC_FLAGS "$spec" >"$json/test-$s.xml" 2>/dev/null
    fi

    ok_diff=-
    if [ "$do_diff" = 1 ]; then
        if ! grep -q '^[[:space:]]*regime[[:space:]]' "$spec"; then
            ok_diff="module"
        elif [ ! -f "$work/base/$spec" ]; then
            echo "--- new spec: nothing on $base to compare with"
            ok_diff=new
        else
            echo "--- regc diff $base:$spec $spec"
            $REGC diff $REGC_FLAGS "$work/base/$spec" "$spec"
            st=$?
            case $st in
            0) ok_diff=pass ;;
            1) ok_diff="FAIL (breaking change without a new MAJOR version)"; failed=1 ;;
            *) ok_diff="FAIL (a version does not check)"; failed=1 ;;
            esac
            [ -n "$json" ] && $REGC diff --format json $REGC_FLAGS "$work/base/$spec" "$spec" >"$json/diff-$s.json" 2>/dev/null
        fi
    fi

    ok_fmt=-
    if [ "$do_fmt" = 1 ]; then
        echo "--- regc fmt --check"
        if $REGC fmt --check "$spec"; then ok_fmt=pass; else ok_fmt="FAIL (run: regc fmt $spec)"; failed=1; fi
    fi
    note "$spec: check $ok_check, test $ok_test, diff $ok_diff, fmt $ok_fmt"
done

echo "=== summary ($n_specs spec(s)${base:+, base $base})$summary"
if [ $failed = 0 ]; then echo "regime-ci: all checks passed"; else echo "regime-ci: FAILED"; fi
exit $failed
