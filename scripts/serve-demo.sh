#!/bin/sh
# make serve-demo: serves the tthc example (built and signed by the Makefile
# into build/serve-demo/regimes/tthc) with the example's April-June 2025
# submissions loaded through the server's own OpenRosa submission API, so the
# status board, the figures and the history have something to show.
# Usage: sh scripts/serve-demo.sh REGRT [ADDR:PORT]
set -eu
REGRT=$1
LISTEN=${2:-127.0.0.1:8080}
D=build/serve-demo
URL="http://$LISTEN"

REGIME_TRUST=$(pwd)/build/devkey/trusted "$REGRT" serve --regimes "$D/regimes" \
    --units stdlib/data/vn_admin_units_2025-03-01.csv --store "$D/store.db" --listen "$LISTEN" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' INT TERM

i=0
until curl -s -o /dev/null -H 'X-OpenRosa-Version: 1.0' -u admin:demo "$URL/formList"; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 $SERVER 2>/dev/null; then
        echo "serve-demo: the server did not start on $LISTEN (is the port taken?)" >&2
        exit 2
    fi
    sleep 0.1
done

# One OpenRosa submission per (unit, month) of the example's CSV files; the
# instanceID is derived from them, so running the demo again stores nothing
# twice (the server answers 202 for a known instanceID).
mkdir -p "$D/xml"
python3 - "$D/xml" examples/tthc/submissions_2025-0[456].csv <<'PY'
import csv, sys, hashlib, os
out = sys.argv[1]
groups = {}
for path in sys.argv[2:]:
    with open(path, newline='', encoding='utf-8') as f:
        for row in csv.DictReader(f):
            groups.setdefault((row['unit'], row['period']), []).append(row)
for (unit, period), rows in sorted(groups.items()):
    iid = hashlib.sha256(f'demo/{unit}/{period}'.encode()).hexdigest()
    iid = f'uuid:{iid[:8]}-{iid[8:12]}-{iid[12:16]}-{iid[16:20]}-{iid[20:32]}'
    x = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<bieu06 xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms" id="bieu06" version="1.0.0">',
         f'  <unit>{unit}</unit>', f'  <period>{period}</period>']
    for r in rows:
        x.append('  <row>')
        for k, v in r.items():
            if k not in ('unit', 'period'):
                x.append(f'    <{k}>{v}</{k}>')
        x.append('  </row>')
    x += ['  <meta>', f'    <instanceID>{iid}</instanceID>', '  </meta>', '</bieu06>']
    with open(os.path.join(out, f'bieu06_{unit}_{period}.xml'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(x) + '\n')
PY
n=0 r=0
for f in "$D"/xml/*.xml; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -u admin:demo -H 'X-OpenRosa-Version: 1.0' \
        -F "xml_submission_file=@$f;type=text/xml" "$URL/submission")
    case $code in
    201 | 202) n=$((n + 1)) ;;
    400) r=$((r + 1)) ;; # stored as rejected: the examples carry deliberate errors
    *) echo "serve-demo: $f was answered $code" >&2 ;;
    esac
done
echo "serve-demo: tthc, April-June 2025: $n reports accepted, $r stored as rejected (the examples' deliberate errors)"
echo "serve-demo: the pages are at $URL/app/ (commune c00001 / demo, province p01 / demo); Ctrl-C stops"
wait $SERVER
