# Roll-up layouts: `--layout full` adds the unit's name and its parent's
# code and always names the period column `period`; the default (compact)
# layout is the benchmark's and does not change. Needs `regc build`.
L="$tmp/layout"
mkdir -p "$L"
cat >"$L/units.csv" <<'EOF'
province_code,province_name,commune_code,commune_name
P1,"Tỉnh Một, miền Bắc",C1,Xã Một
P1,"Tỉnh Một, miền Bắc",C2,Xã Hai
P2,Tỉnh Hai,C3,
EOF
cat >"$L/l.regime" <<'EOF'
regime l {
  version "1.0.0"
  frequency monthly
  submitted by commune
  tiers t
}
tiers t {
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
form f {
  reported by commune
  period month
  field x: count
}
rollup q for f {
  levels commune, province, nation
  period quarter
}
EOF
printf 'unit,period,x\nC1,2025-01,1\nC2,2025-02,2\nC3,2025-03,4\n' >"$L/d.csv"
if "$REGC" build "$L/l.regime" -o "$L/lib" >"$L/build.out" 2>&1; then pass; else fail "layout: regc build"; cat "$L/build.out"; fi
"$REGRT" rollup "$L/lib" --units "$L/units.csv" "$L/d.csv" --layout full -o "$L/full.csv" 2>"$L/full.err"
expect_status "layout: rollup --layout full" 0 $?
cat >"$L/full.expected" <<'EOF'
level,unit_code,unit_name,parent_code,period,x
commune,C1,Xã Một,P1,2025-Q1,1
commune,C2,Xã Hai,P1,2025-Q1,2
commune,C3,,P2,2025-Q1,4
province,P1,"Tỉnh Một, miền Bắc",VN,2025-Q1,3
province,P2,Tỉnh Hai,VN,2025-Q1,4
nation,VN,,,2025-Q1,7
EOF
cmp -s "$L/full.expected" "$L/full.csv" && pass || { fail "layout: full"; diff "$L/full.expected" "$L/full.csv"; cat "$L/full.err"; }
# the compact default: the declared period column name, no names
"$REGRT" rollup "$L/lib" --units "$L/units.csv" "$L/d.csv" -o "$L/compact.csv" 2>/dev/null
head -1 "$L/compact.csv" | grep -qx 'level,unit_code,quarter,x' && pass || fail "layout: compact header $(head -1 "$L/compact.csv")"
# another frequency: still `period` in both layouts
"$REGRT" rollup "$L/lib" --units "$L/units.csv" "$L/d.csv" --period year --layout full -o "$L/year.csv" 2>/dev/null
head -1 "$L/year.csv" | grep -qx 'level,unit_code,unit_name,parent_code,period,x' && pass || fail "layout: year header $(head -1 "$L/year.csv")"
"$REGRT" rollup "$L/lib" --units "$L/units.csv" "$L/d.csv" --layout wide 2>"$L/bad.err"
expect_status "layout: --layout wide" 2 $?
grep -q 'use compact or full' "$L/bad.err" && pass || fail "layout: --layout wide says $(cat "$L/bad.err")"
