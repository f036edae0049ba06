#!/usr/bin/env bash
# Installs the Debian bookworm packages custody needs to build and test,
# skipping those already installed. Used by demo.sh and test.sh.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git sqlite3 openssl
  libssl-dev libsqlite3-dev libgit2-dev nlohmann-json3-dev libtomlplusplus-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libvectorscan-dev libre2-dev libcurl4-openssl-dev libyaml-cpp-dev libtinyxml2-dev libarchive-dev
  python3 python3-securesystemslib jq
)
if [[ "${1:-}" == "--with-clang" ]]; then
  PACKAGES+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "custody: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
