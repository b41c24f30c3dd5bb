# The runtime with the library regc really builds from examples/tthc (when
# this build of regc can build it): same bytes as the hand-written fixture
# on the benchmark's edge cases. A failed build is a failure.
FX="$ROOT/tests/fixtures"
if (cd "$ROOT" && "$REGC" build examples/tthc/tthc.regime -o "$tmp/lib") >"$tmp/build.log" 2>&1 && [ -f "$tmp/lib/tthc.so" ]; then
    "$REGRT" rollup "$tmp/lib" --units "$FX/edge_units.csv" --errors "$tmp/e.csv" -o "$tmp/r.csv" "$FX/edge_input.csv" 2>"$tmp/err"
    expect_status "rt regc: rollup with the compiled library" 0 $?
    cmp -s "$FX/edge_errors.csv" "$tmp/e.csv" && pass || { fail "rt regc: errors.csv"; diff "$FX/edge_errors.csv" "$tmp/e.csv" | head -5; }
    cmp -s "$FX/edge_rollup.csv" "$tmp/r.csv" && pass || { fail "rt regc: rollup.csv"; diff "$FX/edge_rollup.csv" "$tmp/r.csv" | head -5; }
    "$REGRT" calendar "$tmp/lib" --year 2025 --holidays "$FX/vn_holidays_2025.csv" --format csv >"$tmp/c.csv" 2>/dev/null
    expect_status "rt regc: calendar" 0 $?
else
    fail "rt regc: regc build tthc failed: $(tail -3 "$tmp/build.log")"
fi
