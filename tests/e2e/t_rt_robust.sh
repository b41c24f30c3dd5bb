# Never lose, hide or overwrite a row: outputs never replace inputs, every
# row read is accounted for, concurrent runs never mix their outputs,
# deadlines past the holiday data are refused, status shows every unit and
# tier, data never reaches the terminal raw.
RTLIB="$ROOT/$O/fixtures/tthc/tthc.so"
FX="$ROOT/tests/fixtures"
d="$tmp/d.csv"
u="$tmp/u.csv"
cp "$FX/edge_input.csv" "$d"
cp "$FX/edge_units.csv" "$u"
sum_d=$(cksum <"$d")
sum_u=$(cksum <"$u")

# ---- 1. an output never names an input, nor the other output (exit 2, nothing read)
"$REGRT" validate "$RTLIB" "$d" --format csv -o "$d" 2>"$tmp/err"
expect_status "rt robust: validate -o DATA" 2 $?
[ "$(cksum <"$d")" = "$sum_d" ] && pass || fail "rt robust: validate -o DATA replaced the data"
grep -q "same file as the input data" "$tmp/err" && pass || fail "rt robust: -o DATA message: $(cat "$tmp/err")"
"$REGRT" rollup "$RTLIB" --units "$u" "$d" -o "$u" 2>"$tmp/err"
expect_status "rt robust: rollup -o UNITS" 2 $?
[ "$(cksum <"$u")" = "$sum_u" ] && pass || fail "rt robust: rollup -o UNITS replaced the units"
"$REGRT" rollup "$RTLIB" --units "$u" "$d" -o "$tmp/x.csv" --errors "$tmp/./x.csv" 2>"$tmp/err"
expect_status "rt robust: -o X --errors X" 2 $?
[ -e "$tmp/x.csv" ] && fail "rt robust: -o X --errors X wrote X" || pass
ln -s d.csv "$tmp/link.csv"
ln "$d" "$tmp/hard.csv"
"$REGRT" validate "$RTLIB" "$d" -o "$tmp/link.csv" 2>/dev/null
expect_status "rt robust: -o a symlink to DATA" 2 $?
"$REGRT" validate "$RTLIB" "$d" -o "$tmp/hard.csv" 2>/dev/null
expect_status "rt robust: -o a hard link to DATA" 2 $?
[ "$(cksum <"$d")" = "$sum_d" ] && pass || fail "rt robust: a link to the data was replaced"
cp "$ROOT/stdlib/data/vn_holidays.csv" "$tmp/h.csv"
"$REGRT" calendar "$RTLIB" --year 2025 --holidays "$tmp/h.csv" -o "$tmp/h.csv" 2>/dev/null
expect_status "rt robust: calendar -o HOLIDAYS" 2 $?
cmp -s "$ROOT/stdlib/data/vn_holidays.csv" "$tmp/h.csv" && pass || fail "rt robust: calendar -o HOLIDAYS replaced it"
"$REGRT" validate "$RTLIB" "$d" -o "$RTLIB" 2>/dev/null
expect_status "rt robust: -o LIB" 2 $?
"$REGRT" rollup "$RTLIB" --units "$u" "$d" -o "$tmp/r.csv" --errors "$tmp/e.csv" 2>/dev/null
expect_status "rt robust: distinct outputs still work" 0 $?

# ---- 2. every row read is accounted for, on stderr without -v; --strict
"$REGRT" rollup "$RTLIB" --units "$u" "$d" -o "$tmp/r.csv" 2>"$tmp/err"
expect_status "rt robust: rollup with rejected rows" 0 $?
grep -q "^regrt: 25 rows read: 11 rolled up into 3 period(s), 12 rejected with errors, 2 left out$" "$tmp/err" &&
    pass || fail "rt robust: rollup summary: $(cat "$tmp/err")"
grep -q "^  rejected: 1 failed rule V1$" "$tmp/err" && pass || fail "rt robust: rejected per rule: $(cat "$tmp/err")"
"$REGRT" rollup "$RTLIB" --units "$u" "$d" -o "$tmp/r.csv" --strict 2>/dev/null
expect_status "rt robust: --strict with rejected rows" 1 $?
# unknown units when --rules leaves the unit rule out
"$REGRT" rollup "$RTLIB" --units "$u" --rules V1 "$d" -o "$tmp/r.csv" 2>"$tmp/err"
grep -q "^  left out: 3 unit code not in the units file at tier 'commune'$" "$tmp/err" &&
    pass || fail "rt robust: unknown units not counted: $(cat "$tmp/err")"
# a units file with only its header: every row is left out, and said so
head -1 "$u" >"$tmp/u0.csv"
"$REGRT" rollup "$RTLIB" --units "$tmp/u0.csv" --rules V1 "$d" -o "$tmp/r.csv" 2>"$tmp/err"
grep -q "left out: 24 unit code not in the units file" "$tmp/err" && grep -q "no row was rolled up" "$tmp/err" &&
    pass || fail "rt robust: header-only units: $(cat "$tmp/err")"
"$REGRT" rollup "$RTLIB" --units "$tmp/u0.csv" --rules V1 "$d" -o "$tmp/r.csv" --strict 2>/dev/null
expect_status "rt robust: --strict with a header-only units file" 1 $?
# --period 2025-Q3 on data of the first half: nothing rolled up, and said so
"$REGRT" rollup "$RTLIB" --units "$u" --period 2025-Q3 "$d" -o "$tmp/r.csv" 2>"$tmp/err"
grep -q "^  left out: 13 outside --period 2025-Q3$" "$tmp/err" && grep -q "no row was rolled up" "$tmp/err" &&
    pass || fail "rt robust: --period counted: $(cat "$tmp/err")"
"$REGRT" rollup "$RTLIB" --units "$u" --period 2025-Q1 "$d" -o "$tmp/r.csv" 2>"$tmp/err"
grep -q "^regrt: 25 rows read: 7 rolled up into 1 period(s), 12 rejected with errors, 6 left out$" "$tmp/err" &&
    pass || fail "rt robust: --period 2025-Q1 counters: $(cat "$tmp/err")"

# ---- 3. two runs writing the same outputs: the second waits for the first
mkdir "$tmp/out"
flock "$tmp/out" sleep 2 &
lk=$!
sleep 0.3
"$REGRT" rollup "$RTLIB" --units "$u" "$d" -o "$tmp/out/r.csv" --errors "$tmp/out/e.csv" 2>"$tmp/err" &
rr=$!
sleep 0.8
[ -e "$tmp/out/r.csv" ] && fail "rt robust: a locked output folder was written" || pass
wait $lk
wait $rr
expect_status "rt robust: the waiting run finishes" 0 $?
grep -q "another run is writing into" "$tmp/err" && pass || fail "rt robust: waiting message: $(cat "$tmp/err")"
[ -s "$tmp/out/r.csv" ] && [ -s "$tmp/out/e.csv" ] && pass || fail "rt robust: outputs after the wait"
# and many concurrent pairs: every roll-up beside the errors of the same run
head -1 "$d" >"$tmp/d2.csv"
grep -v '^unit' "$d" | grep -v '^00001' >>"$tmp/d2.csv"
"$REGRT" rollup "$RTLIB" --units "$u" "$d" -o "$tmp/r1.csv" --errors "$tmp/e1.csv" 2>/dev/null
"$REGRT" rollup "$RTLIB" --units "$u" "$tmp/d2.csv" -o "$tmp/r2.csv" --errors "$tmp/e2.csv" 2>/dev/null
ok=1
for i in 1 2 3 4 5 6 7 8; do
    "$REGRT" rollup "$RTLIB" --units "$u" "$d" -o "$tmp/out/r.csv" --errors "$tmp/out/e.csv" 2>/dev/null &
    a=$!
    "$REGRT" rollup "$RTLIB" --units "$u" "$tmp/d2.csv" -o "$tmp/out/r.csv" --errors "$tmp/out/e.csv" 2>/dev/null &
    b=$!
    wait $a
    wait $b
    if cmp -s "$tmp/out/r.csv" "$tmp/r1.csv"; then cmp -s "$tmp/out/e.csv" "$tmp/e1.csv" || ok=0
    elif cmp -s "$tmp/out/r.csv" "$tmp/r2.csv"; then cmp -s "$tmp/out/e.csv" "$tmp/e2.csv" || ok=0
    else ok=0; fi
done
[ $ok = 1 ] && pass || fail "rt robust: concurrent runs published a mismatched pair"

# ---- 5. deadlines past the holiday data
"$REGRT" calendar "$RTLIB" --year 2031 >/dev/null 2>"$tmp/err"
expect_status "rt robust: calendar past the holiday data" 2 $?
grep -q "covers 2024-2030 only" "$tmp/err" && pass || fail "rt robust: calendar range message: $(cat "$tmp/err")"
"$REGRT" calendar "$RTLIB" --year 2031 --allow-unknown-holidays --format csv -o "$tmp/c.csv" 2>"$tmp/err"
expect_status "rt robust: --allow-unknown-holidays" 0 $?
grep -q "warning: .*outside the holiday calendar" "$tmp/err" && pass || fail "rt robust: unknown holidays warning"
# 2029: Tết (12-16 Feb 2029) is in the shipped calendar. January's cut-off
# ends on Wed 14 Feb; 2 working days after it are Mon 19 and Tue 20 Feb.
"$REGRT" calendar "$RTLIB" --year 2029 --format csv -o "$tmp/c.csv" 2>"$tmp/err"
expect_status "rt robust: calendar 2029" 0 $?
grep -q "^2029-02,2029-01-15,2029-02-14,2029-02-20," "$tmp/c.csv" && pass || fail "rt robust: Tết 2029: $(grep ^2029-02 "$tmp/c.csv")"
"$REGRT" status "$RTLIB" --units "$u" --as-of 2031-06-01 --holidays "$FX/vn_holidays_2025.csv" "$d" >/dev/null 2>"$tmp/err"
expect_status "rt robust: status past the holiday data" 2 $?

# ---- 6. status: --period, unknown units, rejected units, every submitting tier
cp "$d" "$tmp/d3.csv"
echo "01,2025-01,D01,1,1,1,3,1,1,0,2,0,1,1" >>"$tmp/d3.csv"
H="$ROOT/stdlib/data/vn_holidays.csv"
"$REGRT" status "$RTLIB" --units "$u" --holidays "$H" --as-of 2025-04-17 --period 2025-01 --format csv \
    -o "$tmp/s.csv" "$tmp/d3.csv" 2>"$tmp/err"
expect_status "rt robust: status (late and rejected units)" 1 $?
[ "$(cut -d, -f1 "$tmp/s.csv" | sort -u | tr '\n' ' ')" = "2025-01 period " ] && pass || fail "rt robust: status --period: $(cut -d, -f1 "$tmp/s.csv" | sort -u)"
grep -q '^2025-01,commune,00037,Phường Phúc Tân,rejected,2025-01-16,1,0$' "$tmp/s.csv" && pass || fail "rt robust: rejected unit"
grep -q '^2025-01,province,01,"Thành phố Hà Nội, TP",reported,2025-01-22,1,1$' "$tmp/s.csv" && pass || fail "rt robust: province's own row"
grep -q '^2025-01,province,79,Thành phố Hồ Chí Minh,late,2025-01-22,0,0$' "$tmp/s.csv" && pass || fail "rt robust: province late"
grep -q '^2025-01,,,,unknown,,1,0$' "$tmp/s.csv" && pass || fail "rt robust: unknown units row: $(cat "$tmp/s.csv")"
grep -q "left out: .* outside --period 2025-01" "$tmp/err" && pass || fail "rt robust: status accounting: $(cat "$tmp/err")"

# ---- 7. the tiers' units file is the default; each subcommand has its own --help
if (cd "$ROOT" && "$REGC" build examples/tthc/tthc.regime -o "$tmp/lib") >"$tmp/build.log" 2>&1; then
    "$REGRT" rollup "$tmp/lib" "$ROOT/examples/tthc/submissions_2025-04.csv" -o "$tmp/r.csv" 2>"$tmp/err"
    expect_status "rt robust: rollup with the default units" 0 $?
    grep -q '^province,01,' "$tmp/r.csv" && pass || fail "rt robust: default units roll-up: $(cat "$tmp/err")"
    "$REGRT" status "$tmp/lib" --as-of 2025-06-01 "$ROOT/examples/tthc/submissions_2025-04.csv" -o "$tmp/s.txt" 2>"$tmp/err"
    [ $? != 2 ] && pass || fail "rt robust: status with the default units: $(cat "$tmp/err")"
else
    fail "rt robust: regc build examples/tthc: $(head -3 "$tmp/build.log")"
fi
for c in validate rollup calendar status; do
    "$REGRT" $c --help >"$tmp/h.txt" 2>&1
    head -1 "$tmp/h.txt" | grep -q "^Usage: regrt $c " && pass || fail "rt robust: $c --help: $(head -1 "$tmp/h.txt")"
done
grep -q -- "--strict" "$tmp/h.txt" && pass || fail "rt robust: --strict documented in status --help"

# ---- 8. terminal escapes in data are escaped in text reports
printf 'unit,period,domain,carried,new_online,new_direct,received,early,ontime,late,resolved,pending_due,pending_overdue,pending\n00001,2025-01,D01,"\033]0;owned\007",1,1,6,1,3,0,4,1,1,2\n' >"$tmp/esc.csv"
"$REGRT" validate "$RTLIB" "$tmp/esc.csv" >"$tmp/v.txt" 2>&1
LC_ALL=C grep -q "$(printf '\033')" "$tmp/v.txt" && fail "rt robust: a raw ESC reached the text report" || pass
grep -q '\\x1b\]0;owned\\x07' "$tmp/v.txt" && pass || fail "rt robust: escaped value: $(cat -v "$tmp/v.txt")"

# ---- minor: an XML root in a default namespace is told so (not "<bieu06>, not <bieu06>")
sed 's/<bieu06 /<bieu06 xmlns="http:\/\/example.org\/x" /' "$ROOT/examples/tthc/xml/valid/bieu06_00001_2025-01.xml" >"$tmp/ns.xml"
"$REGRT" validate "$RTLIB" "$tmp/ns.xml" >/dev/null 2>"$tmp/err"
expect_status "rt robust: XML root in a namespace" 2 $?
grep -q "the root element <bieu06> is in the namespace 'http://example.org/x'" "$tmp/err" && ! grep -q "not <bieu06>" "$tmp/err" &&
    pass || fail "rt robust: namespace message: $(cat "$tmp/err")"
