# `regrt serve` behind nginx with TLS (tests/serve/nginx.conf, the config
# docs/SERVER.md documents): forms listed and downloaded over https with
# https download URLs, a submission (also chunked), the body limit enforced
# by nginx, plain HTTP refused on the TLS port. Helpers are prefixed st_.
ST=$(mktemp -d /tmp/regime-tls.XXXXXX)
chmod 755 "$ST"
st_ok=1
command -v nginx >/dev/null 2>&1 || command -v /usr/sbin/nginx >/dev/null 2>&1 ||
    { fail "t_serve_tls: nginx is missing (bash scripts/deps.sh)"; st_ok=0; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ "$st_ok" = 1 ]; then
    "$REGC" build "$ROOT/examples/tthc/tthc.regime" -o "$ST/regimes/tthc" >"$ST/build.log" 2>&1 ||
        { fail "t_serve_tls: regc build"; st_ok=0; }
    openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -addext subjectAltName=DNS:localhost \
        -days 2 -keyout "$ST/key.pem" -out "$ST/cert.pem" >"$ST/openssl.log" 2>&1 ||
        { fail "t_serve_tls: openssl"; cat "$ST/openssl.log"; st_ok=0; }
fi
if [ "$st_ok" = 1 ]; then
    printf 'name,role,unit,password,rate\nc00001,reporter,00001,pw-00001,0\n' >"$ST/acc.csv"
    "$REGRT" serve-admin --store "$ST/store.db" import "$ST/acc.csv" --cost min >/dev/null
    "$REGRT" serve --regimes "$ST/regimes" --units "$ROOT/stdlib/data/vn_admin_units_2025-03-01.csv" \
        --store "$ST/store.db" --listen 127.0.0.1:0 --max-body 1048576 --spool "$ST/spool" >"$ST/server.log" 2>&1 &
    st_pid=$!
    i=0
    while [ $i -lt 900 ] && ! grep -q "listening on" "$ST/server.log" && kill -0 $st_pid 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    sleep 0.2
    st_up=$(sed -n 's/.*listening on http:\/\/\([^ ]*\).*/\1/p' "$ST/server.log")
    st_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    sed -e "s|@DIR@|$ST|g" -e "s|@PORT@|$st_port|g" -e "s|@UPSTREAM@|$st_up|g" \
        "$ROOT/tests/serve/nginx.conf" >"$ST/nginx.conf"
    [ "$(id -u)" = 0 ] && sed -i '1i user root;' "$ST/nginx.conf"
    "$NGINX" -c "$ST/nginx.conf" -p "$ST" >"$ST/nginx.out" 2>&1 &
    st_ng=$!
    i=0
    while [ $i -lt 100 ] && ! curl -s -o /dev/null --cacert "$ST/cert.pem" "https://localhost:$st_port/formList"; do
        sleep 0.1
        i=$((i + 1))
    done
    B="https://localhost:$st_port"
    code=$(curl -s -o "$ST/fl.xml" -D "$ST/h" -w '%{http_code}' --cacert "$ST/cert.pem" -u c00001:pw-00001 "$B/formList")
    [ "$code" = 200 ] && pass || { fail "t_serve_tls: formList over https: $code"; cat "$ST/error.log" "$ST/nginx.out" 2>/dev/null | tail -5; }
    tr -d '\r' <"$ST/h" | grep -qi "^X-OpenRosa-Version: 1.0" && pass || fail "t_serve_tls: X-OpenRosa-Version through nginx"
    url=$(sed -n 's|.*<downloadUrl>\(.*\)</downloadUrl>.*|\1|p' "$ST/fl.xml")
    [ "$url" = "$B/forms/bieu06.xml" ] && pass || fail "t_serve_tls: downloadUrl is '$url', expected $B/forms/bieu06.xml"
    curl -s -o "$ST/f.xml" --cacert "$ST/cert.pem" -u c00001:pw-00001 "$url"
    cmp -s "$ST/f.xml" "$ST/regimes/tthc/forms/bieu06.xform.xml" && pass || fail "t_serve_tls: form download over https"
    X="$ROOT/examples/tthc/xml/valid/bieu06_00001_2025-01.xml"
    code=$(curl -s -o "$ST/r" -w '%{http_code}' --cacert "$ST/cert.pem" -u c00001:pw-00001 -F "xml_submission_file=@$X" "$B/submission")
    [ "$code" = 201 ] && pass || { fail "t_serve_tls: submission over https: $code"; cat "$ST/r"; }
    sed 's|<instanceID>[^<]*</instanceID>|<instanceID>uuid:tls-chunked</instanceID>|' "$X" >"$ST/c.xml"
    code=$(curl -s -o "$ST/r" -w '%{http_code}' --cacert "$ST/cert.pem" -u c00001:pw-00001 -H "Transfer-Encoding: chunked" \
        -F "xml_submission_file=@$ST/c.xml" "$B/submission")
    [ "$code" = 201 ] && pass || { fail "t_serve_tls: chunked submission over https: $code"; cat "$ST/r"; }
    head -c 2000000 /dev/zero | tr '\0' ' ' >"$ST/big.xml"
    code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ST/cert.pem" -u c00001:pw-00001 -F "xml_submission_file=@$ST/big.xml" "$B/submission")
    [ "$code" = 413 ] && pass || fail "t_serve_tls: a body over the limit: $code, expected 413"
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$st_port/formList")
    [ "$code" = 400 ] && pass || fail "t_serve_tls: plain HTTP on the TLS port: $code, expected 400"
    kill -TERM $st_ng 2>/dev/null
    wait $st_ng
    kill -TERM $st_pid
    wait $st_pid
    [ $? -eq 0 ] && pass || fail "t_serve_tls: the server did not stop cleanly"
fi
rm -rf "$ST"
