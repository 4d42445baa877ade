#!/usr/bin/env bash
# Starts kofu's desk screen on a fresh demo database with demo cards (simulated reader).
# Installs the missing system packages first. Extra arguments go to `kofu demo`.
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts-common.sh

ensure_packages pkg-config libpcsclite-dev
ensure_rust
exec cargo run --release --quiet -- demo "$@"
