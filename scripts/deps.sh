#!/usr/bin/env bash
# Install the Debian packages SealDesk's build and test harness need.
#
#   scripts/deps.sh            # idempotent; ~0.1 s when everything is present
#
# Only missing packages are installed (checked per package with dpkg-query).
# Runs apt-get directly as root, via sudo otherwise.  Knobs:
#   SEALDESK_DEPS_TRIES   install attempts before giving up (default 4)
#
# System services: we never use the system Dovecot/Postfix (the harness runs
# private instances from scripts/services.sh on high loopback ports), so
#   * postfix is preseeded to "No configuration" (no /etc/postfix/main.cf,
#     the system instance cannot start and needs no questions answered);
#   * a system dovecot started by the package's postinst (on machines with a
#     working init) is left alone: it listens on 143/993, never on our ports.
set -euo pipefail

PACKAGES=(
	ca-certificates
	# desktop shell (Wails / WebKitGTK)
	libgtk-3-dev libwebkit2gtk-4.1-dev pkg-config
	# headless UI tests
	xvfb xauth x11-utils xdotool chromium imagemagick
	# mail test harness
	dovecot-imapd dovecot-lmtpd dovecot-submissiond postfix
	# Secret Service test harness
	gnome-keyring libsecret-tools dbus-daemon dbus-x11
	# crypto / interop tooling (jq reads sealctl's --json in scripts/wine/)
	openssl gnupg sq isync bc jq
	# the Windows keychain path under Wine (scripts/wine-test.sh); mingw-w64
	# builds Wine 8's missing ProcessPrng (scripts/wine/bcryptprimitives.c)
	wine wine64 gcc-mingw-w64-x86-64
	# make bench: /usr/bin/time measures mbsync's wall time and peak RSS (scripts/bench-sync.sh)
	time
	# Windows installer and its signing; rpm checks the .rpm (scripts/test-package.sh)
	nsis osslsigncode rpm
)

log() { printf 'deps: %s\n' "$*"; }

if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
else
	command -v sudo >/dev/null || { log "ERROR: not root and no sudo"; exit 1; }
	SUDO=(sudo)
fi

# One dpkg-query call for all packages (prints "name<TAB>status" for each
# known package; unknown ones are simply absent, hence `|| true`).
declare -A status=()
while IFS=$'\t' read -r pkg st; do
	status[$pkg]=$st
done < <(dpkg-query -W -f='${Package}\t${Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for pkg in "${PACKAGES[@]}"; do
	[ "${status[$pkg]:-}" = "install ok installed" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
	log "all ${#PACKAGES[@]} packages already installed"
	exit 0
fi
log "missing: ${missing[*]}"

export DEBIAN_FRONTEND=noninteractive

# Postfix asks a debconf question on install; answer it up front.
log "preseeding postfix: No configuration"
printf '%s\n' \
	"postfix postfix/main_mailer_type select No configuration" \
	"postfix postfix/mailname string localhost" |
	"${SUDO[@]}" debconf-set-selections

# Mirrors occasionally hiccup, and the first install on a fresh machine can
# fail transiently (dpkg lock held by an unattended upgrade, a 404 from a
# stale index): retry, refreshing the index between attempts.
tries=${SEALDESK_DEPS_TRIES:-4}
log "apt-get update"
"${SUDO[@]}" apt-get update -q || log "apt-get update failed, trying the install anyway"
for attempt in $(seq "$tries"); do
	log "apt-get install (attempt $attempt/$tries): ${missing[*]}"
	if "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		-o DPkg::Lock::Timeout=120 \
		"${missing[@]}"; then
		log "installed ${#missing[@]} package(s)"
		exit 0
	fi
	if [ "$attempt" -lt "$tries" ]; then
		sleep $((attempt * 5))
		log "retrying: apt-get update + dpkg --configure -a"
		"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive dpkg --configure -a || true
		"${SUDO[@]}" apt-get update -q || true
	fi
done
log "ERROR: apt-get install failed $tries times"
exit 1
