#!/bin/sh
# devkey.sh REGC DIR NAME — a development signing key and the trust store
# that trusts it, made once: DIR/NAME.key (secret, 0600), DIR/NAME.pub and
# DIR/trusted/NAME.pub. Used by the tests (build/testkey), `make demo` and
# `make bench` (build/devkey) so that what they build is signed and what
# they load verifies (docs/DISTRIBUTION.md). Safe to run concurrently: the
# folder appears whole or not at all. Then:
#   export REGIME_SIGNING_KEY=DIR/NAME.key REGIME_TRUST=DIR/trusted
set -eu
REGC=$1 DIR=$2 NAME=$3
[ -f "$DIR/$NAME.key" ] && [ -f "$DIR/trusted/$NAME.pub" ] && exit 0
mkdir -p "$(dirname "$DIR")"
tmp="$DIR.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/trusted"
"$REGC" keygen -o "$tmp/$NAME" --comment "$NAME key of $(basename "$(dirname "$DIR")")/$(basename "$DIR") (development only)" >/dev/null
cp "$tmp/$NAME.pub" "$tmp/trusted/$NAME.pub"
if ! mv -T "$tmp" "$DIR" 2>/dev/null; then
    rm -rf "$tmp"
    # another run made it first, or an incomplete folder is in the way
    [ -f "$DIR/$NAME.key" ] && [ -f "$DIR/trusted/$NAME.pub" ] || {
        echo "devkey: '$DIR' exists but holds no $NAME.key and trusted/$NAME.pub; remove it" >&2
        exit 2
    }
fi
