# The shared core (runtime/core.h): figures that do not fit are said, never
# wrapped into a plausible number.
# regrt rollup --rebase: the warning that lists the figures of a left-out
# partial merge sums its rows; two populations of 9e18 used to print
# -446744073709551616.
if (cd "$ROOT" && "$REGC" build examples/rebase/civil_status.regime -o "$tmp/cs") >"$tmp/build.log" 2>&1; then
    printf 'unit,period,births,births_ontime,deaths,marriages,population\n' >"$tmp/big.csv"
    printf '21142,2025-Q2,16,13,5,6,9000000000000000000\n21142,2025-Q2,16,13,5,6,9000000000000000000\n' >>"$tmp/big.csv"
    "$REGRT" rollup "$tmp/cs" --units "$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv" \
        --rebase "$ROOT/stdlib/data/vn_commune_merges_2025-07-01.csv" "$tmp/big.csv" -o "$tmp/big.out" 2>"$tmp/big.err"
    grep -q 'left out of their totals: births 32, births_ontime 26, deaths 10, marriages 12, population (too large to add up)$' "$tmp/big.err" &&
        pass || fail "core: rebase warning with a sum past int64: $(grep re-basing "$tmp/big.err" | head -1)"
    grep -q -- '-446744073709551616' "$tmp/big.err" && fail "core: rebase warning wrapped to a negative number" || pass
    "$REGRT" rollup "$tmp/cs" --lang vi --units "$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv" \
        --rebase "$ROOT/stdlib/data/vn_commune_merges_2025-07-01.csv" "$tmp/big.csv" -o "$tmp/big.out" 2>"$tmp/big.err"
    grep -q 'population (quá lớn, không cộng được)$' "$tmp/big.err" && pass || fail "core: rebase overflow (vi)"
else
    fail "core: regc build civil_status failed: $(tail -3 "$tmp/build.log")"
fi

# regc: a date before 1970 is a date (it used to be E0006, "not a valid date")
printf 'form f {\n  reported by commune\n  period month\n  field born: date\n    range 1900-01-01 to 2025-12-31\n}\n' >"$tmp/d.regime"
(cd "$tmp" && "$REGC" check d.regime) >"$tmp/d.out" 2>&1
expect_status "core: a range from 1900-01-01" 0 $?
grep -q E0006 "$tmp/d.out" && fail "core: 1900-01-01 is not a valid date?" || pass
