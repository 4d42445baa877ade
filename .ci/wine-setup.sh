# Sourced by the Windows stage: a Wine that runs kofu.exe and its tests, and reaches pcscd.
#
# Debian bookworm's wine64 (8.0) as installed by apt, with two fixes, both kept out of the
# system's Wine:
# - Rust's std (>= 1.78) needs bcryptprimitives.dll (ProcessPrng), which Wine 8 lacks: a shim
#   built with mingw from .ci/wine/bcryptprimitives.{c,def} goes into the test prefix's system32.
# - Wine 8's winscard.dll is a stub (SCardEstablishContext fails). Wine 10's winscard.dll +
#   winscard.so (Debian trixie's libwine; the .so needs only libpcsclite.so.1 besides glibc) talk
#   to pcscd. Wine's loader looks for its dlls next to itself first, so WINEDLLPATH cannot replace
#   a builtin: a private Wine tree (copied loader, wineserver and x86_64-unix/*.so; symlinks to the
#   system's x86_64-windows/* dlls; Wine 10's two winscard files in place) is used instead.
#
#   wine_setup     build the tree and the prefix when missing (idempotent; under $KOFU_WIN_CACHE)
#   wine_env       export WINEPREFIX, WINESERVER, WINEDEBUG, … and $WINE (the loader to run)
#   wine_stop      stop this prefix's wineserver
#
# Needs windows-toolchain.sh (KOFU_WIN_CACHE, apt-private.sh) sourced first.

WINE_SETUP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"  # resolved now: callers may cd
WINE_TREE="$KOFU_WIN_CACHE/wine-tree"
WINE_PREFIX_DIR="$KOFU_WIN_CACHE/wine-prefix"
WINE_SYS_LIB=/usr/lib/x86_64-linux-gnu/wine
WINE_TREE_VERSION=1  # bump when the tree layout below changes

wine_env() {
  export WINE="$WINE_TREE/lib/wine/wine64"
  export WINESERVER="$WINE_TREE/lib/wine/wineserver64"
  export WINEPREFIX="$WINE_PREFIX_DIR"
  export WINEARCH=win64
  export WINEDEBUG="${WINEDEBUG:--all}"
  # No Gecko/Mono installers (nothing is downloaded), no desktop window: console programs only.
  export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
  unset DISPLAY WAYLAND_DISPLAY
}

wine_stop() {
  wine_env
  [ -x "$WINESERVER" ] && "$WINESERVER" -k 2>/dev/null || true
}

wine_build_tree() {
  local stamp="$WINE_TREE/.kofu-stamp" want
  want="v$WINE_TREE_VERSION $(dpkg-query -W -f='${Version}' wine64 2>/dev/null)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  echo "kofu: building the private Wine tree (Wine 8 + Wine 10's winscard) in $WINE_TREE" >&2
  local debs="$KOFU_WIN_CACHE/debs/wine10"
  rm -rf "$WINE_TREE" "$debs"
  mkdir -p "$debs" "$WINE_TREE/lib/wine" "$WINE_TREE/lib/x86_64-linux-gnu/wine/x86_64-unix" \
    "$WINE_TREE/lib/x86_64-linux-gnu/wine/x86_64-windows" "$WINE_TREE/share"
  private_apt_download "$debs" trixie libwine || return 1
  dpkg -x "$debs"/libwine_*.deb "$debs/x" || return 1
  local w10="$debs/x/usr/lib/x86_64-linux-gnu/wine"
  [ -f "$w10/x86_64-windows/winscard.dll" ] && [ -f "$w10/x86_64-unix/winscard.so" ] || {
    echo "kofu: trixie's libwine has no winscard.dll/winscard.so" >&2; return 1; }
  cp /usr/lib/wine/wine64 /usr/lib/wine/wineserver64 "$WINE_TREE/lib/wine/" || return 1
  cp -a "$WINE_SYS_LIB/x86_64-unix/." "$WINE_TREE/lib/x86_64-linux-gnu/wine/x86_64-unix/" || return 1
  local f
  for f in "$WINE_SYS_LIB/x86_64-windows/"*; do
    ln -s "$f" "$WINE_TREE/lib/x86_64-linux-gnu/wine/x86_64-windows/" || return 1
  done
  [ -d "$WINE_SYS_LIB/i386-windows" ] && ln -s "$WINE_SYS_LIB/i386-windows" "$WINE_TREE/lib/x86_64-linux-gnu/wine/i386-windows"
  rm -f "$WINE_TREE/lib/x86_64-linux-gnu/wine/x86_64-windows/winscard.dll"
  cp "$w10/x86_64-windows/winscard.dll" "$WINE_TREE/lib/x86_64-linux-gnu/wine/x86_64-windows/" || return 1
  cp "$w10/x86_64-unix/winscard.so" "$WINE_TREE/lib/x86_64-linux-gnu/wine/x86_64-unix/" || return 1
  ln -s /usr/share/wine "$WINE_TREE/share/wine"
  rm -rf "$debs"
  echo "$want" > "$stamp"
}

wine_setup() {
  # libpcsclite1: what Wine 10's winscard.so loads; pcscd/vpcd are the Linux stage's packages.
  ensure_packages wine64 libpcsclite1 || return 1
  wine_build_tree || return 1
  wine_env
  local shim_src="$WINE_SETUP_DIR/wine"
  local stamp="$WINEPREFIX/.kofu-stamp" want
  want="$(cat "$WINE_TREE/.kofu-stamp") $(sha256sum "$shim_src/bcryptprimitives.c" "$shim_src/bcryptprimitives.def" | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  echo "kofu: creating the Wine prefix $WINEPREFIX" >&2
  wine_stop
  rm -rf "$WINEPREFIX"
  "$WINE" wineboot -i >/dev/null 2>&1 || true
  "$WINESERVER" -w
  [ -d "$WINEPREFIX/drive_c/windows/system32" ] || { echo "kofu: wineboot did not create $WINEPREFIX" >&2; return 1; }
  x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    "$shim_src/bcryptprimitives.c" "$shim_src/bcryptprimitives.def" -lbcrypt || return 1
  echo "$want" > "$stamp"
}
