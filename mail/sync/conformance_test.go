package sync_test

import (
	"testing"

	"github.com/sealdesk/sealdesk/mail/sync"
	"github.com/sealdesk/sealdesk/mail/sync/synctest"
)

type memHarness struct{ *sync.MemoryStore }

func (h memHarness) Messages(_ testing.TB, mailbox string) []sync.StoredMessage {
	return h.MemoryStore.Messages(mailbox)
}

// TestMemoryStoreContract runs the Store contract shared with the SQLite
// mirror (package mailbox).
func TestMemoryStoreContract(t *testing.T) {
	synctest.Run(t, func(*testing.T) synctest.Harness { return memHarness{sync.NewMemoryStore()} })
}
