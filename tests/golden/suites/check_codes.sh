# Every diagnostic code of the front end's catalog (diag_catalog.c and
# diag_catalog_sema.inc: E00xx-E06xx, W0xxx) is shown by at least one golden
# under check/, and every code a golden shows is in the catalog. Sourced by
# tests/golden/run.sh.
cat_codes=$(grep -ohE '^ *\{"[EW][0-9]{4}"' "$ROOT/compiler/diag_catalog.c" "$ROOT/compiler/diag_catalog_sema.inc" |
    grep -oE '[EW][0-9]{4}' | sort -u)
seen=$(find "$G/check" -name '*.err' -o -name '*.json' | xargs cat |
    grep -oE '\[[EW][0-9]{4}\]|"code":"[EW][0-9]{4}"' | grep -oE '[EW][0-9]{4}' | sort -u)
missing=""
for c in $cat_codes; do
    echo "$seen" | grep -qx "$c" || missing="$missing $c"
done
if [ -z "$missing" ]; then pass; else fail "check_codes: no golden shows$missing"; fi
unknown=""
for c in $seen; do
    echo "$cat_codes" | grep -qx "$c" || unknown="$unknown $c"
done
if [ -z "$unknown" ]; then pass; else fail "check_codes: goldens show codes not in the catalog:$unknown"; fi
# docs/LANGUAGE.md lists every code with its golden: generated, kept current
# (python3 tests/golden/diag_doc.py --update rewrites it)
if need python3; then
    if python3 "$ROOT/tests/golden/diag_doc.py" --check; then pass
    elif [ "${UPDATE:-0}" = 1 ]; then
        cp "$ROOT/docs/LANGUAGE.md" "$tmp/LANGUAGE.md.old"
        python3 "$ROOT/tests/golden/diag_doc.py" --update
        diff -u "$tmp/LANGUAGE.md.old" "$ROOT/docs/LANGUAGE.md"
        T_UPDATED=$((T_UPDATED + 1))
        echo "UPDATED: docs/LANGUAGE.md (diagnostics section)"
    else
        fail "docs/LANGUAGE.md: the diagnostics section is out of date (python3 tests/golden/diag_doc.py --update)"; fi
fi
# A code is declared once in all the catalogs: two engineers picking the same
# free code would otherwise make one message print the other's text.
dup_codes=$(grep -ohE '^ *\{"[EWHP][0-9]{4}"' "$ROOT"/compiler/diag_catalog*.c "$ROOT"/compiler/diag_catalog*.inc |
    grep -oE '[EWHP][0-9]{4}' | sort | uniq -d | tr '\n' ' ')
if [ -z "$dup_codes" ]; then pass; else fail "check_codes: codes declared twice in the catalogs: $dup_codes"; fi
# Every code the compiler emits is in a catalog (a renumbered entry must not
# leave a call site behind).
all_cat=$(grep -ohE '^ *\{"[EWHP][0-9]{4}"' "$ROOT"/compiler/diag_catalog*.c "$ROOT"/compiler/diag_catalog*.inc |
    grep -oE '[EWHP][0-9]{4}' | sort -u)
used=$(grep -ohE 'diag(_hint)?\([^;]*"[EWH][0-9]{4}"' "$ROOT"/compiler/*.c | grep -oE '"[EWH][0-9]{4}"' | tr -d '"' | sort -u)
orphans=""
for c in $used; do
    echo "$all_cat" | grep -qx "$c" || orphans="$orphans $c"
done
if [ -z "$orphans" ]; then pass; else fail "check_codes: codes emitted but not in the catalogs:$orphans"; fi
