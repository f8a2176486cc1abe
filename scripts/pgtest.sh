#!/usr/bin/env bash
# The platform's tests on PostgreSQL (make test): the same tests `go test ./...` ran on
# the bbolt store, run again with KAIPIAO_PLATFORM_STORE=postgres against a throw-away
# cluster that internal/pgtest/pgrun makes in a temporary folder (initdb, pg_ctl; as the
# postgres user when run as root), stops and removes afterwards. A missing PostgreSQL
# fails (scripts/deps.sh installs Debian's postgresql). The two-instance tests run on
# PostgreSQL in either pass, so the second pass leaves them out. Of kaipiaoctl's tests it
# runs those with a platform (in process, or kaipiao-platform processes on --db); the
# seeded SIGKILL run of the digital channel stays on bbolt (minutes, and timing-bound).
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./internal/pgtest/pgrun env KAIPIAO_PLATFORM_STORE=postgres sh -c '
  go test -count=1 -skip '\''TestTwoInstancesOneKilled|TestLoadtestCommandBothChannelsAndSlips|TestLoadtestCommandPresealed'\'' ./platform/... ./upload/... ./cmd/kaipiao-platform/ &&
  go test -count=1 -run '\''TestPKIInitIssueAndSync|TestRedSlipCommandsOfSellerAndBuyer|TestDigitalOfflineBatchUntilTheQuotaRunsOut|TestTwoEnterprisesRedInvoiceThroughASlip|TestDigitalDocumentsEndToEnd'\'' ./cmd/kaipiaoctl/'
