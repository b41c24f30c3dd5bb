# Data integrity: no row lost or invented, roll-up totals equal the sums of
# the valid input rows (computed here independently, in Python, from the
# input and errors.csv), outputs written atomically (an interrupted run
# leaves the old file or none, never half of one), and a write error is an
# exit status 2. Sourced by tests/e2e/run.sh ($ROOT, $REGC, $REGRT, $tmp).

I="$tmp/integ"
mkdir -p "$I"

# i_sum FILE: "rows err" from regrt's summary line on stderr
# "N rows read, M with errors" (validate) or "N rows read: ... M rejected with errors" (rollup)
i_summary() {
    sed -n -e 's/^regrt: \([0-9]*\) rows read, \([0-9]*\) with errors.*/\1 \2/p' \
        -e 's/^regrt: \([0-9]*\) rows read: .*, \([0-9]*\) rejected with errors.*/\1 \2/p' "$1" | tail -1
}

if ! need python3; then
    :
elif ! "$REGC" build "$ROOT/examples/tthc/tthc.regime" -o "$I/lib" >"$I/build.log" 2>&1; then
    fail "integrity: regc build tthc: $(head -5 "$I/build.log")"
else
    # ---- the data: three months of 600 communes, with errors of every kind ----
    head -n 601 "$ROOT/stdlib/data/vn_admin_units_2025-03-01.csv" >"$I/units.csv"
    for m in 04 05 06; do
        python3 "$ROOT/examples/tthc/gen_month.py" --units "$I/units.csv" --month 2025-$m --seed 7$m \
            --log /dev/null >"$I/m$m.csv"
    done
    # malformed rows the generator does not make: too short, too wide, a
    # value of 20 digits, a repeated header, an unknown unit, a blank line,
    # and a last line without its newline
    H=$(head -1 "$I/m04.csv")
    {
        cat "$I/m06.csv"
        echo "00001,2025-06,D39,1,2"
        echo "00001,2025-06,D38,0,1,1,2,1,1,0,2,0,0,0,7"
        echo "00001,2025-06,D37,99999999999999999999,1,1,2,1,1,0,2,0,0,0"
        echo "$H"
        echo "99999,2025-06,D01,0,1,1,2,1,1,0,2,0,0,0"
        echo ""
        printf '%s' "00004,2025-06,D36,0,1,1,2,1,1,0,2,0,0,0"
    } >"$I/m06x.csv"
    mv "$I/m06x.csv" "$I/m06.csv"
    DATA="$I/m04.csv $I/m05.csv $I/m06.csv"

    # ---- 1. every row is accounted for: read = valid + with errors ----
    # shellcheck disable=SC2086 # DATA is a list of paths without blanks
    "$REGRT" validate "$I/lib" --units "$I/units.csv" --format csv -o "$I/errors.csv" -v $DATA 2>"$I/v.err"
    st=$?
    [ "$st" = 1 ] && pass || fail "integrity: validate exit $st: $(head -3 "$I/v.err")"
    # shellcheck disable=SC2086
    "$REGRT" rollup "$I/lib" --units "$I/units.csv" -o "$I/rollup.csv" --errors "$I/rerrors.csv" -v $DATA 2>"$I/r.err"
    st=$?
    [ "$st" = 0 ] && pass || fail "integrity: rollup exit $st: $(head -3 "$I/r.err")"
    cmp -s "$I/errors.csv" "$I/rerrors.csv" && pass || fail "integrity: validate and rollup --errors differ"
    # the last line lacks its newline but is whole: no warning of truncation
    # (a short row elsewhere in the same block once triggered it)
    grep -q "ends in the middle of a row" "$I/r.err" && fail "integrity: a whole last line taken for a truncated one" || pass
    rolled=$(sed -n 's/.* \([0-9]*\) rolled up into.*/\1/p' "$I/r.err")
    # shellcheck disable=SC2086
    python3 - "$I/errors.csv" "$I/units.csv" "$I/rollup.csv" "$(i_summary "$I/v.err")" "$(i_summary "$I/r.err")" \
        "$rolled" $DATA >"$I/check.out" 2>&1 <<'EOF'
import csv, sys
from collections import defaultdict
errors_csv, units_csv, rollup_csv, vsum, rsum, rolled = sys.argv[1:7]
files = sys.argv[7:]
bad = []
def check(cond, what):
    if not cond:
        bad.append(what)

# the input, read by Python's csv module: records after the header, blank lines skipped
rows = []  # (file index, row number within the file, dict)
for fi, path in enumerate(files):
    with open(path, newline='', encoding='utf-8') as f:
        r = csv.reader(f)
        header = next(r)
        n = 0
        for rec in r:
            if not rec or rec == ['']:
                continue
            n += 1
            rows.append((fi, n, dict(zip(header, rec)) if len(rec) == len(header) else None))
# rows with an error-level finding, from errors.csv (file,row_number,...,rule,severity)
err_rows = set()
with open(errors_csv, newline='', encoding='utf-8') as f:
    for e in csv.DictReader(f):
        if e['severity'] == 'error':
            err_rows.add((files.index(e['file']), int(e['row_number'])))
read, with_err = (int(x) for x in vsum.split())
check(read == len(rows), 'validate read %d rows, the files hold %d' % (read, len(rows)))
check(with_err == len(err_rows), 'validate counts %d rows with errors, errors.csv names %d' % (with_err, len(err_rows)))
check(rsum == vsum, 'rollup summary %s, validate summary %s' % (rsum, vsum))
valid = [(fi, n, d) for fi, n, d in rows if (fi, n) not in err_rows]
check(int(rolled) == len(valid), 'rollup rolled up %s rows, %d are valid' % (rolled, len(valid)))
check(read == len(valid) + len(err_rows), 'read %d != valid %d + with errors %d' % (read, len(valid), len(err_rows)))
check(all(d is not None for _, _, d in valid), 'a row of the wrong width counted as valid')

# the roll-up, computed here: flows summed, `carried` the opening stock (first
# month of the quarter), the pending counts closing stocks (last month)
parent = {}
with open(units_csv, newline='', encoding='utf-8') as f:
    for u in csv.DictReader(f):
        if u['commune_code']:
            parent[('commune', u['commune_code'])] = ('district', u['district_code'])
            parent[('district', u['district_code'])] = ('province', u['province_code'])
            parent[('province', u['province_code'])] = ('national', None)
FLOW = ['new_online', 'new_direct', 'received', 'early', 'ontime', 'late', 'resolved']
OPEN = ['carried']
CLOSE = ['pending_due', 'pending_overdue', 'pending']
exp = defaultdict(lambda: defaultdict(int))
units_in = defaultdict(set)
for _, _, d in valid:
    y, m = int(d['period'][:4]), int(d['period'][5:7])
    q = '%d-Q%d' % (y, (m - 1) // 3 + 1)
    pos = (m - 1) % 3
    node = ('commune', d['unit'])
    while node:
        g = (node, q, d['domain'])
        for k in FLOW:
            exp[g][k] += int(d[k])
        if pos == 0:
            for k in OPEN:
                exp[g][k] += int(d[k])
        if pos == 2:
            for k in CLOSE:
                exp[g][k] += int(d[k])
        exp[g]['__rows'] += 1
        units_in[g].add(d['unit'])
        node = parent.get(node)
got = {}
with open(rollup_csv, newline='', encoding='utf-8') as f:
    for r in csv.DictReader(f):
        node = (r['level'], None if r['level'] == 'national' else r['unit_code'])
        got[(node, r['quarter'], r['domain'])] = r
check(set(got) == set(exp), 'groups: %d in the roll-up, %d expected; e.g. missing %s, extra %s' % (
    len(got), len(exp), sorted(set(exp) - set(got))[:2], sorted(set(got) - set(exp))[:2]))
levels = defaultdict(int)
for g, e in exp.items():
    r = got.get(g)
    if r is None:
        continue
    levels[g[0][0]] += 1
    for k in FLOW + OPEN + CLOSE:
        check(int(r[k]) == e[k], '%s %s: %s = %s, the inputs sum to %d' % (g, k, k, r[k], e[k]))
    check(int(r['n_units']) == len(units_in[g]), '%s n_units %s, expected %d' % (g, r['n_units'], len(units_in[g])))
    if e['resolved']:
        rate = (e['early'] + e['ontime']) / e['resolved']
        check(r['ontime_rate'] != '' and abs(float(r['ontime_rate']) - rate) <= 0.00005 + 1e-12,
              '%s ontime_rate %s, expected %.6f' % (g, r['ontime_rate'], rate))
    else:
        check(r['ontime_rate'] == '', '%s ontime_rate %s with nothing resolved' % (g, r['ontime_rate']))
check(all(levels[l] for l in ('commune', 'district', 'province', 'national')), 'levels: %s' % dict(levels))
for b in bad[:10]:
    print(b)
print('checked %d rows (%d valid), %d groups at %s' % (len(rows), len(valid), len(got), dict(levels)))
sys.exit(1 if bad else 0)
EOF
    [ $? = 0 ] && pass || { fail "integrity: accounting and roll-up totals"; head -12 "$I/check.out"; }

    # the same roll-up from one concatenated file, and with 1 or 4 threads
    { cat "$I/m04.csv"; tail -n +2 "$I/m05.csv"; echo; tail -n +2 "$I/m06.csv"; } >"$I/all.csv"
    for t in 1 4; do
        "$REGRT" rollup "$I/lib" --units "$I/units.csv" -o "$I/rollup$t.csv" --threads $t "$I/all.csv" 2>/dev/null
        cmp -s "$I/rollup.csv" "$I/rollup$t.csv" && pass || fail "integrity: roll-up of one file, $t thread(s), differs"
    done

    # the block reader cuts files at 1 MB on record boundaries: quoted
    # fields with commas, quotes and line breaks across those cuts, read
    # with 1, 2 and 4 threads, give Python's number of rows and one report
    python3 - "$I/quoted.csv" <<'EOF'
import sys
with open(sys.argv[1], 'w', newline='') as f:
    f.write('unit,period,domain,carried,new_online,new_direct,received,early,ontime,late,resolved,pending_due,pending_overdue,pending\n')
    for i in range(60000):
        d = '"D%02d"' % (1 + i % 40)
        if i % 7 == 0:
            d = '"D%02d\n""x"",\n"' % (1 + i % 40)  # a V6 failure over three lines
        f.write('"%05d","2025-04",%s,1,1,1,%d,1,1,0,2,0,0,1\n' % (1 + (i % 3) * 3, d, 3 + i % 2))
EOF
    want=$(python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=''))) - 1)" "$I/quoted.csv")
    for t in 1 2 4; do
        "$REGRT" validate "$I/lib" --units "$I/units.csv" --format csv --threads $t -v -o "$I/q$t.csv" "$I/quoted.csv" 2>"$I/q.err"
        got=$(i_summary "$I/q.err" | cut -d' ' -f1)
        [ "$got" = "$want" ] && pass || fail "integrity: quoted multi-line file, $t thread(s): $got rows read, Python reads $want"
    done
    cmp -s "$I/q1.csv" "$I/q2.csv" && cmp -s "$I/q1.csv" "$I/q4.csv" && pass || fail "integrity: the report depends on the threads"

    # ---- 2. atomic outputs: an interrupted run leaves the old file ----
    # (a) deterministic: the input comes through a FIFO that is never closed,
    # so regrt is interrupted while its report is being written.
    python3 - "$I/big_bad.csv" <<'EOF'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('unit,period,domain,carried,new_online,new_direct,received,early,ontime,late,resolved,pending_due,pending_overdue,pending\n')
    row = '00001,2025-04,D%02d,1,1,1,9,1,1,0,2,0,0,0\n'  # V1 and V4 fail
    for i in range(200000):
        f.write(row % (1 + i % 40))
EOF
    if mkfifo "$I/fifo" 2>/dev/null; then
        echo "old content" >"$I/out.csv"
        cp "$I/out.csv" "$I/out.before"
        # (rules without previous(): C1 would make regrt read the whole
        # input in a first pass before it writes anything)
        "$REGRT" validate "$I/lib" --rules V1,V2,V3,V4,V5 --format csv -q -o "$I/out.csv" "$I/fifo" 2>/dev/null &
        pid=$!
        exec 9>"$I/fifo"
        cat "$I/big_bad.csv" >&9
        seen=0
        for _ in $(seq 1 200); do
            for t in "$I"/out.csv.tmp.*; do
                [ -s "$t" ] && seen=1
            done
            [ $seen = 1 ] && break
            sleep 0.05
        done
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        exec 9>&-
        [ $seen = 1 ] && pass || fail "integrity: the report was never being written (no temporary file)"
        cmp -s "$I/out.csv" "$I/out.before" && pass || fail "integrity: killed mid-write, out.csv changed"
        rm -f "$I"/out.csv.tmp.*
    else
        fail "integrity: mkfifo failed: the FIFO part cannot run"
    fi
    # (b) kill -9 at several moments of a roll-up and a validation on a
    # large input: the target is the old file or the complete new one
    # (six months: the same month six times would be one key sent six times,
    # which a roll-up leaves out as duplicates)
    for i in $(seq 1 6); do sed "s/,2025-04,/,2025-0$i,/" "$I/m04.csv"; done >"$I/big.csv"
    cat "$I/big_bad.csv" "$I/big_bad.csv" | grep -v '^unit' >>"$I/big.csv"
    "$REGRT" rollup "$I/lib" --units "$I/units.csv" -o "$I/ref_r.csv" --errors "$I/ref_e.csv" "$I/big.csv" 2>/dev/null
    for d in 0.02 0.05 0.1 0.2 0.4 0.8; do
        echo "old" >"$I/kr.csv"
        echo "old" >"$I/ke.csv"
        "$REGRT" rollup "$I/lib" --units "$I/units.csv" -o "$I/kr.csv" --errors "$I/ke.csv" "$I/big.csv" 2>/dev/null &
        pid=$!
        sleep "$d"
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        for p in r e; do
            if [ "$(cat "$I/k$p.csv")" = old ] || cmp -s "$I/k$p.csv" "$I/ref_$p.csv"; then pass; else
                fail "integrity: rollup killed after ${d}s left a partial k$p.csv ($(wc -c <"$I/k$p.csv") bytes)"
            fi
        done
        rm -f "$I"/k?.csv.tmp.*
    done

    # regc build is interrupted too: the library, header and manifest of an
    # output folder are each the old file or the new one (a build is
    # reproducible, so both equal the first build), and regrt still loads it
    "$REGC" build "$ROOT/examples/tthc/tthc.regime" -o "$I/blib" >/dev/null 2>&1
    mkdir -p "$I/bref" && cp "$I/blib/tthc.so" "$I/blib/tthc.h" "$I/blib/manifest.json" "$I/bref/"
    for d in 0.05 0.1 0.2 0.3 0.5 0.8; do
        "$REGC" build "$ROOT/examples/tthc/tthc.regime" -o "$I/blib" >/dev/null 2>&1 &
        pid=$!
        sleep "$d"
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        for f in tthc.so tthc.h manifest.json; do
            cmp -s "$I/blib/$f" "$I/bref/$f" && pass || fail "integrity: regc build killed after ${d}s left a partial $f"
        done
        "$REGRT" calendar "$I/blib" --year 2025 >/dev/null 2>"$I/b.err" && pass ||
            fail "integrity: regrt cannot load a folder after an interrupted build: $(head -2 "$I/b.err")"
    done

    # ---- 3. write errors: exit 2, a message, nothing left behind ----
    # A private /dev/full (a device node in $tmp) when we may create one, so
    # that even a regressed regrt cannot replace the system's /dev/full.
    FULL=
    if mknod "$I/full" c 1 7 2>/dev/null; then FULL="$I/full"
    elif [ "$(id -u)" != 0 ]; then FULL=/dev/full
    fi
    if [ -n "$FULL" ]; then
        for cmd in "validate --format csv -o FULL" "rollup --units $I/units.csv -o FULL" \
            "rollup --units $I/units.csv -o $I/ok.csv --errors FULL" "status --units $I/units.csv --as-of 2025-07-20 --format csv -o FULL"; do
            rm -f "$I/ok.csv"
            # shellcheck disable=SC2086 # cmd is a list of words
            "$REGRT" $(echo "$cmd" | sed "s|FULL|$FULL|") "$I/lib" "$I/m04.csv" >/dev/null 2>"$I/w.err"
            st=$?
            [ "$st" = 2 ] && grep -q "No space left on device" "$I/w.err" && pass ||
                fail "integrity: regrt $cmd: exit $st: $(head -2 "$I/w.err")"
            [ -c "$FULL" ] && pass || fail "integrity: regrt $cmd replaced the device node"
            [ ! -e "$I/ok.csv" ] && pass || fail "integrity: regrt $cmd left ok.csv although it failed"
        done
        "$REGRT" calendar "$I/lib" --year 2025 -o "$FULL" >/dev/null 2>"$I/w.err"
        st=$?
        [ "$st" = 2 ] && pass || fail "integrity: calendar -o full: exit $st"
    else
        echo "t_integrity: /dev/full part skipped (running as root without mknod)"
    fi
    if [ -w /dev/full ]; then
        # the standard output on a full disk
        "$REGRT" validate "$I/lib" --format csv "$I/m04.csv" >/dev/full 2>"$I/w.err"
        st=$?
        [ "$st" = 2 ] && grep -q "standard output" "$I/w.err" && pass ||
            fail "integrity: validate >/dev/full: exit $st: $(head -2 "$I/w.err")"
    fi
    # a tiny tmpfs: the output does not fit, the old file stays, no temporary file is left
    mkdir -p "$I/small"
    if mount -t tmpfs -o size=64k tmpfs "$I/small" 2>/dev/null; then
        echo old >"$I/small/r.csv"
        "$REGRT" rollup "$I/lib" --units "$I/units.csv" -o "$I/small/r.csv" "$I/big.csv" 2>"$I/w.err"
        st=$?
        [ "$st" = 2 ] && grep -q "No space left on device" "$I/w.err" && pass ||
            fail "integrity: rollup to a full tmpfs: exit $st: $(head -2 "$I/w.err")"
        [ "$(cat "$I/small/r.csv")" = old ] && pass || fail "integrity: a full disk damaged the old output"
        [ "$(ls "$I/small")" = r.csv ] && pass || fail "integrity: a full disk left files behind: $(ls "$I/small")"
        umount "$I/small"
    else
        echo "t_integrity: tmpfs part skipped (cannot mount; /dev/full covers ENOSPC)"
    fi
fi
