#!/bin/sh
# SealDesk postremove (deb postrm and rpm %postun). The package never owns
# user data, so there is nothing to delete; on a real removal (deb: remove;
# rpm: $1 = 0, i.e. no version left) say where the data stays. An
# upgrade (deb: upgrade; rpm: $1 >= 1) stays quiet.
case "$1" in
remove | 0)
	echo "SealDesk's data stays in ~/.config/SealDesk of each user; keys stay in each user's keychain. Remove them by hand if you want them gone."
	;;
esac
if command -v update-desktop-database >/dev/null 2>&1; then
	update-desktop-database -q /usr/share/applications 2>/dev/null || true
fi
exit 0
