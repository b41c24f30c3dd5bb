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
