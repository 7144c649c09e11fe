#!/usr/bin/env bash
# Tests the packages `make package` put in dist/ (run by `make test-package`,
# which builds them first, and as the "package" step of `make test`).
#
#   .deb   fields, dependencies, contents; installs with apt-get; the installed
#          sealdesk and sealctl report the version and the window comes up
#          under Xvfb; an older package (built here) upgraded to this one keeps
#          the data directory and the keychain items; apt-get remove leaves the
#          data, says where it is, and removes every packaged file
#   .rpm   version, dependencies, contents, scripts (when `rpm` is installed)
#   .exe   the app and its NSIS installer are PE32+ (x86-64) with the version
#          in their version resource; signing with a throwaway self-signed
#          certificate (osslsigncode) yields signatures osslsigncode verifies
#   every artifact matches its .sha256
#
# Installs into the system (/usr/bin): meant for CI's fresh machine or a
# developer's throwaway one; needs root (or sudo). It removes the package again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Inside a keychain session (the upgrade test stores a key) and a display.
if [ -z "${SEALDESK_TEST_KEYRING:-}" ]; then
	exec scripts/with-keyring.sh "$0" "$@"
fi

GOBIN=$(go env GOPATH)/bin
export PATH=$GOBIN:$PATH
VERSION=${VERSION:-$(make -s --no-print-directory print-version)}
pkg_version=$(scripts/package-version.sh pkg "$VERSION")
win_version=$(scripts/package-version.sh win "$VERSION")
deb=dist/sealdesk_${pkg_version}_amd64.deb
rpm=dist/sealdesk-${pkg_version}-1.x86_64.rpm
exe=dist/sealdesk-${win_version}-windows-amd64.exe
setup=dist/sealdesk-${win_version}-windows-amd64-installer.exe
old_version=v0.0.0-upgradetest
old_pkg_version=$(scripts/package-version.sh pkg "$old_version")
message="SealDesk's data stays in ~/.config/SealDesk of each user; keys stay in each user's keychain. Remove them by hand if you want them gone."

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
apt_get() { "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=120 "$@"; }

tmp=$(mktemp -d /tmp/sealdesk-test-package.XXXXXX)
xvfb_pid=""
cleanup() {
	local rc=$?
	if dpkg-query -W -f='${Status}' sealdesk 2>/dev/null | grep -qE 'installed|config-files'; then
		apt_get purge sealdesk >/dev/null 2>&1 || true
	fi
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT

checks=0
ok() { checks=$((checks + 1)); echo "ok    $*"; }
fail() { echo "FAIL  $*" >&2; exit 1; }
check() { # check DESCRIPTION CMD...
	local d=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then ok "$d"; else cat "$tmp/check.out" >&2; fail "$d"; fi
}
want() { # want DESCRIPTION GOT EXPECTED
	[ "$2" = "$3" ] && ok "$1 ($2)" || fail "$1: got '$2', want '$3'"
}
has() { # has DESCRIPTION FILE TEXT: FILE contains the line or text TEXT
	grep -qF -- "$3" "$2" && ok "$1" || { cat "$2" >&2; fail "$1: '$3' not found"; }
}

if [ -z "${DISPLAY:-}" ]; then
	Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
	xvfb_pid=$!
	for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
	export DISPLAY=":$(cat "$tmp/display")"
fi
export NO_AT_BRIDGE=1

echo "== artifacts of $VERSION"
for f in "$deb" "$rpm" "$exe" "$setup"; do
	[ -f "$f" ] || fail "$f missing (make package)"
	check "$(basename "$f").sha256 matches" bash -c "cd dist && sha256sum --strict -c '$(basename "$f").sha256'"
done

echo "== .deb"
want "deb version" "$(dpkg-deb -f "$deb" Version)" "$pkg_version"
want "deb dependencies" "$(dpkg-deb -f "$deb" Depends)" "libc6 (>= 2.34), libgtk-3-0, libwebkit2gtk-4.1-0"
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$tmp/deb.files"
for f in /usr/bin/sealdesk /usr/bin/sealctl /usr/share/applications/sealdesk.desktop \
	/usr/share/icons/hicolor/{16x16,32x32,48x48,64x64,128x128,256x256,512x512}/apps/sealdesk.png; do
	has "deb ships $f" "$tmp/deb.files" "$f"
done
! grep -vE '^/$|^/usr/$|^/usr/(bin|share)/' "$tmp/deb.files" >"$tmp/check.out" && ok "deb ships nothing outside /usr/bin and /usr/share" ||
	{ cat "$tmp/check.out"; fail "deb ships files outside /usr"; }

echo "== .rpm"
if command -v rpm >/dev/null; then
	want "rpm version" "$(rpm -qp --qf '%{VERSION}-%{RELEASE}' "$rpm" 2>/dev/null)" "$pkg_version-1"
	rpm -qpR "$rpm" 2>/dev/null >"$tmp/rpm.requires"
	has "rpm requires gtk3" "$tmp/rpm.requires" "gtk3"
	has "rpm requires webkit2gtk4.1" "$tmp/rpm.requires" "webkit2gtk4.1"
	rpm -qpl "$rpm" 2>/dev/null >"$tmp/rpm.files"
	for f in /usr/bin/sealdesk /usr/bin/sealctl /usr/share/applications/sealdesk.desktop /usr/share/icons/hicolor/512x512/apps/sealdesk.png; do
		has "rpm ships $f" "$tmp/rpm.files" "$f"
	done
	rpm -qp --scripts "$rpm" 2>/dev/null >"$tmp/rpm.scripts"
	has "rpm %postun names where the data stays" "$tmp/rpm.scripts" "$message"
else
	echo "skip  rpm checks: the rpm tool is not installed (apt-get install rpm)"
fi

echo "== Windows"
# pe_check FILE: MZ, then "PE\0\0" at e_lfanew, machine x86-64 (0x8664) and
# optional header magic 0x20b (PE32+); prints "PE32+ x86-64 gui".
pe_check() {
	local f=$1 off sig machine magic subsystem
	[ "$(head -c 2 "$f")" = MZ ] || { echo "no MZ header"; return 1; }
	off=$(od -An -t u4 -j 60 -N 4 "$f" | tr -d ' ')
	sig=$(od -An -t x1 -j "$off" -N 4 "$f" | tr -d ' ')
	[ "$sig" = 50450000 ] || { echo "no PE signature at $off ($sig)"; return 1; }
	machine=$(od -An -t x2 -j $((off + 4)) -N 2 "$f" | tr -d ' ')
	magic=$(od -An -t x2 -j $((off + 24)) -N 2 "$f" | tr -d ' ')
	subsystem=$(od -An -t u2 -j $((off + 24 + 68)) -N 2 "$f" | tr -d ' ')
	[ "$magic" = 020b ] && [ "$machine" = 8664 ] && [ "$subsystem" = 2 ] && echo "PE32+ x86-64 gui" ||
		echo "magic=$magic machine=$machine subsystem=$subsystem"
}
# utf16 FILE TEXT: the file holds TEXT in UTF-16LE (as version resources do).
utf16() {
	local pat
	pat=$(printf '%s' "$2" | od -An -t x1 | tr -d '\n' | sed 's/ *\([0-9a-f][0-9a-f]\)/\\x\1\\x00/g')
	LC_ALL=C grep -qaP "$pat" "$1"
}
# nsis_keeps_data: the uninstaller deletes nothing recursively and nothing
# under the user's profile, and tells where the data stays.
nsis_keeps_data() {
	local f=build/windows/installer/project.nsi
	! grep -nE '^[^#;]*RMDir +/r' "$f" && ! grep -niE '^[^#;]*(Delete|RMDir).*\$(AppData|LocalAppData|Profile)' "$f" &&
		grep -qF 'stays in %AppData%\SealDesk of each user' "$f"
}
want "app exe is PE32+" "$(pe_check "$exe")" "PE32+ x86-64 gui"
want "installer is PE32+" "$(pe_check "$setup")" "PE32+ x86-64 gui"
check "installer is an NSIS installer" grep -qa NullsoftInst "$setup"
check "app exe carries $VERSION (ldflags)" grep -qaF -- "$VERSION" "$exe"
check "app exe version resource says $win_version" utf16 "$exe" "$win_version"
check "installer version resource says $win_version" utf16 "$setup" "$win_version"
osslsigncode verify -in "$exe" >"$tmp/verify.out" 2>&1 || true
has "unsigned build is unsigned" "$tmp/verify.out" "No signature found"
check "uninstaller (project.nsi) leaves %AppData%\\SealDesk and says so" nsis_keeps_data

# A throwaway self-signed code-signing certificate; the build signs the app,
# the uninstaller and the installer through build/windows/installer/project.nsi.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout "$tmp/sign.key" -out "$tmp/sign.pem" \
	-subj "/CN=SealDesk Throwaway Code Signing/O=SealDesk test-package" \
	-addext "extendedKeyUsage=codeSigning" -addext "keyUsage=critical,digitalSignature" 2>/dev/null
check "signed Windows build" env SEALDESK_SIGN_CERT="$tmp/sign.pem" SEALDESK_SIGN_KEY="$tmp/sign.key" \
	PACKAGE_OUT="$tmp/signed" VERSION="$VERSION" scripts/package.sh windows
for f in "$tmp/signed/$(basename "$exe")" "$tmp/signed/$(basename "$setup")"; do
	n=$(basename "$f")
	# Against the system roots the chain fails (self-signed, as expected);
	# the signature itself is there and intact, and it verifies against the
	# certificate as the trusted root.
	osslsigncode verify -in "$f" >"$tmp/verify.out" 2>&1 || true
	has "$n: signature present" "$tmp/verify.out" "Subject: /CN=SealDesk Throwaway Code Signing/O=SealDesk test-package"
	cur=$(sed -n 's/^Current message digest *: *\([0-9A-F]*\).*/\1/p' "$tmp/verify.out")
	calc=$(sed -n 's/^Calculated message digest *: *\([0-9A-F]*\).*/\1/p' "$tmp/verify.out")
	[ -n "$cur" ] && [ "$cur" = "$calc" ] && ok "$n: SHA-256 digest in the signature matches the file" ||
		{ cat "$tmp/verify.out"; fail "$n: digest mismatch ($cur vs $calc)"; }
	check "$n: verifies with the throwaway certificate as root" osslsigncode verify -CAfile "$tmp/sign.pem" -in "$f"
	check "$n: still PE32+" test "$(pe_check "$f")" = "PE32+ x86-64 gui"
done
check "signed installer differs from unsigned" bash -c "! cmp -s '$setup' '$tmp/signed/$(basename "$setup")'"

echo "== install, upgrade, remove (.deb)"
if dpkg-query -W -f='${Status}' sealdesk 2>/dev/null | grep -qE 'installed|config-files'; then
	echo "note  purging a sealdesk package left installed"
	apt_get purge sealdesk >/dev/null
fi

# The older package: the same sources stamped $old_version, packaged by the
# same script (binaries built beside, build/bin untouched).
mkdir -p "$tmp/oldbin"
go build -tags desktop,production,webkit2_41 -ldflags "-w -s -X github.com/sealdesk/sealdesk/internal/version.Version=$old_version" -o "$tmp/oldbin/sealdesk" .
CGO_ENABLED=0 go build -ldflags "-X github.com/sealdesk/sealdesk/internal/version.Version=$old_version" -o "$tmp/oldbin/sealctl" ./cmd/sealctl
check "older package $old_pkg_version built" env VERSION="$old_version" SEALDESK_BIN_DIR="$tmp/oldbin" PACKAGE_OUT="$tmp/old" scripts/package.sh linux
old_deb=$tmp/old/sealdesk_${old_pkg_version}_amd64.deb
check "older version sorts before $pkg_version" dpkg --compare-versions "$old_pkg_version" lt "$pkg_version"

check "apt-get install the older .deb" apt_get install "$old_deb"
want "dpkg -s version (older)" "$(dpkg-query -W -f='${Version}' sealdesk)" "$old_pkg_version"
want "installed sealctl (older)" "$(/usr/bin/sealctl version --json | sed -n 's/^ *"version": *"\(.*\)",*$/\1/p')" "$old_version"

# A user's state under a test HOME: the data directory and a private key in
# the keychain, written by the older version.
home=$tmp/home
mkdir -p "$home"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-keyout "$tmp/agent.key" -out "$tmp/agent.pem" -subj "/CN=Upgrade Test/emailAddress=upgrade@example.test" \
	-addext "subjectAltName=email:upgrade@example.test" -addext "extendedKeyUsage=emailProtection" 2>/dev/null
printf 'test-package\n' >"$tmp/pass"
openssl pkcs12 -export -in "$tmp/agent.pem" -inkey "$tmp/agent.key" -passout file:"$tmp/pass" -out "$tmp/agent.p12"
user() { env HOME="$home" XDG_CONFIG_HOME= "$@"; }
check "older sealctl stores a key for the test user" user /usr/bin/sealctl cert key "$tmp/agent.p12" --passphrase-file "$tmp/pass"
data=$home/.config/SealDesk
check "data directory $data exists" test -f "$data/sealdesk.db"
service_before=$(user /usr/bin/sealctl status --json | sed -n 's/^ *"service": *"\(.*\)",*$/\1/p')
fp=$(user /usr/bin/sealctl cert list --json | sed -n 's/^ *"fingerprint": *"\(.*\)",*$/\1/p')
[ -n "$fp" ] && [ -n "$service_before" ] || fail "no fingerprint or keychain service from the older sealctl"
user /usr/bin/sealctl status >"$tmp/status.old" 2>&1

apt_get install "./$deb" >"$tmp/upgrade.out" 2>&1 || { cat "$tmp/upgrade.out"; fail "apt-get install the newer .deb over the older"; }
ok "apt-get install ./$deb over the older package"
want "dpkg -s version (newer)" "$(dpkg -s sealdesk | sed -n 's/^Version: //p')" "$pkg_version"
! grep -qF "$message" "$tmp/upgrade.out" && ok "an upgrade does not print the removal note" || fail "the upgrade printed the removal note"
check "data directory survived the upgrade" test -f "$data/sealdesk.db"
want "same profile (keychain service) after the upgrade" \
	"$(user /usr/bin/sealctl status --json | sed -n 's/^ *"service": *"\(.*\)",*$/\1/p')" "$service_before"
check "the key stored by the older version is still in the keychain" \
	user /usr/bin/sealctl cert export "$fp" --private --passphrase-file "$tmp/pass"
has "the exported key is a private key" "$tmp/check.out" "BEGIN ENCRYPTED PRIVATE KEY"

want "installed sealdesk --version" "$(/usr/bin/sealdesk --version)" "sealdesk $VERSION"
want "installed sealctl version" "$(/usr/bin/sealctl version --json | sed -n 's/^ *"version": *"\(.*\)",*$/\1/p')" "$VERSION"
check "desktop entry installed" grep -qx 'Exec=sealdesk' /usr/share/applications/sealdesk.desktop
check "icon installed" test -s /usr/share/icons/hicolor/512x512/apps/sealdesk.png
mkdir -p build/screenshots
check "installed sealdesk shows its window under Xvfb" scripts/smoke-window.sh /usr/bin/sealdesk build/screenshots/installed.png

apt_get remove sealdesk >"$tmp/remove.out" 2>&1 || { cat "$tmp/remove.out"; fail "apt-get remove sealdesk"; }
ok "apt-get remove sealdesk"
has "removal says where the data stays" "$tmp/remove.out" "$message"
left=$(grep -v '/$' "$tmp/deb.files" | while IFS= read -r f; do [ -e "$f" ] && echo "$f"; done || true)
[ -z "$left" ] && ok "every packaged file is gone" || fail "left after removal: $left"
check "package is gone" bash -c "! dpkg-query -W -f='\${Status}' sealdesk 2>/dev/null | grep -q 'install ok installed'"
check "data directory left in place" test -f "$data/sealdesk.db"
check "keychain item left in place (read with build/bin/sealctl)" \
	user build/bin/sealctl cert export "$fp" --private --passphrase-file "$tmp/pass"
# dpkg keeps a removed package with maintainer scripts as "rc" until it is
# purged; purging deletes nothing more of the user's.
check "apt-get purge sealdesk" apt_get purge sealdesk
check "dpkg has no record left" bash -c "! dpkg-query -W -f='\${db:Status-Abbrev}' sealdesk 2>/dev/null | grep -q '^[a-z][a-z]'"
check "data directory still in place after purge" test -f "$data/sealdesk.db"

echo "test-package: $checks checks passed in $SECONDS s"
