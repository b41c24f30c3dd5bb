#!/bin/sh
# The conformance suite of the generated XForms (docs/FORMS.md, `make
# test-forms`): every form of every example and of the golden specs that
# build, run in ODK's engine (Node) and in Enketo (headless Chromium),
# compared with `regrt validate` and the XSD. Outputs under $O/forms-conf/:
# the submissions of every case, and enketo/enketo-<form>.png, a screenshot.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case "$O" in /*) B=$O ;; *) B=$ROOT/$O ;; esac
REGC=$B/bin/regc
REGRT=$B/bin/regrt
OUT=$B/forms-conf
sh "$ROOT/tests/forms/install.sh"
rm -rf "$OUT"
mkdir -p "$OUT/lib"
libs=
examples=
for spec in "$ROOT"/examples/*/*.regime "$ROOT"/tests/golden/forms/*.regime; do
    [ -e "$spec" ] || continue
    case "$spec" in
    "$ROOT"/examples/*)
        name=$(basename "$(dirname "$spec")")
        samples=$(dirname "$spec")/xml/valid ;;
    *)
        name=golden-$(basename "$spec" .regime)
        samples=${spec%.regime}.samples/valid ;;
    esac
    if ! "$REGC" build "$spec" -o "$OUT/lib/$name" >"$OUT/$name.log" 2>&1; then
        case "$spec" in
        "$ROOT"/examples/*) cat "$OUT/$name.log" >&2; echo "forms: FAIL $spec does not build" >&2; exit 1 ;;
        *) echo "forms: $spec is not compiled by regc build (see $OUT/$name.log): not run" >&2; continue ;;
        esac
    fi
    libs="$libs $OUT/lib/$name=$samples"
    # Enketo: the examples, and the golden form with per-unit fields
    case "$spec" in "$ROOT"/examples/*|*/golden/forms/perunit.regime) examples="$examples $OUT/lib/$name=$samples" ;; esac
done
cd "$ROOT/tests/forms"
rc=0
# shellcheck disable=SC2086
node odk.mjs "$OUT/odk" "$REGRT" $libs || rc=1
# shellcheck disable=SC2086
node enketo.mjs "$OUT/enketo" "$REGRT" $examples || rc=1
[ $rc = 0 ] && echo "forms: all engines agree with regrt"
exit $rc
