# Totals by a hierarchy (`total over DIM by H` in a roll-up): the codes
# that H's `=` rules with only `+` parts compute are written from the groups
# of their leaf codes; sent rows with such a code are left out and counted.
# The figures below are worked out by hand; a total that counted the sent
# total rows, or a nested total's parts twice, fails. Needs `regc build`.
L="$tmp/htotals"
mkdir -p "$L"
cat >"$L/units.csv" <<'EOF'
province_code,province_name,commune_code,commune_name
P1,Tỉnh Một,C1,Xã Một
P1,Tỉnh Một,C2,Xã Hai
EOF
cat >"$L/a.regime" <<'EOF'
tiers t {
  units "units.csv"
  level nation
    code "VN"
  level province
    within nation
    column "province_code"
    names "province_name"
  level commune
    within province
    column "commune_code"
    names "commune_name"
}

regime a {
  version "1.0.0"
  frequency monthly
  submitted by commune
  tiers t
}

codelist lv {
  code TONG
  code NHOM
  code D01
  code D02
  code D03
  code X
}

hierarchy h on lv {
  rule T1 error
    check TONG = NHOM + D03
  rule T2 error
    check NHOM = D01 + D02
  rule T3 warning
    check X = D01 - D02
  rule T4 warning
    check D03 <= TONG
}

form f {
  reported by commune
  period month
  dimension lv: code in lv
  field x: count
}

rollup q for f {
  levels commune, nation
  period quarter
  total over lv by h
}
EOF
# ---- 1. TONG = NHOM + D03 with NHOM = D01 + D02: TONG is computed from
# D01, D02 and D03 (never from NHOM's rows as well); the sent TONG and
# NHOM rows (100, 50, 999) are left out; X (a rule with `-`) is kept as sent.
cat >"$L/a.csv" <<'EOF'
unit,period,lv,x
C1,2025-01,TONG,100
C1,2025-01,D01,1
C1,2025-01,D02,2
C1,2025-02,D03,4
C1,2025-01,NHOM,50
C1,2025-01,X,7
C2,2025-03,D01,8
C2,2025-03,TONG,999
EOF
# C1: NHOM 1+2 = 3, TONG 3+4 = 7; C2: NHOM = TONG = 8; the nation: D01 9,
# NHOM 9+2 = 11, TONG 11+4 = 15 (not 15+100+999, nor 15+11).
cat >"$L/a.expected" <<'EOF'
level,unit_code,quarter,lv,x
commune,C1,2025-Q1,D01,1
commune,C1,2025-Q1,D02,2
commune,C1,2025-Q1,D03,4
commune,C1,2025-Q1,NHOM,3
commune,C1,2025-Q1,TONG,7
commune,C1,2025-Q1,X,7
commune,C2,2025-Q1,D01,8
commune,C2,2025-Q1,NHOM,8
commune,C2,2025-Q1,TONG,8
nation,VN,2025-Q1,D01,9
nation,VN,2025-Q1,D02,2
nation,VN,2025-Q1,D03,4
nation,VN,2025-Q1,NHOM,11
nation,VN,2025-Q1,TONG,15
nation,VN,2025-Q1,X,7
EOF
if "$REGC" build "$L/a.regime" -o "$L/a" >"$L/a.build" 2>&1; then pass; else fail "htotals: regc build a"; cat "$L/a.build"; fi
"$REGRT" rollup "$L/a" --units "$L/units.csv" "$L/a.csv" -o "$L/a.out" 2>"$L/a.err"
expect_status "htotals: rollup a" 0 $?
cmp -s "$L/a.expected" "$L/a.out" && pass || { fail "htotals: computed totals"; diff "$L/a.expected" "$L/a.out"; cat "$L/a.err"; }
grep -q '^nation,VN,2025-Q1,TONG,15$' "$L/a.out" && pass || fail "htotals: national TONG counts a row twice: $(grep TONG "$L/a.out")"
# never dropped silently: the three sent total rows are counted, by reason
grep -q '8 rows read: 5 rolled up into 1 period(s), 0 rejected with errors, 3 left out' "$L/a.err" && pass ||
    { fail "htotals: row accounting"; cat "$L/a.err"; }
grep -q 'left out: 3 total code recomputed by hierarchy h$' "$L/a.err" && pass || { fail "htotals: left-out reason"; cat "$L/a.err"; }
"$REGRT" rollup "$L/a" --lang vi --units "$L/units.csv" "$L/a.csv" -o "$L/a.vi" 2>"$L/a.vierr"
grep -q 'bị bỏ ra: 3 dòng mã tổng được tính lại theo phân cấp h' "$L/a.vierr" && pass || { fail "htotals: vi reason"; cat "$L/a.vierr"; }
# rows of a computed code are the spec's doing: --strict does not fail on them
"$REGRT" rollup "$L/a" --strict --units "$L/units.csv" "$L/a.csv" -o "$L/a.strict" 2>/dev/null
expect_status "htotals: --strict" 0 $?

# the same figures through `regc test` (libregrt's in-memory roll-up): the
# hierarchy's totals are the ones regrt writes, and a test expecting the
# sent total rows added (15 + 100 + 999) fails
cp "$L/a.regime" "$L/t.regime"
cat >>"$L/t.regime" <<'EOF'

test "a hierarchy's totals in the roll-up" {
  data f (unit, period, lv, x)
    ("C1", 2025-01, TONG, 100)
    ("C1", 2025-01, D01, 1)
    ("C1", 2025-01, D02, 2)
    ("C1", 2025-02, D03, 4)
    ("C1", 2025-01, NHOM, 50)
    ("C1", 2025-01, X, 7)
    ("C2", 2025-03, D01, 8)
    ("C2", 2025-03, TONG, 999)
  expect q commune "C1" 2025-Q1 NHOM x = 3
  expect q commune "C1" 2025-Q1 TONG x = 7
  expect q commune "C2" 2025-Q1 TONG x = 8
  expect q nation "VN" 2025-Q1 NHOM x = 11
  expect q nation "VN" 2025-Q1 TONG x = 15
  expect q nation "VN" 2025-Q1 X x = 7
}
EOF
"$REGC" test "$L/t.regime" >"$L/t.out" 2>&1
expect_status "htotals: regc test" 0 $?
grep -q '1 passed, 0 failed' "$L/t.out" && pass || fail "htotals: regc test: $(cat "$L/t.out")"
sed 's/"VN" 2025-Q1 TONG x = 15/"VN" 2025-Q1 TONG x = 1114/' "$L/t.regime" >"$L/t2.regime"
"$REGC" test "$L/t2.regime" >"$L/t2.out" 2>&1
expect_status "htotals: regc test expecting the sent totals added" 1 $?
grep -q 'E0724.*gives x = 15 at nation VN, expected 1114' "$L/t2.out" && pass || fail "htotals: regc test double count: $(cat "$L/t2.out")"

# ---- 2. missing values, non_null: an empty or absent part makes the
# computed total empty (the row is not written), never 0.
sed 's/^  period quarter$/  period month\n  missing non_null/' "$L/a.regime" >"$L/m.regime"
cat >"$L/m.csv" <<'EOF'
unit,period,lv,x
C1,2025-01,D01,1
C1,2025-01,D02,
C1,2025-01,D03,4
C2,2025-01,D01,8
C2,2025-01,D02,2
C2,2025-01,D03,1
C2,2025-02,D01,3
C2,2025-02,D02,3
C1,2025-02,D01,1
C1,2025-02,D02,1
C1,2025-02,D03,1
EOF
# January: C1's D02 is empty, so its NHOM and TONG and the nation's are
# empty; C2's add up. February: C2 has no D03 row, which C1 has: C2's TONG
# is empty, its NHOM 6; the nation's TONG is empty, its NHOM 8 (and its D03, which C2 did not send).
cat >"$L/m.expected" <<'EOF'
level,unit_code,month,lv,x
commune,C1,2025-01,D01,1
commune,C1,2025-01,D03,4
commune,C1,2025-02,D01,1
commune,C1,2025-02,D02,1
commune,C1,2025-02,D03,1
commune,C1,2025-02,NHOM,2
commune,C1,2025-02,TONG,3
commune,C2,2025-01,D01,8
commune,C2,2025-01,D02,2
commune,C2,2025-01,D03,1
commune,C2,2025-01,NHOM,10
commune,C2,2025-01,TONG,11
commune,C2,2025-02,D01,3
commune,C2,2025-02,D02,3
commune,C2,2025-02,NHOM,6
nation,VN,2025-01,D01,9
nation,VN,2025-01,D03,5
nation,VN,2025-02,D01,4
nation,VN,2025-02,D02,4
nation,VN,2025-02,NHOM,8
EOF
if "$REGC" build "$L/m.regime" -o "$L/m" >"$L/m.build" 2>&1; then pass; else fail "htotals: regc build m"; cat "$L/m.build"; fi
"$REGRT" rollup "$L/m" --units "$L/units.csv" "$L/m.csv" -o "$L/m.out" 2>"$L/m.err"
expect_status "htotals: rollup m" 0 $?
cmp -s "$L/m.expected" "$L/m.out" && pass || { fail "htotals: non_null"; diff "$L/m.expected" "$L/m.out"; cat "$L/m.err"; }

# ---- 3. the spec: fmt keeps the clause, diff sees it, an unknown or
# foreign hierarchy is refused, and a plain total over the list still is.
"$REGC" fmt --check "$L/a.regime" >"$L/fmt.out" 2>&1
expect_status "htotals: fmt --check" 0 $?
sed 's/^  total over lv by h$//' "$L/a.regime" | sed 's/"1.0.0"/"2.0.0"/' >"$L/b.regime"
"$REGC" diff "$L/a.regime" "$L/b.regime" >"$L/diff.out" 2>&1
grep -q 'total-removed.*total over lv by h' "$L/diff.out" && pass || { fail "htotals: diff"; cat "$L/diff.out"; }
sed 's/total over lv by h$/total over lv by hh/' "$L/a.regime" >"$L/c.regime"
"$REGC" check "$L/c.regime" >"$L/c.out" 2>&1
expect_status "htotals: unknown hierarchy" 1 $?
grep -q 'E0394' "$L/c.out" && pass || { fail "htotals: E0394"; cat "$L/c.out"; }
sed 's/total over lv by h$/total over lv by h\n  total over lv/' "$L/a.regime" >"$L/d.regime"
"$REGC" check "$L/d.regime" >"$L/d.out" 2>&1
grep -q 'E0497' "$L/d.out" && pass || { fail "htotals: E0497 with by"; cat "$L/d.out"; }
