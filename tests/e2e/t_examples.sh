# The stdlib and the example regimes, end to end (sourced by tests/e2e/run.sh
# with the helpers of tests/lib.sh and a fresh $tmp).
#
# Always: every stdlib module and every example checks clean, with the
# recorded diagnostics (examples/*/expected/check.txt); the stdlib data files
# are the ones SOURCE.md describes; the holiday calendar's lunar dates are
# right. Once the tools exist (probed with `--help`): the in-spec tests pass,
# every example builds, and regrt runs over the sample submissions with the
# expected exit status and, where recorded, the expected output
# (examples/*/expected/*). Regenerate recorded outputs of this file alone
# (not of the whole suite) with
#   UPDATE=1 O=build sh tests/e2e/run.sh tests/e2e/t_examples.sh
# and read the diff before committing it.

ex_root=$ROOT
ex_units_old=stdlib/data/vn_admin_units_2025-03-01.csv
ex_units_new=stdlib/data/vn_admin_units_2025-07-01.csv
ex_merges=stdlib/data/vn_commune_merges_2025-07-01.csv

# ex_run NAME EXPECTED_FILE WANT_STATUS CMD...: runs CMD from the top of the
# repository (so paths in messages are relative), checks its exit status and
# compares stdout+stderr with EXPECTED_FILE when that file is recorded (or
# UPDATE=1). WANT_STATUS may be "0|1".
ex_run() {
    ex_name=$1 ex_exp=$2 ex_want=$3
    shift 3
    (cd "$ex_root" && "$@") >"$tmp/ex.out" 2>&1
    ex_st=$?
    case "|$ex_want|" in
    *"|$ex_st|"*) pass ;;
    *) fail "$ex_name: exit status $ex_st, expected $ex_want"; sed 's/^/    /' "$tmp/ex.out" | head -20 ;;
    esac
    # Recorded outputs live in an example's expected/ folder; UPDATE=1 writes
    # new ones only where that folder exists.
    if [ -n "$ex_exp" ] && { [ -f "$ex_root/$ex_exp" ] ||
        { [ "${UPDATE:-0}" = 1 ] && [ -d "$(dirname "$ex_root/$ex_exp")" ]; }; }; then
        expect_file "$ex_name" "$ex_root/$ex_exp" "$tmp/ex.out"
    fi
}

# ---- the stdlib ------------------------------------------------------------

for ex_f in "$ex_root"/stdlib/*.regime; do
    ex_rel=${ex_f#"$ex_root"/}
    (cd "$ex_root" && "$REGC" check "$ex_rel") >"$tmp/ex.out" 2>&1
    expect_status "regc check $ex_rel" 0 $?
    if grep -q 'error\[' "$tmp/ex.out"; then fail "regc check $ex_rel reports errors"; else pass; fi
done

# The unit lists and the merge map are the files SOURCE.md describes.
grep -E '^[0-9a-f]{64}  vn_[a-z_0-9.-]+\.csv$' "$ex_root/stdlib/data/SOURCE.md" >"$tmp/ex.sums"
[ "$(wc -l <"$tmp/ex.sums")" -eq 3 ] && pass || fail "stdlib/data/SOURCE.md: expected 3 checksum lines"
(cd "$ex_root/stdlib/data" && sha256sum -c --quiet "$tmp/ex.sums") >"$tmp/ex.out" 2>&1
expect_status "stdlib/data checksums (SOURCE.md)" 0 $?

# Unit counts of the two hierarchies (PRODUCT.md): 63/696/10,035 and 34/3,321.
ex_counts=$(awk -F, 'NR > 1 { p[$1]; if ($3 != "") d[$3]; if ($5 != "") c[$5] }
    END { n = 0; for (k in p) n++; m = 0; for (k in d) m++; x = 0; for (k in c) x++; print n, m, x }' \
    "$ex_root/$ex_units_old")
[ "$ex_counts" = "63 696 10035" ] && pass || fail "$ex_units_old: $ex_counts provinces/districts/communes, expected 63 696 10035"
ex_counts=$(awk -F, 'NR > 1 { p[$1]; if ($3 != "") d[$3]; if ($5 != "") c[$5] }
    END { n = 0; for (k in p) n++; m = 0; for (k in d) m++; x = 0; for (k in c) x++; print n, m, x }' \
    "$ex_root/$ex_units_new")
[ "$ex_counts" = "34 0 3321" ] && pass || fail "$ex_units_new: $ex_counts provinces/districts/communes, expected 34 0 3321"

# Holidays: sorted, unique, real dates, three columns; lunar dates recomputed.
if need python3; then
    python3 - "$ex_root/stdlib/data/vn_holidays.csv" >"$tmp/ex.out" 2>&1 <<'EOF'
import csv, datetime, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
assert rows[0] == ["date", "name_vi", "name_en"], rows[0]
dates = [r[0] for r in rows[1:]]
assert all(len(r) == 3 and r[1] and r[2] for r in rows[1:]), "a row without its names"
assert dates == sorted(set(dates)), "dates not sorted or repeated"
for d in dates:
    datetime.date.fromisoformat(d)
years = {d[:4] for d in dates}
assert years == {str(y) for y in range(2024, 2031)}, years
EOF
    expect_status "vn_holidays.csv is well formed" 0 $?
    python3 "$ex_root/stdlib/data/lunar_check.py" >"$tmp/ex.out" 2>&1
    expect_status "lunar dates of vn_holidays.csv" 0 $?
    grep -q "2026: Tết (1/1 lunar) = 2026-02-17" "$tmp/ex.out" && pass || fail "lunar_check: Tết 2026 is not 2026-02-17"
    grep -q "2027: Tết (1/1 lunar) = 2027-02-06 Sat, Hùng Kings (10/3 lunar) = 2027-04-16" "$tmp/ex.out" && pass ||
        fail "lunar_check: 2027 dates"
    grep -q "2030: Tết (1/1 lunar) = 2030-02-02 Sat, Hùng Kings (10/3 lunar) = 2030-04-12" "$tmp/ex.out" && pass ||
        fail "lunar_check: 2030 dates (Tết is 2 February in Vietnam)"
    # The tthc generator is deterministic and injects one error per line of its log.
    (cd "$ex_root" && python3 examples/tthc/gen_month.py --units "$ex_units_old" --month 2025-05 --log "$tmp/inj1" >"$tmp/g1.csv" &&
        python3 examples/tthc/gen_month.py --units "$ex_units_old" --month 2025-05 --log "$tmp/inj2" >"$tmp/g2.csv")
    expect_status "gen_month.py runs" 0 $?
    cmp -s "$tmp/g1.csv" "$tmp/g2.csv" && pass || fail "gen_month.py is not deterministic"
    [ "$(wc -l <"$tmp/inj1")" -eq 13 ] && pass || fail "gen_month.py: expected 13 injected errors"
    [ "$(head -1 "$tmp/g1.csv")" = "unit,period,domain,carried,new_online,new_direct,received,early,ontime,late,resolved,pending_due,pending_overdue,pending" ] &&
        pass || fail "gen_month.py: header"
    (cd "$ex_root" && python3 examples/rebase/rebase_reference.py) >"$tmp/ex.out" 2>&1
    expect_file "rebase_reference.py" "$ex_root/examples/rebase/expected/rebase_reference.csv" "$tmp/ex.out"
fi

# ---- every example checks clean ------------------------------------------

for ex_f in "$ex_root"/examples/*/*.regime; do
    ex_rel=${ex_f#"$ex_root"/}
    ex_dir=$(dirname "$ex_rel")
    ex_run "regc check $ex_rel" "$ex_dir/expected/check.txt" 0 "$REGC" check "$ex_rel"
done

# ---- in-spec tests (regc test) --------------------------------------------

if "$REGC" test --help >/dev/null 2>&1; then
    for ex_f in "$ex_root"/examples/*/*.regime; do
        ex_rel=${ex_f#"$ex_root"/}
        ex_run "regc test $ex_rel" "" 0 "$REGC" test "$ex_rel"
    done
fi

# ---- build and run (regc build, regrt) ------------------------------------

if "$REGC" build --help >/dev/null 2>&1; then
    ex_ok=1
    for ex_f in "$ex_root"/examples/*/*.regime; do
        ex_rel=${ex_f#"$ex_root"/}
        ex_nm=$(basename "$ex_rel" .regime)
        ex_run "regc build $ex_rel" "" 0 "$REGC" build "$ex_rel" -o "$tmp/lib/$ex_nm"
        ls "$tmp/lib/$ex_nm"/*.so >/dev/null 2>&1 && pass || { fail "regc build $ex_rel wrote no .so"; ex_ok=0; }
    done
    if [ $ex_ok = 1 ]; then
        # Same input, same bytes.
        (cd "$ex_root" && "$REGC" build examples/edoc/edoc.regime -o "$tmp/lib/edoc2") >/dev/null 2>&1
        if cmp -s "$tmp/lib/edoc/edoc.so" "$tmp/lib/edoc2/edoc.so"; then pass; else fail "regc build is not reproducible (edoc.so)"; fi

        L=$tmp/lib
        ex_tthc="examples/tthc/submissions_2025-04.csv examples/tthc/submissions_2025-05.csv examples/tthc/submissions_2025-06.csv"
        ex_edoc="examples/edoc/submissions_2025-Q3.csv examples/edoc/submissions_2025-Q4.csv"
        ex_centre="examples/twolevel/centre_2025-08.csv examples/twolevel/centre_2025-09.csv examples/twolevel/centre_province.csv"
        ex_offi="examples/twolevel/officials_2025-08.csv examples/twolevel/officials_2025-09.csv"
        # Findings are recorded as CSV (rule codes, no message text); the text
        # report is only run for its exit status.
        # shellcheck disable=SC2086 # the file lists are split on purpose

        # tthc: a quarter of three communes, one error of each kind.
        ex_run "tthc validate" "" 1 "$REGRT" validate "$L/tthc" --units "$ex_units_old" $ex_tthc
        ex_run "tthc validate csv" examples/tthc/expected/errors.csv 1 \
            "$REGRT" validate "$L/tthc" --units "$ex_units_old" --format csv -q $ex_tthc
        ex_run "tthc rollup" examples/tthc/expected/rollup.csv 0 \
            "$REGRT" rollup "$L/tthc" --units "$ex_units_old" -q $ex_tthc
        ex_run "tthc calendar" examples/tthc/expected/calendar-2025.csv 0 \
            "$REGRT" calendar "$L/tthc" --year 2025 --format csv

        # edoc: two quarters of the agencies (Q4 reads Q3 for rule C1).
        ex_run "edoc validate Q3" "" 0 \
            "$REGRT" validate "$L/edoc" --units examples/edoc/agencies.csv examples/edoc/submissions_2025-Q3.csv
        ex_run "edoc validate" examples/edoc/expected/errors.csv 1 \
            "$REGRT" validate "$L/edoc" --units examples/edoc/agencies.csv --format csv -q $ex_edoc
        ex_run "edoc rollup" examples/edoc/expected/rollup.csv 0 \
            "$REGRT" rollup "$L/edoc" --units examples/edoc/agencies.csv -q $ex_edoc
        ex_run "edoc calendar" examples/edoc/expected/calendar-2025.csv 0 \
            "$REGRT" calendar "$L/edoc" --year 2025 --format csv

        # itplan: indicators of 2024 and 2025, and the budget.
        ex_run "itplan validate 2024" "" 0 \
            "$REGRT" validate "$L/itplan" --units "$ex_units_new" --form indicators examples/itplan/indicators_2024.csv
        ex_run "itplan validate indicators" examples/itplan/expected/errors-indicators.csv 1 \
            "$REGRT" validate "$L/itplan" --units "$ex_units_new" --form indicators --format csv -q \
            examples/itplan/indicators_2024.csv examples/itplan/indicators_2025.csv
        ex_run "itplan validate budget" examples/itplan/expected/errors-budget.csv 1 \
            "$REGRT" validate "$L/itplan" --units "$ex_units_new" --form budget --format csv -q \
            examples/itplan/budget_2025.csv examples/itplan/indicators_2025.csv
        ex_run "itplan rollup" examples/itplan/expected/rollup-indicators.csv 0 \
            "$REGRT" rollup "$L/itplan" --units "$ex_units_new" --form indicators -q examples/itplan/indicators_2025.csv
        ex_run "itplan calendar" examples/itplan/expected/calendar-2026.csv 0 \
            "$REGRT" calendar "$L/itplan" --year 2026 --format csv

        # twolevel: two months of communes on the new hierarchy.
        ex_run "twolevel validate centre" examples/twolevel/expected/errors-centre.csv 1 \
            "$REGRT" validate "$L/twolevel" --units "$ex_units_new" --form centre --format csv -q $ex_centre
        ex_run "twolevel validate officials" examples/twolevel/expected/errors-officials.csv 1 \
            "$REGRT" validate "$L/twolevel" --units "$ex_units_new" --form officials --format csv -q $ex_offi
        ex_run "twolevel rollup centre" examples/twolevel/expected/rollup-centre.csv 0 \
            "$REGRT" rollup "$L/twolevel" --units "$ex_units_new" --form centre -q $ex_centre
        ex_run "twolevel rollup officials" examples/twolevel/expected/rollup-officials.csv 0 \
            "$REGRT" rollup "$L/twolevel" --units "$ex_units_new" --form officials -q $ex_offi
        ex_run "twolevel calendar" examples/twolevel/expected/calendar-2026.csv 0 \
            "$REGRT" calendar "$L/twolevel" --year 2026 --format csv

        # rebase: 2025-Q2 of old communes, on the old units, then onto the new ones.
        ex_run "rebase validate" examples/rebase/expected/errors.csv 0 \
            "$REGRT" validate "$L/civil_status" --units "$ex_units_old" --format csv -q \
            examples/rebase/registrations_2025-Q2.csv
        ex_run "rebase rollup (old units)" examples/rebase/expected/rollup-old-units.csv 0 \
            "$REGRT" rollup "$L/civil_status" --units "$ex_units_old" -q examples/rebase/registrations_2025-Q2.csv
        if "$REGRT" --help 2>&1 | grep -q -- '--rebase'; then
            ex_run "rebase rollup --rebase" examples/rebase/expected/rollup-rebased.csv "0|1" \
                "$REGRT" rollup "$L/civil_status" --units "$ex_units_new" --rebase "$ex_merges" -q \
                examples/rebase/registrations_2025-Q2.csv
            ex_run "rebase rollup --rebase --apportion" examples/rebase/expected/rollup-apportioned.csv 0 \
                "$REGRT" rollup "$L/civil_status" --units "$ex_units_new" --rebase "$ex_merges" -q \
                --apportion examples/rebase/shares.csv examples/rebase/registrations_2025-Q2.csv
            # the new communes' figures are the reference script's
            if need python3; then
                python3 "$ex_root/examples/rebase/rebase_reference.py" >"$tmp/ref.csv"
                awk -F, 'NR > 1 && $1 != "partial" { print $1 "," $3 "," $4 "," $5 "," $6 "," $7 }' "$tmp/ref.csv" >"$tmp/ref.lines"
                awk -F, '$1 == "commune" { print $2 "," $4 "," $5 "," $6 "," $7 "," $8 }' \
                    "$ex_root/examples/rebase/expected/rollup-rebased.csv" >"$tmp/got.lines"
                cmp -s "$tmp/ref.lines" "$tmp/got.lines" && [ -s "$tmp/ref.lines" ] && pass ||
                    { fail "rebase: --rebase differs from rebase_reference.py"; diff "$tmp/ref.lines" "$tmp/got.lines"; }
            fi
        fi

        # make demo, in under a minute.
        ex_t0=$(date +%s)
        (cd "$ex_root" && O=$O sh examples/demo.sh) >"$tmp/demo.out" 2>&1
        expect_status "examples/demo.sh" 0 $?
        ex_t1=$(date +%s)
        [ $((ex_t1 - ex_t0)) -lt 60 ] && pass || fail "examples/demo.sh took $((ex_t1 - ex_t0)) s"
        grep -q "errors / warnings *12 / 1" "$tmp/demo.out" && pass ||
            { fail "examples/demo.sh: expected 12 errors and 1 warning"; tail -12 "$tmp/demo.out"; }
    fi
else
    fail "regc build --help failed: regc build is unavailable"
fi
