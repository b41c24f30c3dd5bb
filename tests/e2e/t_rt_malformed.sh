# Broken submissions: what is fatal (exit 2, file:line, column, how to fix)
# and what is only a malformed row (reported, never aborting the run).
RTLIB="$ROOT/$O/fixtures/tthc/tthc.so"
FX="$ROOT/tests/fixtures"
HDR="unit,period,domain,carried,new_online,new_direct,received,early,ontime,late,resolved,pending_due,pending_overdue,pending"
OK="00001,2025-01,D01,2,3,1,6,1,3,0,4,1,1,2"

# run NAME WANT_STATUS PATTERN FILE: validate FILE, expect the status and PATTERN on stderr
rt_run() {
    "$REGRT" validate "$RTLIB" --units "$FX/edge_units.csv" --format csv "$4" >"$tmp/out" 2>"$tmp/err"
    expect_status "rt malformed: $1" "$2" $?
    grep -q -- "$3" "$tmp/err" && pass || fail "rt malformed: $1: no '$3' in: $(head -3 "$tmp/err")"
}

printf '%s\n%s\n00001,2025-01,D0"1,2,3,1,6,1,3,0,4,1,1,2\n' "$HDR" "$OK" >"$tmp/quote.csv"
rt_run "quote inside a field" 2 "quote.csv:3: column 'domain': quote (\") inside an unquoted field" "$tmp/quote.csv"

printf '%s\n%s\n00001,"2025-01,D01,2,3,1,6,1,3,0,4,1,1,2\n' "$HDR" "$OK" >"$tmp/unterm.csv"
rt_run "unterminated quote" 2 "unterm.csv:3: column 'period': quoted field is not closed before the end of the file" "$tmp/unterm.csv"

printf '%s\n%s\n00001,"2025-01"x,D01,2,3,1,6,1,3,0,4,1,1,2\n' "$HDR" "$OK" >"$tmp/after.csv"
rt_run "text after a closing quote" 2 "after.csv:3: column 'period': unexpected character 0x78 after a closing quote" "$tmp/after.csv"

printf '%s\n%s\n0000\377,2025-01,D01,2,3,1,6,1,3,0,4,1,1,2\n' "$HDR" "$OK" >"$tmp/utf8.csv"
rt_run "invalid UTF-8" 2 "utf8.csv:3: column 'unit': invalid UTF-8 (byte 0xff); save the file as UTF-8" "$tmp/utf8.csv"

printf '%s\n%s\n00001,2025-01,D01,2,3,1,6,1,3,0,4,1,1,2\0\n' "$HDR" "$OK" >"$tmp/nul.csv"
rt_run "NUL byte" 2 "nul.csv:3: column 'pending': NUL byte" "$tmp/nul.csv"

printf 'unit,period,domain,carried,new_online,new_direct,received,early,ontime,late,resolved,pending_due,pending_overdue\n' >"$tmp/missing.csv"
rt_run "missing column" 2 "missing.csv:1: missing column(s) pending; the header of form 'bieu06' must name them" "$tmp/missing.csv"
"$REGRT" validate "$RTLIB" --lang vi "$tmp/missing.csv" 2>"$tmp/err" >/dev/null
grep -q "thiếu cột pending" "$tmp/err" && pass || fail "rt malformed: Vietnamese missing column: $(cat "$tmp/err")"

printf 'unit,period,domain,carried,carried\n' >"$tmp/twice.csv"
rt_run "column twice" 2 "column 'carried' appears twice" "$tmp/twice.csv"

: >"$tmp/empty.csv"
rt_run "empty file" 2 "empty.csv: the file is empty" "$tmp/empty.csv"
rt_run "no such file" 2 "cannot open '$tmp/nope.csv'" "$tmp/nope.csv"

printf '%s\n' "$HDR" >"$tmp/header.csv"
"$REGRT" validate "$RTLIB" --units "$FX/edge_units.csv" --format csv "$tmp/header.csv" >"$tmp/out" 2>/dev/null
expect_status "rt malformed: header only" 0 $?
[ "$(cat "$tmp/out")" = "row_number,unit,period,domain,rule,severity" ] && pass || fail "rt malformed: header only output"

# A truncated file: the last row is cut. It is a malformed row, not a crash.
printf '%s\n%s\n00001,2025-02,D01,2,3,1' "$HDR" "$OK" >"$tmp/trunc.csv"
rt_run "truncated file" 1 "trunc.csv:3: the file ends in the middle of a row" "$tmp/trunc.csv"
grep -q "trunc.csv:3: the row has 6 fields but the header has 14" "$tmp/err" && pass || fail "rt malformed: truncated row width"
[ "$(tail -n +2 "$tmp/out")" = "2,00001,2025-02,D01,V5,error" ] && pass || fail "rt malformed: truncated row report: $(cat "$tmp/out")"

# Too many fields on one row: malformed (V5), the run goes on.
printf '%s\n%s,9\n%s\n' "$HDR" "$OK" "$OK" >"$tmp/wide.csv"
rt_run "row too wide" 1 "wide.csv:2: the row has 15 fields" "$tmp/wide.csv"
[ "$(tail -n +2 "$tmp/out")" = "1,00001,2025-01,D01,V5,error" ] && pass || fail "rt malformed: wide row report: $(cat "$tmp/out")"

# The same edge file with a BOM, CRLF, quoted values, its columns in another
# order and an unknown column: the same violations.
awk -F, 'BEGIN { OFS = "," } {
    d = (NR == 1) ? $3 : "\"" $3 "\"";
    print $14, $13, $12, $11, $10, $9, $8, $7, $6, $5, $4, d, $2, $1, (NR == 1 ? "note" : "\"a, b\"") }' \
    "$FX/edge_input.csv" | sed 's/$/\r/' | { printf '\357\273\277'; cat; } >"$tmp/fancy.csv"
rt_run "BOM, CRLF, quotes, reordered" 1 "unknown column(s) ignored: note" "$tmp/fancy.csv"
cmp -s "$tmp/out" "$FX/edge_errors.csv" && pass || { fail "rt malformed: fancy file"; diff "$FX/edge_errors.csv" "$tmp/out" | head -5; }

# Values that need quoting are quoted in errors.csv (RFC 4180)
printf '%s\n"0,1",2025-01,"D""1",2,3,1,6,1,3,0,4,1,1,2\n' "$HDR" >"$tmp/q.csv"
"$REGRT" validate "$RTLIB" --units "$FX/edge_units.csv" --format csv "$tmp/q.csv" >"$tmp/out" 2>/dev/null
[ "$(sed -n 2p "$tmp/out")" = '1,"0,1",2025-01,"D""1",V6,error' ] && pass || fail "rt malformed: quoted echo: $(sed -n 2p "$tmp/out")"

# Libraries that are not compiled regimes. Unsigned, they are refused before
# dlopen (tests/e2e/t_sign.sh); signed, dlopen or the ABI check refuses them.
mkdir -p "$tmp/fake"
printf 'not a library\n' >"$tmp/fake/fake.so"
"$REGRT" validate "$tmp/fake/fake.so" "$FX/edge_input.csv" 2>"$tmp/err" >/dev/null
expect_status "rt malformed: unsigned not a library" 2 $?
grep -q "is not signed" "$tmp/err" && pass || fail "rt malformed: unsigned message: $(cat "$tmp/err")"
"$REGC" sign "$tmp/fake" >/dev/null
"$REGRT" validate "$tmp/fake/fake.so" "$FX/edge_input.csv" 2>"$tmp/err" >/dev/null
expect_status "rt malformed: not a library" 2 $?
grep -q "cannot load '$tmp/fake/fake.so'" "$tmp/err" && pass || fail "rt malformed: not a library message: $(cat "$tmp/err")"
if need cc; then
    mkdir -p "$tmp/old"
    printf '#include <stdint.h>\nconst uint32_t regime_abi_version = 999;\nconst char regime_descriptor[512] = {0};\n' >"$tmp/old.c"
    if cc -shared -fPIC -o "$tmp/old/old.so" "$tmp/old.c" 2>/dev/null && "$REGC" sign "$tmp/old" >/dev/null; then
        "$REGRT" validate "$tmp/old/old.so" "$FX/edge_input.csv" 2>"$tmp/err" >/dev/null
        expect_status "rt malformed: ABI mismatch" 2 $?
        grep -q "was built for ABI 999 but this regrt speaks ABI 5" "$tmp/err" && pass || fail "rt malformed: ABI message: $(cat "$tmp/err")"
    else
        fail "rt malformed: cannot build and sign the old-ABI library"
    fi
    mkdir -p "$tmp/lib"
    cp "$RTLIB" "$tmp/lib/tthc.so"
    printf '{"regime": "tthc", "abi_version": 7}\n' >"$tmp/lib/manifest.json"
    "$REGC" sign "$tmp/lib" >/dev/null
    "$REGRT" validate "$tmp/lib" "$FX/edge_input.csv" 2>"$tmp/err" >/dev/null
    expect_status "rt malformed: manifest ABI" 2 $?
    grep -q "manifest.json says ABI 7" "$tmp/err" && pass || fail "rt malformed: manifest message: $(cat "$tmp/err")"
    printf '{"regime": "tthc", "abi_version": 5}\n' >"$tmp/lib/manifest.json"
    "$REGC" sign "$tmp/lib" >/dev/null
    "$REGRT" validate "$tmp/lib" --units "$FX/edge_units.csv" --format csv "$FX/edge_input.csv" >"$tmp/out" 2>/dev/null
    expect_status "rt malformed: library folder" 1 $?
fi

# A quoted value with a comma, then the same bytes unquoted: two fields, not
# one (the fast path must not reuse what it learnt from the quoted value).
printf '%s\n"0,1",2025-01,D01,1,1,1,3,1,1,1,3,0,0,0\n0,1,2025-01,D01,1,1,1,3,1,1,1,3,0,0,0\n' "$HDR" >"$tmp/guess.csv"
"$REGRT" validate "$RTLIB" --rules V5,V6 --format csv "$tmp/guess.csv" >"$tmp/out" 2>/dev/null
[ "$(tail -n +2 "$tmp/out" | tr '\n' ' ')" = '2,0,1,2025-01,V5,error 2,0,1,2025-01,V6,error ' ] && pass || fail "rt malformed: quoted then plain: $(cat "$tmp/out")"
