# Hierarchies over code lists (LANGUAGE.md "Hierarchies", RUNTIME.md
# "Hierarchies"): `hierarchy NAME on LIST { rule ... }` checked by a form over
# one dimension, per group of rows (unit, period, other dimensions), with
# VTL's check_hierarchy modes. Reproduces the SDMX VTL 2.1 reference
# manual's check_hierarchy example (github.com/sdmx-twg/vtl, v2.1/docs/
# reference_manual/operators/Data validation operators/Check hierarchy/
# examples/: intro.rst's ruleset HR_1, ds_1.csv, ex_1.vtl
# `check_hierarchy ( DS_1, HR_1 rule Id_2 partial_null all )`, ex_1.csv).
need python3 || return 0
H="$tmp/hier"
mkdir -p "$H"
cat >"$H/v.regime" <<'SPEC'
regime vtl {
  version "1.0.0"
  frequency yearly
  submitted by top
  tiers t
}
tiers t {
  level top
    code "VN"
}
codelist vd_1 {
  code A
  code B
  code C
  code D
  code E
  code F
  code G
  code H
  code I
  code J
  code K
  code L
  code M
  code N
  code O
  code P
  code Q
  code R
  code S
  code T
  code U
  code V
  code W
  code Y
  code Z
}
hierarchy hr_1 on vd_1 {
  rule R010 error
    check A = J + K + L
    errorlevel 5
  rule R020 error
    check B = M + N + O
    errorlevel 5
  rule R030 error
    check C = P + Q
    errorcode XX
    errorlevel 5
  rule R040 error
    check D = R + S
    errorlevel 1
  rule R050 error
    check E = T + U + V
    errorlevel 0
  rule R060 error
    check F = Y + W + Z
    errorlevel 7
  rule R070 error
    check G = B + C
  rule R080 error
    check H = D + E
    errorlevel 0
  rule R090 error
    check I = D + G
    errorcode YY
    errorlevel 0
  rule R100 error
    check M >= N
    errorlevel 5
  rule R110 error
    check M <= G
    errorlevel 5
}
form ds_1 {
  reported by top
  period year
  dimension id_2: code in vd_1
  field me_1: integer
  hierarchy hr_1 on id_2
    missing partial_null
}
form ds_2 {
  reported by top
  period year
  dimension id_2: code in vd_1
  field me_1: integer
  hierarchy hr_1 on id_2
}
form ds_3 {
  reported by top
  period year
  dimension id_2: code in vd_1
  field me_1: integer
  hierarchy hr_1 on id_2
    missing always_zero
}
form ds_4 {
  reported by top
  period year
  dimension id_2: code in vd_1
  field me_1: integer
  hierarchy hr_1 on id_2
    missing non_zero
}
form ds_5 {
  reported by top
  period year
  dimension id_2: code in vd_1
  field me_1: integer
  hierarchy hr_1 on id_2
    missing partial_zero
}
form ds_6 {
  reported by top
  period year
  dimension id_2: code in vd_1
  field me_1: integer
  hierarchy hr_1 on id_2
    missing always_null
}
SPEC
if "$REGC" build "$H/v.regime" -o "$H/lib" >"$H/build.out" 2>&1; then pass; else fail "hier: regc build"; cat "$H/build.out"; fi
# ds_1.csv of the manual, with the unit column our forms have
{ echo "unit,period,id_2,me_1"
  for r in A,5 B,11 C,0 G,19 H, I,14 M,2 N,5 O,4 P,7 Q,-7 S,3 T,9 U, V,6; do echo "VN,2010,$r"; done
} >"$H/ds_1.csv"
"$REGRT" validate "$H/lib" --form ds_1 "$H/ds_1.csv" --results all --format csv -o "$H/all.csv" 2>"$H/all.err"
expect_status "hier: check_hierarchy partial_null all, error rules failed" 1 $?
# ex_1.csv of the manual, less its row `2010,F,R060,,,,7`: no item of
# F = Y + W + Z is in the data, so partial_null produces no result (the
# mode's own definition; the VTL 2.2 manual's ex_1.csv drops that row too)
cat >"$H/want.csv" <<'EOF'
Id_1,Id_2,ruleid,bool_var,imbalance,errorcode,errorlevel
2010,A,R010,,,,5
2010,B,R020,true,0,,5
2010,C,R030,true,0,XX,5
2010,D,R040,,,,1
2010,E,R050,,,,0
2010,G,R070,false,8,,
2010,H,R080,,,,0
2010,I,R090,,,YY,0
2010,M,R100,false,-3,,5
2010,M,R110,true,-17,,5
EOF
python3 - "$H/all.csv" >"$H/got.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
print('Id_1,Id_2,ruleid,bool_var,imbalance,errorcode,errorlevel')
for r in rows:
    print(','.join([r['period'], r['id_2'], r['ruleid'], r['bool_var'], r['imbalance'], r['errorcode'], r['errorlevel']]))
PY
if cmp -s "$H/want.csv" "$H/got.csv"; then pass; else fail "hier: check_hierarchy ex_1 differs"; diff "$H/want.csv" "$H/got.csv"; fi
# the message and the values read, on a failure
grep -q '^,VN,2010,G,R070,false,8,,,error,"G = B + C does not hold: G 19, B 11, C 0, imbalance 8","{""G"":""19"",""B"":""11"",""C"":""0""}"$' "$H/all.csv" \
    && pass || fail "hier: R070's message and values: $(grep R070 "$H/all.csv")"
# invalid: the two failures only; the plain layout; JSON; text summary
"$REGRT" validate "$H/lib" --form ds_1 "$H/ds_1.csv" --results invalid --format csv 2>/dev/null | cut -d, -f5 | tail -n +2 >"$H/inv"
[ "$(tr '\n' ' ' <"$H/inv")" = "R070 R100 " ] && pass || fail "hier: invalid results: $(cat "$H/inv")"
"$REGRT" validate "$H/lib" --form ds_1 "$H/ds_1.csv" --format csv 2>/dev/null >"$H/plain.csv"
grep -q '^,VN,2010,G,R070,error$' "$H/plain.csv" && pass || fail "hier: plain layout: $(cat "$H/plain.csv")"
"$REGRT" validate "$H/lib" --form ds_1 "$H/ds_1.csv" --results all --format json 2>/dev/null >"$H/all.json"
python3 - "$H/all.json" <<'PY' && pass || fail "hier: JSON results"
import json, sys
d = json.load(open(sys.argv[1]))
r = {x['ruleid']: x for x in d['results']}
assert r['R070']['bool_var'] is False and r['R070']['imbalance'] == 8, r['R070']
assert r['R010']['bool_var'] is None and r['R010']['errorlevel'] == 5
assert r['R030']['errorcode'] == 'XX' and r['R110']['imbalance'] == -17
assert d['summary']['rules']['R070'] == 1 and d['summary']['rules']['R020'] == 0
PY
"$REGRT" validate "$H/lib" --form ds_1 "$H/ds_1.csv" 2>"$H/text.err" >"$H/text.out"
grep -q 'R070' "$H/text.err" && grep -q 'hierarchy hr_1 (unit VN, period 2010, id_2 G): error R070' "$H/text.out" \
    && pass || fail "hier: text report: $(cat "$H/text.out" "$H/text.err")"
# non_null (the default): only the rules whose items all have a value
"$REGRT" validate "$H/lib" --form ds_2 "$H/ds_1.csv" --results all --format csv 2>/dev/null | cut -d, -f5,6,7 | tail -n +2 >"$H/nn"
[ "$(tr '\n' ' ' <"$H/nn")" = "R020,true,0 R030,true,0 R070,false,8 R100,false,-3 R110,true,-17 " ] && pass \
    || fail "hier: non_null: $(cat "$H/nn")"
# always_zero: every rule has a result; absent items are 0, empty ones null
"$REGRT" validate "$H/lib" --form ds_3 "$H/ds_1.csv" --results all --format csv 2>/dev/null | cut -d, -f5,6,7 | tail -n +2 >"$H/az"
[ "$(tr '\n' ' ' <"$H/az")" = "R010,false,5 R020,true,0 R030,true,0 R040,false,-3 R050,, R060,true,0 R070,false,8 R080,, R090,false,-5 R100,false,-3 R110,true,-17 " ] && pass \
    || fail "hier: always_zero: $(cat "$H/az")"
# the other modes, worked out by hand from ds_1.csv
mode_is() { # FORM EXPECTED
    "$REGRT" validate "$H/lib" --form "$1" "$H/ds_1.csv" --results all --format csv 2>/dev/null | cut -d, -f5,6,7 \
        | tail -n +2 | tr '\n' ' ' >"$H/m"
    [ "$(cat "$H/m")" = "$2" ] && pass || fail "hier: $1: $(cat "$H/m")"
}
mode_is ds_4 "R010,false,5 R020,true,0 R030,true,0 R040,false,-3 R050,, R070,false,8 R080,, R090,false,-5 R100,false,-3 R110,true,-17 "
mode_is ds_5 "R010,false,5 R020,true,0 R030,true,0 R040,false,-3 R050,, R070,false,8 R080,, R090,false,-5 R100,false,-3 R110,true,-17 "
mode_is ds_6 "R010,, R020,true,0 R030,true,0 R040,, R050,, R060,, R070,false,8 R080,, R090,, R100,false,-3 R110,true,-17 "
# examples/tongso: Biểu 06's "Tổng số" row as the sum of its domain rows, on
# one month of every commune of the 2025-07-01 unit list (gen_month.py:
# 19,289 rows; every 50th commune's total row is off by one in received and
# pending, 67 communes)
T="$tmp/tongso"
mkdir -p "$T"
python3 "$ROOT/examples/tongso/gen_month.py" "$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv" 2025-08 >"$T/bieu06.csv"
[ "$(wc -l <"$T/bieu06.csv")" -eq 19290 ] && pass || fail "tongso: gen_month.py wrote $(wc -l <"$T/bieu06.csv") lines"
if (cd "$ROOT" && "$REGC" build examples/tongso/tongso.regime -o "$T/lib") >"$T/build.out" 2>&1; then pass; else fail "tongso: regc build"; cat "$T/build.out"; fi
"$REGRT" validate "$T/lib" --units "$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv" "$T/bieu06.csv" \
    --format csv -o "$T/errors.csv" 2>"$T/err"
expect_status "tongso: validate, the total rows that do not add up" 1 $?
[ "$(grep -c ',TONG,T1.received,error$' "$T/errors.csv")" -eq 67 ] && [ "$(grep -c ',TONG,T1.pending,error$' "$T/errors.csv")" -eq 67 ] &&
    [ "$(wc -l <"$T/errors.csv")" -eq 135 ] && pass || fail "tongso: expected 2 x 67 failures: $(head -5 "$T/errors.csv")"
grep -q '^,00004,2025-08,TONG,T1.received,error$' "$T/errors.csv" && pass || fail "tongso: commune 00004's total row"
"$REGRT" validate "$T/lib" --units "$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv" "$T/bieu06.csv" \
    --results all --format csv --lang vi -o "$T/all.csv" 2>/dev/null
# every commune has a result per field: 3,321 x 4
[ "$(grep -c ',TONG,T1\.' "$T/all.csv")" -eq 13284 ] && pass || fail "tongso: $(grep -c ',TONG,T1\.' "$T/all.csv") results"
grep -q '^,00004,2025-08,TONG,T1.received,false,1,TS01,1,error,"Dòng Tổng số (246) khác tổng các lĩnh vực (83 + 0 + 95 + 17 + 13 + 37), chênh lệch 1",' "$T/all.csv" \
    && pass || fail "tongso: the message in Vietnamese: $(grep '00004,2025-08,TONG,T1.received' "$T/all.csv")"
# `regrt hierarchy`: the totals the `=` rules compute. The SDMX VTL 2.1
# reference manual's `hierarchy` examples (v2.1/docs/reference_manual/
# operators/Hierarchical aggregation/Hierarchical roll-up/examples/: the
# ruleset of intro.rst (hr_1's `=` rules), ds_1.csv, ex_1.vtl
# `hierarchy ( DS_1, HR_1 rule Id_2 non_null )`, ex_2.vtl non_zero, ex_3.vtl
# partial_null; ex_N.csv less the attribute At_1, which the language has not)
{ echo "unit,period,id_2,me_1"
  for r in M,2 N,5 O,4 P,7 Q,-7 S,3 T,9 U, V,6; do echo "VN,2010,$r"; done
} >"$H/h_1.csv"
hier_is() { # FORM WANT (Id_1,Id_2,Me_1 rows, space-separated)
    "$REGRT" hierarchy "$H/lib" --form "$1" "$H/h_1.csv" -o "$H/h.out" 2>"$H/h.err"
    expect_status "hier: regrt hierarchy $1" 0 $?
    got=$(tail -n +2 "$H/h.out" | cut -d, -f2- | tr '\n' ' ')
    [ "$got" = "$2" ] && pass || fail "hier: regrt hierarchy $1: got '$got' want '$2' $(cat "$H/h.err")"
}
hier_is ds_2 "2010,B,11 2010,C,0 2010,G,11 "
hier_is ds_4 "2010,B,11 2010,D,3 2010,E, 2010,G,11 2010,H, 2010,I,14 "
hier_is ds_1 "2010,B,11 2010,C,0 2010,D, 2010,E, 2010,G,11 2010,H, 2010,I, "
head -1 "$H/h.out" | grep -q '^unit,period,id_2,me_1$' && pass || fail "hier: regrt hierarchy header: $(head -1 "$H/h.out")"
# the other modes, by hand: partial_zero and always_* (absent = 0 or null)
hier_is ds_5 "2010,B,11 2010,C,0 2010,D,3 2010,E, 2010,G,11 2010,H, 2010,I,14 "
hier_is ds_3 "2010,A,0 2010,B,11 2010,C,0 2010,D,3 2010,E, 2010,F,0 2010,G,11 2010,H, 2010,I,14 "
hier_is ds_6 "2010,A, 2010,B,11 2010,C,0 2010,D, 2010,E, 2010,F, 2010,G,11 2010,H, 2010,I, "
# tongso: the total row computed from the domains equals the one sent but
# for the 67 communes whose total row is off by one
"$REGRT" hierarchy "$T/lib" "$T/bieu06.csv" -o "$T/totals.csv" 2>"$T/h.err"
expect_status "tongso: regrt hierarchy" 0 $?
python3 - "$T/bieu06.csv" "$T/totals.csv" <<'PY' && pass || fail "tongso: computed totals against the sent ones"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
sent = {(r['unit'], r['linh_vuc']): r for r in rows}
got = list(csv.DictReader(open(sys.argv[2])))
# partial_zero: a total for each commune that sent a domain row
with_domains = {r['unit'] for r in rows if r['linh_vuc'] != 'TONG'}
assert len(got) == len(with_domains) and len(with_domains) > 3300, (len(got), len(with_domains))
off = 0
for r in got:
    s = sent[(r['unit'], 'TONG')]
    d = [int(s[k]) - int(r[k]) for k in ('received', 'online', 'resolved', 'pending')]
    assert d in ([0, 0, 0, 0], [1, 0, 0, 1]), (r, s)
    off += d != [0, 0, 0, 0]
assert off == 67, off
PY
"$REGRT" hierarchy "$H/lib" --form ds_1 "$H/nosuch.csv" 2>/dev/null >/dev/null
expect_status "hier: regrt hierarchy, a missing file" 2 $?
# --rules selects hierarchy rules by their result names too
"$REGRT" validate "$T/lib" --units "$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv" "$T/bieu06.csv" \
    --rules T1.pending --format csv 2>/dev/null | tail -n +2 | cut -d, -f5 | sort | uniq -c | tr -s ' ' >"$T/sel"
[ "$(cat "$T/sel")" = " 67 T1.pending" ] && pass || fail "tongso: --rules T1.pending: $(cat "$T/sel")"
"$REGRT" validate "$T/lib" --units "$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv" "$T/bieu06.csv" \
    --rules V1 --format csv 2>/dev/null >"$T/v1"
expect_status "tongso: --rules V1 leaves the hierarchy out" 0 $?
