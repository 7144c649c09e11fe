#!/usr/bin/env bash
# Takes the README's screenshots from the native window under Xvfb, with the
# real keychain session: the empty ticket list, the demo mailbox's tickets,
# then Settings (clicked with xdotool at their places in a 1280x800 window).
# Usage: scripts/screenshots.sh (after `make build`).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SEALDESK_TEST_KEYRING:-}" ]; then
	exec scripts/with-keyring.sh "$0" "$@"
fi
export NO_AT_BRIDGE=1
out=docs/screenshots
mkdir -p "$out"
data=$(mktemp -d)
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
	set -euo pipefail
	build/bin/sealdesk --data "$1" >"$1/app.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do xwininfo -root -tree | grep -q "\"SealDesk\"" && break; sleep 0.2; done
	sleep 3
	import -window root "$2/empty.png"
	# "Try the demo mailbox" in the empty list; the demo syncs in seconds.
	xdotool mousemove 740 342 click 1
	sleep 8
	import -window root "$2/tickets.png"
	xdotool mousemove 60 121 click 1
	sleep 1
	import -window root "$2/settings.png"
	kill $pid
' _ "$data" "$out"
rm -rf "$data"
echo "wrote $out/empty.png, $out/tickets.png and $out/settings.png"
