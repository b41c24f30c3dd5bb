# regc build: the library, header, manifest; exported symbols; reproducible
# bytes; --emit-llvm; --target wasm32; the compiled tthc library against the
# benchmark's edge cases; usage errors.
TTHC="$ROOT/examples/tthc/tthc.regime"
FX="$ROOT/tests/fixtures"

t0=$(date +%s%N)
"$REGC" build "$TTHC" -o "$tmp/a" 2>"$tmp/err"
expect_status "build tthc" 0 $?
t1=$(date +%s%N)
[ -s "$tmp/err" ] && fail "build tthc wrote on stderr: $(head -3 "$tmp/err")" || pass
for f in tthc.so tthc.h manifest.json; do
    [ -s "$tmp/a/$f" ] && pass || fail "build tthc: no $f"
done
# the < 1 s target holds for the optimised build; sanitizers slow regc down
if [ "$O" = build ]; then
    ms=$(( (t1 - t0) / 1000000 ))
    [ "$ms" -lt 1000 ] && pass || fail "build tthc took ${ms} ms (target < 1000)"
fi

# exactly the two ABI symbols are exported
nm -D --defined-only "$tmp/a/tthc.so" | awk '{print $3}' | sort >"$tmp/syms"
printf 'regime_abi_version\nregime_descriptor\n' >"$tmp/want_syms"
cmp -s "$tmp/syms" "$tmp/want_syms" && pass || fail "nm -D shows: $(tr '\n' ' ' <"$tmp/syms")"
[ -z "$(nm -D --undefined-only "$tmp/a/tthc.so")" ] && pass || fail "the library needs symbols: $(nm -D --undefined-only "$tmp/a/tthc.so" | tr '\n' ' ')"

# same input, same bytes (a different output folder too)
"$REGC" build "$TTHC" -o "$tmp/b/nested" 2>/dev/null
expect_status "second build" 0 $?
for f in tthc.so tthc.h manifest.json; do
    cmp -s "$tmp/a/$f" "$tmp/b/nested/$f" && pass || fail "build is not reproducible: $f differs"
done

# The tiers' units file travels in the build (DIR/units/NAME, named relative
# to the manifest): the same spec built from two source folders gives the
# same bytes; a moved build still rolls up without --units; the signature
# covers the copy, so an altered copy is refused.
mkdir -p "$tmp/srcA" "$tmp/srcB/deeper"
cp -r "$ROOT/examples/edoc" "$tmp/srcA/"
cp -r "$ROOT/examples/edoc" "$tmp/srcB/deeper/"
"$REGC" build "$tmp/srcA/edoc/edoc.regime" -o "$tmp/ea" 2>"$tmp/err"
expect_status "build edoc from folder A" 0 $?
"$REGC" build "$tmp/srcB/deeper/edoc/edoc.regime" -o "$tmp/eb" 2>"$tmp/err"
expect_status "build edoc from folder B" 0 $?
diff -r "$tmp/ea" "$tmp/eb" >"$tmp/d" && pass || fail "edoc builds from two folders differ: $(head -5 "$tmp/d")"
grep -q '"units_file": "units/agencies.csv"' "$tmp/ea/manifest.json" && pass || fail "manifest: units_file is not the build's copy: $(grep units_file "$tmp/ea/manifest.json")"
cmp -s "$tmp/ea/units/agencies.csv" "$ROOT/examples/edoc/agencies.csv" && pass || fail "the build's units copy differs from the spec's"
grep -q '"file": "units/agencies.csv"' "$tmp/ea/manifest.json" && pass || fail "the signed file list leaves out the units copy"
mv "$tmp/ea" "$tmp/moved"
rm -rf "$tmp/srcA"
"$REGRT" rollup "$tmp/moved/edoc.so" "$ROOT/examples/edoc/submissions_2025-Q3.csv" >"$tmp/r.csv" 2>"$tmp/err"
expect_status "rollup of a moved build without --units" 0 $?
grep -q '^national,VN,2025-Q3,' "$tmp/r.csv" && pass || fail "moved build: no national row: $(cat "$tmp/err")"
printf 'x\n' >>"$tmp/moved/units/agencies.csv"
"$REGRT" rollup "$tmp/moved/edoc.so" "$ROOT/examples/edoc/submissions_2025-Q3.csv" >/dev/null 2>"$tmp/err"
expect_status "rollup with an altered units copy" 2 $?
grep -q 'units/agencies.csv' "$tmp/err" && pass || fail "altered units copy: the message does not name it: $(cat "$tmp/err")"

grep -q '"regime": "tthc"' "$tmp/a/manifest.json" && grep -q '"version": "1.0.0"' "$tmp/a/manifest.json" &&
    grep -q '"abi_version": 5' "$tmp/a/manifest.json" && grep -q '"source_sha256": "[0-9a-f]\{64\}"' "$tmp/a/manifest.json" &&
    grep -q '"compiler": "regc ' "$tmp/a/manifest.json" && pass || fail "manifest fields: $(head -12 "$tmp/a/manifest.json")"
if need sha256sum; then
    want=$(sha256sum "$ROOT/examples/tthc/tthc.regime" | cut -d' ' -f1)
    grep -q "\"sha256\": \"$want\"" "$tmp/a/manifest.json" && pass || fail "manifest: sha256 of tthc.regime"
    want=$(sha256sum "$tmp/a/tthc.so" | cut -d' ' -f1)
    grep -q "\"sha256\": \"$want\"" "$tmp/a/manifest.json" && pass || fail "manifest: sha256 of tthc.so"
fi
grep -q '#define TTHC_BIEU06_R_V1 1' "$tmp/a/tthc.h" && grep -q '#define TTHC_BIEU06_N_ACC 15' "$tmp/a/tthc.h" \
    && pass || fail "header: rule and accumulator macros"
printf '#include "tthc.h"\nint main(void) { return TTHC_BIEU06_N_RULES == 9 ? 0 : 1; }\n' >"$tmp/use.c"
cc -std=c11 -Wall -Werror -I"$ROOT/runtime/include" -I"$tmp/a" -o "$tmp/use" "$tmp/use.c" 2>"$tmp/cc.err" && "$tmp/use" \
    && pass || fail "the generated header does not compile: $(head -3 "$tmp/cc.err")"

# the compiled library gives the benchmark's exact bytes on its edge cases
"$REGRT" rollup "$tmp/a/tthc.so" --units "$FX/edge_units.csv" --errors "$tmp/e.csv" -o "$tmp/r.csv" \
    "$FX/edge_input.csv" 2>"$tmp/rt.err"
expect_status "regrt rollup with the compiled tthc" 0 $?
expect_file "compiled tthc: errors.csv" "$FX/edge_errors.csv" "$tmp/e.csv"
expect_file "compiled tthc: rollup.csv" "$FX/edge_rollup.csv" "$tmp/r.csv"

# --emit-llvm prints the module; the kernels are private
"$REGC" build "$TTHC" --emit-llvm >"$tmp/t.ll" 2>/dev/null
expect_status "--emit-llvm" 0 $?
grep -q '^@regime_descriptor = .*constant %rg_regime_desc' "$tmp/t.ll" && grep -q 'define internal .*@bieu06.validate' "$tmp/t.ll" \
    && pass || fail "--emit-llvm output"
grep -q '<[0-9]* x i64>' "$tmp/t.ll" && pass || fail "--emit-llvm: the validate kernel is not vectorised"

# wasm32: a linked WebAssembly module and its descriptor JSON, no library
# (tests/e2e/t_wasm.sh runs it against the native library)
"$REGC" build "$TTHC" --target wasm32-unknown-unknown -o "$tmp/w" 2>"$tmp/w.err"
expect_status "--target wasm32" 0 $?
[ "$(head -c 4 "$tmp/w/tthc.wasm" | od -An -c | tr -d ' ')" = '\0asm' ] && pass || fail "--target wasm32: no wasm module"
[ -s "$tmp/w/tthc.wasm.json" ] && pass || fail "--target wasm32: no tthc.wasm.json"
[ ! -e "$tmp/w/tthc.so" ] && [ ! -e "$tmp/w/tthc.o" ] && pass || fail "--target wasm32 wrote a host library or an object"
grep -q '"file": "tthc.wasm"' "$tmp/w/manifest.json" && grep -q '"file": "tthc.wasm.json"' "$tmp/w/manifest.json" \
    && pass || fail "--target wasm32: the manifest does not list the module and its JSON"
"$REGC" build "$TTHC" --target wasm32-unknown-unknown -o "$tmp/w2" 2>/dev/null
cmp -s "$tmp/w/tthc.wasm" "$tmp/w2/tthc.wasm" && cmp -s "$tmp/w/tthc.wasm.json" "$tmp/w2/tthc.wasm.json" \
    && pass || fail "--target wasm32: not reproducible"
REGC_WASM_LD=/nonexistent/wasm-ld "$REGC" build "$TTHC" --target wasm32-unknown-unknown -o "$tmp/w3" 2>"$tmp/w3.err"
expect_status "--target wasm32 without a linker" 1 $?
[ ! -e "$tmp/w3/tthc.wasm" ] && grep -q "linker" "$tmp/w3.err" && pass || fail "--target wasm32 without a linker: $(cat "$tmp/w3.err")"
# another target: an object file, no library
"$REGC" build "$TTHC" --target aarch64-unknown-linux-gnu -o "$tmp/a64" 2>"$tmp/a64.err"
expect_status "--target aarch64" 0 $?
[ -s "$tmp/a64/tthc.o" ] && [ ! -e "$tmp/a64/tthc.so" ] && pass || fail "--target aarch64: no object, or a host library"
"$REGC" build "$TTHC" --target no-such-arch-x -o "$tmp/x" >/dev/null 2>&1
expect_status "--target unknown" 1 $?

# usage and input errors
"$REGC" build "$TTHC" >/dev/null 2>&1
expect_status "build without -o" 2 $?
printf 'regime x {\n  version 1\n' >"$tmp/bad.regime"
"$REGC" build "$tmp/bad.regime" -o "$tmp/bad" >/dev/null 2>&1
expect_status "build of a broken spec" 1 $?
[ ! -e "$tmp/bad/x.so" ] && pass || fail "a broken spec produced a library"

# every example builds
for spec in "$ROOT"/examples/*/*.regime; do
    n=$(basename "$spec" .regime)
    "$REGC" build "$spec" -o "$tmp/ex/$n" >/dev/null 2>"$tmp/ex.err"
    expect_status "build $n" 0 $?
done
