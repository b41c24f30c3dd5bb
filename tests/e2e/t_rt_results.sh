# Validation results as data (`regrt validate --results invalid|all`):
# errorcode and errorlevel on rules, the verdict bool_var (true, false,
# null), the imbalance, the message and the values read, as CSV, JSON and
# text. The SDMX VTL 2.1 reference manual's examples are reproduced from its
# published files (github.com/sdmx-twg/vtl, v2.1/docs/reference_manual/
# operators/Data validation operators/): "Check datapoint" ex_1 and ex_2 and
# "Check" ex_1. Needs `regc build` and python3.
need python3 || return 0
V="$tmp/vtl"
mkdir -p "$V"
cat >"$V/units.csv" <<'EOF'
unit_code
l
EOF
# VTL: define datapoint ruleset dpr1 ( variable Id_3, Me_1 ) is
#   when Id_3 = "CREDIT" then Me_1 >= 0 errorcode "Bad credit"
#   ; when Id_3 = "DEBIT" then Me_1 >= 0 errorcode "Bad debit"
# end datapoint ruleset;  (its rules are named 1 and 2 by position)
# Id_1 (the year) is the period, Id_2 the reporting unit, Id_3 a dimension.
cat >"$V/v.regime" <<'EOF'
regime vtl {
  version "1.0.0"
  frequency yearly
  submitted by unit
  tiers t
}
tiers t {
  level top
    code "ALL"
  level unit
    within top
    column "unit_code"
}
codelist sides {
  code CREDIT
  code DEBIT
}
codelist kinds {
  code I
  code D
}
form ds_1 {
  reported by unit
  period year
  dimension Id_3: code in sides
  field Me_1: integer
  rule 1 error
    when Id_3 in (CREDIT)
    check Me_1 >= 0
    message en "Me_1 is {Me_1}" vi "Me_1 là {Me_1}"
    errorcode "Bad credit"
  rule 2 error
    when Id_3 in (DEBIT)
    check Me_1 >= 0
    message en "Me_1 is {Me_1}" vi "Me_1 là {Me_1}"
    errorcode "Bad debit"
}
form ds {
  reported by unit
  period year
  dimension Id_2: code in kinds
  field DS_1: integer
  field DS_2: integer
  rule C error
    check DS_1 >= DS_2
    message en "{DS_1} < {DS_2}" vi "{DS_1} < {DS_2}"
}
form m {
  reported by unit
  period year
  field a: integer
  field b: integer
  rule S warning
    check a = b
    message en "a {a} b {b} by {imbalance}" vi "a {a} b {b} lệch {imbalance}"
    errorcode S01
    errorlevel 5
  rule F error
    check a >= 0
    missing fail
    message en "a must be there" vi "a phải có"
    errorcode F01
    errorlevel 9
}
EOF
if "$REGC" build "$V/v.regime" -o "$V/lib" >"$V/build.out" 2>&1; then pass; else fail "results: regc build"; cat "$V/build.out"; fi
# the manual's DS_1 (Check datapoint), Id_1,Id_2,Id_3,Me_1, as a submission
cat >"$V/ds_1.csv" <<'EOF'
unit,period,Id_3,Me_1
l,2011,CREDIT,10
l,2011,DEBIT,-2
l,2012,CREDIT,10
l,2012,DEBIT,2
EOF
"$REGRT" validate "$V/lib" --form ds_1 "$V/ds_1.csv" --results all --format csv -o "$V/all.csv" 2>"$V/all.err"
expect_status "results: check_datapoint all, an error rule failed" 1 $?
"$REGRT" validate "$V/lib" --form ds_1 "$V/ds_1.csv" --results invalid --format csv -o "$V/inv.csv" 2>/dev/null
expect_status "results: check_datapoint invalid" 1 $?
"$REGRT" validate "$V/lib" --form ds_1 "$V/ds_1.csv" --format csv -o "$V/plain.csv" 2>/dev/null
# Projected on the manual's columns; VTL lists the results rule by rule, the
# report row by row: sorted by rule, then row, they must be the manual's.
python3 - "$V" >"$V/vtl.out" <<'EOF'
import csv, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + '/all.csv', newline='')))
rows.sort(key=lambda r: (int(r['ruleid']), int(r['row_number'])))
print('Id_1,Id_2,Id_3,bool_var,ruleid,errorcode,errorlevel')
for r in rows:
    print(','.join([r['period'], r['unit'], r['Id_3'], r['bool_var'], r['ruleid'], r['errorcode'], r['errorlevel']]))
import json
print('Id_1,Id_2,Id_3,Me_1,ruleid,errorcode,errorlevel')
for r in csv.DictReader(open(d + '/inv.csv', newline='')):
    me = json.loads(r['values'])['Me_1']
    print(','.join([r['period'], r['unit'], r['Id_3'], me, r['ruleid'], r['errorcode'], r['errorlevel']]))
EOF
cat >"$V/vtl.expected" <<'EOF'
Id_1,Id_2,Id_3,bool_var,ruleid,errorcode,errorlevel
2011,l,CREDIT,true,1,,
2011,l,DEBIT,true,1,,
2012,l,CREDIT,true,1,,
2012,l,DEBIT,true,1,,
2011,l,CREDIT,true,2,,
2011,l,DEBIT,false,2,Bad debit,
2012,l,CREDIT,true,2,,
2012,l,DEBIT,true,2,,
Id_1,Id_2,Id_3,Me_1,ruleid,errorcode,errorlevel
2011,l,DEBIT,-2,2,Bad debit,
EOF
cmp -s "$V/vtl.expected" "$V/vtl.out" && pass || { fail "results: VTL check_datapoint ex_2 (all) and ex_1 (invalid)"; diff "$V/vtl.expected" "$V/vtl.out"; }
# without --results the report keeps the errors.csv layout of rollup --errors
printf 'row_number,unit,period,Id_3,rule,severity\n2,l,2011,DEBIT,2,error\n' >"$V/plain.expected"
cmp -s "$V/plain.expected" "$V/plain.csv" && pass || { fail "results: the default CSV layout changed"; cat "$V/plain.csv"; }
head -1 "$V/all.csv" | grep -qx 'row_number,unit,period,Id_3,ruleid,bool_var,imbalance,errorcode,errorlevel,severity,message,values' \
    && pass || fail "results: CSV header $(head -1 "$V/all.csv")"

# VTL "Check" ex_1: DS_r := check ( DS_1 >= DS_2 imbalance DS_1 - DS_2 );
# (the default output of check is all). DS_1 and DS_2 are joined on their
# identifiers Id_1 (the period) and Id_2 (a dimension) into one submission.
python3 - "$V/ds.csv" <<'EOF'
import sys
ds1 = """2010,I,1
2011,I,2
2012,I,10
2013,I,4
2014,I,5
2015,I,6
2010,D,25
2011,D,35
2012,D,45
2013,D,55
2014,D,50
2015,D,75""".split('\n')
ds2 = """2010,I,9
2011,I,2
2012,I,10
2013,I,7
2014,I,5
2015,I,6
2010,D,50
2011,D,35
2012,D,40
2013,D,55
2014,D,65
2015,D,75""".split('\n')
m2 = {tuple(l.split(',')[:2]): l.split(',')[2] for l in ds2}
with open(sys.argv[1], 'w') as f:
    f.write('unit,period,Id_2,DS_1,DS_2\n')
    for l in ds1:
        y, k, v = l.split(',')
        f.write('l,%s,%s,%s,%s\n' % (y, k, v, m2[(y, k)]))
EOF
"$REGRT" validate "$V/lib" --form ds "$V/ds.csv" --results all --format csv -o "$V/chk.csv" 2>/dev/null
expect_status "results: check" 1 $?
python3 - "$V/chk.csv" >"$V/chk.out" <<'EOF'
import csv, sys
print('Id_1,Id_2,bool_var,imbalance,errorcode,errorlevel')
for r in csv.DictReader(open(sys.argv[1], newline='')):
    print(','.join([r['period'], r['Id_2'], r['bool_var'], r['imbalance'], r['errorcode'], r['errorlevel']]))
EOF
cat >"$V/chk.expected" <<'EOF'
Id_1,Id_2,bool_var,imbalance,errorcode,errorlevel
2010,I,false,-8,,
2011,I,true,0,,
2012,I,true,0,,
2013,I,false,-3,,
2014,I,true,0,,
2015,I,true,0,,
2010,D,false,-25,,
2011,D,true,0,,
2012,D,true,5,,
2013,D,true,0,,
2014,D,false,-15,,
2015,D,true,0,,
EOF
cmp -s "$V/chk.expected" "$V/chk.out" && pass || { fail "results: VTL check ex_1"; diff "$V/chk.expected" "$V/chk.out"; }

# null, errorcode and errorlevel, missing fail, every format
cat >"$V/m.csv" <<'EOF'
unit,period,a,b
l,2020,1,1
l,2021,3,1
l,2022,,1
EOF
"$REGRT" validate "$V/lib" --form m "$V/m.csv" --results all --format csv -o "$V/m.out" 2>/dev/null
expect_status "results: missing fail fails" 1 $?
cat >"$V/m.expected" <<'EOF'
row_number,unit,period,ruleid,bool_var,imbalance,errorcode,errorlevel,severity,message,values
1,l,2020,F,true,1,,,error,,"{""a"":""1""}"
1,l,2020,S,true,0,,,warning,,"{""a"":""1"",""b"":""1""}"
2,l,2021,F,true,3,,,error,,"{""a"":""3""}"
2,l,2021,S,false,2,S01,5,warning,a 3 b 1 by 2,"{""a"":""3"",""b"":""1""}"
3,l,2022,F,false,,F01,9,error,a must be there,"{""a"":null}"
3,l,2022,S,,,,,warning,,"{""a"":null,""b"":""1""}"
EOF
cmp -s "$V/m.expected" "$V/m.out" && pass || { fail "results: verdicts true, false and null"; diff "$V/m.expected" "$V/m.out"; }
"$REGRT" validate "$V/lib" --form m "$V/m.csv" --results all --format json -o "$V/m.json" 2>/dev/null
python3 - "$V/m.json" <<'EOF' && pass || fail "results: JSON"
import json, sys
d = json.load(open(sys.argv[1]))
r = d['results']
assert [x['bool_var'] for x in r] == [True, True, True, False, False, None], r
assert r[3]['imbalance'] == 2 and r[3]['errorcode'] == 'S01' and r[3]['errorlevel'] == 5, r[3]
assert r[3]['message'] == 'a 3 b 1 by 2' and r[3]['values'] == {'a': '3', 'b': '1'}, r[3]
assert r[5]['imbalance'] is None and r[5]['errorcode'] is None and r[5]['message'] is None, r[5]
assert d['summary']['rules'] == {'F': 1, 'S': 1}, d['summary']
EOF
"$REGRT" validate "$V/lib" --form m "$V/m.csv" --results invalid --lang vi -o "$V/m.txt" 2>/dev/null
grep -q 'S false, chênh lệch 2, errorcode S01, errorlevel 5 cảnh báo \[a=3, b=1\]: a 3 b 1 lệch 2$' "$V/m.txt" \
    && [ "$(wc -l <"$V/m.txt")" -eq 2 ] && pass || { fail "results: text in Vietnamese"; cat "$V/m.txt"; }
"$REGRT" validate "$V/lib" --form m "$V/m.csv" --results some 2>"$V/bad.err"
expect_status "results: --results some" 2 $?
grep -q 'use invalid or all' "$V/bad.err" && pass || fail "results: --results some says $(cat "$V/bad.err")"
# the descriptor carries errorcode and errorlevel

# real-sized: 30,000 rows x 2 rules = 60,000 results, the same whatever the threads
python3 -c "
import sys
w = sys.stdout.write
w('unit,period,a,b\n')
for i in range(30000):
    w('l,%d,%s,%d\n' % (1000 + i, '' if i % 97 == 0 else i % 7, i % 5))
" >"$V/big.csv"
"$REGRT" validate "$V/lib" --form m "$V/big.csv" --results all --format csv --threads 1 -o "$V/big1.csv" 2>/dev/null
"$REGRT" validate "$V/lib" --form m "$V/big.csv" --results all --format csv --threads 4 -o "$V/big4.csv" 2>/dev/null
[ "$(wc -l <"$V/big1.csv")" -eq 60001 ] && cmp -s "$V/big1.csv" "$V/big4.csv" && pass \
    || fail "results: 30,000 rows: $(wc -l <"$V/big1.csv") lines, or they depend on the threads"
# every row with an empty a: F false and S null (310 rows: i % 97 == 0)
[ "$(grep -c ',F,false,' "$V/big1.csv")" -eq 310 ] && [ "$(grep -c ',S,,' "$V/big1.csv")" -eq 310 ] && pass \
    || fail "results: 30,000 rows: F false $(grep -c ',F,false,' "$V/big1.csv"), S null $(grep -c ',S,,' "$V/big1.csv")"
