# form.field: regrt joins the rows of the form being checked with the other
# form's rows of the same unit and period, from the other form's files given
# in the same run (matched by their header); a row with no such row skips
# the rule; a rule reading a form of which no file is given is skipped with
# a warning; a repeated key gives no row; any order of files and threads.
# Needs `regc build` (examples/itplan).
X_N="$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv"
X_EX="$ROOT/examples/itplan"
if (cd "$ROOT" && "$REGC" build examples/itplan/itplan.regime -o "$tmp/itplan") >"$tmp/build.log" 2>&1; then
    L="$tmp/itplan"
    B="$X_EX/budget_2025.csv" I="$X_EX/indicators_2025.csv"

    # 38 has no plan and spent 12 billion: B2; the other provinces have one
    "$REGRT" validate "$L" --units "$X_N" --form budget "$B" "$I" >"$tmp/v.txt" 2>"$tmp/v.err"
    expect_status "cross: validate budget with indicators" 1 $?
    grep -q 'budget_2025.csv:5: row 4 (unit 38, period 2025): warning B2: 12000000000 VND spent with no yearly plan issued$' "$tmp/v.txt" \
        && pass || fail "cross: B2 on 38: $(cat "$tmp/v.txt")"
    [ "$(grep -c ' B2: ' "$tmp/v.txt")" = 1 ] && pass || fail "cross: exactly one B2"
    grep -q 'indicators_2025' "$tmp/v.txt" && fail "cross: the indicators file is checked as budget" || pass

    # files in the other order, one thread or four: the same bytes
    "$REGRT" validate "$L" --units "$X_N" --form budget --format csv "$B" "$I" -o "$tmp/a.csv" 2>/dev/null
    "$REGRT" validate "$L" --units "$X_N" --form budget --format csv -j 4 "$I" "$B" -o "$tmp/b.csv" 2>/dev/null
    "$REGRT" validate "$L" --units "$X_N" --form budget --format csv -j 1 "$I" "$B" -o "$tmp/c.csv" 2>/dev/null
    cmp -s "$tmp/a.csv" "$tmp/b.csv" && cmp -s "$tmp/a.csv" "$tmp/c.csv" && pass || fail "cross: order of files or threads matters"
    grep -q '^4,38,2025,B2,warning$' "$tmp/a.csv" && pass || fail "cross: B2 in the CSV report"

    # --verbose says what was joined
    "$REGRT" validate "$L" --form budget -v "$B" "$I" >/dev/null 2>"$tmp/verb.err"
    grep -q 'form indicators: 7 rows indexed, 6 of 6 rows joined' "$tmp/verb.err" && pass || fail "cross: verbose join: $(cat "$tmp/verb.err")"

    # no indicators file: B2 is skipped, with a warning
    "$REGRT" validate "$L" --units "$X_N" --form budget "$B" >"$tmp/n.txt" 2>"$tmp/n.err"
    expect_status "cross: budget alone" 1 $?
    grep -q ' B2: ' "$tmp/n.txt" && fail "cross: B2 without the indicators" || pass
    grep -q 'rule(s) B2 read another form' "$tmp/n.err" && pass || fail "cross: warning without the other form: $(cat "$tmp/n.err")"

    # a province absent from the indicators, or there twice: B2 skipped;
    # missing has_plan reads as missing too
    printf 'unit,period,allocated,spent,projects\n38,2025,100,50,1\n46,2025,100,50,1\n01,2025,100,50,1\n11,2024,100,50,1\n' >"$tmp/b2.csv"
    printf 'unit,period,agencies_total,agencies_portal,dossiers_total,dossiers_online,procedures_total,procedures_l3,procedures_l4,highest_level,online_target,has_plan\n' >"$tmp/i2.csv"
    printf '38,2025,10,10,10,10,10,1,1,L4,90,false\n46,2025,10,10,10,10,10,1,1,L4,90,false\n46,2025,10,10,10,10,10,1,1,L4,90,false\n01,2025,10,10,10,10,10,1,1,L4,90,\n11,2025,10,10,10,10,10,1,1,L4,90,false\n' >>"$tmp/i2.csv"
    "$REGRT" validate "$L" --form budget --format csv --rules B2 "$tmp/b2.csv" "$tmp/i2.csv" -o "$tmp/k.csv" 2>"$tmp/k.err"
    [ "$(tail -n +2 "$tmp/k.csv")" = "1,38,2025,B2,warning" ] && pass || fail "cross: keys: $(cat "$tmp/k.csv")"
    grep -q "1 row(s) match more than one row of form 'indicators'" "$tmp/k.err" && pass || fail "cross: repeated key warning: $(cat "$tmp/k.err")"

    # roll-up: budget with the indicators runs B2 too (a warning: no effect)
    "$REGRT" rollup "$L" --units "$X_N" --form budget -q "$B" "$I" -o "$tmp/r1.csv" 2>/dev/null
    expect_status "cross: rollup budget with indicators" 0 $?
    "$REGRT" rollup "$L" --units "$X_N" --form budget -q "$B" -o "$tmp/r2.csv" 2>/dev/null
    cmp -s "$tmp/r1.csv" "$tmp/r2.csv" && pass || fail "cross: the roll-up changed"
else
    fail "cross: regc build itplan: $(cat "$tmp/build.log")"
fi
