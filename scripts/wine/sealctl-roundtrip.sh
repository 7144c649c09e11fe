#!/usr/bin/env bash
# The sealctl.exe round trip under Wine (called by scripts/wine-test.sh,
# which sets WINEPREFIX):
#
#   scripts/wine/sealctl-roundtrip.sh SEALCTL_EXE WORKDIR
#
# For S/MIME (a 4096-bit RSA PKCS #12 made by openssl) and OpenPGP (a
# 4096-bit RSA key with an encryption subkey made by gpg): import the key,
# check that Credential Manager holds it split across several items,
# decrypt a mail encrypted to it by the peer tool, delete the key, check
# that no item is left and that the next mail fails cleanly (exit 0, a
# decryption failure in the result, no text).
#
# Each check prints one go-test style line, "--- PASS: WineSealctl/NAME" or
# "--- FAIL: WineSealctl/NAME" with the evidence indented below, so the
# harness counts them like Go tests. Exit status: 1 when any check failed.
set -uo pipefail

if [ $# -ne 2 ] || [ -z "${WINEPREFIX:-}" ]; then
	echo "usage: WINEPREFIX=DIR $0 SEALCTL_EXE WORKDIR" >&2
	exit 2
fi
exe=$1 work=$2
mkdir -p "$work" && cd "$work" || exit 1
export GNUPGHOME=$work/gnupg
mkdir -m 700 -p "$GNUPGHOME"
trap 'gpgconf --homedir "$GNUPGHOME" --kill all 2>/dev/null' EXIT

failures=0
pass() { echo "--- PASS: WineSealctl/$1"; }
fail() {
	echo "--- FAIL: WineSealctl/$1"
	shift
	for f in "$@"; do
		[ -s "$f" ] && sed 's/^/    | /' "$f"
	done
	failures=$((failures + 1))
}
# check NAME CMD...: CMD's exit status decides; its output is the evidence.
check() {
	local name=$1 out=${1//\//-}.out
	shift
	if "$@" >"$out" 2>&1; then pass "$name"; else fail "$name" "$out"; fi
}

# sealctl.exe on the round trip's own data directory (a Windows path: Wine
# maps Z: to /).
data="Z:${work//\//\\}\\data"
sc() { timeout 120 wine "$exe" --data "$data" "$@"; }

# items FINGERPRINT: how many Credential Manager items name the key. Wine
# keeps them as registry keys under HKCU\Software\Wine\Credential Manager.
items() {
	local list
	list=$(timeout 60 wine reg query 'HKCU\Software\Wine\Credential Manager' 2>&1) ||
		{ echo "reg query failed: $list" >&2; return 1; }
	tr -d '\r' <<<"$list" | grep -ci -- "$1" || true
}
# split FINGERPRINT MIN: the key's secrets fill at least MIN items.
split() {
	local n
	n=$(items "$1") || return 1
	echo "$n Credential Manager items name $1, want at least $2"
	[ "$n" -ge "$2" ]
}
gone() {
	local n
	n=$(items "$1") || return 1
	echo "$n Credential Manager items name $1, want none"
	[ "$n" -eq 0 ]
}

# decrypts FILE TEXT: inspect decrypts FILE and shows TEXT.
decrypts() {
	sc inspect --json "$1" >"$1.json" || return 1
	cat "$1.json"
	jq -e --arg want "$2" '.security.encryption.success == true and (.text | contains($want))' "$1.json" >/dev/null
}
# refuses FILE: inspect exits 0 and reports a decryption failure, no text.
refuses() {
	sc inspect --json "$1" >"$1.json" || return 1
	cat "$1.json"
	jq -e '.security.encrypted == true and .security.encryption.success == false and .text == ""' "$1.json" >/dev/null
}

headers() { # headers ID SUBJECT
	printf 'Message-ID: <%s@wine.example>\r\nDate: %s\r\nFrom: Alice <alice@wine.example>\r\nSubject: %s\r\n' \
		"$1" "$(date -R)" "$2"
}

# --- S/MIME: a 4096-bit PKCS #12 ---------------------------------------------
smime_text="S/MIME round trip under Wine $RANDOM"
printf 'p12-pass\n' >p12.pass
timeout 300 openssl req -x509 -newkey rsa:4096 -nodes -keyout desk.key -out desk.pem -days 7 \
	-subj "/CN=Wine Desk/emailAddress=desk@wine.example" \
	-addext "subjectAltName=email:desk@wine.example" \
	-addext "keyUsage=critical,digitalSignature,keyEncipherment" \
	-addext "extendedKeyUsage=emailProtection" >openssl.log 2>&1 &&
	openssl pkcs12 -export -inkey desk.key -in desk.pem -out desk.p12 -passout file:p12.pass -name desk >>openssl.log 2>&1 ||
	{ fail smime/keygen openssl.log; exit 1; }
smime_fp=$(openssl x509 -in desk.pem -outform DER | sha256sum | cut -d' ' -f1)
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n' "$smime_text" >smime.txt
for n in 1 2; do
	{ headers "smime-$n" "wine S/MIME $n"; openssl cms -encrypt -aes256 -in smime.txt -recip desk.pem -to desk@wine.example; } >"smime-$n.eml"
done

check smime/import-pkcs12 sc cert key desk.p12 --passphrase-file p12.pass
check smime/key-split-across-items split "$smime_fp" 3
check smime/decrypt decrypts smime-1.eml "$smime_text"
check smime/delete sc cert delete "$smime_fp"
check smime/no-item-left gone "$smime_fp"
check smime/after-delete-fails-cleanly refuses smime-2.eml

# --- OpenPGP: a 4096-bit RSA key with an encryption subkey ------------------
pgp_text="OpenPGP round trip under Wine $RANDOM"
printf 'pgp-pass\n' >pgp.pass
cat >keyparams <<-EOF
	Key-Type: RSA
	Key-Length: 4096
	Key-Usage: sign,cert
	Subkey-Type: RSA
	Subkey-Length: 4096
	Subkey-Usage: encrypt
	Name-Real: Wine Desk
	Name-Email: desk-pgp@wine.example
	Expire-Date: 0
	Passphrase: pgp-pass
	%commit
EOF
timeout 300 gpg --batch --pinentry-mode loopback --gen-key keyparams >gpg.log 2>&1 ||
	{ fail pgp/keygen gpg.log; exit 1; }
pgp_fp=$(gpg --batch --with-colons --list-keys desk-pgp@wine.example 2>>gpg.log | awk -F: '/^fpr/ { print $10; exit }')
gpg --batch --pinentry-mode loopback --passphrase pgp-pass --armor --export-secret-keys "$pgp_fp" >pgp-secret.asc 2>>gpg.log
for n in 1 2; do
	{
		headers "pgp-$n" "wine OpenPGP $n"
		printf 'MIME-Version: 1.0\r\nContent-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"\r\n\r\n'
		printf -- '--b\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\n'
		printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n' "$pgp_text" |
			gpg --batch --trust-model always --armor --encrypt -r "$pgp_fp" 2>>gpg.log
		printf -- '\r\n--b--\r\n'
	} >"pgp-$n.eml"
done

check pgp/import-secret-key sc pgp import pgp-secret.asc --passphrase-file pgp.pass
# The secret key (manifest + ≥2 parts) and its passphrase: ≥4 items.
check pgp/key-split-across-items split "$pgp_fp" 4
check pgp/decrypt decrypts pgp-1.eml "$pgp_text"
check pgp/delete sc pgp delete "$pgp_fp"
check pgp/no-item-left gone "$pgp_fp"
check pgp/after-delete-fails-cleanly refuses pgp-2.eml

[ "$failures" -eq 0 ]
