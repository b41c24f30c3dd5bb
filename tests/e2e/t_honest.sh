# Tests that cannot lie.
#  - A test whose setup fails, fails: each script that needs `regc build`,
#    run with a regc whose build always fails, reports a failure (it used to
#    count the skipped checks as passed).
#  - An UPDATE=1 run that rewrites an expected file prints the diff, does
#    not count it as passed, and exits non-zero.
#  - Every spec of the repository that is meant to be valid is in the form
#    `regc fmt` gives it (`regc fmt --check` is quiet).

# ---- setup failures fail ----
cat >"$tmp/broken-regc" <<EOF
#!/bin/sh
if [ "\$1" = build ]; then echo "regc: build broken on purpose" >&2; exit 2; fi
exec "$REGC" "\$@"
EOF
chmod +x "$tmp/broken-regc"
for h_s in t_rt_prev t_rt_timeseries t_rt_children t_rt_rebase t_rt_regc t_crossform t_forms; do
    T_REGC="$tmp/broken-regc" sh "$ROOT/tests/e2e/run.sh" "$ROOT/tests/e2e/$h_s.sh" >"$tmp/h.out" 2>&1
    h_st=$?
    if [ "$h_st" != 0 ] && grep -q '^e2e: [0-9]* passed, [1-9][0-9]* failed$' "$tmp/h.out"; then pass; else
        fail "honest: $h_s with a failing regc build: exit $h_st, $(tail -1 "$tmp/h.out")"
    fi
done
# and a named script that does not exist is a failure, not an empty pass
sh "$ROOT/tests/e2e/run.sh" "$tmp/t_nothing.sh" >"$tmp/h.out" 2>&1
expect_status "honest: run.sh with a missing script" 1 $?

# ---- golden updates are reviewed, never passed ----
printf 'old line\nsame\n' >"$tmp/h.expected"
printf 'new line\nsame\n' >"$tmp/h.actual"
(
    T_PASS=0 T_FAIL=0 T_UPDATED=0
    UPDATE=1 expect_file "h" "$tmp/h.expected" "$tmp/h.actual"
    echo "passes=$T_PASS"
    summary
) >"$tmp/h.out" 2>&1
expect_status "honest: UPDATE=1 that rewrites a file" 1 $?
grep -q '^-old line$' "$tmp/h.out" && grep -q '^+new line$' "$tmp/h.out" && pass || fail "honest: UPDATE=1 prints no diff: $(cat "$tmp/h.out")"
grep -q '^passes=0$' "$tmp/h.out" && pass || fail "honest: UPDATE=1 counted a pass"
grep -q '1 expected file(s) rewritten' "$tmp/h.out" && pass || fail "honest: UPDATE=1 summary: $(tail -1 "$tmp/h.out")"
cmp -s "$tmp/h.expected" "$tmp/h.actual" && pass || fail "honest: UPDATE=1 did not rewrite the file"
# unchanged files are plain passes, with or without UPDATE
(
    T_PASS=0 T_FAIL=0 T_UPDATED=0
    UPDATE=1 expect_file "h" "$tmp/h.expected" "$tmp/h.actual"
    summary
) >"$tmp/h.out" 2>&1
expect_status "honest: UPDATE=1 with nothing to rewrite" 0 $?

# ---- every valid spec is fmt-clean ----
# Left out: tests/golden/check (specs with errors, their expected output
# quotes their lines), tests/hostile and tests/fuzz (malformed on purpose),
# tests/golden/fmt (fmt's own inputs, not canonical on purpose) and
# crlf_bom.regime (its CRLF and byte order mark are what it tests).
h_n=0
for h_f in $(find "$ROOT/examples" "$ROOT/stdlib" "$ROOT/tests/golden/ok" "$ROOT/tests/golden/diff" \
    "$ROOT/tests/golden/forms" -name '*.regime' ! -name crlf_bom.regime | sort); do
    h_n=$((h_n + 1))
    (cd "$(dirname "$h_f")" && "$REGC" fmt --check "$(basename "$h_f")") >"$tmp/h.out" 2>&1 && pass ||
        fail "honest: ${h_f#"$ROOT"/} is not fmt-clean (regc fmt ${h_f#"$ROOT"/} rewrites it; review the diff): $(head -3 "$tmp/h.out")"
done
[ "$h_n" -gt 100 ] && pass || fail "honest: only $h_n specs found for the fmt check"
