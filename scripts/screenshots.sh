#!/usr/bin/env bash
# Takes the README's screenshots from the native window under Xvfb, with the
# real keychain session: the empty ticket list, then the demo mailbox — a
# signed ticket with its details open, the composer, a mail that disguises
# a link, and each admin screen
# (switched with the window's own Ctrl+1…8 shortcuts; the few clicks are at
# fixed places of a 1280x800 window).
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
	data=$1 out=$2
	build/bin/sealdesk --data "$data" >"$data/app.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do xwininfo -root -tree | grep -q "\"SealDesk\"" && break; sleep 0.2; done
	sleep 3
	shot() { sleep "${2:-1}"; import -window root "$out/$1.png"; }
	key() { xdotool key --clearmodifiers "$1"; }
	shot empty 0
	# "Try the demo mailbox" in the empty list; the demo syncs in seconds.
	xdotool mousemove 743 424 click 1
	sleep 8
	# The signed ticket at the bottom of the list; Reply opens the composer
	# with its per-recipient reasons; Escape keeps the draft and closes it.
	xdotool mousemove 420 610 click 1
	sleep 1.5
	xdotool mousemove 681 543 click 1
	shot composer 2
	key Escape; sleep 1
	# The first article header expands every check of its signature.
	xdotool mousemove 900 100 click 1
	shot tickets 1.5
	# The HTML mail that disguises a link (second in the list): its links
	# listed under it with the real destination and the warning.
	key ctrl+1; sleep 0.5
	xdotool mousemove 420 274 click 1
	shot link-warning 2
	key ctrl+2; shot certificates
	key ctrl+3; shot pgp-keys
	key ctrl+4; shot found-in-mail
	key ctrl+5; shot groups
	key ctrl+6; shot accounts
	key ctrl+7; shot recent-logs
	key ctrl+8; shot settings
	kill $pid
' _ "$data" "$out"
rm -rf "$data"
echo "wrote $(ls "$out" | tr '\n' ' ')"
