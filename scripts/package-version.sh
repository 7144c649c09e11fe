#!/usr/bin/env bash
# Maps SealDesk's git version (the one stamped into the binaries, see the
# Makefile's VERSION) to what each package format accepts.
#
#   scripts/package-version.sh KIND VERSION
#
# KIND:
#   pkg      deb and rpm version (rpm's release is always 1)
#   win      Windows ProductVersion string (the version without its "v")
#   winfile  Windows numeric file version, four parts (X.Y.Z.N)
#
#   VERSION                      pkg                        winfile
#   v1.2.3                       1.2.3                      1.2.3.0
#   v1.2.3-rc.1                  1.2.3~rc.1                 1.2.3.0
#   v1.2.3-4-gabc1234[-dirty]    1.2.3+4.gabc1234[.dirty]   1.2.3.4
#   v1.2.3-rc.1-4-gabc1234       1.2.3~rc.1+4.gabc1234      1.2.3.4
#   v0.1.0-dev+abc1234           0.1.0~dev+abc1234          0.1.0.0
#
# "~" sorts before everything (a pre-release comes before its release) and
# "+" after (commits since a tag come after it), in dpkg and in rpm >= 4.10
# alike, so upgrades go the right way. A pre-release keeps its dots and
# turns "-" into "." (rpm forbids "-" in a version).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 pkg|win|winfile VERSION" >&2; exit 2; }
kind=$1 v=${2#v}

re='^([0-9]+)\.([0-9]+)\.([0-9]+)(-([0-9A-Za-z.-]+))?(\+([0-9A-Za-z.-]+))?$'
[[ $v =~ $re ]] || { echo "package-version: '$2' is not vX.Y.Z[-PRE][+META]" >&2; exit 1; }
base=${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.${BASH_REMATCH[3]}
pre=${BASH_REMATCH[5]} meta=${BASH_REMATCH[7]}

# git describe appends -N-gHASH (commits since the tag) and maybe -dirty.
dirty="" post="" commits=0
if [[ $pre =~ ^(.*-)?dirty$ ]]; then dirty=dirty pre=${pre%dirty} pre=${pre%-}; fi
if [[ $pre =~ ^((.*)-)?([0-9]+)-(g[0-9a-f]+)$ ]]; then
	commits=${BASH_REMATCH[3]} post=${BASH_REMATCH[3]}.${BASH_REMATCH[4]} pre=${BASH_REMATCH[2]}
fi
suffix=$meta
[ -n "$post" ] && suffix=${suffix:+$suffix.}$post
[ -n "$dirty" ] && suffix=${suffix:+$suffix.}$dirty

case $kind in
pkg)
	out=$base
	[ -n "$pre" ] && out+="~${pre//-/.}"
	[ -n "$suffix" ] && out+="+${suffix//-/.}"
	echo "$out"
	;;
win) echo "$v" ;;
winfile) echo "$base.$((commits > 65535 ? 65535 : commits))" ;;
*) echo "package-version: unknown kind '$kind'" >&2; exit 2 ;;
esac
