# Sourced by the Windows stage scripts: fetch .deb files from suites this machine's apt does not
# track (Debian trixie, bookworm-security), using the mirrors its own apt sources already name,
# with a private apt state and cache so the system's package lists are never touched.
#
#   private_apt_download DIR SUITE[,SUITE…] PKG…   → the .deb files end up in DIR
#
# SUITE "X-security" is looked up on the machine's security mirror, any other on its main archive.

# "URI SUITE" for every enabled deb source (one-line .list files and deb822 .sources files).
apt_source_pairs() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1=="deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } print $i, $(i+1) }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN{RS=""; FS="\n"} {
      uris=""; suites=""; types=""; enabled="yes"
      for (i=1;i<=NF;i++) { line=$i; if (line ~ /^#/) continue
        if (line ~ /^URIs:/) { sub(/^URIs:[ \t]*/,"",line); uris=line }
        else if (line ~ /^Suites:/) { sub(/^Suites:[ \t]*/,"",line); suites=line }
        else if (line ~ /^Types:/) { sub(/^Types:[ \t]*/,"",line); types=line }
        else if (line ~ /^Enabled:/) { sub(/^Enabled:[ \t]*/,"",line); enabled=line } }
      if (types !~ /(^| )deb( |$)/ || enabled=="no") next
      n=split(uris,u," "); m=split(suites,s," ")
      for (a=1;a<=n;a++) for (b=1;b<=m;b++) print u[a], s[b] }' "$f"
  done
}

# The machine's main Debian archive URI (a source whose suite has no -security/-updates suffix).
apt_main_uri() {
  apt_source_pairs | awk '$1 ~ /^(https?|file):/ && $2 !~ /-(security|updates|backports)$/ && $1 !~ /security/ { print $1; exit }'
}

# The machine's Debian security archive URI.
apt_security_uri() {
  apt_source_pairs | awk '$2 ~ /-security$/ { print $1; exit }'
}

private_apt_download() {
  local dest="$1" suites="$2"
  shift 2
  local root="$dest/.apt"
  mkdir -p "$root/state/lists/partial" "$root/cache/archives/partial" "$root/etc/apt.conf.d" "$root/etc/preferences.d" "$root/etc/sources.list.d"
  : > "$root/state/status"
  local main sec keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  main="$(apt_main_uri)"
  sec="$(apt_security_uri)"
  local list="$root/etc/sources.list" s
  : > "$list"
  for s in ${suites//,/ }; do
    case "$s" in
      *-security)
        [ -n "$sec" ] || { echo "kofu: no Debian security archive in this machine's apt sources" >&2; return 1; }
        echo "deb [signed-by=$keyring] $sec $s main" >> "$list" ;;
      *)
        [ -n "$main" ] || { echo "kofu: no Debian archive in this machine's apt sources" >&2; return 1; }
        echo "deb [signed-by=$keyring] $main $s main" >> "$list" ;;
    esac
  done
  local opts=(
    -o "Dir::State=$root/state" -o "Dir::State::status=$root/state/status"
    -o "Dir::Cache=$root/cache" -o "Dir::Etc::SourceList=$list"
    -o "Dir::Etc::SourceParts=$root/etc/sources.list.d" -o "Dir::Etc::Parts=$root/etc/apt.conf.d"
    -o "Dir::Etc::PreferencesParts=$root/etc/preferences.d" -o "Dir::Etc::Preferences=$root/etc/preferences"
    -o "APT::Architecture=amd64" -o "APT::Architectures=amd64" -o "Acquire::Languages=none" -o "APT::Sandbox::User=root"
  )
  apt-get "${opts[@]}" -qq update >&2 || return 1
  (cd "$dest" && apt-get "${opts[@]}" -qq download "$@") >&2 || return 1
}
