# Differential test: for every example and every golden spec that checks
# clean, and for random forms over every IR operator, the compiled kernels
# and the reference evaluator must agree on every bit (>= 100,000 random
# rows each).
REGDIFF="$ROOT/$O/tests/regdiff"
specs=$(ls "$ROOT"/examples/*/*.regime "$ROOT"/tests/golden/check/*.regime "$ROOT"/tests/golden/forms/perunit.regime "$ROOT"/tests/golden/forms/rmodes.regime 2>/dev/null)
# shellcheck disable=SC2086
"$REGDIFF" --rows 100000 --random 24 $specs >"$tmp/diff.out" 2>&1
expect_status "regdiff: compiled kernels = evaluator" 0 $?
grep -q 'regdiff: [0-9]* rows, 0 mismatch(es)$' "$tmp/diff.out" && pass || { fail "regdiff mismatches"; head -30 "$tmp/diff.out"; }
# per-unit rules: one verdict for all the rows of a unit and period
grep -q '^regdiff: per-unit rules: [1-9][0-9]* batch(es) checked' "$tmp/diff.out" \
    && pass || fail "regdiff: no per-unit rule checked: $(grep per-unit "$tmp/diff.out")"
# the lowering leg: both back ends against hand-checked results
grep -q '^regdiff: lowering: 39 rules x 4 rows against hand-checked results, 0 mismatch(es)$' "$tmp/diff.out" \
    && pass || fail "regdiff: lowering leg: $(grep lowering "$tmp/diff.out")"
# the same with every form compiled as a big one: each rule its own validate
# and message function, the light pipeline and the fast back end (what a
# regime of thousands of rules gets; bench/gen_big.py)
# shellcheck disable=SC2086
"$REGDIFF" --split --rows 20000 --random 8 $specs >"$tmp/diff_split.out" 2>&1
expect_status "regdiff --split: split kernels = evaluator" 0 $?
grep -q 'regdiff: [0-9]* rows, 0 mismatch(es)$' "$tmp/diff_split.out" && pass || { fail "regdiff --split mismatches"; head -30 "$tmp/diff_split.out"; }
