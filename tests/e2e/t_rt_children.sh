# children(): rows of units above a form's tier (parents sending their own
# figures) are checked against the sum of their children's valid rows of the
# same period and dimension values, at every tier above (district, province,
# nation), and reported like any finding, {imbalance} = own - children. They
# are never added into the roll-up. Needs `regc build`.
C_U="$ROOT/stdlib/data/vn_admin_units_2025-03-01.csv"
C_N="$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv"
C_EX="$ROOT/examples/twolevel"
mkdir -p "$tmp/spec"
cat >"$tmp/spec/kids.regime" <<'EOF'
import decree09
import vn_tiers

regime kids {
  version "1.0.0"
  label vi "Kiểm tra cấp dưới" en "Children check"
  kind periodic
  frequency monthly
  cutoff decree09
  content vi "Số người" en "Persons"
  submitted by commune, district, province
  received by national
  method electronic
  deadline commune 2 working days after cutoff
  deadline district 3 working days after cutoff
  deadline province 4 working days after cutoff
  outline vi "Đề cương" en "Outline"
  guidance vi "Mỗi giới tính một dòng" en "One row per sex"
  tiers vn_2025_03
  holidays vn_public
}

form f {
  label vi "Biểu" en "Form"
  reported by commune
  period month

  dimension sex: code in sex
    label vi "Giới tính" en "Sex"

  field n: persons
    label vi "Số người" en "Persons"
    required

  rule H1 warning
    check n = children(n)
    message vi "riêng {n}, cấp dưới {children(n)}, chênh lệch {imbalance}"
            en "own {n}, children {children(n)}, imbalance {imbalance}"

  rule U1 error
    check unit in commune
    missing fail
    message vi "mã '{unit}'" en "unknown unit '{unit}'"
}

rollup monthly for f {
  levels commune, district, province, national
  period month
  completeness n_units
}
EOF
cat >"$tmp/kids.csv" <<'EOF'
unit,period,sex,n
00001,2025-01,M,10
00001,2025-01,F,5
00004,2025-01,M,7
00006,2025-01,M,3
00007,2025-01,M,abc
001,2025-01,M,20
001,2025-01,F,6
01,2025-01,M,20
VN,2025-01,F,4
02,2025-01,M,9
001,2025-02,M,1
EOF
if (cd "$tmp/spec" && "$REGC" build kids.regime -o "$tmp/kids") >"$tmp/build.log" 2>&1 &&
    (cd "$ROOT" && "$REGC" build examples/twolevel/twolevel.regime -o "$tmp/twolevel") >>"$tmp/build.log" 2>&1; then
    "$REGRT" validate "$tmp/kids" --units "$C_U" "$tmp/kids.csv" >"$tmp/k.txt" 2>"$tmp/k.err"
    expect_status "children: validate (warnings only)" 0 $?
    # district 001: M 10 + 7 + 3 = 20 (00007's figure is malformed: not present), F 5 against 6
    grep -q 'row 7 (unit 001, period 2025-01, sex F): warning H1: own 6, children 5, imbalance 1$' "$tmp/k.txt" \
        && pass || fail "children: district F: $(cat "$tmp/k.txt")"
    # the nation: F 5 against 4
    grep -q 'row 9 (unit VN, period 2025-01, sex F): warning H1: own 4, children 5, imbalance -1$' "$tmp/k.txt" \
        && pass || fail "children: national F"
    [ "$(grep -c ' H1: ' "$tmp/k.txt")" = 2 ] && pass || fail "children: $(grep -c ' H1: ' "$tmp/k.txt") H1, expected 2 (01 M matches, 02 and 001 in February have no child)"
    # parents are units of the list: `unit in commune` (U1) holds for them
    grep -q 'unit 001.*U1\|unit 01,.*U1\|unit VN.*U1' "$tmp/k.txt" && fail "children: a parent row is an unknown unit" || pass
    grep -q '^  H1 *warning *2$' "$tmp/k.err" && pass || fail "children: summary"

    # CSV and JSON reports
    "$REGRT" validate "$tmp/kids" --units "$C_U" --format csv "$tmp/kids.csv" -o "$tmp/k.csv" 2>/dev/null
    grep -q '^7,001,2025-01,F,H1,warning$' "$tmp/k.csv" && grep -q '^9,VN,2025-01,F,H1,warning$' "$tmp/k.csv" \
        && pass || fail "children: csv report"
    "$REGRT" validate "$tmp/kids" --units "$C_U" --format json --lang vi "$tmp/kids.csv" -o "$tmp/k.json" 2>/dev/null
    python3 - "$tmp/k.json" <<'PY' && pass || fail "children: json report"
import json, sys
v = [x for x in json.load(open(sys.argv[1]))["violations"] if x["rule"] == "H1"]
assert [x["message"] for x in v] == ["riêng 6, cấp dưới 5, chênh lệch 1", "riêng 4, cấp dưới 5, chênh lệch -1"], v
PY

    # the roll-up: parents are checked, never summed
    grep -v '^001,\|^01,\|^VN,\|^02,' "$tmp/kids.csv" >"$tmp/leaves.csv"
    "$REGRT" rollup "$tmp/kids" --units "$C_U" -o "$tmp/r1.csv" --errors "$tmp/re.csv" -q "$tmp/kids.csv"
    expect_status "children: rollup" 0 $?
    "$REGRT" rollup "$tmp/kids" --units "$C_U" -o "$tmp/r2.csv" -q "$tmp/leaves.csv"
    cmp -s "$tmp/r1.csv" "$tmp/r2.csv" && pass || fail "children: parent rows changed the roll-up"
    grep -q '^national,VN,2025-01,F,5,1$' "$tmp/r1.csv" && pass || fail "children: roll-up national F: $(grep national "$tmp/r1.csv")"
    grep -q '^7,001,2025-01,F,H1,warning$' "$tmp/re.csv" && pass || fail "children: rollup --errors"

    # without --units there is no hierarchy: the rule is skipped, with a warning
    "$REGRT" validate "$tmp/kids" --format csv "$tmp/kids.csv" -o "$tmp/nu.csv" 2>"$tmp/nu.err"
    grep -q ',H1,' "$tmp/nu.csv" && fail "children: H1 without units" || pass
    grep -q 'rule(s) H1 compare units with the sum of their children and are skipped; add --units' "$tmp/nu.err" \
        && pass || fail "children: no warning without --units: $(cat "$tmp/nu.err")"
    # threads and standard input
    "$REGRT" validate "$tmp/kids" --units "$C_U" --format csv -j 3 - <"$tmp/kids.csv" >"$tmp/k3.csv" 2>/dev/null
    cmp -s "$tmp/k.csv" "$tmp/k3.csv" && pass || fail "children: standard input with threads"

    # twolevel: the province's own figures on form centre (README: H1 211, H2 93 in August)
    "$REGRT" validate "$tmp/twolevel" --units "$C_N" --form centre "$C_EX/centre_2025-08.csv" "$C_EX/centre_2025-09.csv" \
        "$C_EX/centre_province.csv" >"$tmp/t.txt" 2>/dev/null
    grep -q "centre_province.csv:2: row 1 (unit 11, period 2025-08): warning H1: The province's dossiers to settle (115 carried over + 1985 new) differ from its communes' (107 + 1782) by 211$" "$tmp/t.txt" \
        && pass || fail "children: twolevel H1: $(grep H1 "$tmp/t.txt")"
    grep -q "centre_province.csv:2: row 1 (unit 11, period 2025-08): warning H2: The province reports 1805 resolved, its communes 1712 (imbalance 93)$" "$tmp/t.txt" \
        && pass || fail "children: twolevel H2: $(grep H2 "$tmp/t.txt")"
    grep -q 'unit 11, period 2025-09' "$tmp/t.txt" && fail "children: September matches its communes" || pass
    # the province's rows pass K5 (a unit of the list) and join their own previous month (K2)
    grep -q 'unit 11.*K[25]' "$tmp/t.txt" && fail "children: the province's rows fail K2 or K5" || pass
    "$REGRT" validate "$tmp/twolevel" --units "$C_N" --form centre --rules K5 "$C_EX/centre_province.csv" >/dev/null 2>&1
    expect_status "children: parents are units of the list whatever rules are selected" 0 $?
else
    fail "children: regc build failed: $(tail -3 "$tmp/build.log")"
fi
