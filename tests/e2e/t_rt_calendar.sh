# regrt calendar and regrt status: cut-off windows (Decree 09), deadlines in
# working days per tier, holidays and make-up working days from data.
RTLIB="$ROOT/$O/fixtures/tthc/tthc.so"
FX="$ROOT/tests/fixtures"

"$REGRT" calendar "$RTLIB" --year 2025 --holidays "$FX/vn_holidays_2025.csv" --format csv -o "$tmp/c.csv"
expect_status "rt calendar: csv" 0 $?
expect_file "rt calendar: 2025" "$FX/calendar_2025.csv" "$tmp/c.csv"

# A holiday on the two days after the cut-off moves the deadline past the weekend.
printf 'date,name_vi,name_en\n2025-01-15,Nghỉ,Day off\n2025-01-16,Nghỉ,Day off\n' >"$tmp/my_holidays.csv"
"$REGRT" calendar "$RTLIB" --year 2025 --holidays "$tmp/my_holidays.csv" --format csv >"$tmp/c2.csv"
grep -q '^2025-01,2024-12-15,2025-01-14,2025-01-20,2025-01-22,2025-01-24$' "$tmp/c2.csv" && pass || fail "rt calendar: holidays: $(sed -n 2p "$tmp/c2.csv")"
# A make-up working day beside the holidays file counts as a working day.
printf 'date,name_vi,name_en\n2025-01-18,Làm bù,Make-up day\n' >"$tmp/my_makeup_workdays.csv"
"$REGRT" calendar "$RTLIB" --year 2025 --holidays "$tmp/my_holidays.csv" --format csv >"$tmp/c3.csv"
grep -q '^2025-01,2024-12-15,2025-01-14,2025-01-18,2025-01-21,2025-01-23$' "$tmp/c3.csv" && pass || fail "rt calendar: make-up day: $(sed -n 2p "$tmp/c3.csv")"

# The regime's calendar "vn" is found through REGIME_PATH/data/vn_holidays.csv.
mkdir -p "$tmp/std/data"
cp "$FX/vn_holidays_2025.csv" "$tmp/std/data/vn_holidays.csv"
REGIME_PATH="$tmp/std" "$REGRT" calendar "$RTLIB" --year 2025 >"$tmp/c.txt" 2>"$tmp/err"
expect_status "rt calendar: text" 0 $?
grep -q "holidays: $tmp/std/data/vn_holidays.csv (12 days)" "$tmp/c.txt" && pass || fail "rt calendar: REGIME_PATH lookup: $(grep holidays "$tmp/c.txt")"
grep -q '^2025-06   2025-05-15 .. 2025-06-14  2025-06-17  2025-06-19  2025-06-23$' "$tmp/c.txt" && pass || fail "rt calendar: text row"
"$REGRT" calendar "$RTLIB" --year 2025 --lang vi --holidays "$FX/vn_holidays_2025.csv" >"$tmp/c.txt"
grep -q "Nghị định 09" "$tmp/c.txt" && grep -q "ngày làm việc" "$tmp/c.txt" && pass || fail "rt calendar: Vietnamese"
"$REGRT" calendar "$RTLIB" --year 2025 --format json --holidays "$FX/vn_holidays_2025.csv" >"$tmp/c.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["periods"]; assert len(p)==12 and p[0]["deadlines"]["commune"]=="2025-01-16", p[0]' "$tmp/c.json" \
    && pass || fail "rt calendar: json"
"$REGRT" calendar "$RTLIB" 2>"$tmp/err"
expect_status "rt calendar: no --year" 2 $?
"$REGRT" calendar "$RTLIB" --year 2025 --holidays "$tmp/none.csv" 2>"$tmp/err"
expect_status "rt calendar: missing holiday file" 2 $?
grep -q "cannot open '$tmp/none.csv'" "$tmp/err" && pass || fail "rt calendar: missing holiday file message"

# status: who reported each period, who is late as of a date
# (the data start in 2024-12: the stdlib calendar, 2024-2030, covers their deadlines)
"$REGRT" status "$RTLIB" --units "$FX/edge_units.csv" --holidays "$ROOT/stdlib/data/vn_holidays.csv" --as-of 2025-04-17 \
    --format csv -o "$tmp/s.csv" "$FX/edge_input.csv" 2>"$tmp/err"
expect_status "rt status: someone is late" 1 $?
expect_file "rt status: csv" "$FX/edge_status.csv" "$tmp/s.csv"
grep -q "regrt: 2025-06 commune: 2 reported, 0 rejected, 3 missing, 0 late (deadline 2025-06-17, as of 2025-04-17)" "$tmp/err" && pass || fail "rt status: summary"
"$REGRT" status "$RTLIB" --units "$FX/edge_units.csv" --holidays "$FX/vn_holidays_2025.csv" --as-of 2025-01-01 \
    --period 2025-06 "$FX/edge_input.csv" >"$tmp/s.txt" 2>"$tmp/err"
grep -q "^2025-06  missing  00037 Phường Phúc Tân (deadline 2025-06-17)$" "$tmp/s.txt" && pass || fail "rt status: text"
"$REGRT" status "$RTLIB" --units "$FX/edge_units.csv" --as-of 2025-13-01 "$FX/edge_input.csv" 2>"$tmp/err"
expect_status "rt status: bad --as-of" 2 $?
