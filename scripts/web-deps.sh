#!/usr/bin/env bash
# Installs the npm packages of the browser tests (tests/web: playwright-core,
# pinned by tests/web/package-lock.json) when they are missing. Called by
# scripts/deps.sh; Chromium itself is Debian's (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/../tests/web"
want=$(node -p 'require("./package-lock.json").packages["node_modules/playwright-core"].version')
have=$(node -p 'try { require("./node_modules/playwright-core/package.json").version } catch (e) { "" }' 2>/dev/null || true)
if [ "$want" != "$have" ]; then
    echo "deps: npm ci in tests/web (playwright-core $want)" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
fi
