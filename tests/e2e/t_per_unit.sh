# Per-unit fields (`per unit`) in a dimensioned form: repeated on every row
# of the unit and period and refused when two rows disagree (both places);
# a rule on per-unit fields only is reported once per unit and period, a
# mixed one on every row; the roll-up counts them once per unit, on the
# unit's own row (empty dimension columns); XML gives them once, outside
# the rows. Then the 3,321 communes of the units file, 3 domains, 3 months.
PU_SPEC="$ROOT/tests/golden/forms/perunit.regime"
PU_U="$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv"
if (cd "$ROOT" && "$REGC" build "$PU_SPEC" -o "$tmp/lib") >"$tmp/build.log" 2>&1; then
    L="$tmp/lib"
    cat >"$tmp/d.csv" <<'CSV'
unit,period,domain,received,resolved,staff,trainees,head
00004,2025-08,D01,10,8,5,7,An
00004,2025-08,D02,20,25,5,7,An
00004,2025-08,D03,5,5,5,7,An
00008,2025-08,D01,3,3,4,1,Binh
00008,2025-08,D02,3,3,4,1,Binh
CSV
    "$REGRT" validate "$L" --units "$PU_U" --format csv "$tmp/d.csv" -o "$tmp/v.csv" 2>"$tmp/v.err"
    expect_status "per unit: validate" 1 $?
    [ "$(grep -c ',U2,' "$tmp/v.csv")" = 1 ] && pass || fail "per unit: U2 once per unit: $(cat "$tmp/v.csv")"
    grep -q '^1,00004,2025-08,D01,U2,warning' "$tmp/v.csv" && pass || fail "per unit: U2 on the first domain's row"
    grep -q '^2,00004,2025-08,D02,U1,error' "$tmp/v.csv" && pass || fail "per unit: U1 per row"
    "$REGRT" validate "$L" --units "$PU_U" "$tmp/d.csv" >/dev/null 2>"$tmp/v.err"
    grep -q '^  U2 *warning *1$' "$tmp/v.err" && pass || fail "per unit: U2 counted once: $(cat "$tmp/v.err")"
    # --results all: one U2 result per unit and period
    "$REGRT" validate "$L" --units "$PU_U" --results all --format csv "$tmp/d.csv" -o "$tmp/all.csv" 2>/dev/null
    [ "$(grep -c ',U2,' "$tmp/all.csv")" = 2 ] && pass || fail "per unit: U2 results: $(grep ',U2,' "$tmp/all.csv")"
    [ "$(grep -c ',U3,' "$tmp/all.csv")" = 5 ] && pass || fail "per unit: U3 on every row"

    # the roll-up: staff once per commune, on the unit's row
    "$REGRT" rollup "$L" --rollup monthly --units "$PU_U" "$tmp/d.csv" -o "$tmp/r.csv" 2>/dev/null
    expect_status "per unit: rollup" 0 $?
    grep -q '^commune,00004,2025-08,,,,5,7,12,1$' "$tmp/r.csv" && pass || fail "per unit: the commune's own row: $(cat "$tmp/r.csv")"
    grep -q '^commune,00008,2025-08,D01,3,3,,,,1$' "$tmp/r.csv" && pass || fail "per unit: a domain row leaves staff empty"
    grep -q '^province,01,2025-08,,,,9,8,17,2$' "$tmp/r.csv" && pass || fail "per unit: province staff 5 + 4"
    grep -q '^national,VN,2025-08,D01,13,11,,,,2$' "$tmp/r.csv" && pass || fail "per unit: national D01"

    # with a total over every dimension, the per-unit figures sit on that
    # total row (_T), counted once, and there is no separate unit row
    sed 's/^rollup monthly for desk {$/rollup monthly for desk {\n  total over domain/' "$PU_SPEC" >"$tmp/tot.regime"
    if (cd "$ROOT" && "$REGC" build "$tmp/tot.regime" -o "$tmp/tot") >"$tmp/tot.log" 2>&1; then
        "$REGRT" rollup "$tmp/tot" --rollup monthly --units "$PU_U" "$tmp/d.csv" -o "$tmp/t.csv" 2>/dev/null
        grep -q '^commune,00004,2025-08,_T,15,13,5,7,12,1$' "$tmp/t.csv" && pass || fail "per unit: the total row carries staff: $(cat "$tmp/t.csv")"
        grep -q '^province,01,2025-08,_T,21,19,9,8,17,2$' "$tmp/t.csv" && pass || fail "per unit: province total row"
        grep -q '^[a-z]*,[0-9A-Z]*,2025-08,,' "$tmp/t.csv" && fail "per unit: a unit row beside the total row" || pass
    else
        fail "per unit: cannot build with total over domain: $(cat "$tmp/tot.log")"
    fi

    # two values of one unit and period: refused, both rows named
    sed 's/^00008,2025-08,D02,3,3,4,1,Binh$/00008,2025-08,D02,3,3,6,1,Binh/' "$tmp/d.csv" >"$tmp/c.csv"
    "$REGRT" validate "$L" --units "$PU_U" "$tmp/c.csv" >"$tmp/c.out" 2>"$tmp/c.err"
    expect_status "per unit: conflict" 2 $?
    grep -q "c.csv row 4 and .*c.csv row 5 give unit '00008', period 2025-08, two values of .staff., which is reported once per unit and period: 4 and 6" "$tmp/c.err" \
        && pass || fail "per unit: conflict message: $(cat "$tmp/c.err")"
    "$REGRT" rollup "$L" --rollup monthly --units "$PU_U" "$tmp/c.csv" -o "$tmp/cr.csv" 2>"$tmp/cr.err"
    expect_status "per unit: conflict in a roll-up" 2 $?
    [ -s "$tmp/cr.csv" ] && fail "per unit: a roll-up written despite the conflict" || pass
    # an empty cell on one row only is a conflict too
    sed 's/^00008,2025-08,D02,3,3,4,1,Binh$/00008,2025-08,D02,3,3,4,,Binh/' "$tmp/d.csv" >"$tmp/e.csv"
    "$REGRT" validate "$L" --units "$PU_U" "$tmp/e.csv" >/dev/null 2>"$tmp/e.err"
    expect_status "per unit: empty on one row" 2 $?
    grep -q "trainees., which is reported once per unit and period: 1 and empty" "$tmp/e.err" && pass || fail "per unit: empty conflict: $(cat "$tmp/e.err")"
    # the same rows over two files are compared too
    head -4 "$tmp/c.csv" >"$tmp/c1.csv"
    { head -1 "$tmp/c.csv"; tail -2 "$tmp/c.csv"; } >"$tmp/c2.csv"
    "$REGRT" validate "$L" --units "$PU_U" "$tmp/c1.csv" "$tmp/c2.csv" >/dev/null 2>"$tmp/c2.err"
    expect_status "per unit: conflict across files" 2 $?
    grep -q "c2.csv row 1 and .*c2.csv row 2" "$tmp/c2.err" && pass || fail "per unit: across files: $(cat "$tmp/c2.err")"

    # --apportion would split the unit's own figures: refused
    printf 'old_code,new_code,share\n00004,00004,1\n' >"$tmp/shares.csv"
    "$REGRT" rollup "$L" --rollup monthly --units "$PU_U" --rebase "$ROOT/stdlib/data/vn_commune_merges_2025-07-01.csv" \
        --apportion "$tmp/shares.csv" "$tmp/d.csv" -o "$tmp/ap.csv" 2>"$tmp/ap.err"
    expect_status "per unit: --apportion refused" 2 $?
    grep -q "apportion cannot split the rows of form 'desk'" "$tmp/ap.err" && pass || fail "per unit: apportion message: $(cat "$tmp/ap.err")"

    # quarterly: staff is a closing stock, per commune, then summed
    cat >"$tmp/q.csv" <<'CSV'
unit,period,domain,received,resolved,staff,trainees,head
00004,2025-07,D01,10,8,6,,An
00004,2025-07,D02,10,8,6,,An
00004,2025-08,D01,10,8,5,,An
00004,2025-08,D02,20,15,5,,An
00004,2025-09,D02,20,15,4,,An
00008,2025-08,D01,3,3,4,1,Binh
CSV
    "$REGRT" rollup "$L" --rollup quarterly --units "$PU_U" "$tmp/q.csv" -o "$tmp/q.out" 2>/dev/null
    grep -q '^commune,00004,2025-Q3,,,,4,,,1$' "$tmp/q.out" && pass || fail "per unit: closing staff of the quarter: $(cat "$tmp/q.out")"
    grep -q '^province,01,2025-Q3,,,,8,,,2$' "$tmp/q.out" && pass || fail "per unit: province Q3 staff 4 + 4"

    # XML: staff once, outside the rows; the same findings as the CSV
    grep -q '<xs:element name="staff"' "$L/forms/desk.xsd" && pass || fail "per unit: staff in the XSD"
    awk '/<row>/{exit} {print}' "$L/forms/desk.xform.xml" | grep -q '<staff/>' && pass || fail "per unit: staff outside the repeat's instance"
    awk '/<repeat/,/<\/repeat>/' "$L/forms/desk.xform.xml" | grep -q '/desk/row/staff\|ref="/desk/staff"' \
        && fail "per unit: staff asked in the repeat" || pass
    cat >"$tmp/x.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<desk id="desk" version="1.0.0">
  <unit>00004</unit>
  <period>2025-08</period>
  <staff>5</staff>
  <trainees>7</trainees>
  <head>An</head>
  <row><domain>D01</domain><received>10</received><resolved>8</resolved></row>
  <row><domain>D02</domain><received>20</received><resolved>25</resolved></row>
</desk>
XML
    "$REGRT" validate "$L" --units "$PU_U" --format csv "$tmp/x.xml" -o "$tmp/x.csv" 2>"$tmp/x.err"
    expect_status "per unit: XML validate" 1 $?
    [ "$(grep -c ',U2,' "$tmp/x.csv")" = 1 ] && pass || fail "per unit: XML U2 once: $(cat "$tmp/x.csv" "$tmp/x.err")"
    grep -q ',D02,U1,error' "$tmp/x.csv" && pass || fail "per unit: XML U1 on its row"

    # real-sized: every commune of the units file, 3 domains, 3 months; a
    # commune's staff counted once per province whatever its domains
    awk -F, 'NR > 1 && $5 != "" {
        for (m = 7; m <= 9; m++) for (d = 1; d <= 3; d++) {
            if (d == 3 && NR % 2) continue
            s = NR % 7 + 1
            printf "%s,2025-%02d,D0%d,%d,%d,%d,%d,H%s\n", $5, m, d, d * 3, d * 2, s, s % 3, $5
        }
    }' "$PU_U" >"$tmp/big.body"
    { echo "unit,period,domain,received,resolved,staff,trainees,head"; cat "$tmp/big.body"; } >"$tmp/big.csv"
    # staff: the closing stock (September), trainees: a flow (three months),
    # workforce: closing; each once per commune and month
    awk -F, '!seen[$1 "," $2]++ { tr += $7; if ($2 == "2025-09") { st += $6; w += $6 + $7 } }
        END { print st "," tr "," w }' "$tmp/big.body" >"$tmp/want"
    "$REGRT" rollup "$L" --rollup quarterly --units "$PU_U" "$tmp/big.csv" -o "$tmp/big.out" 2>"$tmp/big.err"
    expect_status "per unit: real-sized roll-up" 0 $?
    want=$(cat "$tmp/want")
    grep -q "^national,VN,2025-Q3,,,,$want,3321\$" "$tmp/big.out" && pass || fail "per unit: national staff once per commune ($want): $(grep '^national' "$tmp/big.out")"
    [ "$(grep -c '^commune,[0-9]*,2025-Q3,,' "$tmp/big.out")" = 3321 ] && pass || fail "per unit: one unit row per commune"
    "$REGRT" validate "$L" --units "$PU_U" --format csv "$tmp/big.csv" -o "$tmp/bigv.csv" 2>/dev/null
    # U2 (trainees <= staff) holds everywhere; U3 never fires (staff > 0)
    [ "$(grep -c ',U[23],' "$tmp/bigv.csv")" = 0 ] && pass || fail "per unit: real-sized findings"
else
    fail "per unit: cannot build the fixture: $(cat "$tmp/build.log")"
fi
