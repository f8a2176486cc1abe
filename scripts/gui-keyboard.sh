#!/usr/bin/env bash
# Acceptance (issue 15): a clerk's day with the keyboard alone, in the real window under
# Xvfb at a laptop's 1366 × 728, driven by xdotool: first run, log-in, a 5-line invoice
# with a discount, preview, issue (Ctrl+Enter, confirmed with Enter), the list, a
# partial red; then Ctrl+Q must quit and release the data folder, and so must SIGTERM.
# kaipiaoctl then reads what the window issued. Screenshots go to $1 (default
# docs/screens), named kbd-*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
shots=${1:-docs/screens}
bin=${KAIPIAO_GUI_BIN:-./bin/kaipiao}
ctl=./bin/kaipiaoctl
for tool in xvfb-run xdotool xwd xwdtopnm pnmtopng pdftotext; do
  command -v $tool >/dev/null || { echo "gui-keyboard: $tool missing (make deps)" >&2; exit 2; }
done
[ -x "$bin" ] && [ -x "$ctl" ] || { echo "gui-keyboard: build $bin and $ctl first (make build)" >&2; exit 2; }
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
mkdir -p "$shots"

cat > "$data/drive.sh" <<'DRIVE'
set -euo pipefail
bin=$1 data=$2 shots=$3
fail() { echo "gui-keyboard: $*" >&2; cat "$data/stderr" >&2 || true; exit 1; }
shot() { xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng > "$shots/kbd-$1.png"; }
k() { xdotool key --delay 60 "$@"; sleep 0.25; }
# Characters outside the keyboard map (Chinese) are typed by remapping a spare key for
# each; the window must see each remapping before the key, so they go slower.
t() {
  if LC_ALL=C grep -q '[^ -~]' <<<"$1"; then
    for ((i = 0; i < ${#1}; i++)); do xdotool type "${1:i:1}"; sleep 0.3; done
  else
    xdotool type --delay 40 "$1"
  fi
  sleep 0.2
}
tabs() { for _ in $(seq 1 "$1"); do k Tab; done; }
start() {
  "$bin" --data "$data" --light 2>>"$data/stderr" &
  pid=$!
  wid=
  for _ in $(seq 1 120); do
    sleep 0.5
    kill -0 $pid 2>/dev/null || fail "the program exited"
    wid=$(xdotool search --name '开票 Kaipiao' 2>/dev/null | head -1) && [ -n "$wid" ] && break
  done
  [ -n "$wid" ] || fail "no window"
  # A laptop's screen: the window takes all of it, as a maximised window would.
  xdotool windowmove "$wid" 0 0 windowsize "$wid" 1366 728
  sleep 2
  xdotool windowfocus "$wid" 2>/dev/null || true
  sleep 0.5
}
quits() { # $1: how; waits for the program to end by itself
  for _ in $(seq 1 40); do kill -0 $pid 2>/dev/null || { wait $pid 2>/dev/null || true; return 0; }; sleep 0.25; done
  kill -9 $pid; fail "$1 did not quit within 10 s"
}

start
# First run: the focus is in the administrator's name (filled in).
# The seller comes from the device; Chinese is not typed here (xdotool types it by
# remapping keys, which the window does not follow reliably: the Chinese flow is in
# ui/keyboard_test.go).
tabs 1; t secret-pass; tabs 1; t secret-pass
shot 1-first-run
tabs 9              # seller, tax ID, address, bank, device, platform, the two channels, 完成设置
k space             # Space on the button: its character lands in the log-in's name
sleep 1
# Log-in: the name is filled in; Tab, password, Enter.
tabs 1; t secret-pass
shot 2-login
k Return; sleep 2
# Ctrl+N: the issue form, the focus in the buyer's name.
k ctrl+n
t 'Xiamen Example Technology Co., Ltd.'; tabs 1; t 91350200776049653A; tabs 4
line() { # name code unit quantity price rate-steps discount last
  t "$1"; tabs 1; t "$2"; tabs 2; t "$3"; tabs 1; t "$4"; tabs 1; t "$5"; tabs 2
  for _ in $(seq 1 "$6"); do k Right; done
  tabs 2; [ -n "$7" ] && t "$7"
  [ "$8" = last ] || k Return
}
line 'Software development' 3040201010000000000 item 1 10000 2 500 no
line Workstation 1090509010000000000 pcs 2 4999.5 0 "" no
line Monitor 1090509010000000000 pcs 3 1200 0 "" no
line Keyboard 1090509010000000000 pcs 10 99.9 0 "" no
line Installation 3040201010000000000 visit 1 800 2 "" last
tabs 2; t 'Li Si'; tabs 1; t 'Wang Wu'
shot 3-issue-form
tabs 3; k Return; sleep 2     # 预览
shot 4-preview
k Escape; sleep 0.5
k ctrl+Return; sleep 1        # asks: buyer, total, invoices, 开具 focused
shot 5-confirm
k Return; sleep 3             # issues
shot 6-issued
k Return                      # 确定
k ctrl+4; sleep 1             # the list, the table focused
k Down; sleep 0.5
shot 7-list
tabs 2; k Return; sleep 1     # 部分红冲
k space; tabs 1; t 0.5
shot 8-partial-red
k Return; sleep 3
k Return; sleep 0.5           # 红冲成功
shot 9-red-selected
k ctrl+q
quits Ctrl+Q

# SIGTERM ends it too, and releases the data folder.
start
tabs 1; t secret-pass; k Return; sleep 2
kill -TERM $pid
quits SIGTERM
DRIVE

LANG=C.UTF-8 xvfb-run -a -s "-screen 0 1366x728x24" bash "$data/drive.sh" "$bin" "$data" "$shots"

# What the window did, read from the data folder it released.
list=$("$ctl" --data "$data" list --limit 10) || { echo "gui-keyboard: the data folder is still locked" >&2; exit 1; }
n=$(printf '%s\n' "$list" | grep -c '"number"' || true)
reds=$("$ctl" --data "$data" list --red --limit 10 | grep -c '"number"' || true)
if [ "$n" -ne 2 ] || [ "$reds" -ne 1 ]; then
  echo "gui-keyboard: want 1 blue and 1 red invoice, the store has $n invoices, $reds red:" >&2
  printf '%s\n' "$list" >&2
  exit 1
fi
for want in 'Xiamen Example Technology Co., Ltd.' '"total":"27413.74"' '"total":"-5035.00"' '"red_of":"'; do
  printf '%s\n' "$list" | grep -q -- "$want" || { echo "gui-keyboard: the invoices lack $want:" >&2; printf '%s\n' "$list" >&2; exit 1; }
done
# The red's PDF: half of line 1 net of its discount, 收款人 and 复核 from the form.
red=$(printf '%s\n' "$list" | grep '"red_of"' | sed -E 's/.*"code":"([0-9]+)","number":"([0-9]+)".*/\1:\2/')
"$ctl" --data "$data" pdf "$red" -o "$data/red.pdf" >/dev/null 2>&1  # unsigned: no seal in a fresh folder
text=$(pdftotext -layout "$data/red.pdf" -)
for want in '¥-5035.00' '-4750.00' 'Li Si' 'Wang Wu' '开票人：管理员'; do
  grep -q -- "$want" <<<"$text" || { echo "gui-keyboard: the red's PDF lacks $want" >&2; exit 1; }
done
echo "gui-keyboard: issued a 5-line invoice and a partial red with the keyboard alone; Ctrl+Q and SIGTERM released the data folder; screenshots in $shots/kbd-*.png"
