#!/usr/bin/env bash
# Builds SealDesk's installable artifacts into dist/, each with a NAME.sha256
# beside it (sha256sum format: `cd dist && sha256sum -c NAME.sha256`).
#
#   scripts/package.sh linux     .deb and .rpm (nfpm) from build/bin/sealdesk and build/bin/sealctl
#   scripts/package.sh windows   sealdesk.exe and its NSIS installer (wails build -platform
#                                windows/amd64 -nsis, cross-built in a staging copy of the tree)
#
# Called by `make package` / `package-linux` / `package-windows`, which build what
# this needs first. Environment:
#   VERSION            the git version (the Makefile's); it is stamped into the
#                      binaries and mapped for each format by scripts/package-version.sh
#   PACKAGE_OUT        output directory (default dist)
#   SEALDESK_BIN_DIR   linux: take sealdesk and sealctl from here instead of build/bin
#                      (they must report VERSION; build/bin is rebuilt when it does not)
#   SEALDESK_SIGN_*    windows: sign with osslsigncode, see scripts/package-sign.sh
# A format whose artifacts exist and are newer than every input is skipped
# (signing always rebuilds).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

target=${1:-}
case $target in linux | windows) ;; *) echo "usage: $0 linux|windows" >&2; exit 2 ;; esac

GOBIN=$(go env GOPATH)/bin
export PATH=$GOBIN:$PATH
VERSION=${VERSION:-$(git describe --tags --match 'v*' --dirty 2>/dev/null || echo "v0.1.0-dev+$(git rev-parse --short HEAD 2>/dev/null || echo unknown)")}
out=${PACKAGE_OUT:-dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
pkg_version=$(scripts/package-version.sh pkg "$VERSION")
win_version=$(scripts/package-version.sh win "$VERSION")
win_file_version=$(scripts/package-version.sh winfile "$VERSION")
ldflags="-X github.com/sealdesk/sealdesk/internal/version.Version=$VERSION"
# Reproducible timestamps inside the packages: the commit's time.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
work=$root/.cache/package
mkdir -p "$work"

log() { echo "package: $*"; }
die() { echo "package: ERROR: $*" >&2; exit 1; }

checksum() { # checksum FILE: writes FILE.sha256 beside it
	(cd "$(dirname "$1")" && sha256sum "$(basename "$1")" >"$(basename "$1").sha256")
}

# up_to_date ARTIFACT... -- INPUT...: every artifact (and its .sha256) exists
# and none of the inputs is newer than the oldest of them.
up_to_date() {
	local arts=() oldest=""
	while [ "$1" != -- ]; do arts+=("$1" "$1.sha256"); shift; done
	shift
	for a in "${arts[@]}"; do
		[ -e "$a" ] || return 1
		if [ -z "$oldest" ] || [ "$a" -ot "$oldest" ]; then oldest=$a; fi
	done
	[ -z "$(find "$@" -newer "$oldest" -print -quit 2>/dev/null)" ]
}

# The tree as `make build` sees it: tracked and untracked-but-not-ignored files.
tree_files() { git ls-files -co --exclude-standard | while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done; }

# bin_version BINARY: the version it reports.
bin_version() {
	case $(basename "$1") in
	sealctl*) "$1" version --json 2>/dev/null | sed -n 's/^ *"version": *"\(.*\)",*$/\1/p' ;;
	*) "$1" --version 2>/dev/null | awk '{print $2}' ;;
	esac
}

package_linux() {
	local deb=$out/sealdesk_${pkg_version}_amd64.deb
	local rpm=$out/sealdesk-${pkg_version}-1.x86_64.rpm
	local bindir=${SEALDESK_BIN_DIR:-build/bin}

	if [ -z "${SEALDESK_BIN_DIR:-}" ]; then
		# make only tracks sources, so build/bin may carry another version
		# (an earlier VERSION, or the test harness's unstamped sealctl): relink.
		if [ "$(bin_version build/bin/sealdesk)" != "$VERSION" ] || [ "$(bin_version build/bin/sealctl)" != "$VERSION" ]; then
			log "build/bin does not report $VERSION: relinking sealdesk and sealctl"
			make -s -W go.mod build/bin/sealdesk build/bin/sealctl VERSION="$VERSION"
		fi
	fi
	for b in sealdesk sealctl; do
		[ -x "$bindir/$b" ] || die "$bindir/$b missing"
		[ "$(bin_version "$bindir/$b")" = "$VERSION" ] || die "$bindir/$b reports '$(bin_version "$bindir/$b")', not $VERSION"
	done

	if up_to_date "$deb" "$rpm" -- "$bindir/sealdesk" "$bindir/sealctl" packaging build/appicon.png scripts/package.sh scripts/package-version.sh; then
		log "up to date: $(basename "$deb"), $(basename "$rpm")"
		return
	fi

	command -v nfpm >/dev/null || die "nfpm not found: make nfpm"
	local stage=$work/linux
	rm -rf "$stage" && mkdir -p "$stage/icons"
	cp "$bindir/sealdesk" "$bindir/sealctl" "$stage/"

	# hicolor icons from the 1024 px app icon. ImageMagick is called by its
	# full path: /usr/local/bin/convert may be something else on some machines.
	local icons=$work/icons
	if [ ! -f "$icons/512x512.png" ] || [ build/appicon.png -nt "$icons/512x512.png" ]; then
		[ -x /usr/bin/convert ] || die "/usr/bin/convert missing (apt-get install imagemagick)"
		mkdir -p "$icons"
		for s in 16 32 48 64 128 256 512; do
			/usr/bin/convert build/appicon.png -resize "${s}x${s}" -depth 8 -strip "PNG32:$icons/${s}x${s}.png"
		done
	fi
	cp "$icons"/*.png "$stage/icons/"

	export PKG_VERSION=$pkg_version PKG_STAGE=$stage
	rm -f "$deb" "$rpm" "$deb.sha256" "$rpm.sha256"
	nfpm package --config packaging/nfpm.yaml --packager deb --target "$deb" >"$work/nfpm-deb.log" 2>&1 || { cat "$work/nfpm-deb.log"; die "nfpm deb failed"; }
	nfpm package --config packaging/nfpm.yaml --packager rpm --target "$rpm" >"$work/nfpm-rpm.log" 2>&1 || { cat "$work/nfpm-rpm.log"; die "nfpm rpm failed"; }
	checksum "$deb"
	checksum "$rpm"
	log "built $deb"
	log "built $rpm"
}

package_windows() {
	local exe=$out/sealdesk-${win_version}-windows-amd64.exe
	local setup=$out/sealdesk-${win_version}-windows-amd64-installer.exe
	local signing=""
	scripts/package-sign.sh --configured && signing=1

	[ -f frontend/dist/index.html ] || die "frontend/dist is not built: make frontend"
	if [ -z "$signing" ]; then
		mapfile -t inputs < <(tree_files | grep -E '\.go$|^go\.(mod|sum)$|^build/|^wails\.json$|^scripts/package')
		if up_to_date "$exe" "$setup" -- "${inputs[@]}" frontend/dist; then
			log "up to date: $(basename "$exe"), $(basename "$setup")"
			return
		fi
	fi
	command -v wails >/dev/null || die "wails CLI not found: make tools"
	command -v makensis >/dev/null || die "makensis not found (apt-get install nsis)"

	# A staging copy keeps the repository clean: Wails writes a .syso resource
	# into the project root while it builds (a concurrent Linux `go build` of the
	# tree would link it), and the version must go into wails.json, info.json
	# and the NSIS defines for this build only.
	local stage=$work/windows/src
	rm -rf "$stage" && mkdir -p "$stage"
	tree_files | tar -cf - -T - | tar -xf - -C "$stage"
	mkdir -p "$stage/frontend/dist" && cp -a frontend/dist/. "$stage/frontend/dist/"

	# wails.json: productVersion feeds the manifest and the numeric fields (X.Y.Z).
	sed -i -E "s/(\"productVersion\": *)\"[^\"]*\"/\1\"${win_file_version%.*}\"/" "$stage/wails.json"
	grep -q "\"productVersion\": *\"${win_file_version%.*}\"" "$stage/wails.json" || die "could not set productVersion in wails.json"
	# info.json (the exe's VERSIONINFO): the full version as text, four numbers as file version.
	local info=$stage/build/windows/info.json
	sed -i -e "s/\"file_version\": *\"{{.Info.ProductVersion}}\"/\"file_version\": \"$win_file_version\"/" \
		-e "s/\"\(Product\|File\)Version\": *\"{{.Info.ProductVersion}}\"/\"\1Version\": \"$win_version\"/" "$info"
	grep -q "\"ProductVersion\": \"$win_version\"" "$info" && grep -q "\"file_version\": \"$win_file_version\"" "$info" ||
		die "build/windows/info.json lost its {{.Info.ProductVersion}} placeholders"
	{
		echo "; written by scripts/package.sh for this build"
		echo "!define INFO_PRODUCTVERSION \"$win_version\""
		echo "!define SEALDESK_FILE_VERSION \"$win_file_version\""
		[ -n "$signing" ] && echo "!define SEALDESK_SIGN \"$root/scripts/package-sign.sh\""
	} >"$stage/build/windows/installer/sealdesk_build.nsh"

	log "cross-building SealDesk $VERSION for windows/amd64${signing:+ (signed)}"
	local blog=$work/windows/wails-build.log
	(cd "$stage" && wails build -platform windows/amd64 -nsis -s -skipbindings -m -trimpath -ldflags "$ldflags") >"$blog" 2>&1 ||
		{ cat "$blog"; die "wails build for windows failed (log: $blog)"; }
	local built_exe=$stage/build/bin/sealdesk.exe built_setup=$stage/build/bin/SealDesk-amd64-installer.exe
	[ -f "$built_exe" ] || { cat "$blog"; die "no $built_exe"; }
	[ -f "$built_setup" ] || { cat "$blog"; die "no $built_setup (makensis failed?)"; }

	rm -f "$exe" "$setup" "$exe.sha256" "$setup.sha256"
	cp "$built_exe" "$exe"
	cp "$built_setup" "$setup"
	checksum "$exe"
	checksum "$setup"
	log "built $exe"
	log "built $setup"
}

"package_$target"
