# examples/ci/regime-ci.sh on a throw-away spec repository: the main branch
# passes; a branch with a compatible change passes; a branch with a
# breaking change fails until the MAJOR version goes up; a warning fails
# the --Werror check; --json leaves machine-readable results.
if ! need git; then
    :
else
ci_run() { # ci_run NAME WANT-STATUS ARGS...: runs the CI script in the repo
    ci_name=$1 ci_want=$2
    shift 2
    (cd "$tmp/repo" && REGC="$REGC" sh "$ROOT/examples/ci/regime-ci.sh" "$@") >"$tmp/ci.out" 2>&1
    ci_st=$?
    expect_status "regime-ci $ci_name" "$ci_want" "$ci_st"
    [ "$ci_st" = "$ci_want" ] || tail -30 "$tmp/ci.out"
}
ci_git() { (cd "$tmp/repo" && git -c user.name=ci -c user.email=ci@example.invalid "$@") >/dev/null 2>&1; }
ci_edit() { # ci_edit FROM TO: replaces a line of the spec
    sed "s|$1|$2|" "$tmp/repo/specs/tiny.regime" >"$tmp/ci.sed" && mv "$tmp/ci.sed" "$tmp/repo/specs/tiny.regime"
}

mkdir -p "$tmp/repo/specs"
cp "$ROOT/examples/ci/tiny.regime" "$tmp/repo/specs/tiny.regime"
ci_git init -q -b main
ci_git add specs && ci_git commit -q -m "tiny 1.0.0"

# main itself: nothing to compare with but itself
ci_run "on main" 0 --no-diff
grep -q "all checks passed" "$tmp/ci.out" && pass || fail "regime-ci on main: no verdict"
ci_run "main against main" 0 --base main

# a compatible change: a code added, a label reworded, a MINOR bump
ci_git checkout -q -b compatible
ci_edit '  code K2 vi "Loại 2" en "Kind 2"' '  code K2 vi "Loại 2" en "Kind 2"\n  code K3 vi "Loại 3" en "Kind 3"'
ci_edit 'en "Tiny report"' 'en "A tiny report"'
ci_edit 'version "1.0.0"' 'version "1.1.0"'
ci_git commit -q -am "compatible"
ci_run "compatible change" 0 --base main
grep -q "compatible  code-added" "$tmp/ci.out" && pass || fail "regime-ci: code-added not reported"
grep -q "compatible  label-changed" "$tmp/ci.out" && pass || fail "regime-ci: label-changed not reported"

# a breaking change: the rule made stricter, no new MAJOR version
ci_git checkout -q main
ci_git checkout -q -b breaking
ci_edit 'check resolved <= received' 'check resolved < received'
ci_edit 'version "1.0.0"' 'version "1.1.0"'
ci_git commit -q -am "breaking"
ci_run "breaking change" 1 --base main
grep -q "breaking    check-stricter" "$tmp/ci.out" && pass || fail "regime-ci: check-stricter not reported"
grep -q "E0710" "$tmp/ci.out" && pass || fail "regime-ci: no E0710 verdict"
grep -q "regime-ci: FAILED" "$tmp/ci.out" && pass || fail "regime-ci: no FAILED verdict"
# ... which a new MAJOR version makes acceptable
ci_edit 'version "1.1.0"' 'version "2.0.0"'
ci_git commit -q -am "major"
ci_run "breaking change with a new MAJOR" 0 --base main --json "$tmp/results"
for ci_f in check-specs__tiny.json diff-specs__tiny.json; do
    [ -s "$tmp/results/$ci_f" ] && pass || fail "regime-ci --json: no $ci_f"
done
grep -q '"major_bump":true' "$tmp/results/diff-specs__tiny.json" && pass || fail "regime-ci --json: diff JSON"

# a warning fails the check under --Werror; a spec given by path
ci_edit '    label vi "Tiếp nhận" en "Received"' '    label en "Received"'
ci_run "warning under --Werror" 1 --no-diff specs/tiny.regime
grep -q "W0101" "$tmp/ci.out" && pass || fail "regime-ci: the warning is not shown"

# usage errors
ci_run "unknown option" 2 --frobnicate
ci_run "unknown base" 2 --base no-such-branch
fi

# docs/CI.md lists every kind of change regc diff knows, with its class, and
# a golden case shows each one
ci_kinds=$(sed -n '/static const kind_info kinds/,/^};/p' "$ROOT/compiler/diff.c" | grep -o '{"[a-z-]*", [BC]}')
ci_n=0
for ci_k in $(printf '%s\n' "$ci_kinds" | sed 's/{"\([a-z-]*\)", \([BC]\)}/\1:\2/'); do
    ci_name=${ci_k%:*}
    case ${ci_k#*:} in B) ci_cls=breaking ;; *) ci_cls=compatible ;; esac
    grep -q "^| \`$ci_name\` | $ci_cls |" "$ROOT/docs/CI.md" || fail "docs/CI.md: no row '$ci_name | $ci_cls'"
    grep -q "^$ci_cls  *$ci_name  " "$ROOT"/tests/golden/diff/*/expected.out || fail "no diff golden shows $ci_name"
    ci_n=$((ci_n + 1))
done
[ "$ci_n" -gt 80 ] && pass || fail "only $ci_n kinds of change found in compiler/diff.c"
