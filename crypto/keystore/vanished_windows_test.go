package keystore

import (
	"fmt"
	"testing"
)

// TestRetryVanishedWindows: a credential deleted under a call (CredDelete's
// ERROR_NOT_FOUND, Wine's ERROR_KEY_DELETED), wrapped or not, is tried
// again.
func TestRetryVanishedWindows(t *testing.T) {
	checkRetryVanished(t, []error{errorNotFound, errorKeyDeleted, fmt.Errorf("write: %w", errorKeyDeleted)}, errorKeyDeleted)
}
