#!/usr/bin/env bash
# make run: the workstation on its embedded defaults — the built-in device simulator, a
# local data folder, and a local reference service platform with demo certificates — so
# that a newcomer can issue, view, red-invoice and sync in the first minute.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${RUN_DATA:-.kaipiao-data}
# The demo folder's keys are encrypted with the published demo passphrase: allowed here,
# and only here (docs/security.md).
export KAIPIAO_DEMO_KEYS=1
mkdir -p "$data/platform"
if [ ! -d "$data/pki" ]; then
  echo "run: creating demo certificates (kaipiaoctl pki init)"
  ./bin/kaipiaoctl --data "$data" pki init "$data/platform-pki" >/dev/null
fi
# A folder made before workstations had a TLS client certificate is still served.
clientcert=()
[ -f "$data/pki/enterprise-tls.crt" ] || clientcert=(--no-client-cert)
./bin/kaipiao-platform --addr 127.0.0.1:0 --data "$data/platform" --pki "$data/platform-pki" "${clientcert[@]}" \
  >"$data/platform.out" 2>"$data/platform.log" &
platform=$!
trap 'kill $platform 2>/dev/null; wait $platform 2>/dev/null || true' EXIT
url=
for _ in $(seq 1 100); do
  url=$(sed -n 's/^LISTEN //p' "$data/platform.out" | head -1)
  [ -n "$url" ] && break
  kill -0 $platform 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "run: the reference platform did not start:" >&2
  cat "$data/platform.log" >&2
  exit 1
fi
echo "run: reference platform at $url (its data in $data/platform); the workstation's in $data"
./bin/kaipiao --data "$data" --platform "$url" "$@"
