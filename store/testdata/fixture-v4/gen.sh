#!/bin/sh
# Regenerates the schema-4 fixture store: the orders of orders.json, then a red invoice
# against the second, issued by kaipiaoctl through the built-in simulator into a fresh
# data folder. Run it from the repository root with the code of schema 4 (git checkout the
# commit that added this file); later code migrates the store it writes, which is what
# the fixture tests. Writes kaipiao.db, devsim.db and invoices.jsonl (each invoice as
# `kaipiaoctl show` printed it then) beside this script.
set -eu
here=store/testdata/fixture-v4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/kaipiaoctl" ./cmd/kaipiaoctl
export KAIPIAO_AUDIT_KEY_DIR="$tmp/key" KAIPIAO_DEVICE=sim
data="$tmp/data"
"$tmp/kaipiaoctl" --data "$data" issue "$here/orders.json" >"$tmp/issued.jsonl"
blue=$(sed -n 2p "$tmp/issued.jsonl" | sed 's/.*"code":"\([0-9]*\)","number":"\([0-9]*\)".*/\1:\2/')
"$tmp/kaipiaoctl" --data "$data" red --of "$blue" --reason 1 >>"$tmp/issued.jsonl"
: >"$here/invoices.jsonl"
sed 's/.*"code":"\([0-9]*\)","number":"\([0-9]*\)".*/\1:\2/' "$tmp/issued.jsonl" | while read -r n; do
	"$tmp/kaipiaoctl" --data "$data" show "$n" | go run "./$here/compact" >>"$here/invoices.jsonl"
done
cp "$data/kaipiao.db" "$data/devsim.db" "$here/"
