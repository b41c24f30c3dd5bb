# `regrt serve` under kill -9 (SQLite, then PostgreSQL) and a full store
# (SQLite; docs/ROBUSTNESS.md):
#  1. a burst of 400 communes submitting over 6 connections; the server is
#     killed with SIGKILL in the middle; after a restart every instanceID the
#     client saw acknowledged (2xx) is in the store, accepted, and every
#     stored submission is whole (its XML hashes to its recorded SHA-256, it
#     has its audit entry, the database passes integrity_check);
#  2. a store that cannot grow (REGRT_SERVE_SQLITE_MAX_PAGES) answers 503
#     and keeps nothing of the refused submissions.
# Helpers are prefixed sk_ (this file is sourced by run.sh).
SK=$tmp/crash
SK_U="$ROOT/stdlib/data/vn_admin_units_2025-03-01.csv"
mkdir -p "$SK/spool"
sk_ok=1
"$REGC" build "$ROOT/examples/tthc/tthc.regime" -o "$SK/regimes/tthc" >"$SK/build.log" 2>&1 ||
    { fail "t_serve_crash: regc build"; sk_ok=0; }

SK_STORE="sqlite:$SK/store.db"
sk_start() {
    env "$@" "$REGRT" serve --regimes "$SK/regimes" --units "$SK_U" --store "$SK_STORE" \
        --listen 127.0.0.1:0 --spool "$SK/spool" >"$SK/server.log" 2>&1 &
    SK_PID=$!
    i=0
    while [ $i -lt 900 ] && ! grep -q "listening on" "$SK/server.log" 2>/dev/null && kill -0 $SK_PID 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    sleep 0.2
    SK_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$SK/server.log")
    [ -n "$SK_URL" ] || { fail "t_serve_crash: the server did not start"; cat "$SK/server.log"; return 1; }
}

# sk_verify: acknowledged => stored; stored => whole
sk_verify() {
    python3 - "$SK/store.db" "$SK/acked" <<'EOF'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
bad = []
if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
    bad.append("integrity_check failed")
stored = {}
for iid, sha, xml, status in db.execute("SELECT instance_id, sha256, xml, status FROM submission"):
    stored[iid] = status
    if hashlib.sha256(xml).hexdigest() != sha:
        bad.append("half-stored: %s" % iid)
n_audit = db.execute("SELECT COUNT(*) FROM audit WHERE action = 'submit'").fetchone()[0]
if n_audit != len(stored):
    bad.append("audit: %d entries for %d submissions" % (n_audit, len(stored)))
acked = [l.split()[0] for l in open(sys.argv[2]) if l.strip()]
lost = [i for i in acked if stored.get(i) != "accepted"]
if lost:
    bad.append("%d acknowledged submission(s) lost, e.g. %s" % (len(lost), lost[0]))
print("acknowledged %d, stored %d" % (len(acked), len(stored)))
for b in bad:
    print("BAD " + b)
sys.exit(1 if bad else 0)
EOF
}

# the same checks on PostgreSQL, through psql
sk_verify_pg() {
    psql "$SK_STORE" -At -F ' ' -c "SELECT instance_id, status, encode(sha256(xml), 'hex') = sha256 FROM submission" \
        >"$SK/pg_rows.txt" || return 1
    n_audit=$(psql "$SK_STORE" -At -c "SELECT COUNT(*) FROM audit WHERE action = 'submit'") || return 1
    python3 - "$SK/pg_rows.txt" "$SK/acked" "$n_audit" <<'EOF'
import sys
stored, bad = {}, []
for line in open(sys.argv[1]):
    iid, status, whole = line.split()
    stored[iid] = status
    if whole != "t":
        bad.append("half-stored: %s" % iid)
if int(sys.argv[3]) != len(stored):
    bad.append("audit: %s entries for %d submissions" % (sys.argv[3], len(stored)))
acked = [l.split()[0] for l in open(sys.argv[2]) if l.strip()]
lost = [i for i in acked if stored.get(i) != "accepted"]
if lost:
    bad.append("%d acknowledged submission(s) lost, e.g. %s" % (len(lost), lost[0]))
print("acknowledged %d, stored %d" % (len(acked), len(stored)))
for b in bad:
    print("BAD " + b)
sys.exit(1 if bad else 0)
EOF
}

# sk_burst LABEL VERIFY: the burst, kill -9, the checks, the resend
sk_burst() {
    : >"$SK/acked"
    python3 "$ROOT/tests/serve/load.py" run "$SK_URL" "$SK_U" --limit 400 --workers 6 --acked "$SK/acked" \
        >"$SK/load.out" 2>&1 &
    SK_LOAD=$!
    # kill once some submissions are acknowledged and the burst still runs
    i=0
    while [ $i -lt 600 ] && [ "$(wc -l <"$SK/acked")" -lt 60 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    kill -9 $SK_PID
    wait $SK_PID 2>/dev/null
    wait $SK_LOAD
    n_acked=$(wc -l <"$SK/acked")
    if [ "$n_acked" -ge 60 ] && [ "$n_acked" -lt 400 ]; then pass; else fail "t_serve_crash[$1]: the kill did not land mid-burst ($n_acked acknowledged)"; fi
    if $2 >"$SK/verify.out"; then pass; else fail "t_serve_crash[$1]: after kill -9"; cat "$SK/verify.out"; fi
    # the server comes back on the same store, and the rest of the burst goes in
    if sk_start; then
        python3 "$ROOT/tests/serve/load.py" run "$SK_URL" "$SK_U" --limit 400 --workers 6 --acked "$SK/acked" >"$SK/load2.out" 2>&1
        grep -q "status 201:[0-9]*\( 202:[0-9]*\)\?$" "$SK/load2.out" && pass || { fail "t_serve_crash[$1]: resend after restart"; cat "$SK/load2.out"; }
        kill -TERM $SK_PID
        wait $SK_PID
        [ $? -eq 0 ] && pass || fail "t_serve_crash[$1]: the server did not stop cleanly"
        if $2 >"$SK/verify.out" && grep -q "stored 400$" "$SK/verify.out"; then pass; else fail "t_serve_crash[$1]: after the resend"; cat "$SK/verify.out"; fi
    fi
}

if [ "$sk_ok" = 1 ]; then
    python3 "$ROOT/tests/serve/load.py" accounts "$SK_U" "$SK/all.csv"
    head -401 "$SK/all.csv" >"$SK/accounts.csv"
    "$REGRT" serve-admin --store "sqlite:$SK/store.db" import "$SK/accounts.csv" --cost min >/dev/null ||
        fail "t_serve_crash: import accounts"
    sk_start && sk_burst sqlite sk_verify

    # ---- a full store: 503, nothing partial ----
    pages=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA page_count').fetchone()[0])" "$SK/store.db")
    before=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM submission').fetchone()[0])" "$SK/store.db")
    if sk_start REGRT_SERVE_SQLITE_MAX_PAGES="$pages"; then
        python3 "$ROOT/tests/serve/load.py" run "$SK_URL" "$SK_U" --limit 30 --workers 2 --seed 7 --acked "$SK/acked_full" \
            >"$SK/load3.out" 2>&1
        grep -q "status 503:30$" "$SK/load3.out" && pass || { fail "t_serve_crash: a full store must answer 503"; cat "$SK/load3.out"; }
        curl -s -D "$SK/h" -o /dev/null -u c00001:pw-00001 "$SK_URL/formList"
        grep -q "^HTTP/1.1 200" "$SK/h" && pass || fail "t_serve_crash: the server still serves forms when full"
        kill -TERM $SK_PID
        wait $SK_PID
    fi
    after=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM submission').fetchone()[0])" "$SK/store.db")
    [ "$before" = "$after" ] && pass || fail "t_serve_crash: a full store kept $((after - before)) submission(s)"
    if sk_verify >"$SK/verify.out"; then pass; else fail "t_serve_crash: after the full store"; cat "$SK/verify.out"; fi

    # ---- kill -9 on PostgreSQL ----
    SK_PG=$(mktemp -d /tmp/regime-pg.XXXXXX)
    if SK_STORE=$(sh "$ROOT/tests/serve/pg.sh" start "$SK_PG"); then
        "$REGRT" serve-admin --store "$SK_STORE" import "$SK/accounts.csv" --cost min >/dev/null ||
            fail "t_serve_crash[postgresql]: import accounts"
        sk_start && sk_burst postgresql sk_verify_pg
    else
        fail "t_serve_crash: PostgreSQL could not be started (tests/serve/pg.sh)"
    fi
    sh "$ROOT/tests/serve/pg.sh" stop "$SK_PG"
fi
