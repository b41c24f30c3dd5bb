#!/bin/sh
# Installs the npm packages of the forms conformance suite (package.json,
# pinned by package-lock.json) into tests/forms/node_modules with `npm ci`,
# unless the lockfile installed last is the current one. Called by
# scripts/deps.sh and by tests/forms/run.sh.
set -eu
DIR=$(cd "$(dirname "$0")" && pwd)
cd "$DIR"
command -v npm >/dev/null 2>&1 || { echo "forms: npm not found (Node 20 is needed for the forms suite)" >&2; exit 2; }
want=$(sha256sum package-lock.json | cut -c1-64)
if [ -f node_modules/.regime-lock ] && [ "$(cat node_modules/.regime-lock)" = "$want" ]; then
    exit 0
fi
echo "forms: npm ci in tests/forms" >&2
npm ci --no-audit --no-fund --loglevel=error >&2
echo "$want" > node_modules/.regime-lock
