#!/usr/bin/env bash
# Installs the Debian packages Regime needs, only those that are missing.
# Idempotent: a second run installs nothing and does not touch the network.
set -euo pipefail

PKGS=(flex bison llvm-19-dev clang-19 lld-19 libclang-rt-19-dev libclang-rt-19-dev-wasm32 libxml2-dev
      libxml2-utils check pkg-config valgrind make gcc python3 nodejs chromium
      libmicrohttpd-dev libsqlite3-dev libpq-dev postgresql libsodium-dev libcurl4-gnutls-dev curl nginx openssl)

missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}" >&2
    SUDO=
    if [ "$(id -u)" -ne 0 ]; then
        SUDO=sudo
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# npm packages of the browser tests and of the forms conformance suite,
# each pinned by its lockfile (nothing is done when it is installed)
bash "$(dirname "$0")/web-deps.sh"
sh "$(dirname "$0")/../tests/forms/install.sh"
