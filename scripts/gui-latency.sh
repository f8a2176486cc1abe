#!/usr/bin/env bash
# Acceptance: issuing a 500-order batch keeps the window responsive. Runs the real binary
# under Xvfb with the hidden --selftest-latency N (main's selftest.go): a fresh data folder
# and the built-in simulator, N orders imported into the inbox and issued as one batch,
# while a callback posted with fyne.Do every 10 ms records how long it waits for the event
# loop. Prints the percentiles; fails when the 99th is over 100 ms or an order was not
# issued. N is $1, 500 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-500}
bin=${KAIPIAO_GUI_BIN:-./bin/kaipiao}
[ -x "$bin" ] || { echo "gui-latency: build $bin first (make build)" >&2; exit 2; }
LANG=C.UTF-8 xvfb-run -a -s "-screen 0 1280x820x24" "$bin" --selftest-latency "$n"
