#!/usr/bin/env bash
# Run a command against throwaway Dovecot + Postfix instances.
#
#   scripts/with-services.sh go test -race ./...
#   scripts/with-services.sh bash          # interactive poking around
#
# Starts both daemons in a fresh temp dir (scripts/services.sh start), exports
# the SEALDESK_TEST_* variables (see services.sh / internal/testenv), runs CMD,
# then always stops the daemons by PID and removes the temp dir -- on success,
# failure, Ctrl-C or SIGTERM.  Exit status is CMD's.
#
# Set SEALDESK_TEST_KEEP=1 to keep the temp dir (logs, Maildirs) afterwards.
set -euo pipefail

if [ $# -eq 0 ]; then
	echo "usage: $0 CMD [ARGS...]" >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd -P)
# /tmp (not $TMPDIR, which may live under a 0700 home) so that Dovecot's
# unprivileged processes can traverse the path.
dir=$(mktemp -d /tmp/sealdesk-services.XXXXXX)

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	"$here/services.sh" stop "$dir" || true
	if [ "${SEALDESK_TEST_KEEP:-}" = 1 ]; then
		echo "with-services: kept $dir" >&2
	else
		rm -rf "$dir"
	fi
	exit "$rc"
}
trap cleanup EXIT
# On a signal, exit with the conventional 128+N; the EXIT trap then cleans up.
trap 'exit 130' INT
trap 'exit 143' TERM

"$here/services.sh" start "$dir"
# shellcheck source=/dev/null
. "$dir/env"

# Not exec: we must stay around to stop the daemons afterwards.  CMD runs in
# the foreground so it keeps the terminal (stdin, Ctrl-C).  On Ctrl-C the
# whole foreground process group gets SIGINT: CMD dies, then our INT trap
# exits and the EXIT trap cleans up.  A SIGTERM sent to this script alone is
# handled once CMD has finished (bash defers traps while waiting).
set +e
"$@"
rc=$?
set -e
exit "$rc"
