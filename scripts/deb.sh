#!/usr/bin/env bash
# Builds the Debian package of the Linux programs (make deb): bin/kaipiao_VERSION_amd64.deb
# with /usr/bin/kaipiao (the desktop program, from make gui) and /usr/bin/kaipiaoctl, the
# desktop entry (packaging/deb/kaipiao.desktop) and the icon, with dpkg-deb.
# Usage: scripts/deb.sh VERSION
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: scripts/deb.sh VERSION}
[ -x bin/kaipiao ] || { echo "deb: build bin/kaipiao first (make gui)" >&2; exit 2; }
go build -ldflags '-s -w' -o bin/kaipiaoctl ./cmd/kaipiaoctl

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/applications" \
  "$root/usr/share/icons/hicolor/256x256/apps" "$root/usr/share/doc/kaipiao"
install -m 0755 bin/kaipiao bin/kaipiaoctl "$root/usr/bin/"
strip --strip-unneeded "$root/usr/bin/kaipiao"
install -m 0644 packaging/deb/kaipiao.desktop "$root/usr/share/applications/kaipiao.desktop"
install -m 0644 assets/icon.png "$root/usr/share/icons/hicolor/256x256/apps/kaipiao.png"
cat >"$root/usr/share/doc/kaipiao/copyright" <<COPY
Kaipiao (开票), a VAT e-invoicing workstation.

The embedded fonts: Noto Serif SC (cut to GBK), SIL Open Font License 1.1;
Kaipiao Symbols (from DejaVu Serif), Bitstream Vera licence. See assets/fonts/README.md
in the source.
COPY
size=$(du -sk "$root/usr" | cut -f1)
# GLFW opens the X extensions' libraries at run time (dlopen), so they are named here
# rather than found by ldd; libgl1-mesa-dri draws where there is no GPU driver.
cat >"$root/DEBIAN/control" <<CONTROL
Package: kaipiao
Version: $version
Section: misc
Priority: optional
Architecture: amd64
Maintainer: Kaipiao <maintainers@kaipiao.invalid>
Installed-Size: $size
Depends: libc6 (>= 2.34), libgl1, libgl1-mesa-dri, libx11-6, libx11-xcb1, libxcursor1, libxrandr2, libxinerama1, libxi6, libxxf86vm1
Homepage: https://kaipiao.invalid/
Description: VAT e-invoicing workstation (开票)
 Kaipiao issues Chinese VAT electronic invoices through a tax-control device on a
 serial port, keeps them in a local store, renders signed PDFs and syncs them with the
 service platform. kaipiao is the desktop program; kaipiaoctl the command line.
CONTROL
out="bin/kaipiao_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
