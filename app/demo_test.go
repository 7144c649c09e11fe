package app

import (
	"context"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/profile"
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
		if err == nil && page.Total == 8 && len(pending) == 0 {
			break
		}
		if time.Now().After(deadline) {
			sync, _ := s.Sync.Status()
			t.Fatalf("after 30 s: %d tickets, %d pending, sync %+v, %v", page.Total, len(pending), sync, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	articles := countArticles(t, p)

	// A later run of the app: the demo resumes on a new server and its
	// sync stores nothing twice.
	s.Shutdown(context.Background())
	s2 := NewServices(p)
	defer s2.Shutdown(context.Background())
	if st, err := s2.Demo.Start(StartDemoRequest{}); err != nil || !st.Running {
		t.Fatalf("resume: %+v, %v", st, err)
	}
	deadline = time.Now().Add(30 * time.Second)
	for {
		st, _ := s2.Sync.Status()
		if st.State == "idle" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the resumed sync did not settle: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	page, _ := p.Store.Tickets(context.Background(), store.TicketQuery{Limit: 50})
	if page.Total != 8 || countArticles(t, p) != articles {
		t.Fatalf("after resuming: %d tickets, %d articles; want 8 and %d", page.Total, countArticles(t, p), articles)
	}
	// The demo never joins a real desk: with another account it is refused.
	s2.Demo.stop()
	if _, err := s2.Accounts.Save(SaveAccountRequest{Name: "help", IMAP: "imap.example.org", Username: "u", Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Demo.Start(StartDemoRequest{}); Classify(err).Code != CodeAccountExists {
		t.Fatalf("start with the demo and another account: %v", err)
	}
}

func countArticles(t *testing.T, p *profile.Profile) int {
	t.Helper()
	var n int
	if err := p.Store.DB().QueryRow(`SELECT COUNT(*) FROM articles`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
