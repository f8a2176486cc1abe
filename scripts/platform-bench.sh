#!/usr/bin/env bash
# The platform's load test for BENCHMARKS.md (make bench): 20 workstations of 10
# enterprises sync N invoices (default 10,000) through 1 and 2 instances on a throw-away
# PostgreSQL with fsync on (internal/pgtest/pgrun, PGRUN_DURABLE=1), and through one
# instance on bbolt. Three kinds of run for each:
#   presealed, closed loop: the workstations seal their envelopes before the timed phase
#     and store the receipts after it, so the timed phase is the platform's work (plus
#     the senders' TLS); SENDERS envelopes in flight: the platform's throughput;
#   presealed, open loop: the same envelopes offered at RATES invoices/s: the latency at
#     that load, from each envelope's due time;
#   end to end: the real uploader of every workstation, issuing and sealing and storing
#     receipts on the same two cores as the platform, two envelopes in flight each.
# Prints the machine line and each run's report (throughput, upload latency percentiles,
# CPU per invoice).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/" ./cmd/kaipiao-platform ./internal/pgtest/pgrun
echo "machine: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3)"
export BIN="$bin/kaipiao-platform" N="${N:-10000}" BATCH="${BATCH:-50}" SENDERS="${SENDERS:-8}" RATES="${RATES:-2000 4000}"
PGRUN_DURABLE=1 "$bin/pgrun" bash -c '
  set -euo pipefail
  dir=$(mktemp -d)
  trap "rm -rf $dir" EXIT
  "$BIN" loadtest setup --dir "$dir" --workstations 20 --enterprises 10 >/dev/null
  pid=$(head -1 "$PGDATA/postmaster.pid")
  k=0
  one() { # STORE INSTANCES BATCH WHAT ARGS...
    local store=$1 inst=$2 batch=$3 what=$4
    shift 4
    local db=()
    if [ "$store" = PostgreSQL ]; then
      k=$((k+1))
      db=(--db "$KAIPIAO_TEST_PG&search_path=bench$k" --db-pid "$pid") # a fresh schema each run (made by the platform)
    fi
    echo "== $store, $inst instance(s), batch $batch, $what, $N invoices, load $(cut -d" " -f1-3 /proc/loadavg)"
    "$BIN" loadtest --dir "$dir" --invoices "$N" --batch "$batch" --instances "$inst" "${db[@]}" "$@"
  }
  for store in PostgreSQL bbolt; do
    for inst in 1 2; do
      [ "$store" = bbolt ] && [ "$inst" = 2 ] && continue # one process holds a bbolt file
      one $store $inst "$BATCH" "presealed, $SENDERS in flight" --presealed --senders "$SENDERS"
      for rate in $RATES; do
        one $store $inst "$BATCH" "presealed, offered at $rate/s" --presealed --rate "$rate"
        one $store $inst 10 "presealed, offered at $rate/s" --presealed --rate "$rate"
      done
      one $store $inst "$BATCH" "end to end" 
    done
  done'
