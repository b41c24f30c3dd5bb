# Big regimes compile in near-linear time (bench/gen_big.py; figures in
# docs/BENCHMARKS.md). The limits are loose (a shared machine, the sanitizer
# build): before, a 200,000-code list took minutes to check (a quadratic
# duplicate scan) and a 1,000-rule form minutes to build (O2 on one huge
# loop body).
if command -v python3 >/dev/null 2>&1; then
    python3 "$ROOT/bench/gen_big.py" codes 200000 "$tmp/codes" &&
        python3 "$ROOT/bench/gen_big.py" rules 1000 "$tmp/rules" &&
        python3 "$ROOT/bench/gen_big.py" fields 600 "$tmp/fields"
    expect_status "big: gen_big.py" 0 $?
    (cd "$ROOT" && timeout 60 "$REGC" check "$tmp/codes/big.regime") >"$tmp/big.log" 2>&1
    expect_status "big: regc check of 200,000 codes within 60 s" 0 $?
    (cd "$ROOT" && timeout 120 "$REGC" build "$tmp/rules/big.regime" -o "$tmp/rules/out") >"$tmp/big.log" 2>&1
    expect_status "big: regc build of 1,000 rules within 120 s" 0 $?
    (cd "$ROOT" && timeout 120 "$REGC" build "$tmp/fields/big.regime" -o "$tmp/fields/out") >"$tmp/big.log" 2>&1
    expect_status "big: regc build of 600 fields within 120 s" 0 $?
    [ -s "$tmp/fields/out/big.so" ] && [ -s "$tmp/fields/out/forms/big.xsd" ] && pass || fail "big: outputs of the 600-field build"
    # duplicates are still found, through the hash
    { cat "$tmp/codes/codes.csv"; echo "C0000007,again,again"; } >"$tmp/codes/dup.csv" && mv "$tmp/codes/dup.csv" "$tmp/codes/codes.csv"
    (cd "$ROOT" && "$REGC" check "$tmp/codes/big.regime") >"$tmp/big.log" 2>&1
    expect_status "big: a repeated code" 1 $?
    grep -q "C0000007" "$tmp/big.log" && pass || fail "big: repeated code not named: $(head -3 "$tmp/big.log")"
else
    fail "big: python3 is needed (scripts/deps.sh)"
fi

# regc build that cannot write an output (a full disk, a file in the way) is
# exit status 2, like every unusable output, not 1 (findings)
mkdir -p "$tmp/wout"
: >"$tmp/wout/forms"
(cd "$ROOT" && "$REGC" build examples/tthc/tthc.regime -o "$tmp/wout") >"$tmp/w.log" 2>&1
expect_status "big: regc build cannot write its forms" 2 $?
mkdir -p "$tmp/wout2/.tthc.o.tmp" "$tmp/wout2/.tthc.tmp.o" "$tmp/wout2/.tthc.so.tmp"
(cd "$ROOT" && "$REGC" build examples/tthc/tthc.regime -o "$tmp/wout2") >"$tmp/w.log" 2>&1
expect_status "big: regc build cannot write its library" 2 $?
