package app

import (
	"context"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/store"
)

func TestDemoRefusesAProfileWithAnAccount(t *testing.T) {
	s := NewServices(openProfile(t, keystore.NewMemory(0)))
	defer s.Shutdown(context.Background())
	if _, err := s.Accounts.Save(SaveAccountRequest{Name: "help", IMAP: "imap.example.org", Username: "u", Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Demo.Start(StartDemoRequest{})
	if Classify(err).Code != CodeAccountExists || st.Running {
		t.Fatalf("start with an account: %+v, %v", st, err)
	}
	if st, _ := s.Demo.Status(); st.Running {
		t.Fatalf("status %+v", st)
	}
	if list, _ := s.Accounts.List(); len(list) != 1 {
		t.Fatalf("accounts %+v", list)
	}
}

func TestDemoStartsAndSyncs(t *testing.T) {
	p := openProfile(t, keystore.NewMemory(0))
	s := NewServices(p)
	defer s.Shutdown(context.Background())
	st, err := s.Demo.Start(StartDemoRequest{})
	if err != nil || !st.Running || st.Account != "Demo" {
		t.Fatalf("start: %+v, %v", st, err)
	}
	if again, err := s.Demo.Start(StartDemoRequest{}); err != nil || again != st {
		t.Fatalf("second start: %+v, %v", again, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		page, err := p.Store.Tickets(context.Background(), store.TicketQuery{Limit: 50})
		pending, _ := p.Store.PendingArticles(context.Background())
		if err == nil && page.Total == 7 && len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			sync, _ := s.Sync.Status()
			t.Fatalf("after 30 s: %d tickets, %d pending, sync %+v, %v", page.Total, len(pending), sync, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The demo counts as an account now: it is not offered twice.
	s.Demo.stop()
	if _, err := s.Demo.Start(StartDemoRequest{}); Classify(err).Code != CodeAccountExists {
		t.Fatalf("start after the demo account exists: %v", err)
	}
}
