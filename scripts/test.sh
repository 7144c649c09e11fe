#!/usr/bin/env bash
# Runs every SealDesk test against real parts: gnome-keyring on a private
# D-Bus session, throwaway Dovecot and Postfix on loopback, the native window
# under Xvfb, and the UI in headless Chromium through Wails' dev bridge.
# Called by `make test` (after deps); ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

# Re-enter inside the keychain session and the mail services, once each.
if [ -z "${SEALDESK_TEST_KEYRING:-}" ]; then
	exec scripts/with-keyring.sh "$0" "$@"
fi
if [ -z "${SEALDESK_TEST_IMAP_ADDR:-}" ]; then
	exec scripts/with-services.sh "$0" "$@"
fi

logs=.cache/test
rm -rf "$logs" && mkdir -p "$logs" build/screenshots
passed=0 failed=0 broken_steps=()

# step NAME CMD...: runs one step, keeps its log, and counts it as broken
# when it exits non-zero (test counts are added separately from the logs).
step() {
	local name=$1 start=$SECONDS
	shift
	echo "==> $name"
	if "$@" >"$logs/$name.log" 2>&1; then
		echo "    ok ($((SECONDS - start)) s)"
	else
		echo "    FAILED ($((SECONDS - start)) s) — last lines of $logs/$name.log:"
		tail -n 60 "$logs/$name.log" | sed 's/^/    | /'
		broken_steps+=("$name")
	fi
}

# count STEP PASS FAIL: adds a step's test counts to the totals and notes
# the failures it explains (see the end).
declare -A step_failed=()
count() {
	passed=$((passed + ${2:-0}))
	failed=$((failed + ${3:-0}))
	step_failed[$1]=${3:-0}
}
# count_go STEP: counts the go-test style "--- PASS"/"--- FAIL" lines of a
# step's log (go test -v, Go test binaries under Wine, scripts/fuzz.sh).
count_go() {
	count "$1" "$(grep -cE '^\s*--- PASS' "$logs/$1.log")" "$(grep -cE '^\s*--- FAIL' "$logs/$1.log")"
}

# Xvfb for the native window and the dev build's WebKit view.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$logs/display" >"$logs/xvfb.log" 2>&1 &
xvfb_pid=$!
trap 'kill $xvfb_pid 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$logs/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$logs/display")"
# No accessibility bus for the test windows: it only adds noise to the logs.
export NO_AT_BRIDGE=1

step gofmt bash -c '! gofmt -l $(git ls-files "*.go") | grep .'
# The generated TypeScript (Wails bindings, the enums' lists) must be what
# the Go code generates now: a stale file fails here, left regenerated in
# the checkout to commit. Modes are not compared (Wails writes 755).
step bindings-fresh bash -c 'make -s bindings &&
	git -c core.fileMode=false diff --exit-code -- frontend/src/wailsjs frontend/src/api/generated.ts &&
	untracked=$(git ls-files --others --exclude-standard -- frontend/src/wailsjs frontend/src/api/generated.ts) &&
	{ [ -z "$untracked" ] || { echo "generated but not committed: $untracked"; false; }; }'
step frontend-build make -s frontend
step go-vet go vet ./...
step no-cgo bash -c 'CGO_ENABLED=0 go build -o /dev/null ./cmd/sealctl && CGO_ENABLED=0 go vet $(go list ./... | grep -v "^github.com/sealdesk/sealdesk$")'

step go-test go test -race -count=1 -v ./...
count_go go-test

# The Dovecot restart tests cut every connection to the server, so they run
# on their own: a private Dovecot and Postfix (with-services.sh gives a fresh
# instance whose variables replace the shared one's), one package at a time.
step dovecot-restart scripts/with-services.sh env SEALDESK_TEST_DOVECOT_RESTART=1 \
	go test -p 1 -count=1 -v -run '^TestDovecotRestart' ./internal/testenv/ ./mail/sync/
count_go dovecot-restart

# The Windows keychain path: keystore tests and a sealctl.exe round trip
# under Wine, against its Credential Manager (scripts/wine-test.sh).
step wine scripts/wine-test.sh
count_go wine

# Every fuzz target for a few seconds (`make fuzz` runs them for a minute).
step fuzz env FUZZTIME=3s scripts/fuzz.sh
count_go fuzz

step vitest bash -c 'cd frontend && NO_COLOR=1 npx vitest run'
# Colour codes are stripped in case a terminal setting forces them on.
v=$(sed 's/\x1b\[[0-9;]*m//g' "$logs/vitest.log" | grep -E '^\s+Tests\s' | tail -1)
count vitest "$(grep -oE '[0-9]+ passed' <<<"$v" | grep -oE '[0-9]+')" "$(grep -oE '[0-9]+ failed' <<<"$v" | grep -oE '[0-9]+')"

step app-build make -s build
step window-smoke scripts/smoke-window.sh build/bin/sealdesk build/screenshots/window.png
step package make -s test-package

# sealctl is the second agent of the two-agent tests (team-agents.e2e).
step e2e-build make -s build-dev sealctl
step e2e env SEALDESK_SCREENSHOT_DIR="$PWD/build/screenshots" bash -c 'cd frontend && node --test --test-concurrency=1 e2e/'
count e2e "$(grep -oE '^# pass [0-9]+' "$logs/e2e.log" | grep -oE '[0-9]+')" "$(grep -oE '^# fail [0-9]+' "$logs/e2e.log" | grep -oE '[0-9]+')"

# A step that broke without a failing test to show for it (build, vet,
# format, a test binary that did not compile) counts as one failure, so the
# total never reads green while something is red.
for s in "${broken_steps[@]}"; do
	[ "${step_failed[$s]:-0}" -gt 0 ] || failed=$((failed + 1))
done

echo
[ "${#broken_steps[@]}" -gt 0 ] && echo "broken steps: ${broken_steps[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "${#broken_steps[@]}" -eq 0 ]
