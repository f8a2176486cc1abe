#!/usr/bin/env bash
# Smoke test of the desktop program: start the real binary under Xvfb on a fresh data
# folder (built-in simulator), take a screenshot with xwd, and check that the window drew:
# a window that failed to start leaves the screen one colour, one without its CJK font
# leaves no text. Writes the screenshot to $1 (default docs/screens/gui-xvfb.png).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screens/gui-xvfb.png}
bin=${KAIPIAO_GUI_BIN:-./bin/kaipiao}
[ -x "$bin" ] || { echo "gui-smoke: build $bin first (make build)" >&2; exit 2; }
data=$(mktemp -d)
shot=$(mktemp --suffix=.xwd)
trap 'rm -rf "$data" "$shot"' EXIT

LANG=C.UTF-8 xvfb-run -a -s "-screen 0 1280x820x24" bash -c "
  $bin --data '$data' --light 2>'$data/stderr' &
  pid=\$!
  for i in \$(seq 1 60); do
    sleep 0.5
    kill -0 \$pid 2>/dev/null || { echo 'gui-smoke: the program exited:' >&2; cat '$data/stderr' >&2; exit 1; }
    # The window has drawn once the simulator answered: the store exists by then.
    [ -s '$data/kaipiao.db' ] && [ \$i -ge 6 ] && break
  done
  sleep 2
  xwd -root -silent > '$shot'
  kill \$pid; wait \$pid 2>/dev/null || true
"
colours=$(xwdtopnm "$shot" 2>/dev/null | ppmhist -noheader | wc -l)
xwdtopnm "$shot" 2>/dev/null | pnmtopng > "$out"
if [ "$colours" -lt 50 ]; then
  echo "gui-smoke: the screen has only $colours colours: the window did not draw (see $out)" >&2
  exit 1
fi
echo "gui-smoke: the window drew ($colours colours); screenshot in $out"
