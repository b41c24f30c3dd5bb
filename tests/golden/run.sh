#!/bin/sh
# Golden-file tests: every input beside its expected output.
#   check/NAME.regime  -> NAME.err   (regc check: stdout+stderr and exit status)
# UPDATE=1 rewrites the expected files that differ, prints their diffs and
# fails the run (tests/lib.sh): review the diffs, then run again.
T_NAME=golden
. "$(dirname "$0")/../lib.sh"
G="$ROOT/tests/golden"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

for f in "$G"/check/*.regime; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .regime)
    (cd "$G/check" && "$REGC" check "$n.regime" >"$tmp/out" 2>&1; echo "exit $?" >>"$tmp/out")
    expect_file "check/$n" "$G/check/$n.err" "$tmp/out"
done

for d in "$G"/suites/*.sh; do
    [ -e "$d" ] || continue
    . "$d"
done

summary
