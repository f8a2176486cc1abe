# Sourced by the Windows test scripts (scripts/wine-*.sh): a throw-away Wine prefix and an
# X display to run the Windows programs in.
#
#   . scripts/wine-env.sh
#   wine_env_up            # WINEPREFIX, DISPLAY (Xvfb), the ProcessPrng shim; sets a trap
#   wine_map_com COM1 /path/to/tty-or-symlink
#   wine bin/kaipiaoctl.exe --device COM1 ...
#   wine_screenshot out.png
#   WINE_ENV_PIDS+=" $!"     # background processes to stop at the end
#   (wine_env_down runs on exit: the EXIT trap is wine-env's)
#
# Everything lives under one temporary folder ($WINE_ENV_DIR) that wine_env_down removes.
# Tools: wine (Debian wine64 + wine), Xvfb, xwd and netpbm, mingw-w64 (scripts/deps.sh).
#
# The shim: Go >= 1.22 programs need ProcessPrng from bcryptprimitives.dll, which Wine 8
# lacks. scripts/wine/bcryptprimitives.c is a test fixture that answers it from
# RtlGenRandom; it is copied into this prefix's system32 only, never shipped.

wine_env_fail() { echo "wine-env: $*" >&2; return 1; }

# wine_env_up creates the prefix and the display; it fails (never skips) when a tool is
# missing. WINE_ENV_KEEP=1 keeps the folder for a post-mortem.
wine_env_up() {
  local tool
  for tool in wine wineserver wineboot Xvfb xwd xwdtopnm pnmtopng x86_64-w64-mingw32-gcc; do
    command -v "$tool" >/dev/null || { wine_env_fail "no $tool: run make deps (scripts/deps.sh)"; return 1; }
  done
  WINE_ENV_DIR=$(mktemp -d /tmp/kaipiao-wine.XXXXXX)
  export WINEPREFIX="$WINE_ENV_DIR/prefix" WINEARCH=win64 WINEDEBUG=${WINEDEBUG:--all}
  # No Mono or Gecko download prompts: the programs need neither.
  export WINEDLLOVERRIDES="mscoree,mshtml="
  # Chinese output on the Unix side (kaipiaoctl's JSON is UTF-8 either way).
  export LANG=C.UTF-8
  trap wine_env_down EXIT

  # Xvfb picks a free display itself and tells us its number.
  local fdfile="$WINE_ENV_DIR/display"
  Xvfb -displayfd 3 -screen 0 1280x820x24 -nolisten tcp 3>"$fdfile" 2>"$WINE_ENV_DIR/xvfb.log" &
  WINE_ENV_XVFB=$!
  local i
  for i in $(seq 1 100); do
    [ -s "$fdfile" ] && break
    sleep 0.1
  done
  [ -s "$fdfile" ] || { wine_env_fail "Xvfb did not start: $(cat "$WINE_ENV_DIR/xvfb.log")"; return 1; }
  export DISPLAY=":$(head -1 "$fdfile")"

  wineboot -i >"$WINE_ENV_DIR/wineboot.log" 2>&1 || { cat "$WINE_ENV_DIR/wineboot.log" >&2; wine_env_fail "wineboot failed"; return 1; }
  wineserver -w
  x86_64-w64-mingw32-gcc -O2 -shared -s -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    "$(dirname "${BASH_SOURCE[0]}")/wine/bcryptprimitives.c" -ladvapi32 ||
    { wine_env_fail "building the ProcessPrng shim failed"; return 1; }
  # The shim is a native DLL Wine has no builtin of: load it.
  export WINEDLLOVERRIDES="$WINEDLLOVERRIDES;bcryptprimitives=n"
}

# wine_map_com NAME UNIXPATH maps a COM port to a tty (or a symlink to one, which may be
# re-pointed later). Wine rebuilds dosdevices/comN from HKLM\Software\Wine\Ports each time
# its server starts, so a hand-made symlink does not last: the registry is the way.
wine_map_com() {
  local name=$1 path=$2
  wine reg add 'HKLM\Software\Wine\Ports' /v "$name" /t REG_SZ /d "$path" /f >/dev/null 2>&1 ||
    { wine_env_fail "mapping $name to $path in the registry failed"; return 1; }
  # Restart the server so that it applies the mapping.
  wineserver -k 2>/dev/null || true
  wineserver -w 2>/dev/null || true
  local lower
  lower=$(echo "$name" | tr '[:upper:]' '[:lower:]')
  wine cmd /c exit 0 >/dev/null 2>&1 || true
  [ -L "$WINEPREFIX/dosdevices/$lower" ] ||
    { wine_env_fail "$name is not mapped in $WINEPREFIX/dosdevices"; return 1; }
}

# wine_screenshot FILE writes the Xvfb screen as a PNG and prints how many colours it
# has (a window that did not draw leaves one or two).
wine_screenshot() {
  local out=$1 xwdf="$WINE_ENV_DIR/shot.xwd"
  xwd -root -silent -display "$DISPLAY" >"$xwdf" || { wine_env_fail "xwd failed"; return 1; }
  xwdtopnm "$xwdf" 2>/dev/null | pnmtopng >"$out"
  xwdtopnm "$xwdf" 2>/dev/null | ppmhist -noheader | wc -l
}

# wine_env_down stops the processes listed in WINE_ENV_PIDS (a test's simulator, say),
# the Wine server and Xvfb, and removes the folder. Safe under set -e.
wine_env_down() {
  local pid
  for pid in ${WINE_ENV_PIDS:-}; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ]; then
    wineserver -k 2>/dev/null || true
  fi
  if [ -n "${WINE_ENV_XVFB:-}" ]; then
    kill "$WINE_ENV_XVFB" 2>/dev/null || true
    wait "$WINE_ENV_XVFB" 2>/dev/null || true
  fi
  if [ -n "${WINE_ENV_DIR:-}" ] && [ -z "${WINE_ENV_KEEP:-}" ]; then
    rm -rf "$WINE_ENV_DIR"
  elif [ -n "${WINE_ENV_DIR:-}" ]; then
    echo "wine-env: kept $WINE_ENV_DIR" >&2
  fi
  WINE_ENV_XVFB= WINE_ENV_DIR= WINE_ENV_PIDS=
  return 0
}
