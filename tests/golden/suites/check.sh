# regc check goldens beyond check/NAME.regime (run.sh does those), sourced
# by tests/golden/run.sh:
#   check/vi/NAME.regime   -> NAME.err   (--lang vi: stdout+stderr, status)
#   check/json/NAME.regime -> NAME.json  (--format json)
#   ok/*.regime, examples/*/*.regime, stdlib/*.regime: must check clean,
#     with no output at all (no warning either)
for f in "$G"/check/vi/*.regime; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .regime)
    (cd "$G/check/vi" && "$REGC" check --lang vi "$n.regime" >"$tmp/out" 2>&1; echo "exit $?" >>"$tmp/out")
    expect_file "check/vi/$n" "$G/check/vi/$n.err" "$tmp/out"
done
for f in "$G"/check/json/*.regime; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .regime)
    (cd "$G/check/json" && "$REGC" check --format json "$n.regime" >"$tmp/out" 2>&1; echo "exit $?" >>"$tmp/out")
    expect_file "check/json/$n" "$G/check/json/$n.json" "$tmp/out"
done
for f in "$G"/ok/*.regime "$ROOT"/examples/*/*.regime "$ROOT"/stdlib/*.regime; do
    [ -e "$f" ] || continue
    (cd "$(dirname "$f")" && "$REGC" check "$(basename "$f")" >"$tmp/out" 2>&1)
    st=$?
    if [ "$st" = 0 ] && [ ! -s "$tmp/out" ]; then pass; else
        fail "ok: ${f#"$ROOT"/} does not check clean (exit $st)"; head -20 "$tmp/out"; fi
done
