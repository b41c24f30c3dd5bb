#!/bin/sh
# End-to-end tests: run regc and regrt as a user would. Each tests/e2e/t_*.sh
# is sourced with the helpers of tests/lib.sh and a fresh $tmp folder.
T_NAME=e2e
. "$(dirname "$0")/../lib.sh"
for t in "$ROOT"/tests/e2e/t_*.sh; do
    [ -e "$t" ] || continue
    tmp=$(mktemp -d)
    . "$t"
    rm -rf "$tmp"
done
summary
