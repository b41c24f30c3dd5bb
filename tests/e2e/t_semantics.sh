# One semantics everywhere: what the runtime joins and prints comes from the
# library's descriptor (read sets with roles, message values computed by the
# kernels), never from the text of a rule. Each case below printed a wrong
# or empty value before ABI 3. Needs `regc build`: a failed build fails.
S_U="$ROOT/stdlib/data/vn_admin_units_2025-03-01.csv"
mkdir -p "$tmp/sem"
cat >"$tmp/sem/sem.regime" <<'EOF'
import decree09
import vn_tiers

regime sem {
  version "1.0.0"
  label vi "Ngữ nghĩa" en "Semantics"
  kind periodic
  frequency monthly
  cutoff decree09
  content vi "Số người" en "Persons"
  submitted by commune, district, province
  received by national
  method electronic
  deadline commune 2 working days after cutoff
  deadline district 3 working days after cutoff
  deadline province 4 working days after cutoff
  outline vi "Đề cương" en "Outline"
  guidance vi "Hướng dẫn" en "Guidance"
  tiers vn_2025_03
  holidays vn_public
}

form g {
  label vi "Biểu G" en "Form G"
  reported by commune
  period month

  field a: persons
    label vi "A" en "A"
    required
  field b: persons
    label vi "B" en "B"
    required
  field resolved: persons
    label vi "Đã giải quyết" en "Resolved"

  # previous() in a computed field read by no rule's previous(), and a
  # chain: previous() of a computed field that itself reads previous()
  computed d = a - previous(a)
    label vi "D" en "D"
  computed e = d - previous(d)
    label vi "E" en "E"
  ratio share = a / b
    label vi "Tỷ lệ" en "Share"
    relevant when b > 0

  rule R1 warning
    check a <= b
    message vi "tỷ lệ {share}, kỳ trước {previous(share)}, b kỳ trước {previous(b)}, d {d}, e {e}, d kỳ trước {previous(d)}"
            en "share {share}, previous share {previous(share)}, previous b {previous(b)}, d {d}, e {e}, previous d {previous(d)}"

  # {imbalance} of a rule without children(): the two sides' difference
  rule R3 info
    check b >= a
    message vi "thiếu {imbalance}" en "short by {imbalance}"

  rule R2 warning
    check resolved = children(  resolved ) # a comment: children( a )
    message vi "riêng {resolved}, cấp dưới {children(resolved)}, chênh lệch {imbalance}"
            en "own {resolved}, children {children(resolved)}, imbalance {imbalance}"
}

# a form without rules: its computed fields and ratios are still computed
form h {
  label vi "Biểu H" en "Form H"
  reported by commune
  period month
  field a: persons
    label vi "A" en "A"
  field b: persons
    label vi "B" en "B"
  computed total = a + b
    label vi "Tổng" en "Total"
  ratio r = a / total
    label vi "Tỷ lệ" en "Ratio"
    relevant when total > 0
}

rollup monthly for h {
  levels commune, province
  period month
}

test "regc test runs the library: chains, messages" {
  data g (unit, period, a, b, resolved)
    ("00001", 2025-01, 10, 5, 3)
    ("00001", 2025-02, 12, 5, 4)
    ("00001", 2025-03, 20, 5, 2)
  expect row 3 fails R1, R3
  expect row 3 message en "share 4.0000, previous share 2.4000, previous b 5, d 8, e 6, previous d 2"
  expect row 3 message vi "thiếu -15"
}

test "a key repeated in the previous period joins nothing, as in regrt" {
  data g (unit, period, a, b, resolved)
    ("00001", 2025-01, 10, 5, 3)
    ("00001", 2025-01, 11, 5, 3)
    ("00001", 2025-02, 12, 5, 4)
  expect row 3 message en "share 2.4000, previous share (empty), previous b (empty), d (empty), e (empty), previous d (empty)"
}

test "children() rules are tested" {
  data g (unit, period, a, b, resolved)
    ("00001", 2025-03, 1, 5, 2)
    ("00004", 2025-03, 1, 5, 4)
    ("001", 2025-03, 1, 5, 9)
    ("001", 2025-04, 1, 5, 9)
  expect row 3 fails R2
  expect row 3 message en "own 9, children 6, imbalance 3"
  expect row 4 passes
}

test "a form without rules rolls its computed fields up" {
  data h (unit, period, a, b)
    ("00001", 2025-01, 10, 30)
    ("00004", 2025-01, 5, 5)
  expect monthly province "01" 2025-01 total = 50
  expect monthly province "01" 2025-01 r = 0.3000
}
EOF
cat >"$tmp/g.csv" <<'EOF'
unit,period,a,b,resolved
00001,2025-01,10,5,3
00001,2025-02,12,5,4
00001,2025-03,20,5,2
00004,2025-03,1,5,4
001,2025-03,1,5,9
EOF
cat >"$tmp/h.csv" <<'EOF'
unit,period,a,b
00001,2025-01,10,30
00004,2025-01,5,5
EOF
if (cd "$tmp/sem" && "$REGC" build sem.regime -o "$tmp/semlib") >"$tmp/build.log" 2>&1; then
    "$REGRT" validate "$tmp/semlib" --form g --units "$S_U" "$tmp/g.csv" >"$tmp/g.txt" 2>"$tmp/g.err"
    expect_status "semantics: validate" 0 $?
    # previous(x) in a computed field is joined though no rule reads previous(x) in its check
    grep -q 'row 2 (unit 00001, period 2025-02): warning R1: share 2.4000, previous share 2.0000, previous b 5, d 2, e (empty), previous d (empty)$' "$tmp/g.txt" \
        && pass || fail "semantics: previous() in a computed field and messages: $(grep 'row 2 ' "$tmp/g.txt")"
    # the chain: e = d - previous(d) with d = a - previous(a) (March: d 8, February's d 2)
    grep -q 'row 3 (unit 00001, period 2025-03): warning R1: share 4.0000, previous share 2.4000, previous b 5, d 8, e 6, previous d 2$' "$tmp/g.txt" \
        && pass || fail "semantics: previous() of a computed field reading previous(): $(grep 'row 3 ' "$tmp/g.txt")"
    # children( resolved ) spelled with blanks and a comment: 9 against 4 + 2
    grep -q 'row 5 (unit 001, period 2025-03): warning R2: own 9, children 6, imbalance 3$' "$tmp/g.txt" \
        && pass || fail "semantics: children() with blanks and a comment: $(grep R2 "$tmp/g.txt")"
    "$REGRT" validate "$tmp/semlib" --form g --units "$S_U" --lang vi "$tmp/g.csv" 2>/dev/null | grep -q 'R2: riêng 9, cấp dưới 6, chênh lệch 3$' \
        && pass || fail "semantics: children() message in Vietnamese"
    grep -q 'row 1 (unit 00001, period 2025-01): info R3: short by -5$' "$tmp/g.txt" \
        && pass || fail "semantics: {imbalance} without children(): $(grep R3 "$tmp/g.txt" | head -1)"
    # a form without rules: computed fields and ratios in the roll-up
    "$REGRT" rollup "$tmp/semlib" --units "$S_U" -q "$tmp/h.csv" >"$tmp/h.out" 2>"$tmp/h.err"
    expect_status "semantics: rollup of a form without rules" 0 $?
    grep -q '^commune,00001,2025-01,10,30,40,0.2500$' "$tmp/h.out" && grep -q '^province,01,2025-01,15,35,50,0.3000$' "$tmp/h.out" \
        && pass || fail "semantics: computed fields of a form without rules: $(cat "$tmp/h.out")"
    # the rule text is display text: comments stripped
    "$REGRT" validate "$tmp/semlib" --form g --units "$S_U" --format json "$tmp/g.csv" >"$tmp/g.json" 2>/dev/null
    grep -q 'a comment' "$tmp/g.json" && fail "semantics: a comment in the report" || pass
else
    fail "semantics: regc build failed: $(tail -3 "$tmp/build.log")"
fi

# regc test: the same values, through the same library
(cd "$tmp/sem" && "$REGC" test sem.regime) >"$tmp/test.out" 2>&1
expect_status "semantics: regc test" 0 $?
grep -q '^4 passed, 0 failed$' "$tmp/test.out" && pass || fail "semantics: regc test: $(cat "$tmp/test.out")"
# a wrong message is a failure that shows the messages the row has
sed 's/message vi "thiếu -15"/message vi "thiếu 15"/' "$tmp/sem/sem.regime" >"$tmp/sem/bad.regime"
(cd "$tmp/sem" && "$REGC" test bad.regime) >"$tmp/bad.out" 2>&1
expect_status "semantics: regc test, a wrong message" 1 $?
grep -q 'E0728.*row 3 has no message "thiếu 15"; its messages: R1: "tỷ lệ 4.0000, kỳ trước 2.4000' "$tmp/bad.out" \
    && pass || fail "semantics: regc test, a wrong message: $(cat "$tmp/bad.out")"
"$REGC" fmt - <"$tmp/sem/sem.regime" >"$tmp/fmt.out" 2>&1
expect_status "semantics: regc fmt" 0 $?
grep -q '^  expect row 3 message vi "thiếu -15"$' "$tmp/fmt.out" && pass || fail "semantics: expect row N message through regc fmt"

# No join is planned from rule text: the runtime never searches it.
if grep -n 'strstr' "$ROOT"/runtime/prev.c "$ROOT"/runtime/ext.c "$ROOT"/runtime/crossform.c "$ROOT"/runtime/children.c \
    "$ROOT"/runtime/validate.c "$ROOT"/runtime/report.c | grep -q .; then
    fail "semantics: strstr in the runtime's join planning"
else
    pass
fi
grep -n 'source' "$ROOT"/runtime/prev.c "$ROOT"/runtime/crossform.c "$ROOT"/runtime/children.c | grep -q -- '->source' \
    && fail "semantics: a join reads rg_rule.source" || pass
