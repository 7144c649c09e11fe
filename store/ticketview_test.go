package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

func TestTicketSummaryFollowsItsArticles(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	signed := verdict.Result{Type: verdict.TechSMIME, Signed: true, Sign: verdict.SignResult{Success: true}}
	failed := verdict.Result{Type: verdict.TechSMIME, Signed: true}
	a, err := s.InsertArticle(ctx, Article{Subject: "s", Raw: []byte("1"), Security: signed}, nil)
	if err != nil {
		t.Fatal(err)
	}
	summary := func() (string, bool) {
		t.Helper()
		tk, err := s.Ticket(ctx, a.TicketID)
		if err != nil {
			t.Fatal(err)
		}
		return tk.Security, tk.Pending
	}
	if sec, _ := summary(); sec != "signed" {
		t.Fatalf("after a signed article: %s", sec)
	}
	b, err := s.InsertArticle(ctx, Article{TicketID: a.TicketID, Raw: []byte("2"), Security: failed}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sec, _ := summary(); sec != "failed" {
		t.Fatalf("after a failed article: %s", sec)
	}
	// A retry that succeeds lowers the summary again.
	if err := s.UpdateArticleSecurity(ctx, b.ID, signed, nil); err != nil {
		t.Fatal(err)
	}
	if sec, _ := summary(); sec != "signed" {
		t.Fatalf("after the retry: %s", sec)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE articles SET security_pending = 1 WHERE id = ?`, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, pending := summary(); !pending {
		t.Fatal("a pending article does not mark its ticket")
	}
	page, err := s.Tickets(ctx, TicketQuery{Security: "pending"})
	if err != nil || page.Total != 1 {
		t.Fatalf("pending filter: %+v, %v", page, err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM articles WHERE id = ?`, b.ID); err != nil {
		t.Fatal(err)
	}
	if sec, pending := summary(); sec != "signed" || pending {
		t.Fatalf("after deleting: %s, %v", sec, pending)
	}
}

func TestTicketFiltersAndUpdates(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	seedTickets(t, s, 300)
	count := func(q TicketQuery) int {
		t.Helper()
		q.Limit = 500
		page, err := s.Tickets(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Tickets) != min(page.Total, 500) {
			t.Fatalf("%+v: page of %d, total %d", q, len(page.Tickets), page.Total)
		}
		return page.Total
	}
	for _, tc := range []struct {
		name string
		q    TicketQuery
		want int
	}{
		{"all", TicketQuery{}, 300},
		{"group", TicketQuery{GroupID: 2}, 60},
		{"unread", TicketQuery{Unread: true}, 100},
		{"group and unread", TicketQuery{GroupID: 1, Unread: true}, 20},
		{"pending", TicketQuery{Security: "pending"}, 3},
	} {
		if got := count(tc.q); got != tc.want {
			t.Errorf("%s: %d tickets, want %d", tc.name, got, tc.want)
		}
	}
	sum := 0
	for _, st := range []string{"none", "signed", "encrypted", "failed"} {
		sum += count(TicketQuery{Security: st})
	}
	if sum != 300 {
		t.Errorf("the security states cover %d tickets, want 300", sum)
	}
	if _, err := s.Tickets(ctx, TicketQuery{Security: "bogus"}); err == nil {
		t.Error("an unknown security filter is accepted")
	}

	if err := s.SetTicketState(ctx, 3, "closed"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTicketState(ctx, 3, "archived"); !errors.Is(err, ErrBadState) {
		t.Fatalf("bad state: %v", err)
	}
	if err := s.MarkTicketRead(ctx, 3, true); err != nil {
		t.Fatal(err)
	}
	tk, err := s.Ticket(ctx, 3)
	if err != nil || tk.State != "closed" || tk.Unread {
		t.Fatalf("%+v, %v", tk, err)
	}
	if err := s.MarkTicketRead(ctx, 999_999, true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing ticket: %v", err)
	}
}

func TestRecheckableArticlesAreOlderThanTheNewestKey(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	old := verdict.Result{Type: verdict.TechSMIME, Signed: true, ProcessedAt: time.Now().Add(-time.Hour)}
	if _, err := s.InsertArticle(ctx, Article{Raw: []byte("x"), Security: old}, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RecheckableArticles(ctx); err != nil || n != 0 {
		t.Fatalf("without keys: %d, %v", n, err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO pgp_keys(fingerprint, created, public_key, created_at) VALUES ('ab', '', x'00', ?)`, now()); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RecheckableArticles(ctx); err != nil || n != 1 {
		t.Fatalf("after a key: %d, %v", n, err)
	}
}
