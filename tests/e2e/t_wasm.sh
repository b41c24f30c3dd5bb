# The WebAssembly kernels (regc build --target wasm32-unknown-unknown, run by
# runtime/web/regime.js in Node) give regrt's verdicts and messages on every
# example's data and mutated copies of it (tests/web/wasm_check.js), and on
# the per-unit fields' golden form (tests/golden/forms/perunit_desk.csv:
# per-unit rules reported once per unit and period by both).
if command -v node >/dev/null 2>&1; then
    node "$ROOT/tests/web/wasm_check.js" "$REGC" "$REGRT" "$tmp" "$ROOT"/examples/*/*.regime \
        "$ROOT"/tests/golden/forms/perunit.regime >"$tmp/wasm.out" 2>&1
    expect_status "wasm kernels = native library" 0 $?
    grep -q ' 0 differences' "$tmp/wasm.out" && pass || { fail "wasm kernels = native library"; head -30 "$tmp/wasm.out"; }
else
    fail "wasm: node is not installed (scripts/deps.sh installs nodejs)"
fi
