# Output that does not arrive is a failure: every command of regc and regrt
# whose standard output or output file is /dev/full (disk full) exits 2 and
# says so, in English and in Vietnamese, instead of exiting 0 with the
# output lost.
WE_LIB="$ROOT/$O/fixtures/tthc/tthc.so"
WE_FX="$ROOT/tests/fixtures"
WE_SPEC="$ROOT/examples/tthc/tthc.regime"

we_full() { # NAME PATTERN CMD...: stdout to /dev/full -> exit 2 and PATTERN on stderr
    we_n=$1 we_pat=$2
    shift 2
    "$@" >/dev/full 2>"$tmp/we.err"
    expect_status "write errors: $we_n" 2 $?
    grep -q -- "$we_pat" "$tmp/we.err" && pass || fail "write errors: $we_n: no '$we_pat' in: $(head -3 "$tmp/we.err")"
}

if [ ! -w /dev/full ]; then
    fail "write errors: /dev/full is not writable here: this test needs it"
else
    WE_STDOUT="cannot write the standard output"
    we_full "regc fmt -" "$WE_STDOUT" sh -c '"$1" fmt - <"$2"' sh "$REGC" "$WE_SPEC"
    we_full "regc fmt - (vi)" "không ghi được ra đầu ra chuẩn" sh -c '"$1" fmt --lang vi - <"$2"' sh "$REGC" "$WE_SPEC"
    we_full "regc check --format json" "$WE_STDOUT" "$REGC" check --format json "$WE_SPEC"
    we_full "regc test --format junit" "$WE_STDOUT" "$REGC" test --format junit "$WE_SPEC"
    we_full "regc test" "$WE_STDOUT" "$REGC" test "$WE_SPEC"
    mkdir -p "$tmp/we2" && cp "$ROOT"/examples/tthc/* "$tmp/we2/" 2>/dev/null
    sed 's/version "1.0.0"/version "1.1.0"/' "$WE_SPEC" >"$tmp/we2/tthc.regime"
    we_full "regc diff" "$WE_STDOUT" "$REGC" diff "$WE_SPEC" "$tmp/we2/tthc.regime"
    we_full "regc diff --format json" "$WE_STDOUT" "$REGC" diff --format json "$WE_SPEC" "$tmp/we2/tthc.regime"
    we_full "regc --help" "$WE_STDOUT" "$REGC" --help
    we_full "regc --version" "$WE_STDOUT" "$REGC" --version
    we_full "regc fmt --help" "$WE_STDOUT" "$REGC" fmt --help

    we_full "regrt validate" "$WE_STDOUT" "$REGRT" validate "$WE_LIB" --units "$WE_FX/edge_units.csv" "$WE_FX/edge_input.csv"
    we_full "regrt validate --format json" "$WE_STDOUT" "$REGRT" validate "$WE_LIB" --format json "$WE_FX/edge_input.csv"
    we_full "regrt rollup" "$WE_STDOUT" "$REGRT" rollup "$WE_LIB" --units "$WE_FX/edge_units.csv" "$WE_FX/edge_input.csv"
    we_full "regrt calendar" "$WE_STDOUT" "$REGRT" calendar "$WE_LIB" --year 2025 --holidays "$WE_FX/vn_holidays_2025.csv"
    we_full "regrt status" "$WE_STDOUT" "$REGRT" status "$WE_LIB" --units "$WE_FX/edge_units.csv" \
        --holidays "$WE_FX/vn_holidays_2025.csv" --allow-unknown-holidays --as-of 2025-04-17 "$WE_FX/edge_input.csv"
    we_full "regrt --help" "$WE_STDOUT" "$REGRT" --help
    we_full "regrt --help (vi)" "không ghi được ra đầu ra chuẩn" "$REGRT" --help --lang vi
    we_full "regrt validate --help" "$WE_STDOUT" "$REGRT" validate --help

    # output files named with -o
    we_full "regrt rollup -o" "cannot write '/dev/full'" "$REGRT" rollup "$WE_LIB" --units "$WE_FX/edge_units.csv" \
        -o /dev/full "$WE_FX/edge_input.csv"
    we_full "regrt rollup --errors" "cannot write '/dev/full'" "$REGRT" rollup "$WE_LIB" --units "$WE_FX/edge_units.csv" \
        -o "$tmp/we.csv" --errors /dev/full "$WE_FX/edge_input.csv"
    we_full "regrt validate -o" "cannot write '/dev/full'" "$REGRT" validate "$WE_LIB" -o /dev/full "$WE_FX/edge_input.csv"
    we_full "regrt status -o" "cannot write '/dev/full'" "$REGRT" status "$WE_LIB" --units "$WE_FX/edge_units.csv" \
        --holidays "$WE_FX/vn_holidays_2025.csv" --allow-unknown-holidays --as-of 2025-04-17 -o /dev/full "$WE_FX/edge_input.csv"

    # and a command that writes nothing to stdout is not failed for it
    "$REGC" check "$WE_SPEC" >/dev/full 2>"$tmp/we.err"
    expect_status "write errors: regc check (nothing on stdout)" 0 $?
fi
