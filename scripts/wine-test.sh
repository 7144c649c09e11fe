#!/usr/bin/env bash
# Runs SealDesk's Windows keychain path under Wine, so it is tested on every
# `make test` although CI has no Windows machine:
#   1. the crypto/keystore tests, cross-built for windows/amd64, against
#      Wine's Credential Manager (os_windows_test.go checks that a 4096-bit
#      key is split across several items, none above 2,560 bytes);
#   2. a sealctl.exe round trip (scripts/wine/sealctl-roundtrip.sh): import a
#      4096-bit PKCS #12 and OpenPGP key, decrypt a mail to each, delete them.
#
#   scripts/wine-test.sh      # prints go-test style "--- PASS:"/"--- FAIL:" lines
#
# Everything lives in a fresh temp dir: its own WINEPREFIX (created headless,
# no display needed), the binaries, the keys. On exit the prefix's
# wineserver (and with it every Wine process of this prefix) is stopped and
# the dir removed; SEALDESK_WINE_KEEP=1 keeps the dir.
#
# QUIRK: Wine 8 (Debian 12) has no bcryptprimitives.dll, whose ProcessPrng
# Go 1.22+ needs at start-up; scripts/wine/bcryptprimitives.c is a stand-in,
# built here with mingw-w64 and copied into the prefix's system32 (Go loads
# it from there only).
#
# WARNING: Wine does not enforce Credential Manager's 2,560-byte item limit,
# so a passing run here does not prove Windows would take an item; the
# limit is checked by crypto/keystore itself, and its tests check that.
set -uo pipefail
cd "$(dirname "$0")/.."

log() { printf 'wine-test: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for prog in wine wineboot wineserver x86_64-w64-mingw32-gcc openssl gpg jq; do
	command -v "$prog" >/dev/null || die "$prog not found: run scripts/deps.sh"
done

tmp=$(mktemp -d /tmp/sealdesk-wine.XXXXXX)
export WINEPREFIX=$tmp/prefix WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko install prompts; no window of any kind.
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	# Only this prefix's wineserver: other Wine users on the machine keep theirs.
	[ -d "$WINEPREFIX" ] && timeout 30 wineserver -k 2>/dev/null
	if [ "${SEALDESK_WINE_KEEP:-}" = 1 ]; then
		log "kept $tmp"
	else
		rm -rf "$tmp"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The prefix is created in the background while Go cross-builds: a first
# wineboot takes 5-60 s, mostly waiting on disk.
log "creating the Wine prefix $WINEPREFIX"
(timeout 300 wineboot -i && timeout 120 wineserver -w) >"$tmp/wineboot.log" 2>&1 &
boot_pid=$!

log "building the ProcessPrng stand-in (mingw-w64)"
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$tmp/bcryptprimitives.dll" \
	scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32 ||
	die "building bcryptprimitives.dll failed"

log "cross-building the keystore tests and sealctl for windows/amd64"
export GOOS=windows GOARCH=amd64 CGO_ENABLED=0
timeout 900 go test -c -o "$tmp/keystore.test.exe" ./crypto/keystore/ || die "go test -c ./crypto/keystore/ failed"
timeout 900 go build -o "$tmp/sealctl.exe" ./cmd/sealctl || die "go build ./cmd/sealctl failed"
unset GOOS GOARCH CGO_ENABLED

if ! wait "$boot_pid"; then
	cat "$tmp/wineboot.log" >&2
	die "wineboot failed or timed out"
fi
cp "$tmp/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/" || die "installing the stand-in DLL failed"

rc=0
log "keystore tests under Wine"
# SEALDESK_TEST_KEYRING=1 adds the OS backend (here: Credential Manager) to
# the shared suite; Wine hands the Unix environment to Windows programs.
SEALDESK_TEST_KEYRING=1 timeout 600 wine "$tmp/keystore.test.exe" -test.v || rc=1

log "sealctl.exe round trip under Wine"
timeout 900 scripts/wine/sealctl-roundtrip.sh "$tmp/sealctl.exe" "$tmp/roundtrip" || rc=1
exit "$rc"
