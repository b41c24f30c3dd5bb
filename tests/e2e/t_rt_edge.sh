# regrt on the tthc benchmark's edge cases (tests/fixtures/edge_*, copied from
# ../shared/bench/tests): errors.csv and rollup.csv must be byte-identical to
# the benchmark's expected files, whatever the number of threads, with one
# deliberate difference: the benchmark's contract adds up a repeated
# (unit, period, domain), 00688 2025-02 D40; Regime leaves that unit's
# quarter out and says so (LANGUAGE.md, duplicates are an error, never a sum).
RTLIB="$ROOT/$O/fixtures/tthc/tthc.so"
FX="$ROOT/tests/fixtures"

"$REGRT" rollup "$RTLIB" --units "$FX/edge_units.csv" --errors "$tmp/e.csv" -o "$tmp/r.csv" "$FX/edge_input.csv" 2>"$tmp/err"
expect_status "rt edge: rollup" 0 $?
expect_file "rt edge: errors.csv" "$FX/edge_errors.csv" "$tmp/e.csv"
expect_file "rt edge: rollup.csv" "$FX/edge_rollup.csv" "$tmp/r.csv"
# rows not rolled up are accounted for on stderr, without -v; duplicates said
grep -q '^regrt: warning: \[DUP1\] 1 row(s) repeat' "$tmp/err" && grep -q 'unit 00688, period 2025-02, domain D40: sent more than once' "$tmp/err" &&
    pass || fail "rt edge: rollup stderr: $(head -3 "$tmp/err")"
grep -q '^regrt: [0-9]* rows read: [0-9]* rolled up into [0-9]* period(s), [0-9]* rejected with errors, [0-9]* left out$' "$tmp/err" &&
    grep -q 'left out: 1 repeat an earlier row' "$tmp/err" && ! grep -q 'please report this' "$tmp/err" &&
    pass || fail "rt edge: rollup summary: $(cat "$tmp/err")"

# validate --format csv is the same errors.csv; an error rule failed: exit 1
"$REGRT" validate "$RTLIB" --units "$FX/edge_units.csv" --format csv -o "$tmp/v.csv" "$FX/edge_input.csv" 2>/dev/null
expect_status "rt edge: validate exit" 1 $?
expect_file "rt edge: validate --format csv" "$FX/edge_errors.csv" "$tmp/v.csv"

# text: file:line, row, keys, localized message with the row's values
"$REGRT" validate "$RTLIB" --units "$FX/edge_units.csv" "$FX/edge_input.csv" >"$tmp/t.txt" 2>"$tmp/sum"
grep -q 'edge_input.csv:9: row 8 (unit 00037, period 2025-01, domain D02): error V1: received (6) must equal carried (0) + new online (5) + new direct (0)' "$tmp/t.txt" \
    && pass || fail "rt edge: text violation line: $(sed -n 6p "$tmp/t.txt")"
grep -q 'error V5: .*\[carried="-0"\]' "$tmp/t.txt" && pass || fail "rt edge: V5 names the malformed value"
grep -q '25 rows read, 12 with errors, 4 with warnings' "$tmp/sum" && pass || fail "rt edge: summary: $(head -1 "$tmp/sum")"
"$REGRT" validate "$RTLIB" --units "$FX/edge_units.csv" --lang vi "$FX/edge_input.csv" >"$tmp/vi.txt" 2>"$tmp/vi.sum"
grep -q 'dòng 8 (unit 00037, period 2025-01, domain D02): lỗi V1: tổng tiếp nhận (6)' "$tmp/vi.txt" && pass || fail "rt edge: Vietnamese messages"
grep -q 'đã đọc 25 dòng' "$tmp/vi.sum" && pass || fail "rt edge: Vietnamese summary"

# json: well formed, 20 violations, summary counts
"$REGRT" validate "$RTLIB" --units "$FX/edge_units.csv" --format json -o "$tmp/v.json" "$FX/edge_input.csv" 2>/dev/null
python3 - "$tmp/v.json" <<'PY' && pass || fail "rt edge: validate --format json"
import json, sys
d = json.load(open(sys.argv[1]))
v = d["violations"]
assert d["regime"] == "tthc" and d["form"] == "bieu06"
assert len(v) == 20, len(v)
assert v[0]["row"] == 5 and v[0]["line"] == 6 and v[0]["rule"] == "V5" and v[0]["dims"] == {"domain": "D02"}
assert d["summary"]["rows"] == 25 and d["summary"]["rules"]["V6"] == 4
PY

# Many blocks and threads: the same bytes with 1, 2 and 3 workers. The edge
# rows, repeated over three years of months (~3 MB, several 1 MiB blocks).
awk -F, 'NR == 1 { print; next } { rows[++n] = $0 } END {
    for (r = 0; r < 3000; r++) for (i = 1; i <= n; i++) {
        split(rows[i], f, ","); m = (r % 36); y = 2024 + int(m / 12);
        f[2] = sprintf("%04d-%02d", y, m % 12 + 1); line = f[1];
        for (k = 2; k <= 14; k++) line = line "," f[k]; print line } }' "$FX/edge_input.csv" >"$tmp/big.csv"
for j in 1 2 3; do
    "$REGRT" rollup "$RTLIB" -j $j --units "$FX/edge_units.csv" --errors "$tmp/e$j.csv" -o "$tmp/r$j.csv" "$tmp/big.csv" 2>/dev/null
    expect_status "rt edge: big rollup -j $j" 0 $?
done
cmp -s "$tmp/e1.csv" "$tmp/e2.csv" && cmp -s "$tmp/e1.csv" "$tmp/e3.csv" && pass || fail "rt edge: errors.csv depends on threads"
cmp -s "$tmp/r1.csv" "$tmp/r2.csv" && cmp -s "$tmp/r1.csv" "$tmp/r3.csv" && pass || fail "rt edge: rollup.csv depends on threads"
[ "$(wc -l <"$tmp/e1.csv")" -eq 60001 ] && pass || fail "rt edge: big errors.csv has $(wc -l <"$tmp/e1.csv") lines"
tail -1 "$tmp/e1.csv" | grep -q '^75000,,2024-12,,V7,error$' && pass || fail "rt edge: last row number: $(tail -1 "$tmp/e1.csv")"
"$REGRT" validate "$RTLIB" -j 2 --units "$FX/edge_units.csv" --format csv -o "$tmp/v2.csv" "$tmp/big.csv" 2>/dev/null
cmp -s "$tmp/e1.csv" "$tmp/v2.csv" && pass || fail "rt edge: validate and rollup --errors differ"
# the same data from standard input
"$REGRT" validate "$RTLIB" --units "$FX/edge_units.csv" --format csv - <"$tmp/big.csv" >"$tmp/v3.csv" 2>/dev/null
cmp -s "$tmp/e1.csv" "$tmp/v3.csv" && pass || fail "rt edge: standard input"
