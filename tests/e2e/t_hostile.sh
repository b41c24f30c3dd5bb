# Hostile input (tests/hostile/): broken and malicious CSV and XML
# submissions, and specs, each with its expected result beside it
# (KIND/NAME.expected: exit status, stderr, the start of stdout). Each run is
# bounded: a time limit and, outside ASan (which reserves terabytes of
# address space for its shadow), an address-space limit. The big members are
# written by tests/hostile/gen.py into $tmp. UPDATE=1 rewrites the expected
# files. Sourced by tests/e2e/run.sh ($ROOT, $REGC, $REGRT, $tmp, helpers).
HOST="$ROOT/tests/hostile"
HGEN="$tmp/hostile"
case "$O" in
*san*) H_ASAN=1 H_TIME=120 ;;
*) H_ASAN=0 H_TIME=30 ;;
esac
H_MEM=1048576 # KB of address space for one run (1 GB)

# h_bounded CMD...: runs CMD under the limits; 124 when it ran out of time
h_bounded() {
    if [ "$H_ASAN" = 1 ]; then
        timeout "$H_TIME" "$@"
    else
        (ulimit -v "$H_MEM" && exec timeout "$H_TIME" "$@")
    fi
}

# h_render STATUS: the expected-file form of the last run ($tmp/h.out, $tmp/h.err)
h_render() {
    echo "exit $1"
    echo "--- stderr"
    cut -b 1-400 "$tmp/h.err"
    echo "--- stdout"
    head -n 30 "$tmp/h.out" | cut -b 1-400
}

# h_case KIND NAME FILE DIR CMD...: runs CMD in DIR and compares with KIND/NAME.expected
h_case() {
    kind=$1 name=$2 file=$3 dir=$4
    shift 4
    (cd "$dir" && h_bounded "$@") >"$tmp/h.out" 2>"$tmp/h.err"
    st=$?
    if [ "$st" = 124 ]; then
        fail "hostile: $kind/$file took longer than ${H_TIME}s"
        return
    fi
    h_render "$st" >"$tmp/h.got"
    expect_file "hostile: $kind/$file" "$HOST/$kind/$name.expected" "$tmp/h.got"
}

if ! need python3 timeout; then
    :
elif ! python3 "$HOST/gen.py" "$HGEN"; then
    fail "hostile: tests/hostile/gen.py failed"
elif ! "$REGC" build "$ROOT/examples/tthc/tthc.regime" -o "$tmp/hlib/tthc" >"$tmp/h.log" 2>&1 ||
    ! "$REGC" build "$ROOT/examples/edoc/edoc.regime" -o "$tmp/hlib/edoc" >>"$tmp/h.log" 2>&1; then
    fail "hostile: regc build of tthc/edoc failed: $(head -5 "$tmp/h.log")"
else
    # ---- submissions: regrt validate, the report as CSV on stdout ----
    for kind in csv xml; do
        for f in "$HOST/$kind"/*."$kind" "$HGEN/$kind"/*."$kind"; do
            [ -e "$f" ] || continue
            file=$(basename "$f")
            name=${file%.*}
            case $name in
            edoc_*) lib=edoc units="$ROOT/examples/edoc/agencies.csv" ;;
            *) lib=tthc units="$ROOT/tests/fixtures/edge_units.csv" ;;
            esac
            h_case "$kind" "$name" "$file" "$(dirname "$f")" \
                "$REGRT" validate "$tmp/hlib/$lib" --units "$units" --format csv --threads 2 "$file"
        done
    done
    # ---- specs: regc check ----
    for f in "$HOST/spec"/*.regime "$HGEN/spec"/*.regime; do
        [ -e "$f" ] || continue
        file=$(basename "$f")
        name=${file%.regime}
        case $name in mod_*) continue ;; esac
        h_case spec "$name" "$file" "$(dirname "$f")" "$REGC" check "$file"
    done
    # ---- every expected file has its input (a renamed case leaves none behind) ----
    for e in "$HOST"/csv/*.expected "$HOST"/xml/*.expected "$HOST"/spec/*.expected; do
        [ -e "$e" ] || continue
        n=$(basename "$e" .expected)
        k=$(basename "$(dirname "$e")")
        x=$k
        [ "$k" = spec ] && x=regime
        [ -e "$HOST/$k/$n.$x" ] || [ -e "$HGEN/$k/$n.$x" ] || fail "hostile: $k/$n.expected has no input"
    done
    # ---- fmt refuses what check refuses, in bounded time, and leaves the file alone ----
    for n in nesting_100000 blocks_100000 binary_64kb; do
        cp "$HGEN/spec/$n.regime" "$tmp/h.regime"
        (cd "$tmp" && h_bounded "$REGC" fmt h.regime) >/dev/null 2>"$tmp/h.err"
        st=$?
        [ "$st" = 1 ] && cmp -s "$HGEN/spec/$n.regime" "$tmp/h.regime" && pass ||
            fail "hostile: regc fmt on $n: exit $st, or the file changed: $(head -3 "$tmp/h.err")"
    done
fi
