package mailbox

import (
	"context"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mail/sync"
	"github.com/sealdesk/sealdesk/mail/sync/synctest"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

func openProfile(t *testing.T) *profile.Profile {
	t.Helper()
	p, err := profile.Open(context.Background(), profile.Options{Dir: t.TempDir(), Keychain: keystore.NewMemory(0)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	// Whatever the test synced, every ticket is in the search index as it
	// is: the sync indexes the tickets it opens once per batch
	// (store.indexTickets), not through a trigger.
	t.Cleanup(func() {
		if _, err := p.Store.DB().Exec(`INSERT INTO tickets_search(tickets_search, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Errorf("the ticket search index does not match the tickets: %v", err)
		}
	})
	return p
}

func newService(t *testing.T) (*Service, *profile.Profile) {
	p := openProfile(t)
	return New(p, security.New(p, security.Options{})), p
}

type sqliteHarness struct{ *Mirror }

func (h sqliteHarness) Messages(t testing.TB, mailbox string) []sync.StoredMessage {
	t.Helper()
	msgs, err := h.Mirror.Messages(context.Background(), mailbox)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// TestMirrorContract runs the Store contract shared with mail/sync's
// MemoryStore against SQLite.
func TestMirrorContract(t *testing.T) {
	synctest.Run(t, func(t *testing.T) synctest.Harness {
		p := openProfile(t)
		a, err := p.Store.SaveAccount(context.Background(), store.Account{Name: "help", IMAPHost: "127.0.0.1", IMAPPort: 143, IMAPTLS: "none", Username: "u"})
		if err != nil {
			t.Fatal(err)
		}
		return sqliteHarness{NewMirror(p.Store, a.ID)}
	})
}
