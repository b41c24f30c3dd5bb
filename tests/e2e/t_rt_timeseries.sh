# Time series: running_sum() (VTL flow_to_stock), change() (VTL
# stock_to_flow) and previous(x, k), compiled into the kernels and joined by
# regrt over the periods of the DATA files; `regrt compute` writes every
# row's computed fields. The SDMX VTL 2.1 reference manual's examples are
# reproduced from its published files (github.com/sdmx-twg/vtl,
# v2.1/docs/reference_manual/operators/Time operators/Flow to stock/examples
# and .../Stock to flow/examples: ds_N.csv the operand, ex_N.csv the
# result). Then a year of months on real units against a reference
# computed in Python (gaps, empty cells, repeated keys), and `regc test`.
# Needs `regc build` and python3.
need python3 || return 0
V="$tmp/ts"
mkdir -p "$V"
# Id_1 (A, B) is the reporting unit, Id_2 the reference time (the period),
# Me_1 the measure; one regime per frequency of the examples.
ts_regime() { # NAME FREQUENCY PERIOD
    cat <<EOF
regime $1 {
  version "1.0.0"
  frequency $2
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

form ds {
  reported by unit
  period $3
  field Me_1: decimal(1)
  computed to_stock = running_sum(Me_1)
  computed to_flow = change(Me_1)
}
EOF
}
ts_regime vtl_y yearly year >"$V/y.regime"
ts_regime vtl_q quarterly quarter >"$V/q.regime"
ok=1
for r in y q; do
    "$REGC" build "$V/$r.regime" -o "$V/$r" >"$V/$r.build" 2>&1 || { ok=0; cat "$V/$r.build"; }
    "$REGC" fmt --check "$V/$r.regime" >/dev/null 2>&1 || { ok=0; echo "$r.regime is not fmt clean"; }
done
[ $ok = 1 ] && pass || fail "timeseries: regc build of the VTL regimes"

# Runs `regrt compute` on the manual's DS (Id_1,Id_2,Me_1; Id_2 through
# the sed script $3 into a period) and writes Id_1,Id_2,<column $4> with
# Id_2 back through the sed script $5.
vtl_run() { # LIB DS SED_IN COLUMN SED_OUT
    { echo "unit,period,Me_1"; tail -n +2 "$2" | sed "$3"; } >"$V/in.csv"
    "$REGRT" compute "$1" "$V/in.csv" -o "$V/out.csv" 2>"$V/out.err" || { cat "$V/out.err"; return 1; }
    python3 - "$V/out.csv" "$4" <<'EOF' | sed "$5"
import csv, sys
print('Id_1,Id_2,Me_1')
for r in csv.DictReader(open(sys.argv[1], newline='')):
    print(','.join([r['unit'], r['period'], r[sys.argv[2]]]))
EOF
}
vtl_check() { # NAME EXPECTED ACTUAL
    cmp -s "$2" "$3" && pass || { fail "timeseries: VTL $1"; diff "$2" "$3"; }
}

# ---- Flow to stock: DS_r := flow_to_stock ( DS_1 ); ----
# ds_1/ex_1: annual series, Id_2 of type time (2010M1/2010M12 is the year 2010)
cat >"$V/f_ds_1.csv" <<'EOF'
Id_1,Id_2,Me_1
A,2010M1/2010M12,2
A,2011M1/2011M12,5
A,2012M1/2012M12,-3
A,2013M1/2013M12,9
B,2010M1/2010M12,4
B,2011M1/2011M12,-8
B,2012M1/2012M12,0
B,2013M1/2013M12,6
EOF
cat >"$V/f_ex_1.csv" <<'EOF'
Id_1,Id_2,Me_1
A,2010M1/2010M12,2
A,2011M1/2011M12,7
A,2012M1/2012M12,4
A,2013M1/2013M12,13
B,2010M1/2010M12,4
B,2011M1/2011M12,-4
B,2012M1/2012M12,-4
B,2013M1/2013M12,2
EOF
# Me_1 has one decimal in the regime: the manual's integers are written
# without it, so ".0" is dropped on the way back (the value is the same)
vtl_run "$V/y" "$V/f_ds_1.csv" 's|,\([0-9]*\)M1/[0-9]*M12,|,\1,|' to_stock 's|,\([0-9]\{4\}\),\(.*\)\.0$|,\1M1/\1M12,\2|' >"$V/f1.out"
vtl_check "flow_to_stock ex_1" "$V/f_ex_1.csv" "$V/f1.out"
# ds_3/ex_3: the same series, Id_2 of type time_period (2010)
sed 's|M1/[0-9]*M12||' "$V/f_ds_1.csv" >"$V/f_ds_3.csv"
cat >"$V/f_ex_3.csv" <<'EOF'
Id_1,Id_2,Me_1
A,2010,2
A,2011,7
A,2012,4
A,2013,13
B,2010,4
B,2011,-4
B,2012,-4
B,2013,2
EOF
vtl_run "$V/y" "$V/f_ds_3.csv" 's|x|x|' to_stock 's|\.0$||' >"$V/f3.out"
vtl_check "flow_to_stock ex_3" "$V/f_ex_3.csv" "$V/f3.out"
# ds_4/ex_4: annual and quarterly series of one phenomenon A; a regime has
# one frequency, so each series is its own regime's form. (ds_2/ex_2 name
# the years by a date and its last one 9999-12-31, which follows 2012-12-31
# in the manual: no calendar of periods has such a series.)
cat >"$V/f_ds_4.csv" <<'EOF'
Id_1,Id_2,Me_1
A,2010,2
A,2011,7
A,2012,4
A,2013,13
A,2010Q1,2
A,2010Q2,-3
A,2010Q3,7
A,2010Q4,-4
EOF
cat >"$V/f_ex_4.csv" <<'EOF'
Id_1,Id_2,Me_1
A,2010,2
A,2011,9
A,2012,13
A,2013,26
A,2010-Q1,2
A,2010-Q2,-1
A,2010-Q3,6
A,2010-Q4,2
EOF
grep -v Q "$V/f_ds_4.csv" >"$V/f_ds_4y.csv"
{ head -1 "$V/f_ds_4.csv"; grep Q "$V/f_ds_4.csv"; } >"$V/f_ds_4q.csv"
{ vtl_run "$V/y" "$V/f_ds_4y.csv" 's|x|x|' to_stock 's|\.0$||'
  vtl_run "$V/q" "$V/f_ds_4q.csv" 's|Q|-Q|' to_stock 's|\.0$||' | tail -n +2; } >"$V/f4.out"
vtl_check "flow_to_stock ex_4" "$V/f_ex_4.csv" "$V/f4.out"

# ---- Stock to flow: DS_r := stock_to_flow ( DS_1 ); ----
cat >"$V/s_ds_1.csv" <<'EOF'
Id_1,Id_2,Me_1
A,2010M1/2010M12,2.0
A,2011M1/2011M12,7.0
A,2012M1/2012M12,4.0
A,2013M1/2013M12,13.0
B,2010M1/2010M12,4.0
B,2011M1/2011M12,-4.0
B,2012M1/2012M12,-4.0
B,2013M1/2013M12,2.0
EOF
cat >"$V/s_ex_1.csv" <<'EOF'
Id_1,Id_2,Me_1
A,2010M1/2010M12,2.0
A,2011M1/2011M12,5.0
A,2012M1/2012M12,-3.0
A,2013M1/2013M12,9.0
B,2010M1/2010M12,4.0
B,2011M1/2011M12,-8.0
B,2012M1/2012M12,0.0
B,2013M1/2013M12,6.0
EOF
vtl_run "$V/y" "$V/s_ds_1.csv" 's|,\([0-9]*\)M1/[0-9]*M12,|,\1,|' to_flow 's|,\([0-9]\{4\}\),|,\1M1/\1M12,|' >"$V/s1.out"
vtl_check "stock_to_flow ex_1" "$V/s_ex_1.csv" "$V/s1.out"
# ds_2/ex_2: the years named by their last day (2010-12-31)
sed 's|M1/[0-9]*M12|-12-31|' "$V/s_ds_1.csv" >"$V/s_ds_2.csv"
sed 's|M1/[0-9]*M12|-12-31|' "$V/s_ex_1.csv" >"$V/s_ex_2.csv"
vtl_run "$V/y" "$V/s_ds_2.csv" 's|-12-31,|,|' to_flow 's|,\([0-9]\{4\}\),|,\1-12-31,|' >"$V/s2.out"
vtl_check "stock_to_flow ex_2" "$V/s_ex_2.csv" "$V/s2.out"
# ds_3/ex_3: time_period (2010)
sed 's|M1/[0-9]*M12||' "$V/s_ds_1.csv" >"$V/s_ds_3.csv"
sed 's|M1/[0-9]*M12||' "$V/s_ex_1.csv" >"$V/s_ex_3.csv"
vtl_run "$V/y" "$V/s_ds_3.csv" 's|x|x|' to_flow 's|x|x|' >"$V/s3.out"
vtl_check "stock_to_flow ex_3" "$V/s_ex_3.csv" "$V/s3.out"
# ds_4/ex_4: annual and quarterly series (one regime each)
cat >"$V/s_ds_4.csv" <<'EOF'
Id_1,Id_2,Me_1
A,2010,2.0
A,2011,9.0
A,2012,13.0
A,2013,26.0
A,2010Q1,2.0
A,2010Q2,-1.0
A,2010Q3,6.0
A,2010Q4,2.0
EOF
cat >"$V/s_ex_4.csv" <<'EOF'
Id_1,Id_2,Me_1
A,2010,2.0
A,2011,7.0
A,2012,4.0
A,2013,13.0
A,2010Q1,2.0
A,2010Q2,-3.0
A,2010Q3,7.0
A,2010Q4,-4.0
EOF
grep -v Q "$V/s_ds_4.csv" >"$V/s_ds_4y.csv"
{ head -1 "$V/s_ds_4.csv"; grep Q "$V/s_ds_4.csv"; } >"$V/s_ds_4q.csv"
{ vtl_run "$V/y" "$V/s_ds_4y.csv" 's|x|x|' to_flow 's|x|x|'
  vtl_run "$V/q" "$V/s_ds_4q.csv" 's|Q|-Q|' to_flow 's|-Q|Q|' | tail -n +2; } >"$V/s4.out"
vtl_check "stock_to_flow ex_4" "$V/s_ex_4.csv" "$V/s4.out"

# ---- never a made-up figure: gaps, empty cells, repeated keys ----
# 2012 is absent for A: its stock and flow are unknown, and so is every
# later stock of A (the total since 2010 lacks 2012's flow); B's 2011 is
# empty. Files in any order, standard input too.
cat >"$V/gap.csv" <<'EOF'
unit,period,Me_1
A,2013,9.0
A,2010,2.0
A,2011,5.0
A,2014,1.0
B,2010,4.0
B,2011,
B,2012,0.0
EOF
"$REGRT" compute "$V/y" - <"$V/gap.csv" >"$V/gap.out" 2>/dev/null
cat >"$V/gap.expected" <<'EOF'
row_number,unit,period,to_stock,to_flow
1,A,2013,,
2,A,2010,2.0,2.0
3,A,2011,7.0,3.0
4,A,2014,,-8.0
5,B,2010,4.0,4.0
6,B,2011,,
7,B,2012,,
EOF
vtl_check "a gap and an empty cell leave the totals after them empty" "$V/gap.expected" "$V/gap.out"
"$REGRT" compute "$V/y" "$V/gap.csv" --format json >/dev/null 2>"$V/json.err"
expect_status "timeseries: compute --format json is refused" 2 $?
grep -q 'regrt compute writes CSV' "$V/json.err" && pass || fail "timeseries: compute --format json message: $(cat "$V/json.err")"
"$REGRT" compute "$V/y" "$V/gap.csv" -o "$V/gap.csv" 2>/dev/null
expect_status "timeseries: compute -o an input" 2 $?

# ---- a year of months on real units, against Python ----
U="$ROOT/stdlib/data/vn_admin_units_2025-03-01.csv"
# 2,500 communes (about 88,000 rows, 12 passes); fewer under the sanitizers
TS_UNITS=2500
case "$O" in *san*) TS_UNITS=600 ;; esac
cat >"$V/m.regime" <<'EOF'
import vn_tiers

regime tsm {
  version "1.0.0"
  frequency monthly
  submitted by commune
  tiers vn_2025_03
}

codelist domains {
  code D01
  code D02
  code D03
}

form cases {
  reported by commune
  period month
  dimension domain: code in domains
  field received: count
  field pending: count
    stock closing
  computed ytd = running_sum(received, year)
    stock closing
  computed qtd = running_sum(received, quarter)
    stock closing
  computed moved = change(pending)
  computed quarter_ago = previous(received, 3)
  computed monthly = change(ytd, year)
  rule G1 warning
    check ytd <= 1000000
    message en "Received {ytd} since January"
}
EOF
if "$REGC" build "$V/m.regime" -o "$V/m" >"$V/m.build" 2>&1; then pass; else fail "timeseries: regc build of the monthly regime"; cat "$V/m.build"; fi
python3 - "$U" "$V" "$TS_UNITS" <<'EOF'
import csv, random, sys
units, d = sys.argv[1], sys.argv[2]
random.seed(14)
codes = [r['commune_code'] for r in csv.DictReader(open(units, encoding='utf-8'))][:int(sys.argv[3])]
rows, key_rows = [], {}
for u in codes:
    for dom in ('D01', 'D02', 'D03'):
        for m in range(1, 13):
            if random.random() < 0.02:
                continue  # a month not sent
            rec = random.randrange(0, 500) if random.random() > 0.01 else ''
            pen = random.randrange(0, 300) if random.random() > 0.01 else ''
            rows.append([u, '2025-%02d' % m, dom, str(rec), str(pen)])
            if random.random() < 0.0005:
                rows.append([u, '2025-%02d' % m, dom, str(rec), str(pen)])  # sent twice
random.shuffle(rows)
half = len(rows) // 2
for name, part in (('a.csv', rows[:half]), ('b.csv', rows[half:])):
    with open(d + '/' + name, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['unit', 'period', 'domain', 'received', 'pending'])
        w.writerows(part)
# the reference: a (unit, domain, month) key sent twice has no single row,
# so nothing after it in its window can be summed
cnt = {}
for r in rows:
    k = (r[0], r[2], int(r[1][5:]))
    cnt[k] = cnt.get(k, 0) + 1
val = {k: None for k in cnt}
for r in rows:
    k = (r[0], r[2], int(r[1][5:]))
    if cnt[k] == 1:
        val[k] = (int(r[3]) if r[3] else None, int(r[4]) if r[4] else None)
def one(k):  # the single row's values, or None (absent or repeated)
    return val.get(k)
first = {}
for (u, dom, m) in cnt:
    first[(u, dom)] = min(m, first.get((u, dom), 13))
def running(u, dom, m, start, own):
    # the row's own figure, then each earlier month of the window, sent once
    if not own:
        return ''
    s = int(own)
    for x in range(start, m):
        v = one((u, dom, x))
        if v is None or v[0] is None:
            return ''
        s += v[0]
    return str(s)
with open(d + '/expected.csv', 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    for name, part in (('a.csv', rows[:half]), ('b.csv', rows[half:])):
        for i, r in enumerate(part, 1):
            u, dom, m = r[0], r[2], int(r[1][5:])
            ytd = running(u, dom, m, 1, r[3])
            qtd = running(u, dom, m, (m - 1) // 3 * 3 + 1, r[3])
            prev, pen = one((u, dom, m - 1)), r[4]
            if m == first[(u, dom)]:
                moved = pen  # the series' first period: the stock itself
            elif prev is None or prev[1] is None or not pen:
                moved = ''
            else:
                moved = str(int(pen) - prev[1])
            q = one((u, dom, m - 3))
            qa = '' if q is None or q[0] is None else str(q[0])
            # change(ytd, year): a chain on a running total
            if m == 1:
                monthly = ytd
            else:
                pv = one((u, dom, m - 1))
                py = '' if pv is None or pv[0] is None else running(u, dom, m - 1, 1, str(pv[0]))
                monthly = str(int(ytd) - int(py)) if ytd and py else ''
            w.writerow([name, i, u, r[1], dom, ytd, qtd, moved, qa, monthly])
EOF
"$REGRT" compute "$V/m" --units "$U" "$V/a.csv" "$V/b.csv" -o "$V/m.out" 2>"$V/m.err"
expect_status "timeseries: compute a year of months (repeated keys: DUP1)" 1 $?
grep -q 'DUP1' "$V/m.err" && pass || fail "timeseries: compute does not say which keys repeat"
head -1 "$V/m.out" | grep -qx 'file,row_number,unit,period,domain,ytd,qtd,moved,quarter_ago,monthly' && pass \
    || fail "timeseries: compute header $(head -1 "$V/m.out")"
python3 - "$V/m.out" "$V/expected.csv" "$V" <<'EOF' >"$V/m.cmp"
import csv, os, sys
got = [[os.path.basename(r[0])] + r[1:] for r in list(csv.reader(open(sys.argv[1], newline='')))[1:]]
exp = list(csv.reader(open(sys.argv[2], newline='')))
bad = [(g, e) for g, e in zip(got, exp) if g != e]
print(len(got), len(exp), len(bad))
for g, e in bad[:5]:
    print('got', g, 'expected', e)
EOF
n=$(head -1 "$V/m.cmp" | cut -d' ' -f1)
if [ "$(head -1 "$V/m.cmp" | cut -d' ' -f2-)" = "$n 0" ] && [ "$n" -gt $((TS_UNITS * 32)) ]; then pass; else fail "timeseries: a year of months differs from Python: $(head -6 "$V/m.cmp")"; fi
# the joins: rules and computed fields agree between validate and compute
"$REGRT" validate "$V/m" --units "$U" "$V/a.csv" "$V/b.csv" --format csv -o "$V/v.csv" 2>/dev/null
expect_status "timeseries: validate a year of months (repeated keys)" 1 $?

# ---- regc test: running totals, changes and lags in test rows ----
cat >"$V/t.regime" <<'EOF'
regime tst {
  version "1.0.0"
  frequency monthly
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

form f {
  reported by unit
  period month
  field x: integer
  computed ytd = running_sum(x, year)
  computed d = change(x)
  rule Y info
    check ytd < 0
    message en "ytd {ytd} d {d} prev {previous(x)}"
  rule L info
    check x = previous(x, 2)
    message en "x {x} two months before {previous(x, 2)}"
}

test "running totals reset in January, a missing month empties the rest" {
  data f (unit, period, x)
    ("u", 2024-12, 7)
    ("u", 2025-01, 1)
    ("u", 2025-02, 2)
    ("u", 2025-04, 4)
    ("u", 2025-03, 1)
    ("v", 2025-02, 5)
    ("w", 2025-01, 1)
    ("w", 2025-03, 3)
  expect row 1 passes
  expect row 2 fails Y
  expect row 2 message en "ytd 1 d -6 prev 7"
  expect row 3 fails Y, L
  expect row 3 message en "ytd 3 d 1 prev 1"
  expect row 4 fails Y, L
  expect row 4 message en "ytd 8 d 3 prev 1"
  expect row 5 fails Y
  expect row 5 message en "ytd 4 d -1 prev 2"
  expect row 6 passes
  expect row 7 fails Y
  expect row 8 fails L
  expect row 8 message en "x 3 two months before 1"
  expect row 3 message en "x 2 two months before 7"
}

test "computed values pinned row by row" {
  data f (unit, period, x)
    ("u", 2024-12, 7)
    ("u", 2025-01, 1)
    ("u", 2025-02, 2)
    ("u", 2025-04, 4)
    ("u", 2025-03, 1)
    ("v", 2025-02, 5)
    ("w", 2025-01, 1)
    ("w", 2025-03, 3)
  expect row 1 ytd = missing  # 2024 starts in December: no year-to-date
  expect row 2 ytd = 1
  expect row 3 ytd = 3
  expect row 5 ytd = 4
  expect row 4 ytd = 8
  expect row 6 ytd = missing  # v starts in February
  expect row 7 ytd = 1
  expect row 8 ytd = missing  # w has no February
  expect row 2 d = -6
  expect row 3 d = 1
  expect row 4 x = 4
}
EOF
"$REGC" test "$V/t.regime" >"$V/t.out" 2>&1
expect_status "timeseries: regc test" 0 $?
grep -q '2 passed, 0 failed' "$V/t.out" && pass || fail "timeseries: regc test output $(cat "$V/t.out")"
"$REGC" fmt --check "$V/t.regime" >"$V/f.out" 2>&1
expect_status "timeseries: fmt --check of the row value expectations" 0 $?
# a wrong value, an empty one expected filled, a filled one expected empty
sed -e 's/expect row 3 ytd = 3/expect row 3 ytd = 4/' -e 's/expect row 8 ytd = missing .*/expect row 8 ytd = 4/' \
    -e 's/expect row 7 ytd = 1/expect row 7 ytd = missing/' "$V/t.regime" >"$V/bad.regime"
"$REGC" test "$V/bad.regime" >"$V/bad.out" 2>&1
expect_status "timeseries: regc test of wrong row values" 1 $?
grep -q 'E0796.*row 3: `ytd` is 3, expected 4' "$V/bad.out" && grep -q 'E0796.*row 8: `ytd` is missing, expected 4' "$V/bad.out" &&
    grep -q 'E0796.*row 7: `ytd` is 1, expected missing' "$V/bad.out" && pass ||
    fail "timeseries: wrong row values not reported: $(cat "$V/bad.out")"
