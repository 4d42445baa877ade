#!/usr/bin/env bash
# Regenerates screenshots/*.png from the real rendering code (tests/support/scenes.rs → TestBackend → SVG →
# PNG with rsvg-convert and the IPA Gothic font). Installs the two packages when missing.
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts-common.sh
ensure_packages librsvg2-bin fonts-ipafont-gothic pkg-config libpcsclite-dev
ensure_rust
KOFU_SCREENSHOTS="$PWD/screenshots" cargo test --test integration screenshots:: -- --nocapture
ls -1 screenshots/*.png
