#!/usr/bin/env bash
# Authenticode-signs Windows executables in place with osslsigncode.
#
#   scripts/package-sign.sh FILE.exe...
#   scripts/package-sign.sh --configured    exit 0 when signing is configured
#
# The certificate comes from the environment, either
#   SEALDESK_SIGN_CERT=cert.pem (the code-signing certificate, plus any
#                      intermediates after it) and SEALDESK_SIGN_KEY=key.pem
#                      [SEALDESK_SIGN_KEY_PASS_FILE=F if the key is encrypted]
# or
#   SEALDESK_SIGN_PKCS12=cert.p12 [SEALDESK_SIGN_PASS_FILE=F, its password]
# and optionally
#   SEALDESK_SIGN_TIMESTAMP_URL  an RFC 3161 time-stamping server (needs the
#                                network; without it the signature stops
#                                validating when the certificate expires)
#   SEALDESK_SIGN_NAME, SEALDESK_SIGN_URL  the description shown by Windows
# scripts/package.sh calls this for the application, the uninstaller and the
# installer (through build/windows/installer/project.nsi) when it is configured.
set -euo pipefail

configured() {
	[ -n "${SEALDESK_SIGN_PKCS12:-}" ] || { [ -n "${SEALDESK_SIGN_CERT:-}" ] && [ -n "${SEALDESK_SIGN_KEY:-}" ]; }
}
if [ "${1:-}" = --configured ]; then configured; exit; fi
[ $# -gt 0 ] || { echo "usage: $0 FILE.exe... (or --configured)" >&2; exit 2; }
configured || {
	echo "package-sign: set SEALDESK_SIGN_CERT and SEALDESK_SIGN_KEY, or SEALDESK_SIGN_PKCS12" >&2
	exit 2
}
command -v osslsigncode >/dev/null || { echo "package-sign: osslsigncode not found (apt-get install osslsigncode)" >&2; exit 1; }

args=(sign -h sha256 -n "${SEALDESK_SIGN_NAME:-SealDesk}" -i "${SEALDESK_SIGN_URL:-https://github.com/sealdesk/sealdesk}")
if [ -n "${SEALDESK_SIGN_PKCS12:-}" ]; then
	args+=(-pkcs12 "$SEALDESK_SIGN_PKCS12")
	[ -n "${SEALDESK_SIGN_PASS_FILE:-}" ] && args+=(-readpass "$SEALDESK_SIGN_PASS_FILE")
else
	args+=(-certs "$SEALDESK_SIGN_CERT" -key "$SEALDESK_SIGN_KEY")
	[ -n "${SEALDESK_SIGN_KEY_PASS_FILE:-}" ] && args+=(-readpass "$SEALDESK_SIGN_KEY_PASS_FILE")
fi
[ -n "${SEALDESK_SIGN_TIMESTAMP_URL:-}" ] && args+=(-ts "$SEALDESK_SIGN_TIMESTAMP_URL")

for f in "$@"; do
	tmp="$f.signing"
	rm -f "$tmp"
	if ! out=$(osslsigncode "${args[@]}" -in "$f" -out "$tmp" 2>&1); then
		rm -f "$tmp"
		echo "package-sign: signing $f failed:" >&2
		echo "$out" >&2
		exit 1
	fi
	mv -f "$tmp" "$f"
	echo "package-sign: signed $f"
done
