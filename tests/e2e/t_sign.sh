# Signed regime artifacts (docs/DISTRIBUTION.md): regc keygen, build --sign
# and sign; regrt refuses, before any code of the library runs, an altered
# file, another signer's artifact, a missing signature, a truncated library,
# a revoked key and a library that is not a regime. A test library whose
# constructor writes a file proves that its code did not run.
S="$tmp/sign"
mkdir -p "$S"
EX="$ROOT/examples/tthc"
FX="$ROOT/tests/fixtures"
DEV_ID=$(sed -n 's/^id //p' "$REGIME_TRUST/dev.pub")

# flip FILE: changes one byte in the middle of FILE
flip() {
    python3 -c 'import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = len(b) // 2
b[i] ^= 0x01
open(p, "wb").write(b)' "$1"
}
# refused NAME DIR MESSAGE [regrt options]: validate exits 2, says MESSAGE,
# and the test library's constructor did not run
refused() {
    s_name=$1 s_dir=$2 s_msg=$3
    shift 3
    rm -f "$S/ran"
    REGIME_TEST_MARK="$S/ran" "$REGRT" validate "$s_dir" "$FX/edge_input.csv" "$@" >/dev/null 2>"$S/err"
    expect_status "sign: $s_name: exit" 2 $?
    grep -q -- "$s_msg" "$S/err" && pass || fail "sign: $s_name: message: $(cat "$S/err")"
    [ ! -e "$S/ran" ] && pass || fail "sign: $s_name: the library's code ran"
}

# ---- keys ----
"$REGC" keygen -o "$S/other" --comment "another office" >"$S/kg.out" 2>&1
expect_status "sign: keygen" 0 $?
OTHER_ID=$(sed -n 's/^id //p' "$S/other.pub")
grep -q "^key $OTHER_ID$" "$S/kg.out" && pass || fail "sign: keygen prints the key id: $(cat "$S/kg.out")"
[ "$(stat -c %a "$S/other.key")" = 600 ] && pass || fail "sign: the secret key is mode $(stat -c %a "$S/other.key")"
[ "$(stat -c %a "$S/other.pub")" = 644 ] && pass || fail "sign: the public key is mode $(stat -c %a "$S/other.pub")"
# the key id is the start of the public key's sha256
want=$(python3 -c 'import hashlib, sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest()[:16])' \
    "$(sed -n 's/^ed25519 //p' "$S/other.pub")")
[ "$want" = "$OTHER_ID" ] && pass || fail "sign: key id $OTHER_ID, sha256 says $want"
grep -q "^comment another office$" "$S/other.pub" && pass || fail "sign: keygen comment"
cp "$S/other.key" "$S/keep.key"
"$REGC" keygen -o "$S/other" >/dev/null 2>"$S/err"
expect_status "sign: keygen over a key" 2 $?
cmp -s "$S/other.key" "$S/keep.key" && pass || fail "sign: keygen overwrote a key"
"$REGC" keygen >/dev/null 2>&1
expect_status "sign: keygen without -o" 2 $?

# ---- build --sign, sign, reproducible ----
"$REGC" build "$EX/tthc.regime" -o "$S/a" >/dev/null 2>"$S/err"
expect_status "sign: build signed (REGIME_SIGNING_KEY)" 0 $?
[ -f "$S/a/manifest.sig" ] && pass || fail "sign: no manifest.sig"
grep -q "\"signer\": \"$DEV_ID\"" "$S/a/manifest.json" && pass || fail "sign: signer not in the manifest"
for f in tthc.so tthc.h forms/bieu06.xsd forms/bieu06.xform.xml; do
    line="{\"file\": \"$f\", \"size\": $(stat -c %s "$S/a/$f"), \"sha256\": \"$(sha256sum "$S/a/$f" | cut -d' ' -f1)\"}"
    grep -qF "$line" "$S/a/manifest.json" && pass || fail "sign: manifest entry of $f"
done
"$REGC" build "$EX/tthc.regime" -o "$S/b" --sign "$REGIME_SIGNING_KEY" >/dev/null 2>&1
expect_status "sign: build --sign" 0 $?
REGIME_SIGNING_KEY= "$REGC" build "$EX/tthc.regime" -o "$S/u" >/dev/null 2>&1
expect_status "sign: build unsigned" 0 $?
[ ! -e "$S/u/manifest.sig" ] && pass || fail "sign: an unsigned build wrote a signature"
grep -q '"signer"' "$S/u/manifest.json" && fail "sign: an unsigned manifest names a signer" || pass
# byte-reproducible, the signature too (Ed25519 is deterministic); build then
# sign gives the same bytes as build --sign
for f in tthc.so tthc.h manifest.json manifest.sig forms/bieu06.xsd; do
    cmp -s "$S/a/$f" "$S/b/$f" && pass || fail "sign: $f differs between two signed builds"
done
"$REGC" sign "$S/u" >"$S/out" 2>&1
expect_status "sign: regc sign" 0 $?
for f in manifest.json manifest.sig; do
    cmp -s "$S/a/$f" "$S/u/$f" && pass || fail "sign: build then sign: $f differs from build --sign"
done
"$REGC" sign "$S/u" --key "$S/other.pub" >/dev/null 2>"$S/err"
expect_status "sign: sign with a public key" 2 $?
chmod 644 "$S/keep.key"
"$REGC" build "$EX/tthc.regime" -o "$S/x" --sign "$S/keep.key" >/dev/null 2>"$S/err"
expect_status "sign: a key others can read" 2 $?
grep -q "chmod 600" "$S/err" && pass || fail "sign: readable key message: $(cat "$S/err")"
[ ! -e "$S/x" ] && pass || fail "sign: a refused key still built"

# ---- a signed folder loads; info names the signer ----
"$REGRT" validate "$S/a" "$FX/edge_input.csv" >/dev/null 2>"$S/err"
expect_status "sign: signed folder" 1 $?
"$REGRT" validate "$S/a/tthc.so" "$FX/edge_input.csv" >/dev/null 2>&1
expect_status "sign: signed library by path" 1 $?
"$REGRT" info "$S/a" >"$S/info" 2>&1
expect_status "sign: info" 0 $?
grep -q "^signer *$DEV_ID (verified with $REGIME_TRUST/dev.pub)" "$S/info" && pass || fail "sign: info: $(cat "$S/info")"

# ---- the test library: its constructor writes $REGIME_TEST_MARK ----
cat >"$S/evil.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
__attribute__((constructor)) static void ran(void)
{
    const char *p = getenv("REGIME_TEST_MARK");
    FILE *f = p ? fopen(p, "w") : NULL;
    if (f) {
        fputs("ran\n", f);
        fclose(f);
    }
}
int not_a_regime = 1;
EOF
mkdir -p "$S/evil"
if cc -shared -fPIC -o "$S/evil/tthc.so" "$S/evil.c"; then pass; else fail "sign: cannot build the test library"; fi
# the control: loaded without checks, its constructor runs
rm -f "$S/ran"
REGIME_TEST_MARK="$S/ran" "$REGRT" validate "$S/evil" "$FX/edge_input.csv" --allow-unsigned >/dev/null 2>"$S/err"
expect_status "sign: unsigned non-regime allowed" 2 $?
[ -e "$S/ran" ] && pass || fail "sign: the constructor mark does not work"
grep -q "WARNING: .* WITHOUT a trusted signature" "$S/err" && pass || fail "sign: --allow-unsigned warning: $(cat "$S/err")"
grep -q "is not a compiled regime" "$S/err" && pass || fail "sign: non-regime message: $(cat "$S/err")"

# not a regime at all, unsigned: refused before dlopen
refused "non-regime, unsigned" "$S/evil" "is not signed: there is no manifest.json"
refused "non-regime, unsigned, vi" "$S/evil" "chưa được ký" --lang vi
# the same with a manifest but no signature
REGIME_SIGNING_KEY= "$REGC" sign "$S/evil" --key "$S/other.key" >/dev/null 2>&1 && rm "$S/evil/manifest.sig"
refused "non-regime, manifest without signature" "$S/evil" "manifest.sig' is missing"
# signed by another office's key: unknown signer
"$REGC" sign "$S/evil" --key "$S/other.key" >/dev/null 2>&1
refused "non-regime signed by an unknown key" "$S/evil" "signed by key $OTHER_ID, which is not in the trust store"
# swapped into a signed folder in place of the library: size differs
rm -rf "$S/swap" && cp -R "$S/a" "$S/swap" && cp "$S/evil/tthc.so" "$S/swap/tthc.so"
refused "library swapped in a signed folder" "$S/swap" "tthc.so' has [0-9]* bytes but the manifest says"
# with the signed manifest and signature of the evil folder beside a good library
rm -rf "$S/mix" && cp -R "$S/a" "$S/mix" && cp "$S/evil/manifest.json" "$S/evil/manifest.sig" "$S/mix/"
refused "another signer's manifest" "$S/mix" "not in the trust store"

# ---- one byte flipped in each file of a signed folder ----
for f in tthc.so tthc.h forms/bieu06.xsd forms/bieu06.xform.xml manifest.json manifest.sig; do
    rm -rf "$S/f" && cp -R "$S/a" "$S/f" && flip "$S/f/$f"
    case $f in
    manifest.json) msg="does not verify with trusted key $DEV_ID" ;;
    manifest.sig) msg="does not verify\|manifest.sig' is damaged\|which is not in the trust store" ;;
    *) msg="$f' was altered: its sha256 is not the one in the manifest" ;;
    esac
    refused "byte flipped in $f" "$S/f" "$msg"
done
# the library flipped, by path, and with --allow-unsigned: hashes still count
rm -rf "$S/f" && cp -R "$S/a" "$S/f" && flip "$S/f/tthc.so"
refused "flipped library by path" "$S/f/tthc.so" "was altered"
refused "flipped library, --allow-unsigned" "$S/f" "was altered" --allow-unsigned

# ---- signature removed; truncated library ----
rm -rf "$S/n" && cp -R "$S/a" "$S/n" && rm "$S/n/manifest.sig"
refused "signature removed" "$S/n" "is not signed: '.*manifest.sig' is missing"
REGIME_ALLOW_UNSIGNED=1 "$REGRT" validate "$S/n" "$FX/edge_input.csv" >/dev/null 2>"$S/err"
expect_status "sign: signature removed, REGIME_ALLOW_UNSIGNED=1" 1 $?
grep -q "WARNING" "$S/err" && pass || fail "sign: REGIME_ALLOW_UNSIGNED warning"
rm -rf "$S/t" && cp -R "$S/a" "$S/t" && truncate -s 4096 "$S/t/tthc.so"
refused "truncated library" "$S/t" "has 4096 bytes but the manifest says [0-9]*: it is truncated"
refused "truncated library, --allow-unsigned" "$S/t" "it is truncated" --allow-unsigned
rm -rf "$S/t" && cp -R "$S/a" "$S/t" && : >"$S/t/tthc.so"
refused "empty library" "$S/t" "has 0 bytes"
rm -rf "$S/t" && cp -R "$S/a" "$S/t" && rm "$S/t/tthc.h"
refused "a listed file missing" "$S/t" "tthc.h' is listed in the manifest but"
rm -rf "$S/t" && cp -R "$S/a" "$S/t" && cp "$S/t/forms/bieu06.xsd" "$S/t/forms/extra.xsd"
refused "an unlisted form" "$S/t" "forms/extra.xsd' is not listed in the manifest"

# ---- trust store: several keys, --trust, revocation ----
mkdir -p "$S/both" "$S/empty"
cp "$REGIME_TRUST/dev.pub" "$S/other.pub" "$S/both/"
rm -rf "$S/o" && cp -R "$S/a" "$S/o" && "$REGC" sign "$S/o" --key "$S/other.key" >/dev/null
"$REGRT" validate "$S/o" "$FX/edge_input.csv" --trust "$S/both" >/dev/null 2>&1
expect_status "sign: second trusted key" 1 $?
"$REGRT" validate "$S/a" "$FX/edge_input.csv" --trust "$S/both" >/dev/null 2>&1
expect_status "sign: first trusted key" 1 $?
REGIME_TRUST="$S/both" "$REGRT" validate "$S/o" "$FX/edge_input.csv" >/dev/null 2>&1
expect_status "sign: REGIME_TRUST" 1 $?
refused "--trust overrides REGIME_TRUST" "$S/a" "not in the trust store '$S/empty' (trusted: none)" --trust "$S/empty"
refused "no trust store" "$S/a" "no trust store at '$S/nowhere'" --trust "$S/nowhere"
printf '# compromised 2026-01\n%s  # dev\n' "$OTHER_ID" >"$S/both/revoked"
refused "revoked key" "$S/o" "signed by key $OTHER_ID, which is revoked" --trust "$S/both"
"$REGRT" validate "$S/a" "$FX/edge_input.csv" --trust "$S/both" >/dev/null 2>&1
expect_status "sign: a key not revoked still loads" 1 $?
printf 'not-a-key-id\n' >"$S/both/revoked"
refused "damaged revocation list" "$S/a" "revoked:1: not a key id" --trust "$S/both"
rm "$S/both/revoked"
cp "$S/other.key" "$S/both/oops.pub"
refused "a secret key in the trust store" "$S/a" "oops.pub' is damaged: it is a secret key" --trust "$S/both"
rm "$S/both/oops.pub"
# a public key file whose id was edited
sed "s/^id .*/id 0000000000000000/" "$S/other.pub" >"$S/both/other.pub"
refused "an altered trusted key" "$S/a" "other.pub' is damaged: id 0000000000000000 is not the id of this key" --trust "$S/both"
