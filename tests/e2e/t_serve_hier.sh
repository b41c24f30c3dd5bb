# `regrt serve` checks a form's hierarchies on arrival, as `regrt validate`
# does (docs/SERVER.md, "Checks on arrival"): examples/tongso's Biểu 06,
# whose "Tổng số" row must be the sum of its domain rows. A good month is
# accepted; a month whose total row is off by one is rejected with the
# hierarchy's message (Vietnamese by default, English on request), and its
# errors are counted in /api/submissions. The same rule made a `warning`
# (a second regime built from a copy of the spec) accepts the month and
# returns the warning. Helpers are prefixed sh_ (sourced by run.sh).
SH=$tmp/serve_hier
SH_U7="$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv"
mkdir -p "$SH/regimes" "$SH/wregimes" "$SH/spool"
sh_ok=1
command -v curl >/dev/null 2>&1 || { fail "t_serve_hier: curl is missing (bash scripts/deps.sh)"; sh_ok=0; }
"$REGC" build "$ROOT/examples/tongso/tongso.regime" -o "$SH/regimes/tongso" >"$SH/build.log" 2>&1 ||
    { fail "t_serve_hier: regc build tongso"; cat "$SH/build.log"; sh_ok=0; }
# the same hierarchy rule at warning level
sed 's/^  rule T1 error$/  rule T1 warning/' "$ROOT/examples/tongso/tongso.regime" >"$SH/tongso.regime"
grep -q '^  rule T1 warning$' "$SH/tongso.regime" || { fail "t_serve_hier: no warning variant of rule T1"; sh_ok=0; }
"$REGC" build "$SH/tongso.regime" -o "$SH/wregimes/tongso" >"$SH/wbuild.log" 2>&1 ||
    { fail "t_serve_hier: regc build the warning variant"; cat "$SH/wbuild.log"; sh_ok=0; }

sh_check() {
    n=$1
    shift
    if "$@"; then pass; else fail "t_serve_hier: $n"; fi
}
# sh_start REGIMES STORE: sets SH_PID and SH_URL
sh_start() {
    "$REGRT" serve --regimes "$1" --units "$SH_U7" --store "$2" --listen 127.0.0.1:0 --spool "$SH/spool" \
        >"$SH/server.log" 2>&1 &
    SH_PID=$!
    i=0
    while [ $i -lt 900 ]; do
        grep -q "listening on" "$SH/server.log" 2>/dev/null && break
        kill -0 $SH_PID 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    sleep 0.2
    SH_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$SH/server.log")
    if [ -z "$SH_URL" ]; then
        kill -9 $SH_PID 2>/dev/null
        wait $SH_PID 2>/dev/null
        fail "t_serve_hier: the server did not start"
        cat "$SH/server.log"
        return 1
    fi
}
sh_stop() {
    kill -TERM $SH_PID 2>/dev/null
    wait $SH_PID
    st=$?
    if [ $st -eq 0 ]; then pass; else fail "t_serve_hier: the server exited with $st"; tail -30 "$SH/server.log"; fi
}
# sh_post FILE [curl options]: status to $SH/code, body to $SH/body
sh_post() {
    f=$1
    shift
    curl -s -o "$SH/body" -w '%{http_code}' -u c00004:pw-00004 -H 'X-OpenRosa-Version: 1.0' "$@" \
        -F "xml_submission_file=@$f;type=text/xml" "$SH_URL/submission" >"$SH/code"
}
sh_code() { [ "$(cat "$SH/code")" = "$1" ]; }
sh_body_has() { grep -qF -- "$1" "$SH/body"; }

# a commune's month: TOTAL_RECEIVED TOTAL_PENDING INSTANCEID OUT (domains add up to 30 and 5)
sh_month() {
    cat >"$4" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<bieu06 id="bieu06" version="1.0.0">
  <unit>00004</unit>
  <period>2025-08</period>
  <row><linh_vuc>TONG</linh_vuc><received>$1</received><online>12</online><resolved>25</resolved><pending>$2</pending></row>
  <row><linh_vuc>D02</linh_vuc><received>20</received><online>10</online><resolved>18</resolved><pending>2</pending></row>
  <row><linh_vuc>D04</linh_vuc><received>10</received><online>2</online><resolved>7</resolved><pending>3</pending></row>
  <meta><instanceID>$3</instanceID></meta>
</bieu06>
XML
}

if [ $sh_ok = 1 ]; then
    X="$SH/x"
    mkdir -p "$X"
    printf 'name,role,unit,password,rate\nc00004,reporter,00004,pw-00004,0\nadmin,admin,,pw-admin,0\n' >"$X/accounts.csv"
    "$REGRT" serve-admin --store "sqlite:$SH/store.db" import "$X/accounts.csv" --cost min >"$X/import.out" 2>&1
    sh_check "serve-admin import" grep -q "2 account" "$X/import.out"
    sh_month 30 5 uuid:ts-good "$X/good.xml"
    sh_month 31 6 uuid:ts-bad "$X/bad.xml"
    # regrt validate's verdict on the same documents: the server must agree
    "$REGRT" validate "$SH/regimes/tongso" --units "$SH_U7" "$X/bad.xml" --lang vi >"$X/validate.txt" 2>/dev/null
    sh_check "regrt validate rejects the bad total" [ $? -eq 1 ]
    sh_check "regrt validate: T1.received" grep -q "T1.received" "$X/validate.txt"
    if sh_start "$SH/regimes" "sqlite:$SH/store.db"; then
        sh_post "$X/good.xml"
        sh_check "total row that adds up: 201" sh_code 201
        sh_check "total row that adds up: accepted" sh_body_has "Đã chấp nhận"
        sh_check "total row that adds up: no hierarchy message" [ -z "$(grep -F 'phân cấp' "$SH/body")" ]
        sh_post "$X/bad.xml"
        sh_check "total row off by one: 400" sh_code 400
        sh_check "total row off by one: rejected" sh_body_has "Bị từ chối"
        sh_check "total row off by one: message in Vietnamese" sh_body_has \
            "phân cấp tong_so (unit 00004, period 2025-08, linh_vuc TONG): lỗi T1.received: Dòng Tổng số (31) khác tổng các lĩnh vực (0 + 20 + 0 + 10 + 0 + 0), chênh lệch 1"
        sh_check "total row off by one: T1.pending too" sh_body_has "lỗi T1.pending: Dòng Tổng số (6)"
        # every line regrt validate writes is in the answer
        while IFS= read -r line; do
            sh_check "as regrt validate says: $line" sh_body_has "$line"
        done <"$X/validate.txt"
        sh_month 31 6 uuid:ts-bad-en "$X/bad_en.xml"
        sh_post "$X/bad_en.xml" -H "Accept-Language: en"
        sh_check "in English: 400" sh_code 400
        sh_check "in English: message" sh_body_has \
            "hierarchy tong_so (unit 00004, period 2025-08, linh_vuc TONG): error T1.received: The total row (31) is not the sum of the domains (0 + 20 + 0 + 10 + 0 + 0), off by 1"
        curl -s -o "$X/subs.csv" -u admin:pw-admin "$SH_URL/api/submissions?form=bieu06" 
        sh_check "api: the good month accepted and current, no error" grep -q "^1,uuid:ts-good,00004,2025-08,c00004,[^,]*,accepted,1,0,0$" "$X/subs.csv"
        sh_check "api: the bad month rejected with 2 errors" grep -q "^2,uuid:ts-bad,00004,2025-08,c00004,[^,]*,rejected,0,2,0$" "$X/subs.csv"
        sh_stop
    fi
    # the rule at warning level: accepted, the warning returned and counted
    if sh_start "$SH/wregimes" "sqlite:$SH/store.db"; then
        sh_month 31 6 uuid:ts-warn "$X/warn.xml"
        sh_post "$X/warn.xml"
        sh_check "hierarchy warning: 201" sh_code 201
        sh_check "hierarchy warning: said in the head" sh_body_has "0 dòng có cảnh báo, 2 cảnh báo phân cấp"
        sh_check "hierarchy warning: its message" sh_body_has "cảnh báo T1.received: Dòng Tổng số (31)"
        curl -s -o "$X/subs2.csv" -u admin:pw-admin "$SH_URL/api/submissions?form=bieu06"
        sh_check "api: the warning month accepted with 2 warnings" grep -q ",uuid:ts-warn,00004,2025-08,c00004,[^,]*,accepted,1,0,2$" "$X/subs2.csv"
        # the web page's submission (docs/WEB.md): the hierarchy's results are
        # warnings with their rule, not errors
        J="$X/jar"
        curl -s -c "$J" -o "$X/login.html" "$SH_URL/app/login"
        tok=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$X/login.html")
        curl -s -b "$J" -c "$J" -o /dev/null --data "name=c00004&password=pw-00004&csrf=$tok" "$SH_URL/app/login"
        curl -s -b "$J" -o "$X/home.html" "$SH_URL/app/"
        tok=$(sed -n 's/.*data-csrf="\([0-9a-f]*\)".*/\1/p' "$X/home.html")
        sh_check "web: signed in" [ -n "$tok" ]
        sh_month 31 6 uuid:ts-web "$X/web.xml"
        curl -s -b "$J" -o "$X/web.json" -H "X-CSRF-Token: $tok" -H "Content-Type: text/xml" \
            --data-binary @"$X/web.xml" "$SH_URL/app/submit"
        sh_check "web: accepted" grep -qF '"status":"accepted"' "$X/web.json"
        sh_check "web: the hierarchy's warning, with its rule" grep -qF \
            '{"row":0,"rule":"T1.received","severity":"warning","message":"Dòng Tổng số (31)' "$X/web.json"
        sh_check "web: 2 warnings, no error" grep -qF '"errors":0,"warnings":2}' "$X/web.json"
        sh_stop
    fi
fi
