# Totals across dimensions (`total over DIM, ...` in a roll-up): rows with
# `_T` in the totalled dimensions, made from the same groups as the rows
# above them. Every expected figure below is worked out by hand from the
# rows of the test (the arithmetic is in the comments); a total that counted
# a row twice, or turned an empty value into 0, fails. Needs `regc build`.
L="$tmp/totals"
mkdir -p "$L"
cat >"$L/units.csv" <<'EOF'
province_code,province_name,commune_code,commune_name
P1,Tỉnh Một,C1,Xã Một
P1,Tỉnh Một,C2,Xã Hai
P2,Tỉnh Hai,C3,Xã Ba
EOF
cat >"$L/tiers.regime" <<'EOF'
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
EOF

# ---- 1. every kind of aggregation, three totals (over one dimension, the
# other, both): each is made from the unit's own rows, never from another
# total, so the grand total of x is 1+2+4+8+16 = 31, not 62 or 93.
{ cat "$L/tiers.regime"; cat <<'EOF'
regime a {
  version "1.0.0"
  frequency monthly
  submitted by commune
  tiers t
}
codelist domains {
  code A
  code B
}
codelist channels {
  code on
  code off
}
form f {
  reported by commune
  period month
  dimension domain: code in domains
  dimension channel: code in channels
  field x: count
  field y: count
  field s: count
    stock closing
  field w: percent
    over units average by x
  field lo: integer
    over units min
  field hi: integer
    over units max
  field n: integer
    over units count
  ratio r = x / y
    decimals 4
    relevant when y > 0
}
rollup q for f {
  levels commune, province, nation
  period quarter
  completeness units
  total over domain
  total over channel
  total over domain, channel
}
EOF
} >"$L/a.regime"
cat >"$L/a.csv" <<'EOF'
unit,period,domain,channel,x,y,s,w,lo,hi,n
C1,2025-01,A,on,1,2,5,10,3,3,1
C1,2025-02,A,on,2,2,6,20,4,4,1
C1,2025-01,B,on,4,8,7,30,-2,9,1
C2,2025-03,A,off,8,8,1,40,5,5,
C3,2025-01,B,off,16,32,2,50,7,1,1
EOF
# Hand-worked, C1's grand total: x 1+2+4 = 7, y 2+2+8 = 12, s = A/on's last
# month (6) + B/on's (7) = 13, w weighted by x (10*1+20*2+30*4)/7 = 24.29 -> 24,
# lo over time is a flow (A/on 3+4 = 7, B/on -2) and min over the codes -2,
# hi max(7, 9) = 9, n counts the values (3), r = 7/12, 1 unit. P1 adds C2's
# A/off (x 8, y 8, s 1, w 40, lo/hi 5, n empty: 0): x 15, y 20, s 14,
# w (170+320)/15 = 32.67 -> 33, r 15/20, 2 units. The nation adds C3:
# x 31, y 52, s 16, w (490+800)/31 = 41.6 -> 42, r 31/52 = 0.5962, 3 units.
cat >"$L/a.expected" <<'EOF'
level,unit_code,quarter,domain,channel,x,y,s,w,lo,hi,n,r,units
commune,C1,2025-Q1,A,on,3,4,6,17,7,7,2,0.7500,1
commune,C1,2025-Q1,A,_T,3,4,6,17,7,7,2,0.7500,1
commune,C1,2025-Q1,B,on,4,8,7,30,-2,9,1,0.5000,1
commune,C1,2025-Q1,B,_T,4,8,7,30,-2,9,1,0.5000,1
commune,C1,2025-Q1,_T,on,7,12,13,24,-2,9,3,0.5833,1
commune,C1,2025-Q1,_T,_T,7,12,13,24,-2,9,3,0.5833,1
commune,C2,2025-Q1,A,off,8,8,1,40,5,5,0,1.0000,1
commune,C2,2025-Q1,A,_T,8,8,1,40,5,5,0,1.0000,1
commune,C2,2025-Q1,_T,off,8,8,1,40,5,5,0,1.0000,1
commune,C2,2025-Q1,_T,_T,8,8,1,40,5,5,0,1.0000,1
commune,C3,2025-Q1,B,off,16,32,2,50,7,1,1,0.5000,1
commune,C3,2025-Q1,B,_T,16,32,2,50,7,1,1,0.5000,1
commune,C3,2025-Q1,_T,off,16,32,2,50,7,1,1,0.5000,1
commune,C3,2025-Q1,_T,_T,16,32,2,50,7,1,1,0.5000,1
province,P1,2025-Q1,A,off,8,8,1,40,5,5,0,1.0000,1
province,P1,2025-Q1,A,on,3,4,6,17,7,7,2,0.7500,1
province,P1,2025-Q1,A,_T,11,12,7,34,5,7,2,0.9167,2
province,P1,2025-Q1,B,on,4,8,7,30,-2,9,1,0.5000,1
province,P1,2025-Q1,B,_T,4,8,7,30,-2,9,1,0.5000,1
province,P1,2025-Q1,_T,off,8,8,1,40,5,5,0,1.0000,1
province,P1,2025-Q1,_T,on,7,12,13,24,-2,9,3,0.5833,1
province,P1,2025-Q1,_T,_T,15,20,14,33,-2,9,3,0.7500,2
province,P2,2025-Q1,B,off,16,32,2,50,7,1,1,0.5000,1
province,P2,2025-Q1,B,_T,16,32,2,50,7,1,1,0.5000,1
province,P2,2025-Q1,_T,off,16,32,2,50,7,1,1,0.5000,1
province,P2,2025-Q1,_T,_T,16,32,2,50,7,1,1,0.5000,1
nation,VN,2025-Q1,A,off,8,8,1,40,5,5,0,1.0000,1
nation,VN,2025-Q1,A,on,3,4,6,17,7,7,2,0.7500,1
nation,VN,2025-Q1,A,_T,11,12,7,34,5,7,2,0.9167,2
nation,VN,2025-Q1,B,off,16,32,2,50,7,1,1,0.5000,1
nation,VN,2025-Q1,B,on,4,8,7,30,-2,9,1,0.5000,1
nation,VN,2025-Q1,B,_T,20,40,9,46,-2,9,2,0.5000,2
nation,VN,2025-Q1,_T,off,24,40,3,47,5,5,1,0.6000,2
nation,VN,2025-Q1,_T,on,7,12,13,24,-2,9,3,0.5833,1
nation,VN,2025-Q1,_T,_T,31,52,16,42,-2,9,4,0.5962,3
EOF
if "$REGC" build "$L/a.regime" -o "$L/a" >"$L/a.build" 2>&1; then pass; else fail "totals: regc build a"; cat "$L/a.build"; fi
"$REGRT" rollup "$L/a" --units "$L/units.csv" "$L/a.csv" -o "$L/a.out" 2>"$L/a.err"
expect_status "totals: rollup a" 0 $?
cmp -s "$L/a.expected" "$L/a.out" && pass || { fail "totals: every aggregation"; diff "$L/a.expected" "$L/a.out"; cat "$L/a.err"; }
# the grand total is the sum of the rows, whichever totals are declared
grep -q '^nation,VN,2025-Q1,_T,_T,31,' "$L/a.out" && pass || fail "totals: the grand total counts a row twice: $(grep '_T,_T' "$L/a.out")"

# ---- 2. missing values: an empty value makes every total above it empty
# (never 0); absent codes count as the roll-up's mode says. C1 sends A and B
# every month, C2 only A, C3 A in January and March with x empty in March.
{ cat "$L/tiers.regime"; cat <<'EOF'
regime m {
  version "1.0.0"
  frequency monthly
  submitted by commune
  tiers t
}
codelist domains {
  code A
  code B
}
form f {
  reported by commune
  period month
  dimension domain: code in domains
  field x: count
  field s: count
    stock closing
  field z: count
    stock closing strict
}
rollup nn for f {
  levels commune, province, nation
  period quarter
  completeness units
  missing non_null
  total over domain
}
rollup pz for f {
  levels commune, province, nation
  period quarter
  completeness units
  missing partial_zero
  total over domain
}
rollup an for f {
  levels commune, province, nation
  period quarter
  missing always_null
  total over domain
}
rollup cv for f {
  levels commune, province, nation
  period quarter
  completeness units
  coverage months
  total over domain
}

test "total rows" {
  data f (unit, period, domain, x, s, z)
    ("C1", 2025-01, A, 1, 1, 1)
    ("C1", 2025-03, B, 2, 5, 5)
    ("C2", 2025-02, A, 4, 7, 7)
    ("C2", 2025-02, B, missing, 7, 7)
  expect pz commune "C1" 2025-Q1 _T x = 3
  expect pz province "P1" 2025-Q1 _T x = missing
  expect pz province "P1" 2025-Q1 _T s = 20
  expect pz province "P1" 2025-Q1 _T z = 5
  expect pz province "P1" 2025-Q1 _T units = 2
  expect pz nation "VN" 2025-Q1 A units = 2
  expect nn commune "C1" 2025-Q1 _T x = missing
}
EOF
} >"$L/m.regime"
cat >"$L/m.csv" <<'EOF'
unit,period,domain,x,s,z
C1,2025-01,A,1,1,1
C1,2025-02,A,1,2,2
C1,2025-03,A,1,3,3
C1,2025-01,B,10,10,10
C1,2025-02,B,10,20,20
C1,2025-03,B,10,30,30
C2,2025-01,A,100,100,100
C2,2025-02,A,100,200,200
C2,2025-03,A,100,300,300
C3,2025-01,A,1000,1000,1000
C3,2025-03,A,,3000,3000
EOF
if "$REGC" build "$L/m.regime" -o "$L/m" >"$L/m.build" 2>&1; then pass; else fail "totals: regc build m"; cat "$L/m.build"; fi
# partial_zero: the total of what was sent; C3's empty March x empties every
# x above it (C3, P2, the nation), while s and z add up: P1 3+30+300 = 333,
# the nation 333+3000 = 3333.
cat >"$L/pz.expected" <<'EOF'
level,unit_code,quarter,domain,x,s,z,units
commune,C1,2025-Q1,A,3,3,3,1
commune,C1,2025-Q1,B,30,30,30,1
commune,C1,2025-Q1,_T,33,33,33,1
commune,C2,2025-Q1,A,300,300,300,1
commune,C2,2025-Q1,_T,300,300,300,1
commune,C3,2025-Q1,A,,3000,3000,1
commune,C3,2025-Q1,_T,,3000,3000,1
province,P1,2025-Q1,A,303,303,303,2
province,P1,2025-Q1,B,30,30,30,1
province,P1,2025-Q1,_T,333,333,333,2
province,P2,2025-Q1,A,,3000,3000,1
province,P2,2025-Q1,_T,,3000,3000,1
nation,VN,2025-Q1,A,,3303,3303,3
nation,VN,2025-Q1,B,30,30,30,1
nation,VN,2025-Q1,_T,,3333,3333,3
EOF
"$REGRT" rollup "$L/m" --rollup pz --units "$L/units.csv" "$L/m.csv" -o "$L/pz.out" 2>"$L/pz.err"
expect_status "totals: rollup pz" 0 $?
cmp -s "$L/pz.expected" "$L/pz.out" && pass || { fail "totals: partial_zero"; diff "$L/pz.expected" "$L/pz.out"; }
grep -q '^nation,VN,2025-Q1,_T,0,' "$L/pz.out" && fail "totals: an empty value became 0 in the total" || pass
# non_null: a total only where every row it adds up is complete. C2 and C3
# sent no B, so neither they nor P1, P2 or the nation have a total; C1 has.
cat >"$L/nn.expected" <<'EOF'
level,unit_code,quarter,domain,x,s,z,units
commune,C1,2025-Q1,A,3,3,3,1
commune,C1,2025-Q1,B,30,30,30,1
commune,C1,2025-Q1,_T,33,33,33,1
commune,C2,2025-Q1,A,300,300,300,1
commune,C3,2025-Q1,A,,3000,3000,1
province,P1,2025-Q1,A,303,303,303,2
province,P2,2025-Q1,A,,3000,3000,1
nation,VN,2025-Q1,A,,3303,3303,3
EOF
"$REGRT" rollup "$L/m" --rollup nn --units "$L/units.csv" "$L/m.csv" -o "$L/nn.out" 2>/dev/null
cut -d, -f1-10 "$L/nn.out" >"$L/nn.cut"
cmp -s "$L/nn.expected" "$L/nn.cut" && pass || { fail "totals: non_null"; diff "$L/nn.expected" "$L/nn.cut"; }
# always_null: a row for every unit, the totals of incomplete units empty
"$REGRT" rollup "$L/m" --rollup an --units "$L/units.csv" "$L/m.csv" -o "$L/an.out" 2>/dev/null
grep -qx 'commune,C2,2025-Q1,_T,,,' "$L/an.out" && grep -qx 'nation,VN,2025-Q1,_T,,,' "$L/an.out" &&
    grep -qx 'commune,C1,2025-Q1,_T,33,33,33' "$L/an.out" && pass || { fail "totals: always_null"; cat "$L/an.out"; }
# coverage: the months with a row in any code (C3: January and March), and
# the month each stock came from (the earliest of the units': March)
"$REGRT" rollup "$L/m" --rollup cv --units "$L/units.csv" "$L/m.csv" -o "$L/cv.out" 2>/dev/null
grep -qx 'commune,C3,2025-Q1,_T,,3000,3000,1,2,2025-03' "$L/cv.out" &&
    grep -qx 'nation,VN,2025-Q1,_T,,3333,3333,3,3,2025-03' "$L/cv.out" && pass || { fail "totals: coverage"; cat "$L/cv.out"; }
# a repeated key (DUP1): C2's A group is left out, of its total as of P1's
# rows; P1's total is C1's alone (33), and the summary counts the rows
(cat "$L/m.csv"; echo "C2,2025-01,A,100,100,100") >"$L/dup.csv"
"$REGRT" rollup "$L/m" --rollup pz --units "$L/units.csv" "$L/dup.csv" -o "$L/dup.out" 2>"$L/dup.err"
grep -q '^province,P1,2025-Q1,_T,33,33,33,1$' "$L/dup.out" && ! grep -q '^commune,C2' "$L/dup.out" &&
    grep -q '^nation,VN,2025-Q1,_T,,3033,3033,2$' "$L/dup.out" && pass || { fail "totals: DUP1"; cat "$L/dup.out"; }
grep -q 'left out: 3 in a group left out for a repeated key (DUP1)' "$L/dup.err" && pass || fail "totals: DUP1 summary: $(cat "$L/dup.err")"
# regc test asserts total rows (the spec's own test above)
(cd "$L" && "$REGC" test m.regime) >"$L/test.out" 2>&1
expect_status "totals: regc test with _T keys" 0 $?
grep -q '^1 passed, 0 failed' "$L/test.out" && pass || { fail "totals: regc test"; cat "$L/test.out"; }
# and fails a wrong one: C1's total x is 3, not 4
sed 's/expect pz commune "C1" 2025-Q1 _T x = 3/expect pz commune "C1" 2025-Q1 _T x = 4/' "$L/m.regime" >"$L/m4.regime"
(cd "$L" && "$REGC" test m4.regime) >"$L/test4.out" 2>&1
expect_status "totals: regc test, a wrong total" 1 $?
grep -q 'E0724.*gives x = 3 at commune C1, expected 4' "$L/test4.out" && pass || { fail "totals: wrong total"; cat "$L/test4.out"; }

# ---- 3. the tthc example on the real units (2025-03-01) with a total over
# its domains. Hand-worked from examples/tthc/expected/rollup.csv, national
# rows D02+D03+D04+D07: carried 5+1+5+0 = 11, new_online 161+119+5+3 = 288,
# new_direct 78+69+10+5 = 162, received 254+196+26+9 = 485, early
# 117+87+3+0 = 207, ontime 121+96+9+2 = 228, late 0+1+2+4 = 7, resolved
# 238+184+14+6 = 442, pending_due 5+4 = 9, pending_overdue 1, pending 5+5 = 10,
# ontime_rate (207+228)/442 = 0.98416 -> 0.9842, and 3 communes (not
# 3+1+1+1 = 6). Province 01 (D02+D03+D04): 8, 268, 136, 433, 188, 206, 3,
# 397, 9, 1, 10, 394/397 = 0.9924, 2 communes.
T="$L/tthc"
mkdir -p "$T"
cp "$ROOT/examples/tthc/domains.csv" "$T/"
sed -e 's/^  missing partial_zero$/  missing partial_zero\n  total over domain/' -e '/^test /,$d' \
    "$ROOT/examples/tthc/tthc.regime" >"$T/tthc.regime"
cat >>"$T/tthc.regime" <<'EOF'
rollup by_province for bieu06 {
  levels commune, province, national
  period quarter
  completeness n_units
  total over domain
}
EOF
U_OLD="$ROOT/stdlib/data/vn_admin_units_2025-03-01.csv"
TT="$ROOT/examples/tthc/submissions_2025-04.csv $ROOT/examples/tthc/submissions_2025-05.csv $ROOT/examples/tthc/submissions_2025-06.csv"
if (cd "$T" && "$REGC" build tthc.regime -o lib) >"$T/build.out" 2>&1; then pass; else fail "totals: regc build tthc"; cat "$T/build.out"; fi
# shellcheck disable=SC2086 # the file list
"$REGRT" rollup "$T/lib" --units "$U_OLD" -q $TT -o "$T/r.csv" 2>"$T/r.err"
expect_status "totals: tthc rollup" 0 $?
grep -qx 'national,VN,2025-Q2,_T,11,288,162,485,207,228,7,442,9,1,10,0.9842,3' "$T/r.csv" && pass ||
    fail "totals: tthc national total: $(grep '^national.*_T' "$T/r.csv")"
grep -qx 'province,01,2025-Q2,_T,8,268,136,433,188,206,3,397,9,1,10,0.9924,2' "$T/r.csv" && pass ||
    fail "totals: tthc province 01 total: $(grep '^province,01.*_T' "$T/r.csv")"
grep -qx 'district,001,2025-Q2,_T,8,268,136,433,188,206,3,397,9,1,10,0.9924,2' "$T/r.csv" && pass ||
    fail "totals: tthc district 001 total: $(grep '^district,001.*_T' "$T/r.csv")"
# the rows of the codes are exactly the example's: a total adds rows, it changes none
grep -v ',_T,' "$T/r.csv" | cmp -s - "$ROOT/examples/tthc/expected/rollup.csv" && pass ||
    { fail "totals: tthc code rows changed"; grep -v ',_T,' "$T/r.csv" | diff "$ROOT/examples/tthc/expected/rollup.csv" -; }
# every total row is the sum of its unit's code rows (the summed columns)
awk -F, 'NR > 1 { k = $1 "," $2 "," $3; c = ($4 == "_T") ? "t" : "s"
                  for (i = 5; i <= 15; i++) v[k, c, i] += $i; keys[k] = 1 }
         END { bad = 0; for (k in keys) for (i = 5; i <= 15; i++) if (v[k, "t", i] != v[k, "s", i]) bad = 1; exit bad }' \
    "$T/r.csv" && pass || fail "totals: a tthc total is not the sum of its rows"
# --layout full: names, the parent at the roll-up's next level (province 01,
# not district 001, when the roll-up skips districts), `period`
# shellcheck disable=SC2086
"$REGRT" rollup "$T/lib" --rollup by_province --layout full --units "$U_OLD" -q $TT -o "$T/full.csv" 2>/dev/null
head -1 "$T/full.csv" | grep -q '^level,unit_code,unit_name,parent_code,period,domain,' && pass || fail "totals: full header $(head -1 "$T/full.csv")"
grep -qx 'commune,00001,Phường Phúc Xá,01,2025-Q2,_T,7,94,51,165,70,71,2,143,3,0,3,0.9860,1' "$T/full.csv" && pass ||
    fail "totals: full layout total row: $(grep '^commune,00001.*_T' "$T/full.csv")"
grep -q '^province,01,Thành phố Hà Nội,VN,2025-Q2,_T,' "$T/full.csv" && pass || fail "totals: full layout province: $(grep '^province,01' "$T/full.csv" | head -1)"
# the default roll-up keeps districts: a commune's parent is its district
# shellcheck disable=SC2086
"$REGRT" rollup "$T/lib" --layout full --units "$U_OLD" -q $TT -o "$T/full4.csv" 2>/dev/null
grep -q '^commune,00001,Phường Phúc Xá,001,2025-Q2,_T,' "$T/full4.csv" && pass || fail "totals: full layout district parent: $(grep '^commune,00001' "$T/full4.csv" | head -1)"

# ---- 4. re-basing: the total row of a new commune carries the same
# provenance as its code rows (3 old communes went into 03325: 10+8+12+13+7 = 50)
cat >"$L/rb.regime" <<'EOF'
import vn_tiers

regime r {
  version "1.0.0"
  frequency quarterly
  submitted by commune
  tiers vn_2025_03
}
codelist sexes {
  code M
  code F
}
form reg {
  reported by commune
  period quarter
  dimension sex: code in sexes
  field births: count
}
rollup q for reg {
  levels commune, province, national
  period quarter
  completeness n_communes
  total over sex
}
EOF
printf 'unit,period,sex,births\n03317,2025-Q2,M,10\n03317,2025-Q2,F,8\n03325,2025-Q2,M,12\n03325,2025-Q2,F,13\n03326,2025-Q2,M,7\n' >"$L/rb.csv"
if "$REGC" build "$L/rb.regime" -o "$L/rb" >"$L/rb.build" 2>&1; then pass; else fail "totals: regc build rb"; cat "$L/rb.build"; fi
"$REGRT" rollup "$L/rb" --units "$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv" \
    --rebase "$ROOT/stdlib/data/vn_commune_merges_2025-07-01.csv" -q "$L/rb.csv" -o "$L/rb.out" 2>/dev/null
grep -qx 'commune,03325,2025-Q2,_T,50,1,3,03317 03325 03326,complete' "$L/rb.out" &&
    grep -qx 'commune,03325,2025-Q2,F,21,1,3,03317 03325 03326,complete' "$L/rb.out" &&
    grep -qx 'national,VN,2025-Q2,_T,50,1,,,' "$L/rb.out" && pass || { fail "totals: rebase provenance"; cat "$L/rb.out"; }
