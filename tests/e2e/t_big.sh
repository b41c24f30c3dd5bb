# Big regimes compile in near-linear time (bench/gen_big.py; figures in
# docs/BENCHMARKS.md). The limits are loose (a shared machine, the sanitizer
# build): before, a 200,000-code list took minutes to check (a quadratic
# duplicate scan) and a 1,000-rule form minutes to build (O2 on one huge
# loop body); a 5,000-field form was refused (at most 1,024 columns).
if command -v python3 >/dev/null 2>&1; then
    python3 "$ROOT/bench/gen_big.py" codes 200000 "$tmp/codes" &&
        python3 "$ROOT/bench/gen_big.py" rules 1000 "$tmp/rules" &&
        python3 "$ROOT/bench/gen_big.py" fields 5000 "$tmp/fields"
    expect_status "big: gen_big.py" 0 $?
    (cd "$ROOT" && timeout 60 "$REGC" check "$tmp/codes/big.regime") >"$tmp/big.log" 2>&1
    expect_status "big: regc check of 200,000 codes within 60 s" 0 $?
    (cd "$ROOT" && timeout 120 "$REGC" build "$tmp/rules/big.regime" -o "$tmp/rules/out") >"$tmp/big.log" 2>&1
    expect_status "big: regc build of 1,000 rules within 120 s" 0 $?
    (cd "$ROOT" && timeout 120 "$REGC" build "$tmp/fields/big.regime" -o "$tmp/fields/out") >"$tmp/big.log" 2>&1
    expect_status "big: regc build of 5,000 fields within 120 s" 0 $?
    [ -s "$tmp/fields/out/big.so" ] && [ -s "$tmp/fields/out/forms/big.xsd" ] && pass || fail "big: outputs of the 5,000-field build"
    # ... which validates and rolls up (a form had at most 1,024 columns):
    # row 2's total is off by one, row 3's unit is not in the units file
    python3 - "$tmp/fields/d.csv" <<'PY'
import sys
n = 5000
vals = [str(i % 7) for i in range(1, n + 1)]
tot = sum(i % 7 for i in range(1, n + 1))
with open(sys.argv[1], "w") as f:
    f.write(",".join(["unit", "period"] + [f"f{i}" for i in range(1, n + 1)] + ["total"]) + "\n")
    for u, t in (("00004", tot), ("00008", tot + 1), ("99999", tot)):
        f.write(",".join([u, "2025-08"] + vals + [str(t)]) + "\n")
PY
    "$REGRT" validate --allow-unsigned --format csv "$tmp/fields/out" "$tmp/fields/d.csv" >"$tmp/fields/v.csv" 2>"$tmp/big.log"
    expect_status "big: validate 5,000 fields" 1 $?
    grep -q '^2,00008,2025-08,V1,error$' "$tmp/fields/v.csv" && [ "$(wc -l <"$tmp/fields/v.csv")" = 2 ] && pass ||
        fail "big: 5,000-field report: $(cat "$tmp/fields/v.csv" "$tmp/big.log")"
    "$REGRT" rollup --allow-unsigned "$tmp/fields/out" --units "$ROOT/tests/fixtures/units_2025-07-01_sample.csv" \
        -o "$tmp/fields/r.csv" "$tmp/fields/d.csv" >"$tmp/big.log" 2>&1
    expect_status "big: roll up 5,000 fields" 0 $?
    grep -q '^national,VN,2025-08,1,2,3,4,5,6,0,1,' "$tmp/fields/r.csv" && [ "$(wc -l <"$tmp/fields/r.csv")" = 4 ] && pass ||
        fail "big: 5,000-field roll-up: $(cut -c1-80 "$tmp/fields/r.csv")"
    grep -q "1 rejected with errors, 1 left out" "$tmp/big.log" && pass || fail "big: 5,000-field accounting: $(cat "$tmp/big.log")"
    # a form split into validate parts (1,000 rules: 4 parts) reports the
    # same failures as the rules computed here, row by row
    python3 - "$tmp/rules/d.csv" "$tmp/rules/expected.csv" <<'PY'
import random, sys
random.seed(7)
rows = [[random.randrange(0, 1200) for _ in range(100)] for _ in range(5)]
with open(sys.argv[1], "w") as f:
    f.write(",".join(["unit", "period"] + [f"f{i}" for i in range(1, 101)]) + "\n")
    for r in rows:
        f.write(",".join(["00004", "2025-08"] + [str(v) for v in r]) + "\n")
out = []
for k, r in enumerate(rows, 1):
    for i in range(1, 1001):
        a, b = i % 100 + 1, (i * 7) % 100 + 1
        if a == b:
            b = a % 100 + 1
        if not r[a - 1] + i >= r[b - 1]:
            out.append(f"{k},00004,2025-08,R{i},error")
with open(sys.argv[2], "w") as f:
    f.write("\n".join(sorted(out)) + "\n")
PY
    "$REGRT" validate --allow-unsigned --format csv "$tmp/rules/out" "$tmp/rules/d.csv" 2>"$tmp/big.log" |
        grep -v '^row_number,' | sort >"$tmp/rules/got.csv"
    [ -s "$tmp/rules/expected.csv" ] && cmp -s "$tmp/rules/expected.csv" "$tmp/rules/got.csv" && pass ||
        { fail "big: split kernels' failures differ from the rules'"; diff "$tmp/rules/expected.csv" "$tmp/rules/got.csv" | head -5; }
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
