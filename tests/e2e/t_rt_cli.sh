# regrt usage errors and options: each says what is wrong and how to fix it.
RTLIB="$ROOT/$O/fixtures/tthc/tthc.so"
FX="$ROOT/tests/fixtures"

rt_usage() { # NAME PATTERN CMD...: exit 2 and PATTERN on stderr
    n=$1 pat=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    expect_status "rt cli: $n" 2 $?
    grep -q -- "$pat" "$tmp/err" && pass || fail "rt cli: $n: no '$pat' in: $(head -2 "$tmp/err")"
}

rt_usage "rollup without --units" "add --units UNITS.csv" "$REGRT" rollup "$RTLIB" "$FX/edge_input.csv"
rt_usage "validate without data" "missing at least one DATA file" "$REGRT" validate "$RTLIB"
rt_usage "unknown rule" "no rule 'V9'; its rules are V1,V2,V3,V4,V5,V6,V7,V8" "$REGRT" validate "$RTLIB" --rules V1,V9 "$FX/edge_input.csv"
rt_usage "unknown form" "has no form 'b07'; its forms are: bieu06" "$REGRT" validate "$RTLIB" --form b07 "$FX/edge_input.csv"
rt_usage "unknown level" "no such level; the roll-up has: commune, district, province, national" \
    "$REGRT" rollup "$RTLIB" --units "$FX/edge_units.csv" --to county "$FX/edge_input.csv"
rt_usage "bad period" "expected a frequency" "$REGRT" rollup "$RTLIB" --units "$FX/edge_units.csv" --period weekly "$FX/edge_input.csv"
"$REGRT" rollup "$RTLIB" --units "$FX/edge_units.csv" --period 2025-01 "$FX/edge_input.csv" >"$tmp/out" 2>/dev/null
expect_status "rt cli: one month" 0 $?
[ "$(cut -d, -f3 "$tmp/out" | sort -u | tr '\n' ' ')" = "2025-01 period " ] && pass || fail "rt cli: --period 2025-01: $(cut -d, -f3 "$tmp/out" | sort -u)"
rt_usage "bad format" "use text, csv or json" "$REGRT" validate "$RTLIB" --format xml "$FX/edge_input.csv"
rt_usage "bad lang" "use vi or en" "$REGRT" validate "$RTLIB" --lang fr "$FX/edge_input.csv"
rt_usage "bad threads" "number of threads" "$REGRT" validate "$RTLIB" --threads 0 "$FX/edge_input.csv"
rt_usage "missing library" "cannot open regime library '$tmp/no.so'" "$REGRT" validate "$tmp/no.so" "$FX/edge_input.csv"
rt_usage "unwritable output" "cannot write '$tmp/no/dir/r.csv'" \
    "$REGRT" rollup "$RTLIB" --units "$FX/edge_units.csv" -o "$tmp/no/dir/r.csv" "$FX/edge_input.csv"
rt_usage "bad units file" "edge_input.csv:1: no column 'province_code' (the codes of tier 'province')" "$REGRT" rollup "$RTLIB" --units "$FX/edge_input.csv" "$FX/edge_input.csv"
"$REGRT" validate --lang vi "$RTLIB" "$FX/nope.csv" 2>"$tmp/err"
grep -q "không mở được" "$tmp/err" && pass || fail "rt cli: Vietnamese error"
for c in validate rollup calendar status; do
    "$REGRT" $c --help >"$tmp/out" 2>&1
    expect_status "rt cli: $c --help" 0 $?
done

# Without --units, unit rules are skipped with a warning, the others run.
"$REGRT" validate "$RTLIB" --format csv "$FX/edge_input.csv" >"$tmp/out" 2>"$tmp/err"
expect_status "rt cli: no units" 1 $?
grep -q "rule(s) V7 check units" "$tmp/err" && pass || fail "rt cli: no units warning"
grep -q ',V7,' "$tmp/out" && fail "rt cli: V7 reported without units" || pass
# (without the edge file's two repeated keys, which are findings: DUP1)
sed '13d;25d' "$FX/edge_input.csv" >"$tmp/nodup.csv"
"$REGRT" validate "$RTLIB" --units "$FX/edge_units.csv" --rules V8 --format csv "$tmp/nodup.csv" >"$tmp/out" 2>/dev/null
expect_status "rt cli: warnings only" 0 $?
[ "$(grep -c ',V8,warning$' "$tmp/out")" = 4 ] && [ "$(wc -l <"$tmp/out")" = 5 ] && pass || fail "rt cli: --rules V8"

# Outputs are atomic: a failed run leaves the previous file untouched.
printf 'keep\n' >"$tmp/r.csv"
printf '%s\n"broken\n' "$(head -1 "$FX/edge_input.csv")" >"$tmp/bad.csv"
"$REGRT" rollup "$RTLIB" --units "$FX/edge_units.csv" -o "$tmp/r.csv" --errors "$tmp/e.csv" "$tmp/bad.csv" 2>/dev/null
expect_status "rt cli: failed rollup" 2 $?
[ "$(cat "$tmp/r.csv")" = keep ] && [ ! -e "$tmp/e.csv" ] && pass || fail "rt cli: failed rollup touched its outputs"
[ -z "$(ls "$tmp" | grep '\.tmp\.')" ] && pass || fail "rt cli: temporary files left behind"

# Several DATA files: one report, a file column, row numbers per file.
"$REGRT" validate "$RTLIB" --units "$FX/edge_units.csv" --format csv "$FX/edge_input.csv" "$FX/new_units_input.csv" >"$tmp/out" 2>/dev/null
head -1 "$tmp/out" | grep -q '^file,row_number,unit,period,domain,rule,severity$' && pass || fail "rt cli: multi-file header"
grep -q "new_units_input.csv,6,00025,2025-09,D01,V7,error" "$tmp/out" && pass || fail "rt cli: multi-file rows"
