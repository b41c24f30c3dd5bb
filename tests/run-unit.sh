#!/bin/sh
# Runs each Check unit-test binary given as argument; prints a summary line.
# CK_FORK=no under sanitizers keeps leak reports attached to the right test.
pass=0; fail=0
[ $# -gt 0 ] || { echo "unit: no test binaries given"; exit 1; }
for t in "$@"; do
    if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $t"; fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
