#!/usr/bin/env bash
# Runs every kofu test on a fresh Debian/Ubuntu machine: installs what is missing, then
# formatting, lints, rustdoc links and the whole test suite (unit, property, store, CLI, card tests through a
# real pcscd + vsmartcard-vpcd, UI snapshots, PTY end-to-end, the HTML cover list printed by
# headless Chromium), then the Windows stage: kofu.exe and every test built for Windows and run
# under Wine (card tests through Wine's winscard and the same pcscd), and both packages built
# (.ci/windows-test.sh, ./package.sh; KOFU_SKIP_WINDOWS=1 skips it outside CI).
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts-common.sh

# pcscd + vsmartcard-vpcd: card tests through a real PC/SC stack with an emulated card.
# chromium + poppler-utils + a Japanese font: the printed cover list is checked as a PDF.
# faketime + tzdata: the suite runs again at awkward instants in foreign time zones.
ensure_packages pkg-config libpcsclite-dev pcscd vsmartcard-vpcd \
  chromium poppler-utils fonts-ipafont-gothic faketime tzdata
ensure_rust

# Prints how long each stage took (CI has 90 minutes on 2 cores).
stage_start=$SECONDS
stage() {
  echo "   (took $((SECONDS - stage_start)) s)"
  stage_start=$SECONDS
  echo "== $*"
}

export CARGO_TERM_COLOR=never
# Lean builds on small machines; CI sets CI=true, which also makes card tests fail (never skip)
# when pcscd cannot run, and makes insta refuse to write snapshots.
stage "cargo fmt --check"
cargo fmt --all -- --check
stage "cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings
stage "cargo doc (the module docs' links must resolve)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
stage "cargo test"
cargo test -- --test-threads=2

# Time is an input: no test may depend on today's date or the machine's zone. Run the whole
# suite again (already built) under libfaketime at two instants, outside Asia/Tokyo:
# half past midnight JST on New Year's Day, and JST midnight a year from today. Monotonic
# clocks stay real (timeouts). Doc-tests are left out here: rustdoc hangs under libfaketime,
# and they hold no date logic (they ran above).
next_year_midnight_jst="$(date -u -d '+1 year' '+%Y-%m-%d') 15:00:00"
for at in "2026-12-31 15:30:00|America/New_York" "$next_year_midnight_jst|UTC"; do
  utc="${at%%|*}" zone="${at##*|}"
  # libfaketime reads its start time as wall time in the faked process's own zone.
  start=$(TZ="$zone" date -d "$utc UTC" '+%Y-%m-%d %H:%M:%S')
  stage "cargo test under faketime: $utc UTC, TZ=$zone"
  # Check the instant a program really sees (perl, not date -u, which resets its own zone).
  seen=$(FAKETIME_DONT_FAKE_MONOTONIC=1 TZ="$zone" faketime -f "@$start" perl -e \
    '@t = gmtime(time); printf "%04d-%02d-%02d %02d:%02d", $t[5] + 1900, $t[4] + 1, @t[3, 2, 1]')
  [ "$seen" = "${utc:0:16}" ] || { echo "faketime gives $seen UTC, not $utc" >&2; exit 1; }
  FAKETIME_DONT_FAKE_MONOTONIC=1 TZ="$zone" faketime -f "@$start" \
    cargo test --lib --bins --tests -- --test-threads=2
done
stage "Windows: build for x86_64-pc-windows-gnu, every test under Wine, packages"
.ci/windows-test.sh
stage "done"
