# Both Vietnamese unit lists: before 1 Jul 2025 (province > district >
# commune) and after (no districts: communes roll straight up to provinces;
# commune codes were reused). Expected files checked against the benchmark's
# independent reference implementation (ref.py).
RTLIB="$ROOT/$O/fixtures/tthc/tthc.so"
FX="$ROOT/tests/fixtures"

"$REGRT" rollup "$RTLIB" --units "$FX/units_2025-07-01_sample.csv" --errors "$tmp/e.csv" -o "$tmp/r.csv" "$FX/new_units_input.csv"
expect_status "rt units: 2025-07 rollup" 0 $?
expect_file "rt units: 2025-07 errors" "$FX/new_units_errors.csv" "$tmp/e.csv"
expect_file "rt units: 2025-07 rollup" "$FX/new_units_rollup.csv" "$tmp/r.csv"
grep -q '^district,' "$tmp/r.csv" && fail "rt units: district rows without districts" || pass

"$REGRT" rollup "$RTLIB" --units "$FX/units_2025-03-01_sample.csv" --errors "$tmp/e.csv" -o "$tmp/r.csv" "$FX/new_units_input.csv"
expect_status "rt units: 2025-03 rollup" 0 $?
expect_file "rt units: 2025-03 errors" "$FX/old_units_errors.csv" "$tmp/e.csv"
expect_file "rt units: 2025-03 rollup" "$FX/old_units_rollup.csv" "$tmp/r.csv"

# --to and --period
"$REGRT" rollup "$RTLIB" --units "$FX/units_2025-03-01_sample.csv" --to district -o "$tmp/r.csv" "$FX/new_units_input.csv"
expect_status "rt units: --to district" 0 $?
grep -qE '^(province|national),' "$tmp/r.csv" && fail "rt units: --to district kept upper levels" || pass
grep -q '^district,001,2025-Q3,D01,' "$tmp/r.csv" && pass || fail "rt units: --to district lost districts"
"$REGRT" rollup "$RTLIB" --units "$FX/units_2025-07-01_sample.csv" --period year -o "$tmp/y.csv" "$FX/new_units_input.csv"
expect_status "rt units: --period year" 0 $?
grep -q '^national,VN,2025,D01,0,24,8,42,9,18,5,32,0,0,0,0.8438,4$' "$tmp/y.csv" && pass || fail "rt units: yearly national D01: $(grep '^national,VN,2025,D01' "$tmp/y.csv")"
"$REGRT" rollup "$RTLIB" --units "$FX/units_2025-07-01_sample.csv" --period 2025-Q4 -o "$tmp/q.csv" "$FX/new_units_input.csv"
[ "$(grep -c 2025-Q3 "$tmp/q.csv")" = 0 ] && [ "$(grep -c 2025-Q4 "$tmp/q.csv")" = 3 ] && pass || fail "rt units: --period 2025-Q4"
"$REGRT" rollup "$RTLIB" --units "$FX/units_2025-07-01_sample.csv" --period month -o "$tmp/m.csv" "$FX/new_units_input.csv"
grep -q '^commune,00004,2025-08,D01,3,1,1,5,1,1,1,3,1,1,2,0.6667,1$' "$tmp/m.csv" && pass || fail "rt units: --period month"

# validate against each list: 00001 exists only before the reform
"$REGRT" validate "$RTLIB" --units "$FX/units_2025-07-01_sample.csv" --rules V7 --format csv "$FX/new_units_input.csv" >"$tmp/v.csv" 2>/dev/null
expect_status "rt units: V7 with the new list" 1 $?
[ "$(tail -n +2 "$tmp/v.csv")" = "9,00001,2025-07,D01,V7,error" ] && pass || fail "rt units: V7 rows: $(cat "$tmp/v.csv")"
