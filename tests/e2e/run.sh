#!/bin/sh
# End-to-end tests: run regc and regrt as a user would. Each tests/e2e/t_*.sh
# is sourced with the helpers of tests/lib.sh and a fresh $tmp folder.
#   O=build sh tests/e2e/run.sh                         every script
#   O=build sh tests/e2e/run.sh tests/e2e/t_rt_prev.sh  only those named
T_NAME=e2e
. "$(dirname "$0")/../lib.sh"
if [ $# -eq 0 ]; then set -- "$ROOT"/tests/e2e/t_*.sh; fi
r_list=
for t in "$@"; do
    case "$t" in /*) ;; *) t="$PWD/$t" ;; esac
    r_list="$r_list $t"
done
for t in $r_list; do
    [ -f "$t" ] || { fail "e2e: no test script $t"; continue; }
    tmp=$(mktemp -d)
    . "$t"
    rm -rf "$tmp"
done
summary
