#!/usr/bin/env bash
# The Windows programs, run for real under Wine and Xvfb (make test runs this after
# make windows). Fails if any step fails; a missing tool is a failure, never a skip.
#
#  1. kaipiaoctl.exe through COM1, which the prefix maps to the pseudo-terminal of the
#     simulator (kaipiao-devsim, the Linux build) at 115200 baud: device ports lists COM1,
#     check, seller set,
#     issue 24 orders, issue them again (all replayed, none issued twice), reconcile
#     (clean, device and store count 24), and a PDF that pdftotext reads back.
#  2. kaipiao.exe on a fresh profile (its data under %LOCALAPPDATA%\Kaipiao, the built-in
#     simulator): its first-run screen draws (screenshot), and it shuts down cleanly.
#  3. kaipiao-setup.exe /S installs; the installed kaipiao.exe starts and draws; the
#     uninstaller refuses while it runs, then removes the program and leaves the data folder (and with /REMOVEDATA,
#     after a second install, removes that too).
#
# Usage: scripts/wine-test.sh [SCREENSHOT.png]   (default: temporary files; make
# screenshots writes docs/screens/windows-wine.png, and the installed program's
# windows-wine-installed.png). Needs bin/*.exe from make windows.
set -euo pipefail
cd "$(dirname "$0")/.."
shot=${1:-}
# WINE_TEST_PARTS picks parts while working on one (default: all three).
parts=" ${WINE_TEST_PARTS:-ctl gui setup} "
need=()
case $parts in *" ctl "*) need+=(bin/kaipiaoctl.exe) ;; esac
case $parts in *" gui "*) need+=(bin/kaipiao.exe) ;; esac
case $parts in *" setup "*) need+=(bin/kaipiao-setup.exe) ;; esac
for f in "${need[@]}"; do
  [ -s "$f" ] || { echo "wine-test: no $f: run make windows" >&2; exit 2; }
done
go build -o bin/ ./cmd/kaipiao-devsim

. scripts/wine-env.sh
wine_env_up
W=$WINE_ENV_DIR
localdir="$WINEPREFIX/drive_c/users/$(whoami)/AppData/Local"
roamdir="$WINEPREFIX/drive_c/users/$(whoami)/AppData/Roaming"
fail() { echo "wine-test: FAIL: $*" >&2; exit 1; }
step() { echo "wine-test: $*" >&2; }

# ---- 1. kaipiaoctl.exe through COM1 -------------------------------------------------
if [[ $parts == *" ctl "* ]]; then
./bin/kaipiao-devsim --state "$W/device.db" --pty --link "$W/com1" --baud 115200 >"$W/devsim.out" 2>"$W/devsim.err" &
devsim=$!
WINE_ENV_PIDS+=" $devsim"
for _ in $(seq 1 50); do [ -L "$W/com1" ] && break; sleep 0.1; done
[ -L "$W/com1" ] || fail "the simulator made no pseudo-terminal: $(cat "$W/devsim.err")"
wine_map_com COM1 "$W/com1"

export KAIPIAO_DEVICE_PIN=88888888 KAIPIAO_OPERATOR=wine-test
step "kaipiaoctl.exe device ports lists COM1"
wine bin/kaipiaoctl.exe device ports >"$W/ports.jsonl" 2>"$W/ports.err" || fail "device ports: $(cat "$W/ports.err")"
grep -q '"name":"COM1"' "$W/ports.jsonl" || fail "device ports does not list COM1: $(cat "$W/ports.jsonl" "$W/ports.err")"
ctl() { wine bin/kaipiaoctl.exe --data 'C:\kaipiaoctl-data' --device 'COM1?baud=115200' "$@"; }

step "kaipiaoctl.exe check"
wine bin/kaipiaoctl.exe check docs/examples/01-software-service.json >"$W/check.json" ||
  fail "check of a valid order failed"
grep -q '10070.00' "$W/check.json" || fail "check: no total 10070.00 in $(head -c 300 "$W/check.json")"

step "kaipiaoctl.exe device status through COM1"
ctl device status >"$W/status.json" 2>"$W/status.err" ||
  fail "device status through COM1: $(cat "$W/status.err")"
taxid=$(grep -m1 -o '"seller_tax_id": *"[^"]*"' "$W/status.json" | sed 's/.*"\([^"]*\)"$/\1/')
[ -n "$taxid" ] || fail "device status has no seller_tax_id: $(head -c 300 "$W/status.json")"
ctl seller set --name '厦门开票示范科技有限公司' --tax-id "$taxid" >/dev/null 2>"$W/seller.err" ||
  fail "seller set: $(cat "$W/seller.err")"

# 24 orders, two buyers, one line each.
orders="$W/orders.csv"
echo 'order_id,buyer_name,buyer_tax_id,name,tax_code,unit,quantity,unit_price,tax_rate,remark' >"$orders"
for i in $(seq -w 1 24); do
  if [ $((10#$i % 2)) = 0 ]; then buyer='厦门示例科技有限公司,91350200776049653A'; else buyer='深圳示例贸易有限公司,91440101MA5CJQ4N59'; fi
  echo "WIN-$i,$buyer,软件开发服务,3040201010000000000,项,1,$((1000 + 10#$i)),0.06,Windows COM1" >>"$orders"
done

step "kaipiaoctl.exe issue 24 orders through COM1"
ctl issue "$(winepath -w "$orders")" >"$W/issued.jsonl" 2>"$W/issue.err" ||
  fail "issue: $(cat "$W/issue.err")"
issued=$(grep -c '"number"' "$W/issued.jsonl" || true)
[ "$issued" = 24 ] || fail "issue printed $issued invoices, want 24: $(cat "$W/issued.jsonl" "$W/issue.err")"
grep -q '"replayed":true' "$W/issued.jsonl" && fail "a first issue says replayed"
[ "$(grep -o '"number":"[0-9]*"' "$W/issued.jsonl" | sort -u | wc -l)" = 24 ] || fail "issue: the 24 numbers are not distinct"

step "kaipiaoctl.exe issue the same 24 orders again: all replayed"
ctl issue "$(winepath -w "$orders")" >"$W/again.jsonl" 2>"$W/again.err" || fail "issue again: $(cat "$W/again.err")"
[ "$(grep -c '"replayed":true' "$W/again.jsonl" || true)" = 24 ] || fail "the second issue did not replay all 24: $(cat "$W/again.jsonl")"

step "kaipiaoctl.exe reconcile"
ctl reconcile >"$W/reconcile.json" 2>"$W/reconcile.err" || fail "reconcile: $(cat "$W/reconcile.json" "$W/reconcile.err")"
tr -d ' \n' <"$W/reconcile.json" >"$W/reconcile.flat"
grep -q '"device_count":24' "$W/reconcile.flat" || fail "reconcile: device_count is not 24: $(cat "$W/reconcile.json")"
grep -q '"store_count":24' "$W/reconcile.flat" || fail "reconcile: store_count is not 24: $(cat "$W/reconcile.json")"
grep -Eq '"mismatches":(null|\[\])' "$W/reconcile.flat" || fail "reconcile: mismatches: $(cat "$W/reconcile.json")"

step "kaipiaoctl.exe pdf"
first=$(head -1 "$W/issued.jsonl")
code=$(echo "$first" | sed -E 's/.*"code":"([0-9]+)".*/\1/')
number=$(echo "$first" | sed -E 's/.*"number":"([0-9]+)".*/\1/')
ctl pdf "$code:$number" -o 'C:\invoice.pdf' >/dev/null 2>"$W/pdf.err" || fail "pdf: $(cat "$W/pdf.err")"
pdf="$WINEPREFIX/drive_c/invoice.pdf"
pdftotext "$pdf" - >"$W/pdf.txt" || fail "pdftotext cannot read the PDF"
grep -q "$number" "$W/pdf.txt" || fail "the PDF does not show the number $number"
grep -q '深圳示例贸易有限公司' "$W/pdf.txt" || fail "the PDF does not show the buyer"

step "a store in the old place (%APPDATA%\\kaipiao) is moved to %LOCALAPPDATA%\\Kaipiao"
mv "$WINEPREFIX/drive_c/kaipiaoctl-data" "$roamdir/kaipiao"
wine bin/kaipiaoctl.exe --device 'COM1?baud=115200' list >"$W/list.jsonl" 2>"$W/list.err" || fail "list on the moved store: $(cat "$W/list.err")"
[ "$(grep -c '"number"' "$W/list.jsonl" || true)" = 24 ] || fail "list on the moved store: want 24 invoices: $(head -c 500 "$W/list.jsonl")"
[ -s "$localdir/Kaipiao/kaipiao.db" ] || fail "the store was not moved to $localdir/Kaipiao"
[ ! -e "$roamdir/kaipiao" ] || fail "the old folder $roamdir/kaipiao is still there"
rm -rf "$localdir/Kaipiao" # the desktop program's test starts on a fresh profile
kill "$devsim"; wait "$devsim" 2>/dev/null || true
step "COM1: 24 issued, 24 replayed, reconcile clean, PDF of $code:$number read back, old store moved"

# The Windows serial code's own tests, run as a Windows program: a COM port held by
# another program (ERROR_ACCESS_DENIED) is a busy port, not a missing right. Wine does not
# hold COM ports exclusively, so the refusal itself cannot be staged here.
step "the device package's Windows tests (busy COM port)"
GOOS=windows go test -c -o "$W/device.test.exe" ./device/
wine "$W/device.test.exe" -test.run 'TestBusyCOMPortIsPortBusy' -test.v >"$W/device-test.out" 2>&1 ||
  fail "device tests under Wine: $(tail -20 "$W/device-test.out")"
grep -q -- '--- PASS: TestBusyCOMPortIsPortBusy' "$W/device-test.out" || fail "device tests under Wine ran nothing: $(tail -5 "$W/device-test.out")"
fi

# ---- 2. kaipiao.exe on a fresh profile ----------------------------------------------
# gui_start EXE: starts the desktop program with no flags (default data folder, built-in
# simulator) and waits until its window has drawn; gui_stop closes it as the clerk would
# (WM_CLOSE) and checks that it exits cleanly.
gui_start() {
  local exe=$1
  wine "$exe" ${WINE_TEST_GUI_ARGS:-} >"$W/gui.out" 2>"$W/gui.err" &
  gui=$!
  WINE_ENV_PIDS+=" $gui"
  local i
  for i in $(seq 1 120); do
    sleep 0.5
    kill -0 "$gui" 2>/dev/null || fail "$exe exited at start: $(cat "$W/gui.err")"
    win=$(xdotool search --name '开票 Kaipiao' 2>/dev/null | head -1 || true)
    [ -n "$win" ] && [ -s "$localdir/Kaipiao/kaipiao.db" ] && break
  done
  [ -n "$win" ] || fail "$exe opened no window in 60 s: $(cat "$W/gui.err")"
  # Under Wine and Xvfb a GL window may stay blank until it is exposed: move it once.
  sleep 3
  xdotool windowmove "$win" 10 10 >/dev/null 2>&1 || true
  xdotool windowsize "$win" 1260 800 >/dev/null 2>&1 || true
  sleep 3
}
gui_shot() {
  local out=${1:-$W/shot.png} colours
  colours=$(wine_screenshot "$out")
  [ "$colours" -ge 50 ] || fail "the window did not draw: $colours colours (see $out)"
  step "the window drew ($colours colours): $out"
}
gui_closed_within() { # seconds: whether kaipiao.exe has exited within them
  local i
  for i in $(seq 1 $(($1 * 2))); do
    kill -0 "$gui" 2>/dev/null || return 0
    sleep 0.5
  done
  return 1
}
gui_stop() {
  wine taskkill /IM kaipiao.exe >/dev/null 2>&1 || fail "taskkill could not ask kaipiao.exe to close"
  if ! gui_closed_within 20; then
    # Once in many CI runs (never in a loop of them here) the window stayed open after
    # the first WM_CLOSE. What it showed and said is kept; a second WM_CLOSE (the clerk
    # clicking the cross again) must then close it.
    wine_screenshot "$W/not-closed.png" >/dev/null || true
    step "WARNING: kaipiao.exe still open 20 s after WM_CLOSE (screen: $W/not-closed.png; windows: $(xdotool search --name . getwindowname %@ 2>/dev/null | tr '\n' '|'); stderr: $(tail -5 "$W/gui.err" | tr '\n' '|')); asking again"
    wine taskkill /IM kaipiao.exe >/dev/null 2>&1 || true
    gui_closed_within 30 || fail "kaipiao.exe did not close within 30 s of a second WM_CLOSE (see $W/not-closed.png): $(tail -20 "$W/gui.err")"
  fi
  wait "$gui" || fail "kaipiao.exe exited with status $?: $(cat "$W/gui.err")"
  # Nothing left locked or half-written: the command line opens the same store at once.
  wine bin/kaipiaoctl.exe ${WINE_TEST_GUI_ARGS:-} reconcile >"$W/gui-reconcile.json" 2>"$W/gui-reconcile.err" ||
    fail "reconcile after the window closed: $(cat "$W/gui-reconcile.json" "$W/gui-reconcile.err")"
}

if [[ $parts == *" gui "* ]]; then
  step "kaipiao.exe on a fresh profile, built-in simulator"
  rm -rf "$localdir/Kaipiao"
  gui_start bin/kaipiao.exe
  gui_shot "${shot:-$W/windows-wine.png}"
  step "a second kaipiao.exe leaves one window"
  rc=0
  timeout 60 wine bin/kaipiao.exe ${WINE_TEST_GUI_ARGS:-} >"$W/second.out" 2>"$W/second.err" || rc=$?
  [ "$rc" = 0 ] || fail "the second start exited with status $rc (124: still running after 60 s): $(cat "$W/second.err")"
  grep -q 'brought the open window forward' "$W/second.err" || fail "the second start did not bring the first forward: $(cat "$W/second.err")"
  [ "$(xdotool search --name '^开票 Kaipiao' | wc -l)" -le 1 ] || fail "two Kaipiao windows are open"
  gui_stop
  step "kaipiao.exe: drew its first-run screen, a second start left one window, closed cleanly"
fi

# ---- 3. the installer ---------------------------------------------------------------
if [[ $parts == *" setup "* ]]; then
  pf="$WINEPREFIX/drive_c/Program Files/Kaipiao"
  # Version and publisher in the file properties (VERSIONINFO: UTF-16 key names).
  for exe in bin/kaipiao.exe bin/kaipiao-setup.exe; do
    strings -el "$exe" >"$W/strings.txt"
    for key in CompanyName ProductVersion FileVersion ProductName; do
      grep -qx "$key" "$W/strings.txt" || fail "$exe has no $key in its file properties"
    done
  done
  step "kaipiao-setup.exe /S"
  wine bin/kaipiao-setup.exe /S || fail "the silent install failed"
  wineserver -w
  [ -s "$pf/kaipiao.exe" ] && [ -s "$pf/kaipiaoctl.exe" ] && [ -s "$pf/uninstall.exe" ] ||
    fail "the install left $(ls "$pf" 2>&1)"
  ls "$WINEPREFIX/drive_c/users/Public/Desktop/"*Kaipiao*.lnk >/dev/null 2>&1 ||
    fail "no desktop shortcut: $(ls "$WINEPREFIX/drive_c/users/Public/Desktop/" 2>&1)"
  ls "$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/"*Kaipiao*/*.lnk >/dev/null 2>&1 ||
    fail "no Start-menu shortcut"
  wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\Kaipiao' >"$W/arp.txt" 2>&1 ||
    fail "no entry in Add/Remove Programs"
  grep -q 'DisplayVersion' "$W/arp.txt" && grep -q 'Publisher' "$W/arp.txt" || fail "the Add/Remove Programs entry lacks version or publisher: $(cat "$W/arp.txt")"

  step "the installed kaipiao.exe starts and draws"
  gui_start "C:\\Program Files\\Kaipiao\\kaipiao.exe"
  gui_shot "${shot:+${shot%.png}-installed.png}"
  step "the uninstaller refuses while kaipiao.exe runs"
  # The uninstaller copies itself to TEMP, starts the copy and returns; wait for the copy.
  wine "C:\\Program Files\\Kaipiao\\uninstall.exe" /S || fail "the uninstaller did not start"
  sleep 2
  for _ in $(seq 1 60); do pgrep -f 'Au_\.exe' >/dev/null || break; sleep 0.5; done
  pgrep -f 'Au_\.exe' >/dev/null && fail "the uninstaller did not end within 30 s"
  wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\Kaipiao' >/dev/null 2>&1 ||
    fail "the uninstaller ran while kaipiao.exe was open (its Add/Remove Programs entry is gone)"
  [ -s "$pf/kaipiao.exe" ] || fail "the refused uninstall removed kaipiao.exe"
  gui_stop

  step "the silent uninstaller removes the program and keeps the data"
  wine "C:\\Program Files\\Kaipiao\\uninstall.exe" /S || fail "the silent uninstall failed"
  wineserver -w
  for _ in $(seq 1 20); do [ -e "$pf/kaipiao.exe" ] || break; sleep 0.5; done
  [ ! -e "$pf/kaipiao.exe" ] || fail "the uninstaller left $pf/kaipiao.exe"
  wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\Kaipiao' >/dev/null 2>&1 &&
    fail "the uninstaller left the Add/Remove Programs entry"
  ls "$WINEPREFIX/drive_c/users/Public/Desktop/"*Kaipiao*.lnk >/dev/null 2>&1 && fail "the uninstaller left the desktop shortcut"
  [ -s "$localdir/Kaipiao/kaipiao.db" ] || fail "the uninstaller removed the data folder"

  step "reinstall, then uninstall.exe /S /REMOVEDATA removes the data too"
  wine bin/kaipiao-setup.exe /S || fail "the second silent install failed"
  wineserver -w
  [ -s "$pf/kaipiao.exe" ] || fail "the second install left no kaipiao.exe"
  wine "C:\\Program Files\\Kaipiao\\uninstall.exe" /S /REMOVEDATA || fail "uninstall /REMOVEDATA failed"
  wineserver -w
  for _ in $(seq 1 20); do [ -e "$localdir/Kaipiao" ] || break; sleep 0.5; done
  [ ! -e "$localdir/Kaipiao" ] || fail "uninstall /REMOVEDATA left the data folder"
  [ ! -e "$pf/kaipiao.exe" ] || fail "uninstall /REMOVEDATA left the program"
  step "installer: installed, drew, uninstalled with the data kept; /REMOVEDATA removes it"
fi
