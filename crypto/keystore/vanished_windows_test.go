package keystore

import (
	"errors"
	"fmt"
	"testing"
)

// TestRetryVanishedWindows: a credential deleted under a call (CredDelete's
// ERROR_NOT_FOUND, Wine's ERROR_KEY_DELETED) is tried again; a call that
// keeps failing so ends as "unreachable", not as a silent success.
func TestRetryVanishedWindows(t *testing.T) {
	for _, first := range []error{errorNotFound, errorKeyDeleted, fmt.Errorf("write: %w", errorKeyDeleted)} {
		calls := 0
		err := retryVanished(func() error {
			if calls++; calls == 1 {
				return first
			}
			return nil
		})
		if err != nil || calls != 2 {
			t.Errorf("after %v: err %v after %d calls, want success on the second", first, err, calls)
		}
	}
	calls := 0
	err := retryVanished(func() error { calls++; return errorKeyDeleted })
	if calls != vanishedTries || !errors.Is(osError(err), ErrUnavailable) {
		t.Errorf("always deleted: %d calls, %v; want %d calls, then unreachable", calls, osError(err), vanishedTries)
	}
}
