package store

import (
	"context"
	"testing"
)

// TestRethreadBySubject: an encrypted reply whose outer Subject is "..."
// opened a ticket of its own; its protected Subject names ticket 10001, so
// it moves there and the empty ticket goes.
func TestRethreadBySubject(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	first, err := s.InsertArticle(ctx, Article{Subject: "Printer", Raw: []byte("Subject: Printer\r\n\r\nx")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hidden, err := s.InsertArticle(ctx, Article{Subject: "...", Raw: []byte("Subject: ...\r\n\r\ny")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	moved, err := s.RethreadBySubject(ctx, hidden.ID, "Re: [Ticket#10001] Printer")
	if err != nil || !moved {
		t.Fatalf("moved %v, %v", moved, err)
	}
	a, _ := s.Article(ctx, hidden.ID)
	page, _ := s.Tickets(ctx, TicketQuery{})
	if a.TicketID != first.TicketID || page.Total != 1 {
		t.Fatalf("article in ticket %d (want %d), %d tickets", a.TicketID, first.TicketID, page.Total)
	}
	// Alone, with no number in the real subject: the ticket takes it.
	lone, _ := s.InsertArticle(ctx, Article{Subject: "...", Raw: []byte("Subject: ...\r\n\r\nz")}, nil)
	if moved, err := s.RethreadBySubject(ctx, lone.ID, "VPN down"); err != nil || moved {
		t.Fatalf("moved %v, %v", moved, err)
	}
	page, _ = s.Tickets(ctx, TicketQuery{Search: "VPN"})
	if page.Total != 1 {
		t.Fatalf("ticket subject not updated: %+v", page)
	}
}
