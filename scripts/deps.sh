#!/usr/bin/env bash
# Installs what building and testing Kaipiao needs on Debian: the C libraries Fyne links
# against, and the tools the tests run (PDF checks, a pseudo-terminal bridge, Xvfb for
# screenshots, a private CUPS scheduler with the cups-pdf virtual printer for the print
# tests), mingw-w64 and NSIS for the Windows build and installer, Wine (64-bit only) with
# xdotool to run the Windows programs in the tests, and debootstrap for a fresh Debian root
# to install the .deb into, and PostgreSQL for the platform's tests on its PostgreSQL store
# (they start a throw-away cluster of their own; the package's default cluster is not
# used). Installs as root, or through sudo; otherwise prints the exact command.
set -euo pipefail

packages=(
  gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev
  xvfb xauth x11-apps netpbm xdotool
  poppler-utils qpdf zbar-tools libxml2-utils
  chromium nodejs
  socat
  util-linux
  cups-daemon cups-client cups-filters printer-driver-cups-pdf
  gcc-mingw-w64-x86-64 nsis
  wine wine64 xdotool debootstrap
  postgresql
)

# The OFD reader test (ofd/reader) runs the npm package ofd.js in Debian's chromium; npm
# comes with some nodejs builds (NodeSource's) and is Debian's package npm otherwise.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: not a Debian system; install the equivalents of: ${missing[*]}" >&2
    exit 1
  fi
  cmd=(apt-get install -y -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}")
  if [ "$(id -u)" = 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo)
  else
    echo "deps: missing Debian packages. Run as root:" >&2
    echo "  apt-get update && ${cmd[*]}" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "${cmd[@]}" >/dev/null
fi

go mod download
