# previous(): regrt joins each row with the row of the same unit and
# dimension values one period earlier, from the same DATA files (in any
# order, from standard input too), whatever the number of threads; a row
# with no previous row skips the rule; a repeated key gives no previous row;
# no selected previous() rule, no join (the benchmark's --rules V1..V8).
# Needs `regc build` (the libraries of examples/tthc, edoc, twolevel).
P_U="$ROOT/stdlib/data/vn_admin_units_2025-03-01.csv"
P_N="$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv"
P_EX="$ROOT/examples"
if (cd "$ROOT" && "$REGC" build examples/tthc/tthc.regime -o "$tmp/tthc" && "$REGC" build examples/edoc/edoc.regime -o "$tmp/edoc" &&
    "$REGC" build examples/twolevel/twolevel.regime -o "$tmp/twolevel") >"$tmp/build.log" 2>&1; then
    T="$tmp/tthc"
    M4="$P_EX/tthc/submissions_2025-04.csv" M5="$P_EX/tthc/submissions_2025-05.csv" M6="$P_EX/tthc/submissions_2025-06.csv"

    # the README's C1: carried 1 in May, April left 2 pending
    "$REGRT" validate "$T" --units "$P_U" "$M4" "$M5" "$M6" >"$tmp/v.txt" 2>"$tmp/v.err"
    expect_status "prev: validate tthc" 1 $?
    grep -q 'submissions_2025-05.csv:7: row 6 (unit 03127, period 2025-05, domain D07): warning C1: Carried over (1) differs from last period.s pending (2)$' "$tmp/v.txt" \
        && pass || fail "prev: C1 with both values: $(grep C1 "$tmp/v.txt")"
    [ "$(grep -c ' C1: ' "$tmp/v.txt")" = 1 ] && pass || fail "prev: exactly one C1"
    grep -q '^  C1 *warning *1$' "$tmp/v.err" && pass || fail "prev: C1 in the summary"

    # files in another order: the same findings (the report follows the files)
    "$REGRT" validate "$T" --units "$P_U" --format csv "$M6" "$M5" "$M4" -o "$tmp/rev.csv" 2>/dev/null
    grep -q "submissions_2025-05.csv,6,03127,2025-05,D07,C1,warning" "$tmp/rev.csv" && pass || fail "prev: order of the files matters"
    [ "$(grep -c ',C1,' "$tmp/rev.csv")" = 1 ] && pass || fail "prev: C1 count with files reversed"

    # May alone: no April, so C1 is skipped; April alone never joins
    "$REGRT" validate "$T" --units "$P_U" --format csv "$M5" -o "$tmp/may.csv" 2>/dev/null
    grep -q ',C1,' "$tmp/may.csv" && fail "prev: C1 without the previous month" || pass

    # standard input, read twice (copied): April and May in one stream
    { cat "$M4"; tail -n +2 "$M5"; } >"$tmp/am.csv"
    "$REGRT" validate "$T" --units "$P_U" --format csv - <"$tmp/am.csv" >"$tmp/stdin.csv" 2>/dev/null
    grep -q '^12,03127,2025-05,D07,C1,warning$' "$tmp/stdin.csv" && pass || fail "prev: standard input: $(grep C1 "$tmp/stdin.csv")"

    # a key twice in April: May's row has no previous row, and a warning says so
    { cat "$M4"; grep '^03127,2025-04,D07,' "$M4"; tail -n +2 "$M5"; } >"$tmp/dup.csv"
    "$REGRT" validate "$T" --units "$P_U" --format csv "$tmp/dup.csv" -o "$tmp/dup.out" 2>"$tmp/dup.err"
    grep -q ',C1,' "$tmp/dup.out" && fail "prev: a repeated key still joined" || pass
    grep -q '1 row(s) have more than one row of the same unit and dimension values in the previous period' "$tmp/dup.err" && pass || fail "prev: no warning for a repeated key: $(cat "$tmp/dup.err")"

    # rollup: C1 in --errors; the roll-up itself unchanged by the join
    "$REGRT" rollup "$T" --units "$P_U" --errors "$tmp/re.csv" -o "$tmp/r.csv" -q "$M4" "$M5" "$M6"
    expect_status "prev: rollup" 0 $?
    grep -q ',C1,warning' "$tmp/re.csv" && pass || fail "prev: rollup --errors has no C1"
    cmp -s "$tmp/r.csv" "$P_EX/tthc/expected/rollup.csv" && pass || fail "prev: rollup.csv changed"

    # --rules without C1: no join at all (the benchmark's path), the same bytes otherwise
    "$REGRT" rollup "$T" --units "$P_U" --errors "$tmp/re8.csv" -o "$tmp/r8.csv" -v --rules V1,V2,V3,V4,V5,V6,V7,V8 \
        "$M4" "$M5" "$M6" 2>"$tmp/r8.err"
    grep -v ',C1,' "$tmp/re.csv" | cmp -s - "$tmp/re8.csv" && pass || fail "prev: --rules V1..V8 changes other findings"
    grep -q 'previous period' "$tmp/r8.err" && fail "prev: joined although no previous() rule is selected" || pass
    "$REGRT" rollup "$T" --units "$P_U" -o "$tmp/rx.csv" --rules V1,X9 "$M4" 2>"$tmp/rx.err"
    expect_status "prev: rollup --rules with an unknown rule" 2 $?
    grep -q "form 'bieu06' has no rule 'X9'" "$tmp/rx.err" && pass || fail "prev: rollup --rules message"

    # many rows, several blocks and threads: the same C1 findings, in any file order
    python3 - "$tmp/m" <<'PY'
import sys
base = sys.argv[1]
hdr = "unit,period,domain,carried,new_online,new_direct,received,early,ontime,late,resolved,pending_due,pending_overdue,pending\n"
units = ["%05d" % (1 + 3 * i) for i in range(2000)]
doms = ["D%02d" % d for d in range(1, 9)]
pend = {}
for m, month in enumerate(["2025-01", "2025-02", "2025-03"]):
    with open("%s%d.csv" % (base, m), "w") as f:
        f.write(hdr)
        for i, u in enumerate(units):
            for j, d in enumerate(doms):
                carried = pend.get((u, d), 0)
                if m == 2 and (i * 8 + j) % 997 == 0:
                    carried += 1  # planted: 17 rows of March
                on, di = (i + j + m) % 7, (i * j + m) % 5
                rec = carried + on + di
                res = rec // 2
                p = rec - res
                pend[(u, d)] = p
                f.write("%s,%s,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d\n" % (u, month, d, carried, on, di, rec, 0, res, 0, res, p, 0, p))
PY
    for j in 1 2 4; do
        "$REGRT" validate "$T" -j $j --format csv "$tmp/m0.csv" "$tmp/m1.csv" "$tmp/m2.csv" -o "$tmp/mj$j.csv" 2>/dev/null
    done
    [ "$(grep -c ',C1,' "$tmp/mj1.csv")" = 17 ] && pass || fail "prev: $(grep -c ',C1,' "$tmp/mj1.csv") C1 in the big set, 17 planted"
    cmp -s "$tmp/mj1.csv" "$tmp/mj2.csv" && cmp -s "$tmp/mj1.csv" "$tmp/mj4.csv" && pass || fail "prev: findings depend on threads"
    "$REGRT" validate "$T" -j 3 --format csv "$tmp/m2.csv" "$tmp/m0.csv" "$tmp/m1.csv" -o "$tmp/mr.csv" 2>/dev/null
    [ "$(grep -c ',C1,' "$tmp/mr.csv")" = 17 ] && pass || fail "prev: big set in reverse order"

    # edoc: previous() in a guard (C1 when connected last quarter); JSON has the message
    "$REGRT" validate "$tmp/edoc" --units "$P_EX/edoc/agencies.csv" --format json \
        "$P_EX/edoc/submissions_2025-Q3.csv" "$P_EX/edoc/submissions_2025-Q4.csv" -o "$tmp/e.json" 2>/dev/null
    python3 - "$tmp/e.json" <<'PY' && pass || fail "prev: edoc C1 in JSON"
import json, sys
v = [x for x in json.load(open(sys.argv[1]))["violations"] if x["rule"] == "C1"]
assert len(v) == 1 and v[0]["unit"] == "01.UBND" and v[0]["period"] == "2025-Q4", v
assert v[0]["message"].startswith("Connected to the national axis last quarter"), v
PY

    # twolevel: missing zero (S2) reads 0 without a previous month; with one, it fires
    "$REGRT" validate "$tmp/twolevel" --units "$P_N" --form officials "$P_EX/twolevel/officials_2025-09.csv" >"$tmp/o1.txt" 2>/dev/null
    grep -q ' S2: ' "$tmp/o1.txt" && fail "prev: S2 without August" || pass
    "$REGRT" validate "$tmp/twolevel" --units "$P_N" --form officials "$P_EX/twolevel/officials_2025-08.csv" \
        "$P_EX/twolevel/officials_2025-09.csv" >"$tmp/o2.txt" 2>/dev/null
    grep -q 'row 3 (unit 03325, period 2025-09, sex M): warning S2: Officials fell (18 to 15) by more than those who left (0)$' "$tmp/o2.txt" \
        && pass || fail "prev: S2: $(grep S2 "$tmp/o2.txt")"

    # messages: computed fields and ratios have their values
    "$REGRT" validate "$tmp/twolevel" --units "$P_N" --form centre "$P_EX/twolevel/centre_2025-08.csv" >"$tmp/c.txt" 2>/dev/null
    grep -q 'warning K3: Share resolved on time (0.8333) is below 95%$' "$tmp/c.txt" && pass || fail "messages: ratio: $(grep K3 "$tmp/c.txt")"
    grep -q 'error K1: Carried over (8) + newly received (94) is not resolved (90) + pending (10)$' "$tmp/c.txt" && pass || fail "messages: computed fields: $(grep K1 "$tmp/c.txt")"
    "$REGRT" validate "$tmp/twolevel" --units "$P_N" --form centre --lang vi "$P_EX/twolevel/centre_2025-08.csv" >"$tmp/cv.txt" 2>/dev/null
    grep -q 'K3: Tỷ lệ giải quyết đúng hạn (0.8333) dưới 95%$' "$tmp/cv.txt" && pass || fail "messages: ratio (vi)"
    "$REGRT" validate "$tmp/edoc" --units "$P_EX/edoc/agencies.csv" "$P_EX/edoc/submissions_2025-Q4.csv" >"$tmp/et.txt" 2>/dev/null
    grep -q '11.X03325, period 2025-Q4): warning T1: Share of documents sent electronically (0.7609) is below the 90% target$' "$tmp/et.txt" \
        && pass || fail "messages: edoc e_share: $(grep T1 "$tmp/et.txt")"
else
    fail "prev: regc build failed: $(tail -3 "$tmp/build.log")"
fi
