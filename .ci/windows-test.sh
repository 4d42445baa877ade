#!/usr/bin/env bash
# The Windows stage of ./test.sh: builds kofu and every test executable for x86_64-pc-windows-gnu,
# runs each one under Wine (the card tests against a real pcscd + vsmartcard-vpcd + the emulated
# card, through Wine 10's winscard), builds both packages (./package.sh) and runs the packaged
# kofu.exe from the unzipped Windows zip. Closes with `windows: N passed, M failed`.
#
# Set-up failures (toolchain, Wine, packages) always fail the run; nothing here is skipped.
# Outside CI, KOFU_SKIP_WINDOWS=1 skips the whole stage (ignored when CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."
. ./scripts-common.sh
. .ci/windows-toolchain.sh
. .ci/wine-setup.sh

if [ "${KOFU_SKIP_WINDOWS:-}" = 1 ] && [ "${CI:-}" != true ]; then
  echo "windows: stage skipped (KOFU_SKIP_WINDOWS=1)"
  exit 0
fi

repo=$PWD
stage_start=$(date +%s)
lap() { # lap NAME: print the wall time since the last lap
  local now
  now=$(date +%s)
  echo "== windows: $1 took $((now - stage_start)) s"
  stage_start=$now
}
die() { echo "windows: set-up failed: $*" >&2; exit 1; }

echo "== windows: toolchain and Wine"
ensure_packages pkg-config libpcsclite-dev pcscd vsmartcard-vpcd python3 zip unzip || die "packages"
win_toolchain_setup || die "Rust toolchain for $WIN_TARGET"
wine_setup || die "Wine"
lap "toolchain + Wine set-up"

# One Windows build per run: the tests are built with the profile that ships (profile.dist),
# so ./package.sh below reuses the very kofu.exe the tests ran.
echo "== windows: build (profile dist, $WIN_TARGET)"
win_rust_env
mkdir -p "$CARGO_TARGET_DIR"
json="$CARGO_TARGET_DIR/test-executables.json"
win_cargo test --profile dist --no-run --message-format=json-render-diagnostics >"$json" \
  || die "cargo test --no-run for $WIN_TARGET"
mapfile -t exes < <(python3 - "$json" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"].get("test"):
        print(m["executable"])
PY
)
[ ${#exes[@]} -gt 0 ] || die "no test executables were built"
lap "build of kofu + ${#exes[@]} test executables"

passed=0
failed=0
failures=()
logs="$CARGO_TARGET_DIR/wine-logs"
mkdir -p "$logs"

# A pcscd of ours left behind by a killed test exe (no PR_SET_PDEATHSIG under Wine): stop it by pid.
stop_our_pcscd() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null)" = pcscd ] || continue
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q 'kofu-pcscd-' || continue
    kill -TERM "${p#/proc/}" 2>/dev/null || true
  done
}
trap 'stop_our_pcscd; wine_stop' EXIT

echo "== windows: running the test executables under Wine"
wine_env
"$WINESERVER" -p  # one persistent wineserver for the whole run
for exe in "${exes[@]}"; do
  name=$(basename "$exe" .exe)
  log="$logs/$name.log"
  set +e
  # KOFU_UNDER_WINE: the one test assertion Wine cannot show (idle PC/SC cost) reads it.
  KOFU_UNDER_WINE=1 timeout 900 "$WINE" "$exe" --test-threads=2 >"$log" 2>&1
  rc=$?
  set -e
  # Sum libtest's own result lines ("test result: ok. 12 passed; 0 failed; …").
  read -r p f < <(awk '/^test result:/ { for (i=1;i<=NF;i++) { if ($(i)~/^passed;?$/) p+=$(i-1); if ($(i)~/^failed;?$/) f+=$(i-1) } }
                       END { print p+0, f+0 }' "$log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi  # crashed or timed out: count it
  passed=$((passed + p))
  failed=$((failed + f))
  printf '%-28s %4d passed, %d failed%s\n' "$name" "$p" "$f" "$([ "$rc" -ne 0 ] && echo " (exit $rc; log $log)")"
  if [ "$f" -ne 0 ]; then
    failures+=("$name")
    grep -E '^(---- |thread .* panicked|test .* FAILED)' "$log" | head -20 || true
  fi
done
stop_our_pcscd
lap "Wine test run"

echo "== windows: packages"
./package.sh || die "./package.sh"
lap "packaging"

echo "== windows: the packaged kofu.exe, unzipped, under Wine"
version=$(awk -F'"' '/^version *=/ { print $2; exit }' Cargo.toml)
zipfile="dist/kofu-$version-windows-x86_64.zip"
unz=$(mktemp -d)
check() { # check NAME CMD…: one counted package check
  local name="$1"
  shift
  if "$@"; then passed=$((passed + 1)); echo "package: $name ok"
  else failed=$((failed + 1)); failures+=("package: $name"); echo "package: $name FAILED"; fi
}
unzip_ok() { unzip -q "$zipfile" -d "$unz" && [ -f "$unz/kofu-$version-windows-x86_64/kofu.exe" ]; }
check "zip unpacks to kofu.exe" unzip_ok
pkg="$unz/kofu-$version-windows-x86_64"
version_ok() {
  local out
  out=$(cd "$pkg" && "$WINE" ./kofu.exe --version | tr -d '\r')
  [ "$out" = "kofu $version" ] || { echo "got: $out"; return 1; }
}
check "kofu.exe --version" version_ok
expiry_ok() {
  # Byte-identical to the Linux build's answer, from the data/ shipped beside kofu.exe.
  local got want
  got=$(cd "$pkg" && "$WINE" ./kofu.exe rules expiry --issued R6.4.1 --born 1980-05-05 --json | tr -d '\r')
  want=$(cd "$pkg" && KOFU_DATA_DIR="$PWD/data" "$repo/target/dist/kofu" rules expiry --issued R6.4.1 --born 1980-05-05 --json)
  [ -n "$got" ] && [ "$got" = "$want" ] || { echo "got: $got"; echo "want: $want"; return 1; }
  grep -q '"expiry": "2028-05-05"' <<<"$got"
}
check "kofu.exe rules expiry (data/ beside the exe)" expiry_ok
rm -rf "$unz"
lap "package checks"

[ ${#failures[@]} -eq 0 ] || echo "windows: failing: ${failures[*]}"
echo "windows: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
