# The pages in real Chromium (tests/web/pages.test.js): a commune officer
# sees rule V1 from the WebAssembly kernel before submitting, fixes, submits;
# the page without WebAssembly; the supervisor's board, chart and CSV; a
# phone; English. Screenshots in $O/web/. Needs scripts/deps.sh (chromium,
# nodejs, tests/web/node_modules).
if [ ! -x /usr/bin/chromium ] || [ ! -d "$ROOT/tests/web/node_modules/playwright-core" ]; then
    fail "web: chromium or tests/web/node_modules missing: run 'bash scripts/deps.sh'"
else
    node "$ROOT/tests/web/pages.test.js" "$REGC" "$REGRT" "$ROOT/$O/web" >"$tmp/web.out" 2>&1
    expect_status "web pages in Chromium" 0 $?
    grep -q ' 0 failed' "$tmp/web.out" && pass || { fail "web pages in Chromium"; head -40 "$tmp/web.out"; }
fi
