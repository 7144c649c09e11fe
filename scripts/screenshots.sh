#!/usr/bin/env bash
# Takes the README's screenshots: the dev build of the app in headless
# Chromium under Xvfb, with the real keychain session, from the demo
# mailbox (frontend/e2e/screenshots.mjs), and the answered-meanwhile notice
# from the two-agent e2e test against Dovecot and Postfix. It navigates
# with the app's own buttons and Ctrl+1…8 shortcuts and checks before each
# capture that the intended screen is up; it fails otherwise, and keeps
# the old pictures.
# Usage: scripts/screenshots.sh [OUTDIR]   (default docs/screenshots)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SEALDESK_TEST_KEYRING:-}" ]; then
	exec scripts/with-keyring.sh "$0" "$@"
fi
out=$(realpath -m "${1:-docs/screenshots}")
work=$(mktemp -d /tmp/sealdesk-shots.XXXXXX)
trap 'kill ${xvfb_pid:-} 2>/dev/null; rm -rf "$work"' EXIT
(cd frontend && npx vite build --outDir "$work/dist" --emptyOutDir >/dev/null)
go build -tags dev,webkit2_41 -ldflags "${SEALDESK_LDFLAGS:-}" -o "$work/sealdesk-dev" .
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$work/display")" NO_AT_BRIDGE=1
export SEALDESK_DEV_BINARY="$work/sealdesk-dev" SEALDESK_ASSET_DIR="$work/dist"
export SEALDESK_E2E_PORT=$((30000 + RANDOM % 20000))
# Into a fresh folder first: a failed run leaves the committed pictures as they were.
node frontend/e2e/screenshots.mjs "$work/shots"
# The answered-meanwhile notice needs a second agent (sealctl on its own
# profile) and real mail services: the two-agent e2e test takes it once it
# has checked the notice and the other agent's answer are shown.
CGO_ENABLED=0 go build -o "$work/sealctl" ./cmd/sealctl
SEALDESK_SEALCTL="$work/sealctl" SEALDESK_SCREENSHOT_DIR="$work/shots" \
	scripts/with-services.sh node --test frontend/e2e/team-agents.e2e.test.mjs
[ -f "$work/shots/answered-meanwhile.png" ] && [ -f "$work/shots/reply-claimed.png" ]
mkdir -p "$out"
cp "$work"/shots/*.png "$out"/
