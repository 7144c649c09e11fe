package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"
)

// seedTickets writes n tickets with one to three articles each straight
// into the tables (the write path is not what is measured), in the
// proportions a busy desk has: most plain, some signed, encrypted,
// failed; a few not processed yet; a third unread; five groups.
func seedTickets(b testing.TB, s *Store, n int) {
	b.Helper()
	ctx := context.Background()
	states := []string{"none", "none", "none", "signed", "encrypted", "failed"}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		for g := 1; g <= 5; g++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO groups(id, name, sender_address) VALUES (?, ?, ?)`, g, fmt.Sprint("group ", g), fmt.Sprintf("g%d@desk.test", g)); err != nil {
				return err
			}
		}
		tk, err := tx.PrepareContext(ctx, `INSERT INTO tickets(id, number, subject, state, group_id, customer, unread, created_at, updated_at)
		    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		ar, err := tx.PrepareContext(ctx, `INSERT INTO articles(ticket_id, content_sha256, direction, from_addr, subject,
		    security_state, security_pending, created_at) VALUES (?, ?, 'in', ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		for i := 1; i <= n; i++ {
			at := start.Add(time.Duration(i) * time.Minute).Format(time.RFC3339Nano)
			customer := fmt.Sprintf("customer%d@example.test", i%5000)
			if _, err := tk.ExecContext(ctx, i, 10000+i, fmt.Sprintf("Printer %d prints blank pages", i),
				[]string{"open", "pending", "closed"}[i%3], i%5+1, customer, i%3 == 0, at, at); err != nil {
				return err
			}
			for j := 0; j <= i%3; j++ {
				if _, err := ar.ExecContext(ctx, i, fmt.Sprint(i, "-", j), customer, "subject",
					states[(i+j)%len(states)], i%97 == 0, at); err != nil {
					return err
				}
			}
		}
		// Written straight into the table: indexed as the store's
		// writers do (indexTickets), all at once.
		_, err = tx.ExecContext(ctx, `INSERT INTO tickets_search(tickets_search) VALUES ('rebuild')`)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTicketList100k: one page of the list over 100,000 tickets
// (about 200,000 articles), per filter. `go test -run x -bench TicketList ./store/`
func BenchmarkTicketList100k(b *testing.B) {
	s, err := Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	seedTickets(b, s, 100_000)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		q    TicketQuery
	}{
		{"first page", TicketQuery{Limit: 100}},
		{"deep page", TicketQuery{Offset: 90_000, Limit: 100}},
		{"state", TicketQuery{State: "pending", Limit: 100}},
		{"search", TicketQuery{Search: "customer42@", Limit: 100}},
		{"group", TicketQuery{GroupID: 3, Limit: 100}},
		{"security failed", TicketQuery{Security: "failed", Limit: 100}},
		{"security signed", TicketQuery{Security: "signed", Limit: 100}},
		{"security pending", TicketQuery{Security: "pending", Limit: 100}},
		{"unread", TicketQuery{Unread: true, Limit: 100}},
		{"group+failed+unread", TicketQuery{GroupID: 2, Security: "failed", Unread: true, Limit: 100}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Tickets(ctx, bc.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
