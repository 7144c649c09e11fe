#!/usr/bin/env bash
# Run a command with a private, unlocked Secret Service (gnome-keyring).
#
#   scripts/with-keyring.sh go test ./internal/keychain/...
#   scripts/with-keyring.sh scripts/with-services.sh go test -race ./...
#
# What it does:
#   1. re-executes itself under `dbus-run-session`, i.e. a fresh private D-Bus
#      session bus (never the desktop's bus, so your real keyring is never
#      touched);
#   2. starts `gnome-keyring-daemon --foreground --unlock --components=secrets`
#      with the keyring password on stdin and XDG_DATA_HOME/XDG_RUNTIME_DIR
#      pointing into a temp dir (the daemon creates an unlocked "login"
#      collection there and makes it the default);
#   3. waits (bounded) until org.freedesktop.secrets is owned on the bus and
#      proves a `secret-tool` store/lookup/clear round trip works;
#   4. exports SEALDESK_TEST_KEYRING=1 (+ GNOME_KEYRING_CONTROL) and runs CMD;
#   5. on exit (success, failure, Ctrl-C) kills the daemon by PID and removes
#      the temp dir; dbus-run-session then tears down the bus.
#
# Works headless as root; no X server needed.  Exit status is CMD's.
# Optional: SEALDESK_TEST_KEYRING_PASSWORD (default: sealdesk-test).
set -euo pipefail

log() { printf 'with-keyring: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [ $# -eq 0 ]; then
	echo "usage: $0 CMD [ARGS...]" >&2
	exit 2
fi

# --- step 1: get onto a private session bus ---------------------------------
if [ -z "${SEALDESK_KEYRING_INNER:-}" ]; then
	for prog in dbus-run-session dbus-send gnome-keyring-daemon secret-tool; do
		command -v "$prog" >/dev/null || die "$prog not found: run scripts/deps.sh"
	done
	self=$(cd "$(dirname "$0")" && pwd -P)/$(basename "$0")
	export SEALDESK_KEYRING_INNER=1
	exec dbus-run-session -- bash "$self" "$@"
fi
unset SEALDESK_KEYRING_INNER

# --- step 2: start the keyring daemon ----------------------------------------
tmp=$(mktemp -d /tmp/sealdesk-keyring.XXXXXX)
mkdir -m 700 "$tmp/data" "$tmp/run"
daemon_pid=""

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
		kill -TERM "$daemon_pid" 2>/dev/null || true
		wait "$daemon_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

password=${SEALDESK_TEST_KEYRING_PASSWORD:-sealdesk-test}
# --unlock reads the password from stdin (no trailing newline) and creates
# the "login" collection with it if missing.  --foreground keeps the PID
# ours.  The XDG dirs only apply to the daemon, not to CMD.
printf '%s' "$password" |
	XDG_DATA_HOME=$tmp/data XDG_RUNTIME_DIR=$tmp/run \
		gnome-keyring-daemon --foreground --unlock --components=secrets \
		>"$tmp/daemon.out" 2>"$tmp/daemon.err" &
daemon_pid=$!

# --- step 3: wait for the bus name, then smoke-test -------------------------
name_owned() {
	dbus-send --session --print-reply --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
		string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}
deadline=$((SECONDS + ${SEALDESK_TEST_KEYRING_TIMEOUT:-10}))
until name_owned; do
	if ! kill -0 "$daemon_pid" 2>/dev/null; then
		cat "$tmp/daemon.err" >&2
		die "gnome-keyring-daemon exited before owning org.freedesktop.secrets"
	fi
	if [ "$SECONDS" -ge "$deadline" ]; then
		cat "$tmp/daemon.err" >&2
		die "org.freedesktop.secrets not owned after ${SEALDESK_TEST_KEYRING_TIMEOUT:-10}s"
	fi
	sleep 0.05
done

# Export whatever the daemon printed (NAME=value lines; gnome-keyring prints
# GNOME_KEYRING_CONTROL / SSH_AUTH_SOCK in some modes), else derive the
# control socket location from the runtime dir we gave it.
while IFS= read -r line; do
	case $line in
	[A-Z_]*=*) export "${line?}" ;;
	esac
done <"$tmp/daemon.out"
if [ -z "${GNOME_KEYRING_CONTROL:-}" ] && [ -S "$tmp/run/keyring/control" ]; then
	export GNOME_KEYRING_CONTROL=$tmp/run/keyring
fi

# Round trip through the default collection: proves it exists and is
# unlocked (a locked one would make secret-tool prompt/fail headless).
probe="probe-$$-$RANDOM"
if ! printf '%s' "$probe" | timeout 10 secret-tool store --label='SealDesk harness probe' \
	sealdesk-harness probe >/dev/null 2>"$tmp/probe.err"; then
	cat "$tmp/probe.err" "$tmp/daemon.err" >&2
	die "secret-tool store failed: default collection missing or locked"
fi
got=$(timeout 10 secret-tool lookup sealdesk-harness probe 2>/dev/null || true)
timeout 10 secret-tool clear sealdesk-harness probe 2>/dev/null || true
[ "$got" = "$probe" ] || die "secret-tool lookup returned '$got', want '$probe'"
log "Secret Service ready (gnome-keyring PID $daemon_pid, bus $DBUS_SESSION_BUS_ADDRESS)"

# --- step 4: run CMD ---------------------------------------------------------
export SEALDESK_TEST_KEYRING=1
set +e
"$@"
rc=$?
set -e
exit "$rc"
