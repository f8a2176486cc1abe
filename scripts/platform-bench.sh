#!/usr/bin/env bash
# The platform's load test for BENCHMARKS.md (make bench): 20 workstations of 10
# enterprises sync N invoices (default 10,000) through 1 and 2 instances on a throw-away
# PostgreSQL with fsync on (internal/pgtest/pgrun, PGRUN_DURABLE=1), and through one
# instance on bbolt, for upload batches of 50 and 10 invoices. Prints the machine line
# and each run's report (throughput, upload latency percentiles, CPU per invoice).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/" ./cmd/kaipiao-platform ./internal/pgtest/pgrun
echo "machine: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3)"
export BIN="$bin/kaipiao-platform" N="${N:-10000}" BATCHES="${BATCHES:-50 10}"
PGRUN_DURABLE=1 "$bin/pgrun" bash -c '
  set -euo pipefail
  dir=$(mktemp -d)
  trap "rm -rf $dir" EXIT
  "$BIN" loadtest setup --dir "$dir" --workstations 20 --enterprises 10 >/dev/null
  pid=$(head -1 "$PGDATA/postmaster.pid")
  k=0
  for batch in $BATCHES; do
    for inst in 1 2; do
      k=$((k+1))
      url="$KAIPIAO_TEST_PG&search_path=bench$k" # a fresh schema each run (made by the platform)
      echo "== PostgreSQL, $inst instance(s), batch $batch, $N invoices, load $(cut -d" " -f1-3 /proc/loadavg)"
      "$BIN" loadtest --dir "$dir" --invoices "$N" --batch "$batch" --instances "$inst" --db "$url" --db-pid "$pid"
    done
    echo "== bbolt, 1 instance, batch $batch, $N invoices, load $(cut -d" " -f1-3 /proc/loadavg)"
    "$BIN" loadtest --dir "$dir" --invoices "$N" --batch "$batch"
  done'
