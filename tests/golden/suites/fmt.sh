# regc fmt goldens, sourced by tests/golden/run.sh:
#   fmt/NAME.regime -> fmt/NAME.out (`regc fmt -`: stdout and stderr, then
#   the exit status)
# and, for every input that formats, idempotence: formatting the output
# again gives it back byte for byte.
for f in "$G"/fmt/*.regime; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .regime)
    "$REGC" fmt - <"$f" >"$tmp/fmt1" 2>"$tmp/fmt1.err"
    st=$?
    { cat "$tmp/fmt1" "$tmp/fmt1.err"; echo "exit $st"; } >"$tmp/out"
    expect_file "fmt/$n" "$G/fmt/$n.out" "$tmp/out"
    if [ "$st" = 0 ]; then
        "$REGC" fmt - <"$tmp/fmt1" >"$tmp/fmt2" 2>&1
        if cmp -s "$tmp/fmt1" "$tmp/fmt2"; then pass; else fail "fmt/$n: not idempotent"; diff -u "$tmp/fmt1" "$tmp/fmt2" | head -20; fi
    fi
done
