//go:build linux || freebsd || openbsd || netbsd || dragonfly

package keystore

import (
	"fmt"
	"testing"

	"github.com/godbus/dbus/v5"
)

// TestRetryVanished: an operation that fails because its item vanished
// (GNOME Keyring's UnknownMethod, as a value or a pointer, wrapped or
// not) is tried again and its later outcome stands; one that keeps
// failing so, or fails otherwise, is not hidden.
func TestRetryVanished(t *testing.T) {
	gone := dbus.Error{Name: "org.freedesktop.DBus.Error.UnknownMethod", Body: []any{"Object does not exist at path “/org/freedesktop/secrets/collection/login/16”"}}
	checkRetryVanished(t, []error{gone, &gone, fmt.Errorf("search: %w", gone)}, gone)
	calls := 0
	denied := dbus.Error{Name: "org.freedesktop.DBus.Error.AccessDenied"}
	if err := retryVanished(func() error { calls++; return denied }); calls != 1 || err == nil {
		t.Errorf("AccessDenied: %d calls, %v; want one call and the error", calls, err)
	}
}
