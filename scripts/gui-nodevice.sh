#!/usr/bin/env bash
# Acceptance (issue 11): the window without its device. Runs the real desktop binary under
# Xvfb, driven through its hidden --selftest-nodevice (main's selftest_nodevice.go), with a
# real kaipiao-devsim process on a pseudo-terminal at 115200 baud:
#  1. `kaipiao --device /dev/ttyNOPE` on a data folder with invoices: the window opens with
#     the banner; the invoice list, a preview and a PDF export work; issuing is not offered.
#  2. The window on the simulator: an invoice is issued; the simulator is killed (SIGKILL)
#     under the running window: the banner shows within 2 s; the simulator started again
#     is picked up without a restart, and issuing works again (the next number).
#  3. A second window on the same data folder: the start-up error shown in a dialog.
# Screenshots go to docs/screens/ (nodevice-*.png) unless $1 names another folder.
set -euo pipefail
cd "$(dirname "$0")/.."
shots=${1:-docs/screens}
bin=${KAIPIAO_GUI_BIN:-./bin/kaipiao}
for b in "$bin" ./bin/kaipiaoctl ./bin/kaipiao-devsim; do
  [ -x "$b" ] || { echo "gui-nodevice: build $b first (make build)" >&2; exit 2; }
done
if [ -z "${GUI_NODEVICE_INNER:-}" ]; then
  exec env GUI_NODEVICE_INNER=1 LANG=C.UTF-8 xvfb-run -a -s "-screen 0 1280x820x24" "$0" "$@"
fi

dir=$(mktemp -d)
data=$dir/data
link=$dir/ttyKP0
export KAIPIAO_DEVICE_PIN=88888888
devpid=
cleanup() { [ -n "$devpid" ] && kill -9 "$devpid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "gui-nodevice: FAIL: $*" >&2; exit 1; }

startsim() {
  ./bin/kaipiao-devsim --state "$dir/devsim.db" --pty --link "$link" --baud 115200 \
    --seller-tax-id 91350200776049653A >"$dir/devsim.out" 2>>"$dir/devsim.err" &
  devpid=$!
  for _ in $(seq 1 50); do grep -q '^PTY ' "$dir/devsim.out" 2>/dev/null && return; sleep 0.1; done
  fail "kaipiao-devsim did not start"
}
shot() { sleep 1.5; xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng >"$shots/$1"; echo "gui-nodevice: screenshot $shots/$1"; }

# A data folder that knows two invoices, issued through the simulator.
startsim
ctl() { ./bin/kaipiaoctl --data "$data" --device "$link?baud=115200" "$@"; }
ctl seller set --name 厦门开票示范科技有限公司 --tax-id 91350200776049653A >/dev/null
ctl issue docs/examples/01-software-service.json >/dev/null
ctl issue docs/examples/02-computers-tax-inclusive.json >/dev/null
kill -9 "$devpid"; wait "$devpid" 2>/dev/null || true; devpid=

# The window, driven one command a line; ask prints the answer's first line.
gui() {
  coproc GUI { "$bin" --data "$data" --light --selftest-nodevice "$@" 2>>"$dir/gui.err"; }
}
ask() { echo "$1" >&"${GUI[1]}"; IFS= read -r -t 60 answer <&"${GUI[0]}" || fail "no answer to '$1' (stderr: $(tail -3 "$dir/gui.err"))"; echo "  $1 → $answer" >&2; }
quit() { echo quit >&"${GUI[1]}"; wait "$GUI_PID" 2>/dev/null || true; }

echo "gui-nodevice: 1. --device /dev/ttyNOPE"
gui --device /dev/ttyNOPE
ask "wait absent 10";  [[ $answer == "ok absent"* ]] || fail "$answer"
ask "state"; [[ $answer == *"/dev/ttyNOPE"* ]] || fail "the banner does not name the port: $answer"
IFS= read -r -t 10 answer <&"${GUI[0]}"; [[ $answer == "can-issue false" ]] || fail "issuing offered without a device: $answer"
ask "list"; [[ $answer == "list 2" ]] || fail "the invoice list: $answer"
shot nodevice-list.png
ask "preview"; [[ $answer == "preview true" ]] || fail "$answer"
shot nodevice-preview.png
ask "pdf $dir/pdfs"; [[ $answer == "pdf 2" ]] || fail "the PDF export: $answer"
for f in "$dir"/pdfs/*.pdf; do
  pdfinfo "$f" >/dev/null || fail "$f is not a PDF"
  pdftotext "$f" - | grep -q '价税合计' || fail "$f has no invoice text"
done
ask "issue NOPE-1"; [[ $answer == "issue-error"* ]] || fail "issued without a device: $answer"
quit

echo "gui-nodevice: 2. the simulator killed under the running window, then started again"
startsim
gui --device "$link?baud=115200"
ask "wait connected 20"; [[ $answer == "ok connected"* ]] || fail "$answer"
ask "issue UNPLUG-1"; [[ $answer == "issued "* ]] || fail "$answer"
first=${answer#issued }
kill -9 "$devpid"; wait "$devpid" 2>/dev/null || true; devpid=
ask "wait absent 10"; [[ $answer == "ok absent"* ]] || fail "$answer"
ms=${answer#ok absent }
[ "$ms" -le 2000 ] || fail "the banner came after $ms ms, want within 2 s"
echo "gui-nodevice: the banner showed $ms ms after the simulator was killed"
ask "state"; IFS= read -r -t 10 _ <&"${GUI[0]}"
ask "list"
shot nodevice-unplugged.png
startsim
ask "wait connected 20"; [[ $answer == "ok connected"* ]] || fail "not picked up again: $answer"
echo "gui-nodevice: reconnected ${answer#ok connected } ms after the simulator came back"
ask "issue UNPLUG-2"; [[ $answer == "issued "* ]] || fail "$answer"
second=${answer#issued }
[ "$((10#${second#*:}))" -eq "$((10#${first#*:} + 1))" ] || fail "numbers $first then $second"
ask "list"; [[ $answer == "list 4" ]] || fail "$answer"
shot nodevice-reconnected.png

echo "gui-nodevice: 3. a second window on the same data folder: the start-up error in a dialog"
"$bin" --data "$data" --light --device /dev/ttyNOPE 2>"$dir/second.err" &
second=$!
sleep 4
kill -0 "$second" 2>/dev/null || fail "the second window exited instead of showing the error: $(cat "$dir/second.err")"
grep -q "open in another Kaipiao window" "$dir/second.err" || fail "the second window's error: $(cat "$dir/second.err")"
shot startup-error.png
kill "$second"; wait "$second" 2>/dev/null || true
quit
echo "gui-nodevice: ok"
