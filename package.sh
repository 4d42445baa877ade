#!/usr/bin/env bash
# Builds the packages a desk installs, into dist/:
#   dist/kofu-<version>-windows-x86_64.zip   kofu.exe, data/, 導入手順.txt
#   dist/kofu-<version>-linux-x86_64.tar.gz  kofu, data/, 導入手順.txt
# Both executables use profile.dist (release without LTO). The Windows exe is built for
# x86_64-pc-windows-gnu (.ci/windows-toolchain.sh: Debian's rustc-web 1.96 + mingw-w64, set up
# on first use); when the Windows stage of ./test.sh ran first, this is the very kofu.exe its
# tests ran under Wine. Nothing is downloaded at run time of kofu: rules, fees and settings are in
# data/ beside the executable.
set -euo pipefail
cd "$(dirname "$0")"
. ./scripts-common.sh
. .ci/windows-toolchain.sh

ensure_packages pkg-config libpcsclite-dev zip python3
ensure_rust
version=$(awk -F'"' '/^version *=/ { print $2; exit }' Cargo.toml)
mkdir -p dist

guide() { # guide NEWLINE: the installation guide (Japanese), with the given line ending
  sed "s/\$/$1/" <<TXT
kofu ${version} 導入手順
========================

1. 展開する
   この zip を右クリック →「すべて展開」。展開したフォルダ（kofu.exe と data フォルダが
   入っています）を、例えば C:\\kofu に置きます。data フォルダは kofu.exe の隣に置いたまま
   にしてください（規則・手数料・窓口設定が入っています）。

2. カードリーダをつなぐ
   ICカードリーダ（PC/SC 対応、例: Sony RC-S300、ACR1252）を USB につなぎます。
   Windows の「スマート カード」サービスは、リーダを初めてつないだときに起動します。

3. 起動する
   Windows Terminal を開き、展開したフォルダで次を実行します。
       cd C:\\kofu
       .\\kofu.exe
   リーダが見つからない・サービス未起動のときは画面下に表示され、リーダをつなぐと
   再起動せずに自動で再接続します。動作確認だけなら .\\kofu.exe demo（練習用データ）。
   リーダの確認: .\\kofu.exe reader list

4. データベースとバックアップの場所
   データベース: %APPDATA%\\kofu\\kofu.db
   ログ:         %APPDATA%\\kofu\\logs\\（日ごとのファイル、記録番号のみで氏名は書きません）
   バックアップ: %APPDATA%\\kofu\\backups\\（その日最初の起動時に自動で作成、14日分）
   手動のバックアップ: .\\kofu.exe backup D:\\kofu-backup.db
   エクスプローラのアドレス欄に %APPDATA%\\kofu と入力すると開けます。

5. 更新のしかた
   kofu を終了し、念のため .\\kofu.exe backup でバックアップを取ってから、新しい zip を
   同じ場所に展開して kofu.exe と data フォルダを上書きします。データベースは
   %APPDATA%\\kofu にあるので上書きされず、新しい版の初回起動時に自動で更新されます。
   data フォルダの設定を変更していた場合は、上書きする前に控えておいてください。

Linux の場合
   tar xzf kofu-${version}-linux-x86_64.tar.gz で展開し、pcscd を起動してから端末で ./kofu を
   実行します。データベース・ログ・バックアップは ~/.local/share/kofu/ にあります。
TXT
}

echo "== package: Linux"
# The host's own toolchain and target dir, even when called from the Windows stage (whose
# environment points cargo at the private Rust 1.96 and target/windows).
env -u RUSTC -u RUSTDOC -u RUSTC_BOOTSTRAP -u CARGO_TARGET_DIR -u LD_LIBRARY_PATH \
  cargo build --profile dist --quiet --bin kofu
lin="kofu-$version-linux-x86_64"
stage=$(mktemp -d)
mkdir -p "$stage/$lin"
cp target/dist/kofu "$stage/$lin/"
strip "$stage/$lin/kofu"
cp -r data "$stage/$lin/data"
guide "" >"$stage/$lin/導入手順.txt"
tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "dist/$lin.tar.gz" "$lin"
rm -rf "$stage"
echo "dist/$lin.tar.gz"

echo "== package: Windows"
win_toolchain_setup
# Built as `cargo test --no-run` does (features unified with the dev-dependencies, std built with
# `test`), so this is the kofu.exe the Windows tests ran, and no second Windows build happens.
json=$(mktemp)
win_cargo test --profile dist --no-run --message-format=json-render-diagnostics >"$json"
exe=$(python3 - "$json" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    t = m.get("target", {})
    if (m.get("reason") == "compiler-artifact" and m.get("executable")
            and t.get("name") == "kofu" and "bin" in t.get("kind", []) and not m["profile"].get("test")):
        print(m["executable"])
        break
PY
)
rm -f "$json"
[ -n "$exe" ] && [ -f "$exe" ] || { echo "package: no kofu.exe was built" >&2; exit 1; }
win="kofu-$version-windows-x86_64"
stage=$(mktemp -d)
mkdir -p "$stage/$win"
cp "$exe" "$stage/$win/kofu.exe"
x86_64-w64-mingw32-strip "$stage/$win/kofu.exe"
cp -r data "$stage/$win/data"
# Notepad-friendly: UTF-8 with BOM and CRLF line ends.
{ printf '\357\273\277'; guide $'\r'; } >"$stage/$win/導入手順.txt"
rm -f "dist/$win.zip"
(cd "$stage" && zip -q -X -r "$OLDPWD/dist/$win.zip" "$win")
rm -rf "$stage"
echo "dist/$win.zip"
