# regc test: the tests of the examples pass; wrong expectations fail with
# their place and the rules involved; previous(), required cells, ranges
# and roll-ups are read as the runtime reads them; JSON and JUnit output;
# exit 2 for a spec that does not check.
"$REGC" test "$ROOT/examples/tthc/tthc.regime" >"$tmp/t.out" 2>&1
expect_status "regc test tthc" 0 $?
grep -q "^3 passed, 0 failed$" "$tmp/t.out" && pass || { fail "regc test tthc: summary"; cat "$tmp/t.out"; }

cat >"$tmp/ct.regime" <<'SPEC'
regime ct {
  version "1.0.0"
  frequency monthly
  submitted by unit
  tiers t
}

tiers t {
  level top
    code "VN"
  level unit
    within top
    column "u"
}

codelist kinds {
  code A
  code B
}

form f {
  reported by unit
  period month

  dimension kind: code in kinds
  field bal: count
    required
    stock closing
  field inflow: count
    range 0 to 100
  field share: percent(1)

  rule R1 error
    check inflow <= 50
    message "inflow above 50"
  rule R2 warning
    check bal = previous(bal) + inflow
    message "bal does not follow"
  rule R3 error
    check kind in kinds
    missing fail
    message "unknown kind"
  rule R4 info
    check well_formed
    message "malformed"
}

rollup q for f {
  levels unit, top
  period quarter
  completeness n
}

test "rows" {
  data f (unit, period, kind, bal, inflow, share)
    ("u1", 2025-01, A, 10, 5, 12.5%)
    ("u1", 2025-02, A, 15, 5, 10)
    ("u1", 2025-03, A, 99, 60, missing)
    ("u2", 2025-01, C, 1, 1, 1)
    ("u2", 2025-01, B, missing, 1, 1)
    ("u2", 2025-02, B, 1, 101, 1)
  expect row 1 passes
  expect row 2 passes
  expect row 3 fails R1, R2
  expect row 4 fails R3
  expect row 5 fails R4
  expect row 6 fails R4
}

test "roll-up" {
  data f (unit, period, kind, bal, inflow)
    ("u1", 2025-01, A, 10, 5)
    ("u1", 2025-03, A, 20, 10)
    ("u2", 2025-03, A, 7, 60)
  expect q unit "u1" 2025-Q1 A inflow = 15
  expect q unit "u1" 2025-Q1 A bal = 20
  expect q unit "u2" 2025-Q1 A inflow = missing
  expect q top "VN" 2025-Q1 A inflow = 15
  expect q top "VN" 2025-Q1 A n = 1
}

test "wrong on purpose" {
  data f (unit, period, kind, bal, inflow)
    ("u1", 2025-01, A, 10, 70)
  expect row 1 passes
  expect q unit "u1" 2025-Q1 A inflow = 70
}
SPEC
(cd "$tmp" && "$REGC" test ct.regime >"$tmp/t.out" 2>&1)
expect_status "regc test with a failing test" 1 $?
grep -q "^2 passed, 1 failed$" "$tmp/t.out" && pass || { fail "regc test: summary"; cat "$tmp/t.out"; }
grep -q "ct.regime:[0-9]*:[0-9]*: error\[E0720\]: test \"wrong on purpose\": row 1 should pass but fails R1" "$tmp/t.out" && pass || fail "regc test: E0720 with its place"
grep -q "rule \`R1\` (error) is declared at ct.regime:" "$tmp/t.out" && pass || fail "regc test: the rule's place"
grep -q "E0725.*roll-up \`q\` has no group" "$tmp/t.out" && pass || fail "regc test: E0725 (the row fails an error rule)"

# Roll-up expectations are libregrt's roll-up (rt_rollup_batch), also with
# no units file (the rows' units under the top unit): a unit that sends a
# key twice is left out as `regrt rollup` leaves it out (DUP1), and a wrong
# total says the value the roll-up gives.
sed '/^test "rows"/,$d' "$tmp/ct.regime" >"$tmp/ct2.regime"
cat >>"$tmp/ct2.regime" <<'SPEC'
test "a unit that sends a month twice is left out" {
  data f (unit, period, kind, bal, inflow)
    ("u1", 2025-01, A, 10, 5)
    ("u2", 2025-01, A, 7, 3)
    ("u2", 2025-01, A, 8, 4)
  expect q unit "u2" 2025-Q1 A inflow = missing
  expect q top "VN" 2025-Q1 A inflow = 5
  expect q top "VN" 2025-Q1 A n = 1
}

test "a wrong total says the value" {
  data f (unit, period, kind, bal, inflow)
    ("u1", 2025-01, A, 10, 5)
  expect q top "VN" 2025-Q1 A inflow = 6
}
SPEC
(cd "$tmp" && "$REGC" test ct2.regime >"$tmp/t2.out" 2>&1)
expect_status "regc test: duplicates and a wrong total" 1 $?
grep -q "^1 passed, 1 failed$" "$tmp/t2.out" && pass || { fail "regc test: a duplicated key is left out of the roll-up"; cat "$tmp/t2.out"; }
grep -q "roll-up \`q\` gives inflow = 5 at top VN, expected 6" "$tmp/t2.out" && pass || { fail "regc test: E0724 shows the value"; cat "$tmp/t2.out"; }

(cd "$tmp" && "$REGC" test --format json ct.regime >"$tmp/t.json" 2>/dev/null)
expect_status "regc test --format json" 1 $?
grep -q '"passed":2,"failed":1}' "$tmp/t.json" && pass || fail "regc test json: totals"
grep -q '"name":"wrong on purpose","line":[0-9]*,"expectations":2,"passed":false' "$tmp/t.json" && pass || fail "regc test json: the failing test"
if need python3; then
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/t.json" && pass || fail "regc test json: not JSON"
fi
(cd "$tmp" && "$REGC" test --format junit ct.regime >"$tmp/t.xml" 2>/dev/null)
expect_status "regc test --format junit" 1 $?
grep -q '<testsuites name="regc test" tests="3" failures="1" errors="0">' "$tmp/t.xml" && pass || fail "regc test junit: totals"
grep -q '<failure message=.*type="E0720">' "$tmp/t.xml" && pass || fail "regc test junit: failure"
if need xmllint; then
    xmllint --noout "$tmp/t.xml" && pass || fail "regc test junit: not XML"
fi

printf 'form f {\n  reported by nowhere\n}\n' >"$tmp/bad.regime"
"$REGC" test "$tmp/bad.regime" >"$tmp/t.out" 2>&1
expect_status "regc test on a spec with errors" 2 $?
"$REGC" test >/dev/null 2>&1
expect_status "regc test without a file" 2 $?
