# Sourced by the Windows stage: a Rust toolchain that builds kofu for x86_64-pc-windows-gnu.
#
# rustup's toolchain on the build machine has no Windows target and nothing outside the package
# registries can be fetched, so this uses Debian bookworm-security's rustc-web/cargo-web 1.96
# (with rust-web-src: std's source) unpacked with `dpkg -x` into a private prefix — nothing is
# installed system-wide from those — and builds std itself (`-Zbuild-std`, RUSTC_BOOTSTRAP=1),
# linking with Debian's mingw-w64. libllvm22 and libgit2-1.5 (what rustc-web/cargo-web link) and
# mingw-w64 are plain apt installs.
#
#   win_toolchain_setup   install/unpack what is missing (idempotent; cached under $KOFU_WIN_CACHE)
#   win_cargo ARGS…       cargo with the Windows target, env and -Zbuild-std
#
# The cache ($KOFU_WIN_CACHE, default ~/.cache/kofu-win) survives between runs on one machine; on a
# fresh machine everything is fetched from the package registries again.

KOFU_WIN_CACHE="${KOFU_WIN_CACHE:-$HOME/.cache/kofu-win}"
WIN_TARGET=x86_64-pc-windows-gnu
WIN_RUST_PKGS=(rustc-web cargo-web libstd-rust-web-dev libstd-rust-web-1.96 rust-web-src)
WIN_RUST_PREFIX="$KOFU_WIN_CACHE/rust-1.96"

# shellcheck source=apt-private.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt-private.sh"

win_toolchain_setup() {
  ensure_packages gcc-mingw-w64-x86-64 libllvm22 libgit2-1.5 || return 1
  local stamp="$WIN_RUST_PREFIX/.kofu-stamp" want="${WIN_RUST_PKGS[*]}"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$WIN_RUST_PREFIX/usr/bin/cargo" ]; then
    return 0
  fi
  echo "kofu: unpacking Rust 1.96 (Debian rustc-web) into $WIN_RUST_PREFIX" >&2
  local debs="$KOFU_WIN_CACHE/debs/rust"
  rm -rf "$debs" "$WIN_RUST_PREFIX"
  mkdir -p "$debs" "$WIN_RUST_PREFIX"
  private_apt_download "$debs" bookworm-security "${WIN_RUST_PKGS[@]}" || return 1
  local d
  for d in "$debs"/*.deb; do dpkg -x "$d" "$WIN_RUST_PREFIX" || return 1; done
  rm -rf "$debs"
  win_rust_env
  "$WIN_RUST_PREFIX/usr/bin/rustc" -vV >/dev/null || return 1
  [ -f "$WIN_RUST_PREFIX/usr/lib/rustlib/src/rust/library/std/Cargo.toml" ] || {
    echo "kofu: rust-web-src did not provide std's source" >&2; return 1; }
  echo "$want" > "$stamp"
}

# The environment for the private toolchain (exported; idempotent).
win_rust_env() {
  export LD_LIBRARY_PATH="$WIN_RUST_PREFIX/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export RUSTC="$WIN_RUST_PREFIX/usr/bin/rustc"
  export RUSTDOC="$WIN_RUST_PREFIX/usr/bin/rustdoc"
  export RUSTC_BOOTSTRAP=1
  export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
  export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc
  export AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
  # Its own target dir: a different rustc than the Linux stages, kept apart.
  export CARGO_TARGET_DIR="${KOFU_WIN_TARGET_DIR:-$PWD/target/windows}"
  # The Windows tests run inside Wine, not on this host.
  unset CARGO_BUILD_TARGET
}

win_cargo() {
  win_rust_env
  local sub="$1"
  shift
  "$WIN_RUST_PREFIX/usr/bin/cargo" "$sub" -Zbuild-std=std,panic_abort --target "$WIN_TARGET" "$@"
}
