# The command-line surface of both tools: --help, --version, usage errors.
for tool in "$REGC" "$REGRT"; do
    nm=$(basename "$tool")
    "$tool" --help >"$tmp/h" 2>&1; expect_status "$nm --help" 0 $?
    grep -q "Usage:" "$tmp/h" && pass || fail "$nm --help prints no usage"
    "$tool" --version >"$tmp/v" 2>&1; expect_status "$nm --version" 0 $?
    grep -q "$nm [0-9]" "$tmp/v" && pass || fail "$nm --version prints no version"
    "$tool" frobnicate >"$tmp/e" 2>&1; expect_status "$nm unknown subcommand" 2 $?
    grep -q "unknown command 'frobnicate'" "$tmp/e" && pass || fail "$nm: unknown command message"
    "$tool" --frob >"$tmp/e" 2>&1; expect_status "$nm unknown option" 2 $?
    "$tool" >"$tmp/e" 2>&1; expect_status "$nm without arguments" 2 $?
done
