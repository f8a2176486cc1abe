#!/usr/bin/env bash
# Runs every fuzz target in the module for the given time each (default 5s).
# `go test -fuzz` takes one target of one package per run, so this finds them all.
set -euo pipefail
fuzztime=${1:-5s}
cd "$(dirname "$0")/.."
status=0
passed=0
failed=0
while IFS= read -r file; do
  pkg="./$(dirname "$file")"
  for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/'); do
    echo "fuzz: $pkg $target for $fuzztime"
    log=$(mktemp)
    if go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" "$pkg" >"$log" 2>&1; then
      passed=$((passed + 1))
    else
      cat "$log"
      failed=$((failed + 1))
      status=1
    fi
    rm -f "$log"
  done
done < <(git ls-files '*_test.go' 2>/dev/null; git ls-files --others --exclude-standard '*_test.go' 2>/dev/null)
echo "fuzz: $passed passed, $failed failed"
exit $status
