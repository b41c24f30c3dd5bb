# regrt rollup --rebase MERGES.csv [--apportion SHARES.csv] [--rebase-date D]:
# rows of old units (periods before the reform) summed into their new units,
# partial merges apportioned or reported and left out, never dropped
# silently nor counted twice; rows of later periods as they are; clear
# errors for broken maps and shares. Needs `regc build`.
B_OLD="$ROOT/stdlib/data/vn_admin_units_2025-03-01.csv"
B_NEW="$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv"
B_MAP="$ROOT/stdlib/data/vn_commune_merges_2025-07-01.csv"
B_EX="$ROOT/examples/rebase"
if (cd "$ROOT" && "$REGC" build examples/rebase/civil_status.regime -o "$tmp/cs") >"$tmp/build.log" 2>&1; then
    L="$tmp/cs"
    H="unit,period,births,births_ontime,deaths,marriages,population"

    # the example: the left-out partial merge and the summary on stderr
    "$REGRT" rollup "$L" --units "$B_NEW" --rebase "$B_MAP" "$B_EX/registrations_2025-Q2.csv" -o "$tmp/r.csv" 2>"$tmp/r.err"
    expect_status "rebase: the example" 0 $?
    cmp -s "$tmp/r.csv" "$B_EX/expected/rollup-rebased.csv" && pass || fail "rebase: rollup-rebased.csv"
    grep -q 'warning: re-basing: 21142 Xã Trà Bùi (2025-Q2, 1 row(s)) was split between 21136 Xã Cà Đam, 21157 Xã Tây Trà Bồng; its figures are left out of their totals: births 16, births_ontime 13, deaths 5, marriages 6, population 3970$' "$tmp/r.err" \
        && pass || fail "rebase: the left-out row is not listed: $(cat "$tmp/r.err")"
    grep -q 're-basing (reform of 2025-07-01): 9 rows of old units re-based onto their new unit, 0 apportioned between new units (0 parts), 1 left out' "$tmp/r.err" \
        && pass || fail "rebase: summary"
    "$REGRT" rollup "$L" --units "$B_NEW" --rebase "$B_MAP" -q "$B_EX/registrations_2025-Q2.csv" -o "$tmp/rq.csv" 2>"$tmp/rq.err"
    [ -s "$tmp/rq.err" ] && fail "rebase: -q still writes" || pass

    # apportioned: the parts add up to the old figures (16 births: 10 and 6)
    "$REGRT" rollup "$L" --units "$B_NEW" --rebase "$B_MAP" --apportion "$B_EX/shares.csv" \
        "$B_EX/registrations_2025-Q2.csv" -o "$tmp/a.csv" 2>"$tmp/a.err"
    grep -q '^commune,21136,2025-Q2,32,27,9,12,7502,' "$tmp/a.csv" && grep -q '^commune,21157,2025-Q2,37,35,9,13,8878,' "$tmp/a.csv" \
        && pass || fail "rebase: apportioned communes: $(grep 211 "$tmp/a.csv")"
    grep -q '^national,VN,2025-Q2,233,217,60,100,56450,' "$tmp/a.csv" && pass || fail "rebase: the nation's totals must be the old ones"
    grep -q '1 apportioned between new units (2 parts), 0 left out' "$tmp/a.err" && pass || fail "rebase: apportion summary"

    # the period decides: old codes before the reform, new codes after it (23737 was a
    # commune that went into 23734, and the code 23737 now names another commune)
    printf '%s\n23737,2025-Q2,5,5,1,1,1000\n23737,2025-Q3,7,7,1,1,1200\n03334,2025-Q3,30,29,8,10,26500\n99999,2025-Q2,1,1,0,0,10\n' "$H" >"$tmp/p.csv"
    "$REGRT" rollup "$L" --units "$B_NEW" --rebase "$B_MAP" "$tmp/p.csv" -o "$tmp/p.out" --errors "$tmp/p.err.csv" 2>"$tmp/p.err"
    grep -q '^commune,23734,2025-Q2,5,' "$tmp/p.out" && pass || fail "rebase: old 23737 goes to 23734"
    grep -q '^commune,23737,2025-Q3,7,' "$tmp/p.out" && pass || fail "rebase: 2025-Q3 23737 is the new commune"
    grep -q '^commune,23737,2025-Q2' "$tmp/p.out" && fail "rebase: the old 23737 taken for the new one" || pass
    grep -q '^commune,03334,2025-Q3,30,' "$tmp/p.out" && pass || fail "rebase: a later period as it is"
    grep -q '^4,99999,2025-Q2,R3,error$' "$tmp/p.err.csv" && pass || fail "rebase: an old code not in the map is unknown"
    grep -q '1 rows of old units re-based onto their new unit.*2 rows of later periods as they are' "$tmp/p.err" && pass || fail "rebase: period summary: $(tail -1 "$tmp/p.err")"
    # --rebase-date: with a reform on 2025-04-01, 2025-Q2 is after it
    "$REGRT" rollup "$L" --units "$B_NEW" --rebase "$B_MAP" --rebase-date 2025-04-01 "$B_EX/registrations_2025-Q2.csv" \
        -o "$tmp/d.csv" --errors "$tmp/d.err.csv" -q
    grep -q ',03317,2025-Q2,R3,error$' "$tmp/d.err.csv" && pass || fail "rebase: --rebase-date"

    # the whole country: one row per old commune; with equal shares for every partial
    # merge nothing is lost, without them exactly the partial rows are left out
    python3 - "$B_OLD" "$B_MAP" "$tmp/all.csv" "$tmp/shares.csv" <<'PY'
import csv, sys
units = sorted({r["commune_code"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if r["commune_code"]})
with open(sys.argv[3], "w") as f:
    f.write("unit,period,births,births_ontime,deaths,marriages,population\n")
    for u in units:
        f.write("%s,2025-Q2,7,5,1,1,100\n" % u)
tg = {}
for m in csv.DictReader(open(sys.argv[2], encoding="utf-8")):
    if m["merge_type"] == "partial":
        tg.setdefault(m["old_commune_code"], []).append(m["commune_code"])
with open(sys.argv[4], "w") as f:
    f.write("old_code,new_code,share\n")
    for o, ts in sorted(tg.items()):
        base = 1000000 // len(ts)
        for i, t in enumerate(ts):
            s = base + (1000000 - base * len(ts) if i == 0 else 0)
            f.write("%s,%s,%d.%06d\n" % (o, t, s // 1000000, s % 1000000))
PY
    n_old=$(($(wc -l <"$tmp/all.csv") - 1))
    "$REGRT" rollup "$L" --units "$B_NEW" --rebase "$B_MAP" --apportion "$tmp/shares.csv" -j 3 --to national \
        "$tmp/all.csv" -o "$tmp/all_a.csv" 2>"$tmp/all_a.err"
    expect_status "rebase: the country, apportioned" 0 $?
    grep -q "^national,VN,2025-Q2,$((n_old * 7)),$((n_old * 5)),$n_old,$n_old,$((n_old * 100))," "$tmp/all_a.csv" \
        && pass || fail "rebase: apportioned, the nation has $(grep national "$tmp/all_a.csv"), expected $n_old rows of 7 births"
    "$REGRT" rollup "$L" --units "$B_NEW" --rebase "$B_MAP" -j 2 --to national "$tmp/all.csv" -o "$tmp/all_l.csv" 2>"$tmp/all_l.err"
    left=$(sed -n 's/.* \([0-9][0-9]*\) left out (partial merges without shares).*/\1/p' "$tmp/all_l.err")
    reb=$(sed -n 's/.*: \([0-9][0-9]*\) rows of old units re-based onto their new unit.*/\1/p' "$tmp/all_l.err")
    unm=$(sed -n 's/.* \([0-9][0-9]*\) of old codes not in the merge map.*/\1/p' "$tmp/all_l.err")
    [ -n "$left" ] && [ "$left" -gt 0 ] && [ $((left + reb + unm)) -eq "$n_old" ] && pass ||
        fail "rebase: re-based $reb + left out $left + unmapped $unm != $n_old rows"
    grep -q "^national,VN,2025-Q2,$(((n_old - left - unm) * 7))," "$tmp/all_l.csv" && pass ||
        fail "rebase: without shares the nation has $(grep national "$tmp/all_l.csv"), expected $((n_old - left - unm)) rows"
    [ "$(grep -c 'was split between' "$tmp/all_l.err")" -eq "$left" ] && pass || fail "rebase: every left-out old unit is listed"

    # broken maps and shares: exit 2 and a message naming the file and line
    bad() { # NAME WANT-IN-MESSAGE ARGS...
        b_name=$1 b_want=$2
        shift 2
        "$REGRT" rollup "$L" --units "$B_NEW" -o "$tmp/x.csv" "$@" "$B_EX/registrations_2025-Q2.csv" 2>"$tmp/x.err"
        b_st=$?
        [ $b_st = 2 ] && grep -qF -- "$b_want" "$tmp/x.err" && pass || fail "rebase: $b_name: exit $b_st: $(cat "$tmp/x.err")"
        [ -e "$tmp/x.csv" ] && fail "rebase: $b_name wrote an output" || pass
    }
    cp "$B_MAP" "$tmp/merges.csv"
    bad "no date" "the file name holds no date of the reform" --rebase "$tmp/merges.csv"
    printf 'province_code,commune_code,commune_name,old_commune_code,old_commune_name,merge_type\n11,03325,X,03317,Y,whole\n' >"$tmp/m_2025-07-01.csv"
    bad "merge_type" "m_2025-07-01.csv:2: merge_type 'whole': expected full or partial" --rebase "$tmp/m_2025-07-01.csv"
    printf 'province_code,commune_code,old_commune_code\n' >"$tmp/h_2025-07-01.csv"
    bad "columns" "no column 'commune_name'" --rebase "$tmp/h_2025-07-01.csv"
    printf 'old_code,new_code,share\n21142,21136,0.6\n21142,21157,0.3\n' >"$tmp/s1.csv"
    bad "shares add up" "the shares of old unit 21142 add up to 0.900000, not 1" --rebase "$B_MAP" --apportion "$tmp/s1.csv"
    printf 'old_code,new_code,share\n03317,03325,1\n' >"$tmp/s2.csv"
    bad "full merge" "old unit 03317 went fully into 03325: there is nothing to apportion" --rebase "$B_MAP" --apportion "$tmp/s2.csv"
    printf 'old_code,new_code,share\n21142,03325,1\n' >"$tmp/s3.csv"
    bad "not a target" "old unit 21142 did not go into 03325" --rebase "$B_MAP" --apportion "$tmp/s3.csv"
    printf 'old_code,new_code,share\n21142,21136,1.5\n' >"$tmp/s4.csv"
    bad "share range" "share '1.5': expected a number from 0 to 1" --rebase "$B_MAP" --apportion "$tmp/s4.csv"
    bad "apportion alone" "--apportion, --rebase-date and --left-out need --rebase MERGES.csv" --apportion "$tmp/s1.csv"
    bad "bad date" "--rebase-date 2025-13-01: expected a date" --rebase "$B_MAP" --rebase-date 2025-13-01
    "$REGRT" validate "$L" --units "$B_OLD" --rebase "$B_MAP" "$B_EX/registrations_2025-Q2.csv" >/dev/null 2>"$tmp/v.err"
    expect_status "rebase: validate --rebase" 2 $?
    grep -q 'are options of `regrt rollup`' "$tmp/v.err" && pass || fail "rebase: validate --rebase message"

    # provenance: each new commune's row names the old communes in it and
    # whether every one of them sent its figures. Delete 03317's row: 03325's
    # total drops and its row says which source is missing.
    grep -q '^commune,03325,2025-Q2,57,54,17,26,13640,0.9474,1,3,03317 03325 03326,complete$' "$B_EX/expected/rollup-rebased.csv" &&
        grep -q '^commune,21136,2025-Q2,22,19,6,8,5120,0.8636,1,1,21136,incomplete: missing 21142 (partial, not apportioned)$' "$B_EX/expected/rollup-rebased.csv" &&
        grep -q '^province,11,2025-Q2,164,155,42,75,40070,0.9451,2,,,$' "$B_EX/expected/rollup-rebased.csv" &&
        pass || fail "rebase: provenance columns"
    grep -v '^03317,' "$B_EX/registrations_2025-Q2.csv" >"$tmp/no03317.csv"
    "$REGRT" rollup "$L" --units "$B_NEW" --rebase "$B_MAP" -q "$tmp/no03317.csv" -o "$tmp/n.csv"
    grep -q '^commune,03325,2025-Q2,39,37,11,17,9430,0.9487,1,2,03325 03326,incomplete: missing 03317$' "$tmp/n.csv" &&
        pass || fail "rebase: a missing source is named: $(grep 03325 "$tmp/n.csv")"
    # --left-out: the partial merges without shares, as a CSV
    "$REGRT" rollup "$L" --units "$B_NEW" --rebase "$B_MAP" -q --left-out "$tmp/left.csv" \
        "$B_EX/registrations_2025-Q2.csv" -o "$tmp/r2.csv"
    expect_status "rebase: --left-out" 0 $?
    printf 'old_code,old_name,period,rows,new_units,births,births_ontime,deaths,marriages,population\n21142,Xã Trà Bùi,2025-Q2,1,21136 21157,16,13,5,6,3970\n' >"$tmp/left.want"
    expect_file "rebase: --left-out CSV" "$tmp/left.want" "$tmp/left.csv"
    "$REGRT" rollup "$L" --units "$B_NEW" --rebase "$B_MAP" --apportion "$B_EX/shares.csv" -q --left-out "$tmp/left2.csv" \
        "$B_EX/registrations_2025-Q2.csv" -o "$tmp/r3.csv"
    [ "$(wc -l <"$tmp/left2.csv")" = 1 ] && pass || fail "rebase: --left-out with shares holds only its header"
    "$REGRT" rollup "$L" --units "$B_NEW" --left-out "$tmp/x.csv" "$B_EX/registrations_2025-Q2.csv" -o "$tmp/r4.csv" 2>"$tmp/x.err"
    expect_status "rebase: --left-out without --rebase" 2 $?
else
    fail "rebase: regc build failed: $(tail -3 "$tmp/build.log")"
fi

# an extra field in the shares file is refused, not read past
if [ -f "$L/civil_status.so" ] || ls "$L"/*.so >/dev/null 2>&1; then
    { echo "old_code,new_code,share"; echo "21142,21136,0.6,0.9"; echo "21142,21157,0.4"; } >"$tmp/sh_extra.csv"
    "$REGRT" rollup "$L" --units "$B_NEW" --rebase "$B_MAP" --apportion "$tmp/sh_extra.csv" \
        "$B_EX/registrations_2025-Q2.csv" -o "$tmp/x.csv" 2>"$tmp/x.err"
    expect_status "rebase: an extra field in the shares file" 2 $?
    grep -q "sh_extra.csv:2: 4 field(s), but the header has 3" "$tmp/x.err" && pass || fail "rebase: extra field message: $(cat "$tmp/x.err")"
else
    fail "rebase: no library built for the extra-field check"
fi
