#!/usr/bin/env bash
# Starts the built app on $DISPLAY with a throwaway data directory, waits for
# its window, takes a screenshot and checks that the window shows the UI
# (not a blank or crashed view). Usage: smoke-window.sh BINARY OUT.png
set -euo pipefail
bin=$1 out=$2
data=$(mktemp -d)
"$bin" --data "$data" >"$data/app.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT

# Wait for a mapped window named SealDesk, then give WebKit time to paint.
for _ in $(seq 100); do
	xwininfo -root -tree 2>/dev/null | grep -q '"SealDesk"' && break
	kill -0 $pid 2>/dev/null || { echo "the app exited:"; cat "$data/app.log"; exit 1; }
	sleep 0.2
done
xwininfo -root -tree | grep -q '"SealDesk"' || { echo "no SealDesk window appeared"; cat "$data/app.log"; exit 1; }
sleep 3
import -window root "$out"

# A painted UI has many colours; a blank or failed view has a handful.
colours=$(identify -format '%k' "$out")
echo "screenshot $out: $colours colours"
[ "$colours" -gt 50 ] || { echo "the window looks blank"; cat "$data/app.log"; exit 1; }
