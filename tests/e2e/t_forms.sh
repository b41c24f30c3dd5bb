# XML submissions end to end: the forms of tthc (XForm + XSD beside the
# library), xmllint against the XSD, `regrt validate` on XML instances
# (schema violations and rule failures in one report), parity with the same
# data as CSV, and hostile documents refused quickly.
#
# The library is `regc build`'s: a failed build is a failure.
EX="$ROOT/examples/tthc"
LIB="$tmp/lib"
XS="$EX/xml"
have_lib=0
if "$REGC" build "$EX/tthc.regime" -o "$LIB" >"$tmp/build.log" 2>&1 && [ -f "$LIB/forms/bieu06.xsd" ]; then
    have_lib=1
fi

if [ "$have_lib" = 0 ]; then
    fail "forms: regc build tthc failed or wrote no forms: $(tail -3 "$tmp/build.log")"
else
    pass

    # ---- xmllint against the XSD ----
    if need xmllint; then
        for f in "$XS"/valid/*.xml; do
            xmllint --noout --nonet --schema "$LIB/forms/bieu06.xsd" "$f" >/dev/null 2>&1 &&
                pass || fail "xmllint rejects $(basename "$f")"
        done
        for f in "$XS"/invalid/*.xml; do
            xmllint --noout --nonet --schema "$LIB/forms/bieu06.xsd" "$f" >/dev/null 2>&1 &&
                fail "xmllint accepts $(basename "$f")" || pass
        done
        xmllint --noout --nonet "$LIB/forms/bieu06.xform.xml" && pass || fail "xmllint: the XForm is not well-formed"
    fi

    # ---- a valid instance ----
    "$REGRT" validate "$LIB" "$XS/valid/bieu06_00001_2025-01.xml" >"$tmp/out" 2>"$tmp/err"
    expect_status "forms: validate a valid instance" 0 $?
    grep -q XSD "$tmp/out" && fail "forms: XSD violation in a valid instance: $(cat "$tmp/out")" || pass
    grep -q "2 rows read, 0 with errors" "$tmp/err" && pass || fail "forms: summary: $(cat "$tmp/err")"

    # ---- schema violations and rule failures, same report ----
    f="$XS/invalid/negative_count.xml"
    "$REGRT" validate "$LIB" "$f" >"$tmp/out" 2>"$tmp/err"
    expect_status "forms: validate an invalid instance" 1 $?
    grep -q "negative_count.xml:8: row 1 (unit 00001, period 2025-01, domain D01): error XSD: Element 'carried': '-3'" "$tmp/out" &&
        pass || fail "forms: XSD violation not reported with file:line: $(cat "$tmp/out")"
    grep -q "negative_count.xml:6: row 1 (unit 00001, period 2025-01, domain D01): error V5:" "$tmp/out" &&
        pass || fail "forms: rule failure not reported on the row's line: $(cat "$tmp/out")"
    grep -q "2 rows read, 1 with errors" "$tmp/err" && pass || fail "forms: error rows: $(cat "$tmp/err")"
    "$REGRT" validate --format json "$LIB" "$f" >"$tmp/out" 2>/dev/null
    grep -q '"line":8,"unit":"00001","period":"2025-01","dims":{"domain":"D01"},"rule":"XSD","severity":"error"' "$tmp/out" &&
        pass || fail "forms: JSON report: $(cat "$tmp/out")"
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out" 2>/dev/null && pass || fail "forms: JSON report does not parse"
    "$REGRT" validate --format csv "$LIB" "$f" >"$tmp/out" 2>/dev/null
    grep -q '^1,00001,2025-01,D01,XSD,error$' "$tmp/out" && pass || fail "forms: CSV report: $(cat "$tmp/out")"

    # a violation outside the rows concerns the whole instance (row 0)
    "$REGRT" validate "$LIB" "$XS/invalid/bad_period.xml" >"$tmp/out" 2>/dev/null
    expect_status "forms: bad period" 1 $?
    grep -q "bad_period.xml:5: row 0 (unit 00001, period 2025-13, domain (empty)): error XSD" "$tmp/out" &&
        pass || fail "forms: instance-level violation: $(cat "$tmp/out")"
    # every invalid sample fails, every valid one passes
    for g in "$XS"/invalid/*.xml; do
        "$REGRT" validate "$LIB" "$g" >/dev/null 2>&1
        st=$?
        [ "$st" = 1 ] || [ "$st" = 2 ] && pass || fail "forms: $(basename "$g") exit $st"
    done
    "$REGRT" validate "$LIB" "$XS/valid/bieu06_no_activity.xml" >/dev/null 2>&1
    expect_status "forms: an instance without rows" 0 $?

    # another version of the regime, another form: unusable (2)
    "$REGRT" validate "$LIB" "$XS/invalid/wrong_version.xml" >"$tmp/out" 2>&1
    expect_status "forms: wrong version" 2 $?
    grep -q "version 0.9.0 of form 'bieu06' but the library is version 1.0.0" "$tmp/out" && pass || fail "forms: version message: $(cat "$tmp/out")"
    # a DTD's attribute default applies nowhere: the version check reads the
    # attributes written in the document, as the XSD does (before, the check
    # took the default 0.9.0 and refused what the XSD saw without a version)
    sed 's|^<bieu06 \(.*\) version="1.0.0">|<!DOCTYPE bieu06 [<!ATTLIST bieu06 version CDATA "0.9.0">]>\
<bieu06 \1>|' "$XS/valid/bieu06_00001_2025-01.xml" >"$tmp/dtd_default.xml"
    grep -q '^<!DOCTYPE' "$tmp/dtd_default.xml" && pass || fail "forms: DTD default test file"
    "$REGRT" validate "$LIB" "$tmp/dtd_default.xml" >"$tmp/out" 2>&1
    expect_status "forms: a DTD default version is not the document's" 1 $?
    grep -q "version 0.9.0" "$tmp/out" && fail "forms: DTD default applied by the version check: $(cat "$tmp/out")" || pass
    grep -q "error XSD: Element 'bieu06': The attribute 'version' is required but missing" "$tmp/out" && pass ||
        fail "forms: DTD default: no XSD message: $(cat "$tmp/out")"

    # ---- parity: the same rows as CSV give the same report and roll-up ----
    cat >"$tmp/same.csv" <<'CSV'
unit,period,domain,carried,new_online,new_direct,received,early,ontime,late,resolved,pending_due,pending_overdue,pending
00001,2025-01,D01,-3,3,1,6,1,3,0,4,1,1,2
00001,2025-01,D02,0,12,30,42,10,25,2,37,5,0,5
CSV
    "$REGRT" validate --format csv "$LIB" "$tmp/same.csv" >"$tmp/csv.out" 2>/dev/null
    "$REGRT" validate --format csv "$LIB" "$f" 2>/dev/null | grep -v ',XSD,' >"$tmp/xml.out"
    cmp -s "$tmp/csv.out" "$tmp/xml.out" && pass || { fail "forms: XML and CSV reports differ"; diff "$tmp/csv.out" "$tmp/xml.out" | head; }
    UNITS="$ROOT/tests/fixtures/units_2025-03-01_sample.csv"
    if [ -f "$UNITS" ]; then
        sed 's/,-3,/,2,/' "$tmp/same.csv" >"$tmp/good.csv"
        "$REGRT" rollup "$LIB" --units "$UNITS" -o "$tmp/r_csv.csv" "$tmp/good.csv" 2>/dev/null
        st1=$?
        "$REGRT" rollup "$LIB" --units "$UNITS" -o "$tmp/r_xml.csv" "$XS/valid/bieu06_00001_2025-01.xml" 2>/dev/null
        st2=$?
        [ "$st1" = 0 ] && [ "$st2" = 0 ] && cmp -s "$tmp/r_csv.csv" "$tmp/r_xml.csv" && pass ||
            { fail "forms: roll-up of XML differs from CSV ($st1, $st2)"; diff "$tmp/r_csv.csv" "$tmp/r_xml.csv" | head; }
        # a row the XSD refused (the second D01) stays out of the roll-up
        "$REGRT" rollup "$LIB" --units "$UNITS" -o "$tmp/r_bad.csv" "$XS/invalid/duplicate_domain.xml" 2>/dev/null
        grep -q "^commune,00001,2025-Q1,D01,2,3,1,6,1,3,0,4," "$tmp/r_bad.csv" && pass ||
            fail "forms: refused row rolled up: $(grep '^commune' "$tmp/r_bad.csv")"
    fi

    # ---- hostile documents: refused, status 2, quickly ----
    for h in "$ROOT"/tests/xml/*.xml; do
        n=$(basename "$h")
        start=$(date +%s)
        timeout 20 "$REGRT" validate "$LIB" "$h" >"$tmp/out" 2>&1
        st=$?
        took=$(($(date +%s) - start))
        expect_status "forms: $n refused" 2 $st
        [ "$took" -le 5 ] && pass || fail "forms: $n took ${took}s"
        grep -qE "entity|external DTD|not well-formed" "$tmp/out" && pass || fail "forms: $n: unclear message: $(cat "$tmp/out")"
        grep -q "root:" "$tmp/out" && fail "forms: $n leaked a file's content" || pass
    done
fi

# ---- every example: its forms against its sample instances ----
# (xmllint --schema; and regrt when regc build can build the example)
if need xmllint; then
    for exdir in "$ROOT"/examples/*/; do
        [ -d "$exdir/xml" ] || continue
        for spec in "$exdir"*.regime; do
            [ -e "$spec" ] || continue
            out="$tmp/ex-$(basename "$spec" .regime)"
            built=0
            if "$REGC" build "$spec" -o "$out" >"$out.log" 2>&1 && [ -d "$out/forms" ]; then
                built=1
            else
                fail "forms: regc build $spec failed or wrote no forms: $(tail -3 "$out.log")"
                continue
            fi
            for kind in valid invalid; do
                for f in "$exdir/xml/$kind"/*.xml; do
                    [ -e "$f" ] || continue
                    form=$(xmllint --xpath 'name(/*)' "$f" 2>/dev/null)
                    [ -f "$out/forms/$form.xsd" ] || continue
                    if xmllint --noout --nonet --schema "$out/forms/$form.xsd" "$f" >/dev/null 2>&1; then
                        [ "$kind" = valid ] && pass || fail "xmllint accepts invalid $f"
                    else
                        [ "$kind" = invalid ] && pass || fail "xmllint rejects valid $f"
                    fi
                    if [ "$built" = 1 ] && [ "$kind" = valid ]; then
                        "$REGRT" validate --form "$form" "$out" "$f" >"$tmp/o" 2>&1
                        st=$?
                        [ "$st" != 2 ] && ! grep -q "error XSD" "$tmp/o" && pass || fail "regrt on valid $f: exit $st $(head -3 "$tmp/o")"
                    fi
                done
            done
        done
    done
fi
