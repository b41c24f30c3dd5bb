# regc diff goldens, sourced by tests/golden/run.sh:
#   diff/NAME/old.regime + diff/NAME/new.regime -> diff/NAME/expected.out
# (stdout and stderr, then the exit status). diff/NAME/args holds extra
# options (--format json, --lang vi). The first line of each spec says what
# the case changes; every case starts from the same base spec.
for d in "$G"/diff/*/; do
    [ -f "$d/old.regime" ] || continue
    n=$(basename "$d")
    args=$(cat "$d/args" 2>/dev/null)
    # shellcheck disable=SC2086 # args are words
    (cd "$d" && "$REGC" diff $args old.regime new.regime >"$tmp/out" 2>&1; echo "exit $?" >>"$tmp/out")
    expect_file "diff/$n" "${d}expected.out" "$tmp/out"
done
