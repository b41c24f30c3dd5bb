# regc fmt over every spec of the repository (examples/, stdlib/,
# tests/golden/**): each one that parses is formatted, then
#   - formatting the result again gives it back byte for byte (idempotence);
#   - the result has the same syntax tree (regc fmt verifies this itself and
#     refuses otherwise) and `regc check` says the same of it as of the
#     original, line numbers aside (meaning preservation);
#   - in-place mode writes what `-` prints and --check is then quiet;
#   - the same spec with a comment at the end of every line and a comment
#     line between every two lines formats too (fmt's own verification:
#     same tree, same comments, stable), keeping every comment.
# A spec with syntax errors must be refused, untouched.
cf_norm() {
    # check --format json without positions: line and column fields go,
    # and line numbers quoted in messages and hints ("on line 12", "f:12")
    sed -e 's/"line":[0-9]*,"column":[0-9]*,"end_line":[0-9]*,"end_column":[0-9]*,//' \
        -e 's/line [0-9][0-9]*/line N/g' -e 's/dòng [0-9][0-9]*/dòng N/g' \
        -e 's/\(\.regime\):[0-9][0-9]*/\1:N/g' "$1"
}
cf_ok=0
cf_refused=0
cf_list=$(find "$ROOT/examples" "$ROOT/stdlib" "$ROOT/tests/golden" -name '*.regime' | sort)
cf_lastdir=
for cf_f in $cf_list; do
    cf_dir=$(dirname "$cf_f")
    cf_base=$(basename "$cf_f")
    cf_rel=${cf_f#"$ROOT"/}
    if [ "$cf_dir" != "$cf_lastdir" ]; then
        # a copy of the directory made of links, so that imports and data
        # files resolve beside the formatted spec as beside the original
        rm -rf "$tmp/farm" && mkdir "$tmp/farm"
        for cf_e in "$cf_dir"/* "$cf_dir"/.[!.]*; do
            [ -e "$cf_e" ] && ln -s "$cf_e" "$tmp/farm/"
        done
        cf_lastdir=$cf_dir
    fi
    "$REGC" fmt - <"$cf_f" >"$tmp/f1" 2>"$tmp/f1.err"
    cf_st=$?
    if [ "$cf_st" != 0 ]; then
        if grep -q 'E0703' "$tmp/f1.err"; then
            # syntax errors: refused, and the file is left as it is
            cp "$cf_f" "$tmp/orig"
            cp "$cf_f" "$tmp/inplace.regime"
            "$REGC" fmt "$tmp/inplace.regime" >/dev/null 2>&1
            expect_status "fmt refuses $cf_rel" 1 $?
            if cmp -s "$tmp/orig" "$tmp/inplace.regime"; then pass; else fail "fmt changed $cf_rel despite its errors"; fi
            cf_refused=$((cf_refused + 1))
        else
            fail "fmt $cf_rel: exit $cf_st"; head -5 "$tmp/f1.err"
        fi
        continue
    fi
    "$REGC" fmt - <"$tmp/f1" >"$tmp/f2" 2>&1
    if cmp -s "$tmp/f1" "$tmp/f2"; then pass; else fail "fmt not idempotent on $cf_rel"; diff -u "$tmp/f1" "$tmp/f2" | head -10; fi
    # meaning: check the original and the formatted spec in the same place
    (cd "$cf_dir" && "$REGC" check --format json "$cf_base" >"$tmp/c1" 2>/dev/null)
    rm -f "$tmp/farm/$cf_base" && cp "$tmp/f1" "$tmp/farm/$cf_base"
    (cd "$tmp/farm" && "$REGC" check --format json "$cf_base" >"$tmp/c2" 2>/dev/null)
    rm -f "$tmp/farm/$cf_base" && ln -s "$cf_f" "$tmp/farm/$cf_base"
    cf_norm "$tmp/c1" >"$tmp/n1"
    cf_norm "$tmp/c2" >"$tmp/n2"
    if cmp -s "$tmp/n1" "$tmp/n2"; then pass; else fail "regc check differs after fmt on $cf_rel"; diff "$tmp/n1" "$tmp/n2" | head -10; fi
    # in place, then --check
    cp "$cf_f" "$tmp/inplace.regime"
    "$REGC" fmt --check "$tmp/inplace.regime" >"$tmp/listed" 2>&1
    cf_would=$?
    if cmp -s "$cf_f" "$tmp/f1"; then expect_status "fmt --check (formatted) $cf_rel" 0 $cf_would
    else expect_status "fmt --check (unformatted) $cf_rel" 1 $cf_would; fi
    "$REGC" fmt "$tmp/inplace.regime" >/dev/null 2>&1
    expect_status "fmt in place $cf_rel" 0 $?
    if cmp -s "$tmp/inplace.regime" "$tmp/f1"; then pass; else fail "fmt in place differs from fmt - on $cf_rel"; fi
    "$REGC" fmt --check "$tmp/inplace.regime" >/dev/null 2>&1
    expect_status "fmt --check after fmt $cf_rel" 0 $?
    # comments everywhere
    awk '{ print $0 "   # t" NR; print "  # o" NR }' "$cf_f" >"$tmp/commented"
    "$REGC" fmt - <"$tmp/commented" >"$tmp/c1" 2>"$tmp/c1.err"
    if [ $? = 0 ]; then pass; else fail "fmt of $cf_rel with comments everywhere"; head -3 "$tmp/c1.err"; fi
    cf_want=$(grep -c '# [to][0-9]' "$tmp/commented")
    cf_got=$(grep -o '# [to][0-9][0-9]*' "$tmp/c1" | wc -l)
    [ "$cf_want" = "$cf_got" ] && pass || fail "fmt of $cf_rel with comments everywhere: $cf_got of $cf_want comments kept"
    cf_ok=$((cf_ok + 1))
done
echo "fmt over the repository: $cf_ok specs formatted and verified, $cf_refused refused for syntax errors"
[ "$cf_ok" -gt 50 ] && pass || fail "fmt over the repository found only $cf_ok specs"

# fmt quotes a code spelled like a keyword: its list must be the lexer's
sed -n 's/^"\([a-z_]*\)"[[:space:]].*/\1/p' "$ROOT/grammar/lexer.l" | sort >"$tmp/kw_lexer"
sed -n '/static const char \*const keywords\[\]/,/};/p' "$ROOT/compiler/fmt.c" | grep -o '"[a-z_]*"' | tr -d '"' | sort >"$tmp/kw_fmt"
if cmp -s "$tmp/kw_lexer" "$tmp/kw_fmt"; then pass; else fail "the keywords of compiler/fmt.c differ from grammar/lexer.l"; diff "$tmp/kw_lexer" "$tmp/kw_fmt"; fi
