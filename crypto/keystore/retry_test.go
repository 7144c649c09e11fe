package keystore

import (
	"errors"
	"testing"
)

// checkRetryVanished: an operation failing once with any of gone is tried
// again and its second outcome stands; one failing with always every time
// is tried vanishedTries times and then reads as "unreachable", not as a
// silent success.
func checkRetryVanished(t *testing.T, gone []error, always error) {
	t.Helper()
	for _, first := range gone {
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
	err := retryVanished(func() error { calls++; return always })
	if calls != vanishedTries || !errors.Is(osError(err), ErrUnavailable) {
		t.Errorf("always %v: %d calls, %v; want %d calls, then unreachable", always, calls, osError(err), vanishedTries)
	}
}
