# Golden XForms and XSD (sourced by tests/golden/run.sh).
#   tests/golden/forms/NAME/FORM.xform.xml and FORM.xsd are the forms of
#   tests/golden/forms/NAME.regime, or of examples/NAME/NAME.regime for the
#   examples listed below. UPDATE=1 regenerates them.
# The forms come from `regc build`; until it is available, from the unit
# test binary that drives the same emitter (check_xml --emit).
GF="$ROOT/tests/golden/forms"

forms_emit() { # SPEC OUTDIR
    if "$REGC" build "$1" -o "$2" >"$2.log" 2>&1 && [ -d "$2/forms" ]; then
        return 0
    fi
    rm -rf "$2"
    if [ -x "$ROOT/$O/tests/check_xml" ]; then
        "$ROOT/$O/tests/check_xml" --emit "$1" "$2" >"$2.log" 2>&1 && return 0
    fi
    cat "$2.log"
    return 1
}

forms_golden() { # NAME SPEC
    out="$tmp/forms-$1"
    if ! (cd "$ROOT" && forms_emit "$2" "$out"); then
        fail "forms/$1: the forms of $2 could not be written"
        return
    fi
    [ "${UPDATE:-0}" = 1 ] && mkdir -p "$GF/$1"
    for f in "$out"/forms/*; do
        expect_file "forms/$1/$(basename "$f")" "$GF/$1/$(basename "$f")" "$f"
    done
    # a form that is no longer written
    for g in "$GF/$1"/*.xform.xml "$GF/$1"/*.xsd; do
        [ -e "$g" ] || continue
        [ -e "$out/forms/$(basename "$g")" ] || fail "forms/$1: $(basename "$g") is no longer written"
    done
}

for spec in "$GF"/*.regime; do
    [ -e "$spec" ] || continue
    forms_golden "$(basename "$spec" .regime)" "tests/golden/forms/$(basename "$spec")"
done
for ex in tthc edoc itplan; do
    [ -e "$ROOT/examples/$ex/$ex.regime" ] && forms_golden "$ex" "examples/$ex/$ex.regime"
done
