#!/usr/bin/env bash
# Installs the Debian package on a fresh Debian 12 and starts its kaipiao (make test runs
# this after make deb). Fails if any step fails.
#
# The fresh system is a minimal Debian 12 (debootstrap --variant=minbase bookworm), made
# once and kept as a tarball in $KAIPIAO_DEB_CACHE (default ~/.cache/kaipiao); each run
# unpacks a new copy, so nothing of an earlier run is left in it. In that root, as root:
# `apt-get install ./kaipiao_*.deb` (dpkg -i of the package, with its Depends fetched from
# Debian: a fresh system has none of them), then `dpkg -s kaipiao`, `dpkg -i` once more (a
# reinstall, the dependencies now present), the desktop entry and
# icon in place, and /usr/bin/kaipiao started on an Xvfb display (the host's, reached
# through its abstract socket) on a fresh data folder with the built-in simulator: its
# first-run screen must draw. Downloaded packages are cached beside the tarball.
#
# Usage: scripts/deb-test.sh bin/kaipiao_VERSION_amd64.deb [SCREENSHOT.png]
set -euo pipefail
cd "$(dirname "$0")/.."
deb=${1:?usage: scripts/deb-test.sh PACKAGE.deb [SCREENSHOT.png]}
shot=${2:-}
[ -s "$deb" ] || { echo "deb-test: no $deb: run make deb" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "deb-test: needs root (chroot)" >&2; exit 2; }
for tool in debootstrap chroot Xvfb xwd xwdtopnm ppmhist pnmtopng; do
  command -v "$tool" >/dev/null || { echo "deb-test: no $tool: run make deps" >&2; exit 2; }
done
fail() { echo "deb-test: FAIL: $*" >&2; exit 1; }
step() { echo "deb-test: $*" >&2; }

cache=${KAIPIAO_DEB_CACHE:-$HOME/.cache/kaipiao}
base="$cache/bookworm-minbase.tar"
mkdir -p "$cache/apt-archives/partial"
if [ ! -s "$base" ]; then
  step "making a minimal Debian 12 once (debootstrap; a few minutes): $base"
  tmp=$(mktemp -d)
  debootstrap --variant=minbase bookworm "$tmp/root" http://deb.debian.org/debian >"$cache/debootstrap.log" 2>&1 ||
    { rm -rf "$tmp"; fail "debootstrap failed: see $cache/debootstrap.log"; }
  tar -C "$tmp/root" -cf "$base.tmp" . && mv "$base.tmp" "$base"
  rm -rf "$tmp"
fi

work=$(mktemp -d /tmp/kaipiao-deb.XXXXXX)
root="$work/root"
xvfb=
cleanup() {
  [ -n "$xvfb" ] && { kill "$xvfb" 2>/dev/null || true; wait "$xvfb" 2>/dev/null || true; }
  # Stop anything still running inside the root before unmounting.
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -9 "${p#/proc/}" 2>/dev/null || true
  done
  for m in var/cache/apt/archives dev/pts dev proc; do
    mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m" || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

step "a fresh Debian 12 root in $root"
mkdir -p "$root"
tar -C "$root" -xf "$base"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/kaipiao.deb"

step "apt-get install ./kaipiao.deb (dpkg -i with its dependencies)"
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$work/apt.log" 2>&1 ||
  fail "apt-get update in the root: $(tail -5 "$work/apt.log")"
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/kaipiao.deb \
  >>"$work/apt.log" 2>&1 || fail "installing the package: $(tail -20 "$work/apt.log")"
chroot "$root" dpkg -s kaipiao >"$work/status" && grep -q '^Status: install ok installed' "$work/status" ||
  fail "dpkg -s kaipiao: not installed"
# And dpkg -i itself, now that the dependencies are there (a reinstall).
chroot "$root" dpkg -i /tmp/kaipiao.deb >>"$work/apt.log" 2>&1 || fail "dpkg -i: $(tail -5 "$work/apt.log")"
for f in /usr/bin/kaipiao /usr/bin/kaipiaoctl /usr/share/applications/kaipiao.desktop \
  /usr/share/icons/hicolor/256x256/apps/kaipiao.png; do
  [ -s "$root$f" ] || fail "the package did not install $f"
done
grep -q '^Exec=kaipiao$' "$root/usr/share/applications/kaipiao.desktop" || fail "the desktop entry does not start kaipiao"

step "kaipiao starts in the fresh root under Xvfb"
Xvfb -displayfd 3 -screen 0 1280x820x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb=$!
for _ in $(seq 1 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || fail "Xvfb did not start"
display=":$(head -1 "$work/display")"
chroot "$root" env -i HOME=/root LANG=C.UTF-8 PATH=/usr/bin:/bin DISPLAY="$display" \
  kaipiao --data /root/kaipiao-data --light >"$work/gui.out" 2>"$work/gui.err" &
gui=$!
for i in $(seq 1 120); do
  sleep 0.5
  kill -0 "$gui" 2>/dev/null || fail "kaipiao exited: $(cat "$work/gui.err")"
  [ -s "$root/root/kaipiao-data/kaipiao.db" ] && [ "$i" -ge 6 ] && break
done
sleep 3
xwd -root -silent -display "$display" >"$work/shot.xwd"
colours=$(xwdtopnm "$work/shot.xwd" 2>/dev/null | ppmhist -noheader | wc -l)
[ -n "$shot" ] && xwdtopnm "$work/shot.xwd" 2>/dev/null | pnmtopng >"$shot"
[ "$colours" -ge 50 ] || fail "the window did not draw: $colours colours"
kill "$gui"
wait "$gui" 2>/dev/null || true
step "installed on a fresh Debian 12; kaipiao drew its window ($colours colours)"
