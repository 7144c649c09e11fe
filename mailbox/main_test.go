package mailbox

import (
	"testing"

	"github.com/sealdesk/sealdesk/internal/gpgtest"
)

// TestMain stops the GnuPG fixture's agent and removes its home after the
// package's tests (the team bundle test uses the helpdesk's key).
func TestMain(m *testing.M) { gpgtest.Main(m) }
