# `regrt serve` end to end, on SQLite and then on PostgreSQL (the same suite):
# the tthc, edoc and itplan regimes served over OpenRosa, forms listed and
# downloaded, good, broken, duplicate, corrected, foreign and hostile
# submissions sent with curl, the size limit, accounts and scope, status from
# arrival times (a restart with another clock), roll-ups and exports checked
# against `regrt rollup` over the original XML documents, the audit log.
#
# PostgreSQL: a throwaway cluster (tests/serve/pg.sh); when it cannot start,
# the test fails. Helpers are prefixed sv_ (this file is sourced by run.sh).
SV=$tmp/serve
SV_U3="$ROOT/stdlib/data/vn_admin_units_2025-03-01.csv"
SV_U7="$ROOT/stdlib/data/vn_admin_units_2025-07-01.csv"
SV_AG="$ROOT/examples/edoc/agencies.csv"
mkdir -p "$SV/regimes"
sv_ok=1
for r in tthc edoc itplan; do
    if ! "$REGC" build "$ROOT/examples/$r/$r.regime" -o "$SV/regimes/$r" >"$SV/build-$r.log" 2>&1; then
        fail "t_serve: regc build $r"
        cat "$SV/build-$r.log"
        sv_ok=0
    fi
done
command -v curl >/dev/null 2>&1 || { fail "t_serve: curl is missing (bash scripts/deps.sh)"; sv_ok=0; }

# sv_check NAME COND...: pass when the command succeeds
sv_check() {
    n=$1
    shift
    if "$@"; then pass; else fail "t_serve[$SV_LABEL]: $n"; fi
}

# sv_start STORE [ENV=VALUE...]: starts the server; sets SV_PID and SV_URL
sv_start() {
    st=$1
    shift
    env "$@" "$REGRT" serve --regimes "$SV/regimes" --units "$SV_U3" --units "edoc=$SV_AG" --units "itplan=$SV_U7" \
        --store "$st" --listen 127.0.0.1:0 --max-body 200000 --spool "$SV/spool" >"$SV/server.log" 2>&1 &
    SV_PID=$!
    i=0
    while [ $i -lt 900 ]; do
        grep -q "listening on" "$SV/server.log" 2>/dev/null && break
        kill -0 $SV_PID 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    sleep 0.2
    SV_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$SV/server.log")
    if [ -z "$SV_URL" ]; then
        kill -9 $SV_PID 2>/dev/null
        wait $SV_PID 2>/dev/null
        fail "t_serve[$SV_LABEL]: the server did not start"
        cat "$SV/server.log"
        return 1
    fi
    return 0
}

# sv_stop: SIGTERM, and the server must exit with 0 (no leak under ASan)
sv_stop() {
    kill -TERM $SV_PID 2>/dev/null
    wait $SV_PID
    st=$?
    if [ $st -ne 0 ]; then
        fail "t_serve[$SV_LABEL]: the server exited with $st"
        tail -30 "$SV/server.log"
    else
        pass
    fi
}

# sv_post USER:PW FILE [curl options]: POSTs FILE as xml_submission_file;
# the status goes to $SV/code, the body to $SV/body, headers to $SV/headers
sv_post() {
    cred=$1
    file=$2
    shift 2
    curl -s -o "$SV/body" -D "$SV/headers" -w '%{http_code}' -u "$cred" -H 'X-OpenRosa-Version: 1.0' "$@" \
        -F "xml_submission_file=@$file;type=text/xml" "$SV_URL/submission" >"$SV/code"
}
sv_get() {
    cred=$1
    path=$2
    out=$3
    shift 3
    if [ -n "$cred" ]; then set -- -u "$cred" "$@"; fi
    curl -s -o "$out" -D "$SV/headers" -w '%{http_code}' -H 'X-OpenRosa-Version: 1.0' "$@" "$SV_URL$path" >"$SV/code"
}
sv_code() { [ "$(cat "$SV/code")" = "$1" ]; }
sv_body_has() { grep -q -- "$1" "$SV/body"; }
sv_header_has() { tr -d '\r' <"$SV/headers" | grep -qi -- "$1"; }

# a tthc instance: sv_tthc SRC UNIT PERIOD INSTANCEID OUT
sv_tthc() {
    sed -e "s|<unit>[^<]*</unit>|<unit>$2</unit>|" -e "s|<period>[^<]*</period>|<period>$3</period>|" \
        -e "s|<instanceID>[^<]*</instanceID>|<instanceID>$4</instanceID>|" "$1" >"$5"
    grep -q "<instanceID>" "$5" || sed -i "s|</bieu06>|<meta><instanceID>$4</instanceID></meta></bieu06>|" "$5"
}

sv_suite() {
    store=$1
    rm -rf "$SV/spool" "$SV/x"
    mkdir -p "$SV/spool" "$SV/x"
    X="$SV/x"
    # ---- accounts (Argon2id at the minimum cost: a test) ----
    {
        echo "name,role,unit,password,rate"
        echo "c00001,reporter,00001,pw-00001,0"
        echo "c00004,reporter,00004,pw-00004,0"
        echo "btc,reporter,BTC,pw-btc,0"
        echo "p01,reporter,01,pw-p01,0"
        echo "sup01,supervisor,01,pw-sup01,0"
        echo "slow,reporter,00006,pw-slow,2"
    } >"$X/accounts.csv"
    "$REGRT" serve-admin --store "$store" import "$X/accounts.csv" --cost min >"$X/import.out" 2>&1
    sv_check "serve-admin import" grep -q "6 account" "$X/import.out"
    echo pw-admin | "$REGRT" serve-admin --store "$store" add admin --role admin --unit '' --cost min
    sv_check "serve-admin add" [ $? -eq 0 ]
    echo pw | "$REGRT" serve-admin --store "$store" add admin --role admin --unit '' --cost min 2>"$X/dup.err"
    sv_check "serve-admin add twice: exit 1" [ $? -eq 1 ]

    # 2025-01-15 10:00 in Hanoi: before the commune deadline of January (16th)
    sv_start "$store" REGRT_SERVE_NOW=2025-01-15T03:00:00Z || return

    # ---- form list and download ----
    sv_get c00001:pw-00001 /formList "$X/formlist.xml"
    sv_check "formList 200" sv_code 200
    sv_check "formList X-OpenRosa-Version" sv_header_has "^X-OpenRosa-Version: 1.0"
    sv_check "formList content type" sv_header_has "^Content-Type: text/xml"
    sv_check "formList: 4 forms" [ "$(grep -c '<xform>' "$X/formlist.xml")" = 4 ]
    sv_check "formList namespace" grep -q 'xmlns="http://openrosa.org/xforms/xformsList"' "$X/formlist.xml"
    for f in tthc/bieu06 edoc/edoc itplan/indicators itplan/budget; do
        code=${f#*/}
        url=$(sed -n "s|.*<downloadUrl>\(.*/forms/$code.xml\)</downloadUrl>.*|\1|p" "$X/formlist.xml")
        curl -s -o "$X/$code.xform.xml" -D "$SV/headers" -u c00001:pw-00001 "$url"
        sv_check "download $code" cmp -s "$X/$code.xform.xml" "$SV/regimes/${f%/*}/forms/$code.xform.xml"
        sv_check "download $code: X-OpenRosa-Version" sv_header_has "^X-OpenRosa-Version: 1.0"
        md5=$(md5sum "$X/$code.xform.xml" | cut -d' ' -f1)
        sv_check "formList hash of $code" grep -q "<hash>md5:$md5</hash>" "$X/formlist.xml"
    done
    sv_get c00001:pw-00001 "/formList?formID=edoc" "$X/fl1.xml"
    sv_check "formList?formID" [ "$(grep -c '<xform>' "$X/fl1.xml")" = 1 ]
    sv_get "" /formList "$X/fl0.xml"
    sv_check "formList without account: 401" sv_code 401
    sv_check "401 asks for Basic" sv_header_has "^WWW-Authenticate: Basic realm="
    sv_get c00001:wrong /formList "$X/fl0.xml"
    sv_check "wrong password: 401" sv_code 401
    curl -s -I -o "$SV/headers" -w '%{http_code}' -u c00001:pw-00001 "$SV_URL/submission" >"$SV/code"
    sv_check "HEAD /submission: 204" sv_code 204
    sv_check "HEAD: X-OpenRosa-Accept-Content-Length" sv_header_has "^X-OpenRosa-Accept-Content-Length: 200000"

    # ---- submissions ----
    V="$ROOT/examples/tthc/xml/valid/bieu06_00001_2025-01.xml"
    sv_tthc "$V" 00001 2025-01 uuid:t-1 "$X/t1.xml"
    sv_post c00001:pw-00001 "$X/t1.xml"
    sv_check "good report: 201" sv_code 201
    sv_check "good report: OpenRosaResponse" sv_body_has '<OpenRosaResponse xmlns="http://openrosa.org/http/response">'
    sv_check "good report: submit-success" sv_body_has 'nature="submit-success"'
    sv_check "good report: in Vietnamese by default" sv_body_has "Đã chấp nhận"
    sv_post c00001:pw-00001 "$X/t1.xml"
    sv_check "duplicate: 202" sv_code 202
    sv_check "duplicate: said so" sv_body_has "Đã nhận trước đó"
    sv_tthc "$ROOT/examples/tthc/xml/invalid/negative_count.xml" 00001 2025-01 uuid:t-bad "$X/bad.xml"
    sv_post c00001:pw-00001 "$X/bad.xml"
    sv_check "broken report: 400" sv_code 400
    sv_check "broken report: rule V5, in Vietnamese" sv_body_has "lỗi V5"
    sv_tthc "$ROOT/examples/tthc/xml/invalid/unknown_domain.xml" 00001 2025-01 uuid:t-bad2 "$X/bad2.xml"
    sv_post c00001:pw-00001 "$X/bad2.xml" -H "Accept-Language: en-US,en;q=0.8"
    sv_check "broken report in English: 400" sv_code 400
    sv_check "broken report in English: rule V6" sv_body_has "error V6"
    sv_check "Content-Language: en" sv_header_has "^Content-Language: en"
    sv_tthc "$V" 00004 2025-01 uuid:t-foreign "$X/foreign.xml"
    sv_post c00001:pw-00001 "$X/foreign.xml"
    sv_check "another unit's report: 403" sv_code 403
    sv_post c00001:pw-00001 "$ROOT/tests/hostile/xml/billion_laughs.xml"
    sv_check "billion laughs: 400" sv_code 400
    sv_check "billion laughs: refused" sv_body_has "ENTITY\|entit"
    head -c 300000 /dev/zero | tr '\0' ' ' >"$X/big.xml"
    sv_post c00001:pw-00001 "$X/big.xml"
    sv_check "too large: 413" sv_code 413
    echo '<x>' >"$X/plain.xml"
    curl -s -o "$SV/body" -w '%{http_code}' -u c00001:pw-00001 --data-binary @"$X/plain.xml" "$SV_URL/submission" >"$SV/code"
    sv_check "no multipart: 400" sv_code 400
    sv_post slow:pw-slow "$X/t1.xml" >/dev/null
    sv_post slow:pw-slow "$X/t1.xml" >/dev/null
    sv_post slow:pw-slow "$X/t1.xml"
    sv_check "rate limit: 429" sv_code 429
    # edoc and itplan
    sv_post btc:pw-btc "$ROOT/examples/edoc/xml/valid/edoc_BTC_2025-Q3.xml"
    sv_check "edoc report: 201" sv_code 201
    sv_check "edoc report: its warning T2" sv_body_has "T2"
    sv_post p01:pw-p01 "$ROOT/examples/itplan/xml/valid/indicators_01_2025.xml"
    sv_check "itplan indicators: 201" sv_code 201
    sv_post p01:pw-p01 "$ROOT/examples/itplan/xml/valid/budget_01_2025.xml"
    sv_check "itplan budget: 201" sv_code 201
    # the supervisor of province 01 submits for a commune of its subtree
    sv_tthc "$V" 00006 2025-01 uuid:t-6 "$X/t6.xml"
    sv_post sup01:pw-sup01 "$X/t6.xml"
    sv_check "supervisor within its subtree: 201" sv_code 201
    sv_get c00001:pw-00001 "/api/status?form=bieu06&period=2025-01" "$X/no.txt"
    sv_check "a reporter sees no status: 403" sv_code 403
    sv_stop

    # ---- later: a late report, and a correction (another clock, a restart) ----
    # 2025-01-21 10:00 in Hanoi: three working days after the deadline
    sv_start "$store" REGRT_SERVE_NOW=2025-01-21T03:00:00Z || return
    sv_tthc "$V" 00004 2025-01 uuid:t-4 "$X/t4.xml"
    sv_post c00004:pw-00004 "$X/t4.xml"
    sv_check "late report: 201" sv_code 201
    printf '<bieu06 id="bieu06" version="1.0.0"><unit>00001</unit><period>2025-01</period><meta><instanceID>uuid:t-1b</instanceID></meta></bieu06>\n' >"$X/t1b.xml"
    sv_post c00001:pw-00001 "$X/t1b.xml"
    sv_check "corrected report: 201" sv_code 201
    sv_post c00001:pw-00001 "$X/t1.xml"
    sv_check "duplicate after a restart: 202" sv_code 202

    sv_get sup01:pw-sup01 "/api/submissions?form=bieu06" "$X/list.csv"
    sv_check "list: 200" sv_code 200
    sv_check "history: superseded report kept" grep -q "^1,uuid:t-1,00001,2025-01,c00001,2025-01-15T03:00:00Z,superseded,0," "$X/list.csv"
    sv_check "history: the correction is current" grep -q ",uuid:t-1b,00001,2025-01,c00001,2025-01-21T03:00:00Z,accepted,1," "$X/list.csv"
    sv_check "history: rejected kept" grep -q ",uuid:t-bad,00001,2025-01,c00001,.*,rejected,0," "$X/list.csv"
    seq1=$(grep ",uuid:t-1," "$X/list.csv" | cut -d, -f1)
    sv_get sup01:pw-sup01 "/api/submissions/$seq1.xml" "$X/orig1.xml"
    sv_check "original XML kept byte for byte" cmp -s "$X/orig1.xml" "$X/t1.xml"

    # ---- status from arrival times ----
    sv_get sup01:pw-sup01 "/api/status?form=bieu06&period=2025-01&format=csv" "$X/status.csv"
    sv_check "status: 200" sv_code 200
    sv_check "status: header" grep -q "^period,unit_code,unit_name,status,deadline,received,working_days_late$" "$X/status.csv"
    sv_check "status: 00001 on time" grep -q "^2025-01,00001,.*,on_time,2025-01-16,2025-01-15T03:00:00Z,0$" "$X/status.csv"
    sv_check "status: 00004 late by 3 working days" grep -q "^2025-01,00004,.*,late,2025-01-16,2025-01-21T03:00:00Z,3$" "$X/status.csv"
    sv_check "status: 00007 missing" grep -q "^2025-01,00007,.*,missing,2025-01-16,,$" "$X/status.csv"
    awk -F, 'NR > 1 && $1 == "01" && $5 != "" { print "2025-01," $5 }' "$SV_U3" | sort >"$X/hanoi.txt"
    cut -d, -f1,2 "$X/status.csv" | sed 1d | sort >"$X/seen.txt"
    sv_check "status: a supervisor sees its subtree only" cmp -s "$X/hanoi.txt" "$X/seen.txt"
    sv_get admin:pw-admin "/api/status?form=bieu06&period=2025-01" "$X/status.txt"
    sv_check "status text: summary" grep -q "2025-01: 2 đúng hạn, 1 trễ hạn, 10032 chưa nộp" "$X/status.txt"

    # ---- roll-up and exports against regrt ----
    sv_get admin:pw-admin "/api/rollup?form=bieu06&period=month" "$X/rollup.csv"
    sv_check "rollup: 200" sv_code 200
    sv_get admin:pw-admin "/api/submissions?form=bieu06" "$X/all.csv"
    : >"$X/current.list"
    for s in $(awk -F, '$7 == "accepted" && $8 == 1 { print $1 }' "$X/all.csv"); do
        sv_get admin:pw-admin "/api/submissions/$s.xml" "$X/cur_$s.xml"
        echo "$X/cur_$s.xml" >>"$X/current.list"
    done
    sv_check "three current accepted tthc reports" [ "$(wc -l <"$X/current.list")" = 3 ]
    # shellcheck disable=SC2046 # one file name per line, no blanks
    "$REGRT" rollup "$SV/regimes/tthc" --units "$SV_U3" --period month -q $(cat "$X/current.list") -o "$X/rollup_regrt.csv"
    sv_check "rollup identical to regrt rollup over the original XML" cmp -s "$X/rollup.csv" "$X/rollup_regrt.csv"
    sv_get admin:pw-admin "/api/export?form=bieu06" "$X/export.csv"
    "$REGRT" rollup "$SV/regimes/tthc" --units "$SV_U3" --period month -q "$X/export.csv" -o "$X/rollup_export.csv"
    sv_check "rollup identical to regrt rollup over the CSV export" cmp -s "$X/rollup.csv" "$X/rollup_export.csv"
    sv_get admin:pw-admin "/api/rollup?form=bieu06&period=month&layout=full" "$X/rollup_full.csv"
    # the server speaks Vietnamese: the top unit is named "Trung ương"
    "$REGRT" rollup "$SV/regimes/tthc" --units "$SV_U3" --period month --layout full --lang vi -q "$X/export.csv" -o "$X/rollup_full_regrt.csv"
    sv_check "rollup layout=full identical to regrt rollup --layout full" cmp -s "$X/rollup_full.csv" "$X/rollup_full_regrt.csv"
    sv_check "rollup layout=full names the units" grep -q '^level,unit_code,unit_name,parent_code,period,domain,' "$X/rollup_full.csv"
    sv_get admin:pw-admin "/api/rollup?form=bieu06&layout=wide" "$X/rollup_wide.txt"
    sv_check "rollup layout=wide: 400" sv_code 400
    "$REGRT" validate "$SV/regimes/tthc" --units "$SV_U3" -q "$X/export.csv" >/dev/null
    sv_check "the CSV export validates clean" [ $? -eq 0 ]
    sv_get admin:pw-admin "/api/rollup?form=indicators" "$X/ind.csv"
    "$REGRT" rollup "$SV/regimes/itplan" --units "$SV_U7" --form indicators -q \
        "$ROOT/examples/itplan/xml/valid/indicators_01_2025.xml" -o "$X/ind_regrt.csv"
    sv_check "itplan rollup identical to regrt" cmp -s "$X/ind.csv" "$X/ind_regrt.csv"
    sv_get admin:pw-admin "/api/rollup?form=edoc" "$X/edoc.csv"
    "$REGRT" rollup "$SV/regimes/edoc" --units "$SV_AG" -q \
        "$ROOT/examples/edoc/xml/valid/edoc_BTC_2025-Q3.xml" -o "$X/edoc_regrt.csv"
    sv_check "edoc rollup identical to regrt" cmp -s "$X/edoc.csv" "$X/edoc_regrt.csv"
    sv_stop

    # ---- tiers connected: this server as a province's, forwarding to a national one ----
    sv_forwarding "$store"

    # ---- the audit log: every write ----
    "$REGRT" serve-admin --store "$store" audit --limit 100 >"$X/audit.txt"
    sv_check "audit: accepted submission" grep -q " c00001 submit submission [0-9]* instanceID uuid:t-1 .*accepted" "$X/audit.txt"
    sv_check "audit: rejected submission" grep -q " c00001 submit .*uuid:t-bad .*rejected" "$X/audit.txt"
    sv_check "audit: refusal" grep -q " c00001 submit-refused " "$X/audit.txt"
    sv_check "audit: accounts" grep -q " serve-admin account added account c00001" "$X/audit.txt"
}

# sv_launch NAME STORE [options...]: another server (log $SV/NAME.log); sets
# SV_LPID and SV_LURL
sv_launch() {
    nm=$1
    st=$2
    shift 2
    "$REGRT" serve --regimes "$SV/regimes/tthc" --units "$SV_U3" --store "$st" --listen 127.0.0.1:0 \
        --spool "$SV/spool" "$@" >"$SV/$nm.log" 2>&1 &
    SV_LPID=$!
    i=0
    while [ $i -lt 900 ] && ! grep -q "listening on" "$SV/$nm.log" 2>/dev/null && kill -0 $SV_LPID 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    sleep 0.2
    SV_LURL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$SV/$nm.log")
    [ -n "$SV_LURL" ] || { fail "t_serve[$SV_LABEL]: server $nm did not start"; cat "$SV/$nm.log"; }
}
sv_halt() {
    kill -TERM "$1" 2>/dev/null
    wait "$1"
    sv_check "server $2 exits with 0" [ $? -eq 0 ]
}

# sv_wait_sent N: polls the province's outbox until N rows are sent (30 s)
sv_wait_sent() {
    i=0
    while [ $i -lt 300 ]; do
        curl -s -u sup01:pw-sup01 "$SV_PURL/api/outbox" >"$X/outbox.csv"
        [ "$(grep -c ',sent,' "$X/outbox.csv")" -ge "$1" ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

sv_forwarding() {
    store=$1
    nat="sqlite:$X/national.db"
    printf 'name,role,unit,password,rate\np01,supervisor,01,pw-p01-nat,0\nnadmin,admin,,pw-nadmin,0\n' >"$X/nat.csv"
    "$REGRT" serve-admin --store "$nat" import "$X/nat.csv" --cost min >/dev/null
    echo pw-p01-nat >"$X/fw.pw"
    # the province deadline of January is the 22nd: the 23rd is one working day late
    REGRT_SERVE_NOW=2025-01-23T03:00:00Z sv_launch national "$nat"
    SV_NPID=$SV_LPID
    SV_NURL=$SV_LURL
    sv_launch province "$store" --forward-to "$SV_NURL" --forward-user p01 --forward-password-file "$X/fw.pw"
    SV_PPID=$SV_LPID
    SV_PURL=$SV_LURL
    curl -s -H "Accept-Language: en" -o "$X/fwd.txt" -w '%{http_code}' -X POST -u sup01:pw-sup01 "$SV_PURL/api/forward?form=bieu06&period=2025-01" >"$SV/code"
    sv_check "forward: 202" sv_code 202
    sv_check "forward: the three reports of province 01" grep -q "^3 report" "$X/fwd.txt"
    sv_check "forward: all three sent" sv_wait_sent 3
    curl -s -u nadmin:pw-nadmin "$SV_NURL/api/submissions?form=bieu06" >"$X/nat_list.csv"
    sv_check "national: three accepted reports from p01" [ "$(grep -c ',p01,.*,accepted,1,' "$X/nat_list.csv")" = 3 ]
    curl -s -u nadmin:pw-nadmin "$SV_NURL/api/rollup?form=bieu06&period=month" >"$X/nat_rollup.csv"
    curl -s -u sup01:pw-sup01 "$SV_PURL/api/rollup?form=bieu06&period=month" >"$X/prov_rollup.csv"
    sv_check "national roll-up = the province's" cmp -s "$X/nat_rollup.csv" "$X/prov_rollup.csv"
    sv_check "national roll-up has province 01" grep -q "^province,01,2025-01," "$X/nat_rollup.csv"
    curl -s -u nadmin:pw-nadmin "$SV_NURL/api/status?form=bieu06&period=2025-01&tier=province&format=csv" >"$X/nat_status.csv"
    sv_check "national status: province 01 late by 1 working day" \
        grep -q "^2025-01,01,.*,late,2025-01-22,2025-01-23T03:00:00Z,1$" "$X/nat_status.csv"
    sv_check "national status: province 02 missing" grep -q "^2025-01,02,.*,missing,2025-01-22,,$" "$X/nat_status.csv"

    # the national server goes away: the new report waits in the outbox, across a
    # restart of the province's server, and goes when the national one is back
    sv_halt $SV_NPID national
    sv_tthc "$ROOT/examples/tthc/xml/valid/bieu06_00001_2025-01.xml" 00007 2025-01 uuid:t-7 "$X/t7.xml"
    curl -s -o /dev/null -w '%{http_code}' -u sup01:pw-sup01 -F "xml_submission_file=@$X/t7.xml" "$SV_PURL/submission" >"$SV/code"
    sv_check "province: a fourth report" sv_code 201
    curl -s -H "Accept-Language: en" -o "$X/fwd2.txt" -X POST -u sup01:pw-sup01 "$SV_PURL/api/forward?form=bieu06&period=2025-01"
    sv_check "forward again: one new" grep -q "^4 report.* 1 queued" "$X/fwd2.txt"
    sleep 1
    curl -s -u sup01:pw-sup01 "$SV_PURL/api/outbox" >"$X/outbox2.csv"
    sv_check "outbox: pending while the national server is down" grep -q ',pending,[1-9][0-9]*,no answer' "$X/outbox2.csv"
    sv_halt $SV_PPID province
    REGRT_SERVE_NOW=2025-01-23T03:00:00Z sv_launch national "$nat"
    SV_NPID=$SV_LPID
    SV_NURL2=$SV_LURL
    sv_launch province "$store" --forward-to "$SV_NURL2" --forward-user p01 --forward-password-file "$X/fw.pw"
    SV_PPID=$SV_LPID
    SV_PURL=$SV_LURL
    sv_check "after restarts: the fourth report sent" sv_wait_sent 4
    curl -s -u nadmin:pw-nadmin "$SV_NURL2/api/submissions?form=bieu06" >"$X/nat_list2.csv"
    sv_check "national: four reports, none twice" [ "$(grep -c ',p01,.*,accepted,1,' "$X/nat_list2.csv")" = 4 ]
    curl -s -H "Accept-Language: en" -o "$X/fwd3.txt" -X POST -u sup01:pw-sup01 "$SV_PURL/api/forward?form=bieu06&period=2025-01"
    sv_check "forward a third time: nothing new" grep -q "^4 report.* 0 queued" "$X/fwd3.txt"
    sv_halt $SV_PPID province
    sv_halt $SV_NPID national
}

if [ "$sv_ok" = 1 ]; then
    SV_LABEL=sqlite
    sv_suite "sqlite:$SV/store.db"
    SV_LABEL=postgresql
    SV_PG=$(mktemp -d /tmp/regime-pg.XXXXXX)
    if SV_PGURL=$(sh "$ROOT/tests/serve/pg.sh" start "$SV_PG"); then
        sv_suite "$SV_PGURL"
    else
        fail "t_serve: PostgreSQL could not be started (tests/serve/pg.sh); the PostgreSQL store is untested"
    fi
    sh "$ROOT/tests/serve/pg.sh" stop "$SV_PG"
fi
