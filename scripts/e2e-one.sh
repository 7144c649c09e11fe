#!/usr/bin/env bash
# Runs e2e test files in isolation, for development: its own dev binary,
# its own Xvfb display and Wails port, inside the keychain session and the
# mail services, so several can run at once. `make test` runs them all.
#   scripts/e2e-one.sh frontend/e2e/tickets.e2e.test.mjs [...]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SEALDESK_TEST_KEYRING:-}" ]; then exec scripts/with-keyring.sh "$0" "$@"; fi
if [ -z "${SEALDESK_TEST_IMAP_ADDR:-}" ]; then exec scripts/with-services.sh "$0" "$@"; fi
work=$(mktemp -d /tmp/sealdesk-e2e-one.XXXXXX)
trap 'kill ${xvfb_pid:-} 2>/dev/null; rm -rf "$work"' EXIT
(cd frontend && npx svelte-check --threshold error --output human | tail -n 20 && npx vite build --outDir "$work/dist" --emptyOutDir >/dev/null)
[ -f frontend/dist/index.html ] || make -s frontend
go build -tags dev,webkit2_41 -o "$work/sealdesk-dev" .
# The second agent of the team tests is sealctl on its own profile.
CGO_ENABLED=0 go build -o "$work/sealctl" ./cmd/sealctl
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$work/display")" NO_AT_BRIDGE=1
export SEALDESK_DEV_BINARY="$work/sealdesk-dev" SEALDESK_ASSET_DIR="$work/dist" SEALDESK_SEALCTL="$work/sealctl"
export SEALDESK_E2E_PORT=$((30000 + RANDOM % 20000))
files=()
for f in "$@"; do files+=("$(realpath "$f")"); done
cd frontend && node --test --test-concurrency=1 "${files[@]}"
