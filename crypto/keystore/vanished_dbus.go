//go:build linux || freebsd || openbsd || netbsd || dragonfly

package keystore

import (
	"errors"

	"github.com/godbus/dbus/v5"
)

// The D-Bus errors a Secret Service answers for an item path that no
// longer exists. GNOME Keyring answers UnknownMethod ("Object does not
// exist at path …", GDBus's reply for an unregistered object), others
// UnknownObject or the Secret Service's own NoSuchObject.
var goneNames = []string{
	"org.freedesktop.DBus.Error.UnknownMethod",
	"org.freedesktop.DBus.Error.UnknownObject",
	"org.freedesktop.Secret.Error.NoSuchObject",
}

// vanished reports whether err may say an item went away between
// go-keyring's search and its use of the path found: another process (the
// app beside sealctl) deleted or replaced it in between, since go-keyring
// runs the search and the call on the item as two D-Bus calls. The name
// alone cannot tell that race from a service that lacks the method, so
// the caller retries (retryVanished) rather than concluding anything.
func vanished(err error) bool {
	var name string
	var v dbus.Error
	var p *dbus.Error
	switch {
	case errors.As(err, &v):
		name = v.Name
	case errors.As(err, &p):
		name = p.Name
	default:
		return false
	}
	for _, n := range goneNames {
		if name == n {
			return true
		}
	}
	return false
}
