# Missing values in roll-ups: the six missing-value modes (SDMX VTL 2.1
# `hierarchy`), empty values that stay empty, stocks taken from the last or
# first sub-period present (or the calendar one, `strict`), the coverage
# columns, and duplicated keys. Every expected output below was worked out
# by hand from the data (the comments say how). Needs `regc build`.
M="$tmp/m"
mkdir -p "$M"
cat >"$M/units.csv" <<'EOF'
commune_code,commune_name
A,Commune A
B,Commune B
C,Commune C
EOF
# One spec, six roll-ups of the same form, one per mode.
{
cat <<'EOF'
regime m {
  version "1.0.0"
  frequency monthly
  submitted by commune
  tiers t
}
tiers t {
  level nation
    code "VN"
  level commune
    within nation
    column "commune_code"
}
form f {
  reported by commune
  period month
  field x: count
  field s: count
    stock closing
  field t: count
    stock closing strict
  field o: count
    stock opening
}
EOF
for mode in non_null non_zero partial_null partial_zero always_null always_zero; do
    printf 'rollup %s for f {\n  levels commune, nation\n  period quarter\n  completeness n\n  coverage months\n  missing %s\n}\n' "$mode" "$mode"
done
} >"$M/m.regime"
# A sends the three months of 2025-Q1; B sends January and February, with x
# empty in February; C sends nothing (it is expected: it is in the units file).
cat >"$M/data.csv" <<'EOF'
unit,period,x,s,t,o
A,2025-01,1,10,100,5
A,2025-02,2,20,200,6
A,2025-03,3,30,300,7
B,2025-01,4,40,400,8
B,2025-02,,50,500,9
EOF
if "$REGC" build "$M/m.regime" -o "$M/lib" >"$M/build.out" 2>&1; then pass; else fail "missing: regc build"; cat "$M/build.out"; fi
# By hand. A: x = 1+2+3 = 6, s = March's 30, t = March's 300, o = January's 5,
# 3 months covered. B: x has an empty value (February) so it is empty; s = February's
# 50 (the last month present); t needs March (strict): absent; o = 8; 2 months.
# VN: x empty (B's), s = 30 + 50 = 80 with C absent, t = 300 with B and C
# absent, o = 5 + 8 = 13 with C absent; 3 months covered. Items: for x, 9 unit-months are
# expected (3 units x 3 months) and 5 found; for the stocks, 3 units.
H='level,unit_code,quarter,x,s,t,o,n,months,s_from,o_from'
m_expect() { # MODE then the lines after the header
    mode=$1; shift
    { echo "$H"; for l in "$@"; do echo "$l"; done; } >"$M/want.$mode"
    "$REGRT" rollup "$M/lib" --rollup "$mode" --units "$M/units.csv" -q -o "$M/got.$mode" "$M/data.csv" 2>"$M/err.$mode"
    expect_status "missing $mode: exit" 0 $?
    expect_file "missing $mode" "$M/want.$mode" "$M/got.$mode"
}
# non_null: a cell only when no item is absent or empty; VN has none: no row.
m_expect non_null \
    'commune,A,2025-Q1,6,30,300,5,1,3,2025-03,2025-01' \
    'commune,B,2025-Q1,,50,,8,1,2,2025-02,2025-01'
# non_zero: absent items are 0; B's t is then 0, which is not produced.
m_expect non_zero \
    'commune,A,2025-Q1,6,30,300,5,1,3,2025-03,2025-01' \
    'commune,B,2025-Q1,,50,,8,1,2,2025-02,2025-01' \
    'nation,VN,2025-Q1,,80,300,13,2,3,2025-02,2025-01'
# partial_null: a row when something was found; absent items make it empty.
m_expect partial_null \
    'commune,A,2025-Q1,6,30,300,5,1,3,2025-03,2025-01' \
    'commune,B,2025-Q1,,50,,8,1,2,2025-02,2025-01' \
    'nation,VN,2025-Q1,,,,,2,3,2025-02,2025-01'
# partial_zero (the default): absent items add nothing.
m_expect partial_zero \
    'commune,A,2025-Q1,6,30,300,5,1,3,2025-03,2025-01' \
    'commune,B,2025-Q1,,50,0,8,1,2,2025-02,2025-01' \
    'nation,VN,2025-Q1,,80,300,13,2,3,2025-02,2025-01'
# always_null: every unit has a row; C's cells are empty (all absent).
m_expect always_null \
    'commune,A,2025-Q1,6,30,300,5,1,3,2025-03,2025-01' \
    'commune,B,2025-Q1,,50,,8,1,2,2025-02,2025-01' \
    'commune,C,2025-Q1,,,,,0,0,,' \
    'nation,VN,2025-Q1,,,,,2,3,2025-02,2025-01'
# always_zero: every unit has a row; what is absent counts as 0.
m_expect always_zero \
    'commune,A,2025-Q1,6,30,300,5,1,3,2025-03,2025-01' \
    'commune,B,2025-Q1,,50,0,8,1,2,2025-02,2025-01' \
    'commune,C,2025-Q1,0,0,0,0,0,0,,' \
    'nation,VN,2025-Q1,,80,300,13,2,3,2025-02,2025-01'

# Duplicates: the same file given twice, and a row repeated inside a file.
# The repeated key is an error: its unit's quarter is left out (which of the
# rows is right cannot be known) and stderr says so with the code DUP1.
"$REGRT" rollup "$M/lib" --rollup partial_zero --units "$M/units.csv" -o "$M/dup.csv" "$M/data.csv" "$M/data.csv" 2>"$M/dup.err"
expect_status "missing: duplicated file: exit" 0 $?
{ echo "$H"; } >"$M/want.dup"
expect_file "missing: a file given twice adds nothing" "$M/want.dup" "$M/dup.csv"
if grep -q '\[DUP1\] 5 row(s) repeat' "$M/dup.err" && grep -q 'unit A, period 2025-01: sent more than once' "$M/dup.err"; then pass
else fail "missing: duplicated file not reported"; cat "$M/dup.err"; fi
{ cat "$M/data.csv"; echo 'B,2025-01,4,40,400,8'; } >"$M/dup1.csv"
"$REGRT" rollup "$M/lib" --rollup partial_zero --units "$M/units.csv" -o "$M/dup1.out" "$M/dup1.csv" 2>"$M/dup1.err"
{ echo "$H"; echo 'commune,A,2025-Q1,6,30,300,5,1,3,2025-03,2025-01'; echo 'nation,VN,2025-Q1,6,30,300,5,1,3,2025-03,2025-01'; } >"$M/want.dup1"
expect_file "missing: a repeated row leaves its unit's quarter out" "$M/want.dup1" "$M/dup1.out"
if grep -q 'unit B, period 2025-01: sent more than once' "$M/dup1.err"; then pass; else fail "missing: repeated row not reported"; cat "$M/dup1.err"; fi
"$REGRT" rollup "$M/lib" --rollup partial_zero --units "$M/units.csv" -v -o "$M/dup1.out" "$M/dup1.csv" 2>"$M/dup1.v"
if grep -q "left out: 1 repeat an earlier row's key (DUP1)" "$M/dup1.v" && grep -q 'left out: 2 in a group left out for a repeated key (DUP1)' "$M/dup1.v"; then pass
else fail "missing: duplicates not in the summary"; cat "$M/dup1.v"; fi

# validate and status report every repeated key with both places (DUP1).
"$REGRT" validate "$M/lib" --units "$M/units.csv" -o "$M/v.txt" "$M/dup1.csv" "$M/data.csv" 2>"$M/v.err"
expect_status "missing: validate with repeated keys" 1 $?
if grep -q '\[DUP1\] 6 row(s) repeat' "$M/v.err" &&
    grep -q "\[DUP1\]   $M/dup1.csv:7 (row 6) repeats $M/dup1.csv:5 (row 4)" "$M/v.err" &&
    grep -q "\[DUP1\]   $M/data.csv:2 (row 1) repeats $M/dup1.csv:2 (row 1)" "$M/v.err"; then pass
else fail "missing: validate DUP1: $(cat "$M/v.err")"; fi
"$REGRT" status "$M/lib" --units "$M/units.csv" --as-of 2025-05-01 -o "$M/s.txt" "$M/dup1.csv" 2>"$M/s.err"
grep -q "\[DUP1\]   $M/dup1.csv:7 (row 6) repeats $M/dup1.csv:5 (row 4)" "$M/s.err" && pass ||
    fail "missing: status DUP1: $(cat "$M/s.err")"

# SDMX VTL 2.1 reference manual, `hierarchy` examples 1-3 (ds_1, HR_1): the
# rules A = J+K+L ... H = D+E are a tree of units (I = D + G is not a tree and
# is left out). Me_1 of U is NULL (an empty value); R, J, K, L, Y, W, Z sent
# nothing.
V="$tmp/vtl"
mkdir -p "$V"
cat >"$V/units.csv" <<'EOF'
leaf,item,group
J,A,X
K,A,X
L,A,X
M,B,G
N,B,G
O,B,G
P,C,G
Q,C,G
R,D,H
S,D,H
T,E,H
U,E,H
V,E,H
Y,F,X
W,F,X
Z,F,X
EOF
{
cat <<'EOF'
regime vtl {
  version "1.0.0"
  frequency yearly
  submitted by leaf
  tiers t
}
tiers t {
  level top
    code "ALL"
  level group
    within top
    column "group"
  level item
    within group
    column "item"
  level leaf
    within item
    column "leaf"
}
form ds_1 {
  reported by leaf
  period year
  field me_1: integer
}
EOF
for mode in non_null non_zero partial_null; do
    printf 'rollup %s for ds_1 {\n  levels item, group\n  period year\n  missing %s\n}\n' "$mode" "$mode"
done
} >"$V/vtl.regime"
cat >"$V/ds_1.csv" <<'EOF'
unit,period,me_1
M,2010,2
N,2010,5
O,2010,4
P,2010,7
Q,2010,-7
S,2010,3
T,2010,9
U,2010,
V,2010,6
EOF
if "$REGC" build "$V/vtl.regime" -o "$V/lib" >"$V/build.out" 2>&1; then pass; else fail "vtl: regc build"; cat "$V/build.out"; fi
v_expect() {
    mode=$1; ex=$2; shift 2
    { echo 'level,unit_code,year,me_1'; for l in "$@"; do echo "$l"; done; } >"$V/want.$mode"
    "$REGRT" rollup "$V/lib" --rollup "$mode" --units "$V/units.csv" -q -o "$V/got.$mode" "$V/ds_1.csv" 2>"$V/err.$mode"
    expect_status "vtl $mode: exit" 0 $?
    expect_file "vtl hierarchy $mode (VTL 2.1 ex_$ex)" "$V/want.$mode" "$V/got.$mode"
}
# ex_1.csv: B 11, C 0, G 11
v_expect non_null 1 'item,B,2010,11' 'item,C,2010,0' 'group,G,2010,11'
# ex_2.csv: B 11, D 3, E NULL, G 11, H NULL (and I 14, not a tree)
v_expect non_zero 2 'item,B,2010,11' 'item,D,2010,3' 'item,E,2010,' 'group,G,2010,11' 'group,H,2010,'
# ex_3.csv: B 11, C 0, D NULL, E NULL, G 11, H NULL (and I NULL)
v_expect partial_null 3 'item,B,2010,11' 'item,C,2010,0' 'item,D,2010,' 'item,E,2010,' 'group,G,2010,11' \
    'group,H,2010,'

# Relative tolerance: `tolerance 1% of total` holds when |parts - total| <=
# 1% of |total|. By hand: 100 vs 101 (1 <= 1.01) passes, 100 vs 102 (2 >
# 1.02) fails, 10 vs 11 (1 > 0.11) fails; an empty total cannot be evaluated
# (skipped). The same in `regc test` (the evaluator) and `regrt validate`
# (the kernels), and in the form's XForms constraint.
R="$tmp/rel"
mkdir -p "$R"
cat >"$R/rel.regime" <<'EOF'
regime rel {
  version "1.0.0"
  frequency monthly
  submitted by commune
  tiers t
}
tiers t {
  level nation
    code "VN"
  level commune
    within nation
    column "commune_code"
}
form f {
  reported by commune
  period month
  field parts: count
  field total: count
  rule T1 error
    check parts = total
    tolerance 1% of total
    message en "parts {parts} and total {total} differ by more than 1%"
}
test "within 1% of the total" {
  data f (unit, period, parts, total)
    ("A", 2025-01, 101, 100)
    ("A", 2025-02, 102, 100)
    ("A", 2025-03, 11, 10)
    ("A", 2025-04, 5, missing)
  expect row 1 passes
  expect row 2 fails T1
  expect row 3 fails T1
  expect row 4 passes
}
EOF
"$REGC" test "$R/rel.regime" >"$R/test.out" 2>&1
expect_status "relative tolerance: regc test" 0 $?
"$REGC" check "$R/rel.regime" >"$R/check.out" 2>&1
grep -q W0306 "$R/check.out" && fail "relative tolerance: W0306 on an 'of' tolerance" || pass
if "$REGC" build "$R/rel.regime" -o "$R/lib" >"$R/build.out" 2>&1; then pass; else fail "relative tolerance: regc build"; cat "$R/build.out"; fi
printf 'unit,period,parts,total\nA,2025-01,101,100\nA,2025-02,102,100\nA,2025-03,11,10\nA,2025-04,5,\n' >"$R/d.csv"
"$REGRT" validate "$R/lib" --format csv -o "$R/v.csv" "$R/d.csv" 2>/dev/null
expect_status "relative tolerance: validate" 1 $?
[ "$(cut -d, -f1,4 "$R/v.csv" | tail -n +2 | tr '\n' ' ')" = '2,T1 3,T1 ' ] && pass || fail "relative tolerance: kernels: $(cat "$R/v.csv")"
grep -q '(abs(/f/parts - /f/total) &lt;= (0.01 \* abs(/f/total)))' "$R/lib/forms/f.xform.xml" && pass ||
    fail "relative tolerance: XForms constraint: $(grep -o 'constraint="[^"]*abs[^"]*"' "$R/lib/forms/f.xform.xml")"
