# Shared by demo.sh and test.sh: install the Debian/Ubuntu packages kofu needs, only when missing.
# Usage: ensure_packages PKG...   (runs apt-get as root, or through sudo)

ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "kofu: these packages are needed but apt-get is not available: ${missing[*]}" >&2
    return 1
  fi
  local SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "kofu: run as root (or install sudo) to install: ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "kofu: installing ${missing[*]} ..." >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    echo "kofu: Rust (cargo 1.89 or newer) is needed: install it with rustup (https://rustup.rs)." >&2
    return 1
  fi
}
