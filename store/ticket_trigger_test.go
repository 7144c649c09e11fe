package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// The ticket summary's UPDATE trigger (migration 0007) recomputes the
// ticket only when an article's security_state, security_pending or
// ticket_id changes: re-saving the same outcome (a batch re-run) must not
// touch the ticket, a changed one must.
func TestTicketSummaryTriggerFiresOnlyOnChange(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	signed := verdict.Result{Type: verdict.TechPGP, Signed: true, Sign: verdict.SignResult{Success: true}}
	failed := verdict.Result{Type: verdict.TechPGP, Signed: true}
	a, err := s.InsertArticle(ctx, Article{Subject: "s", Raw: []byte("1"), Security: signed}, nil)
	if err != nil {
		t.Fatal(err)
	}
	save := func(r verdict.Result) {
		t.Helper()
		if saved, err := s.SaveProcessed(ctx, []Processed{{ArticleID: a.ID, Result: r}}); err != nil || len(saved.Missing) != 0 {
			t.Fatalf("SaveProcessed: %v, missing %v", err, saved.Missing)
		}
	}
	summary := func() string {
		t.Helper()
		tk, err := s.Ticket(ctx, a.TicketID)
		if err != nil {
			t.Fatal(err)
		}
		return tk.Security
	}
	// A marker the trigger would overwrite if it ran.
	mark := func() {
		t.Helper()
		if _, err := s.db.ExecContext(ctx, `UPDATE tickets SET security = 'encrypted' WHERE id = ?`, a.TicketID); err != nil {
			t.Fatal(err)
		}
	}
	mark()
	save(signed) // same state, not pending before or after
	if got := summary(); got != "encrypted" {
		t.Fatalf("an unchanged outcome recomputed the ticket: %s", got)
	}
	save(failed)
	if got := summary(); got != "failed" {
		t.Fatalf("after a failed outcome: %s, want failed", got)
	}
	mark()
	if _, err := s.db.ExecContext(ctx, `UPDATE articles SET security_pending = 1 WHERE id = ?`, a.ID); err != nil {
		t.Fatal(err)
	}
	if got := summary(); got != "failed" {
		t.Fatalf("a pending change did not recompute the ticket: %s", got)
	}
	save(signed) // state and pending both change
	tk, err := s.Ticket(ctx, a.TicketID)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Security != "signed" || tk.Pending {
		t.Fatalf("after the re-run: %s, pending %v", tk.Security, tk.Pending)
	}
}

// TestTicketSummaryMatchesItsArticles: after any sequence of article
// inserts, new results (raising or lowering the state, pending or not),
// moves between tickets and deletes, each ticket's summary is what its
// articles make it (migration 0021 updates it from old and new values
// where it can, and recomputes it where it must).
func TestTicketSummaryMatchesItsArticles(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	rng := rand.New(rand.NewPCG(20, 15))
	states := []string{SecurityNone, SecuritySigned, SecurityEncrypted, SecurityFailed}
	var tickets []int64
	for range 4 {
		tk, err := s.CreateTicket(ctx, "t", "c")
		if err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, tk.ID)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var articles []int64
	for step := range 600 {
		pick := func() int64 { return articles[rng.IntN(len(articles))] }
		switch op := rng.IntN(10); {
		case op < 3 || len(articles) == 0:
			var id int64
			if err := s.db.QueryRowContext(ctx, `INSERT INTO articles(ticket_id, content_sha256, direction, security_state, security_pending, created_at)
			    VALUES (?, ?, 'in', ?, ?, '') RETURNING id`, tickets[rng.IntN(len(tickets))], fmt.Sprint(step),
				states[rng.IntN(len(states))], rng.IntN(2)).Scan(&id); err != nil {
				t.Fatal(err)
			}
			articles = append(articles, id)
		case op < 6: // a result, as SaveProcessed writes it
			if _, err := s.SaveProcessed(ctx, []Processed{{ArticleID: pick(), Result: results[rng.IntN(len(results))]}}); err != nil {
				t.Fatal(err)
			}
		case op < 7:
			exec(`UPDATE articles SET security_pending = ? WHERE id = ?`, rng.IntN(2), pick())
		case op < 8:
			exec(`UPDATE articles SET security_state = ? WHERE id = ?`, states[rng.IntN(len(states))], pick())
		case op < 9:
			exec(`UPDATE articles SET ticket_id = ?, security_state = ? WHERE id = ?`, tickets[rng.IntN(len(tickets))],
				states[rng.IntN(len(states))], pick())
		default:
			i := rng.IntN(len(articles))
			exec(`DELETE FROM articles WHERE id = ?`, articles[i])
			articles = append(articles[:i], articles[i+1:]...)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT t.id, t.security, t.security_pending,
		    COALESCE((SELECT CASE MAX(CASE a.security_state WHEN 'failed' THEN 3 WHEN 'encrypted' THEN 2 WHEN 'signed' THEN 1 ELSE 0 END)
		        WHEN 3 THEN 'failed' WHEN 2 THEN 'encrypted' WHEN 1 THEN 'signed' ELSE 'none' END
		        FROM articles a WHERE a.ticket_id = t.id), 'none'),
		    (SELECT COUNT(*) FROM articles a WHERE a.ticket_id = t.id AND a.security_pending = 1)
		    FROM tickets t`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var sec, want string
			var pending, wantPending int
			if err := rows.Scan(&id, &sec, &pending, &want, &wantPending); err != nil {
				t.Fatal(err)
			}
			if sec != want || pending != wantPending {
				t.Fatalf("step %d: ticket %d is %s with %d pending; its articles make it %s with %d", step, id, sec, pending, want, wantPending)
			}
		}
		rows.Close()
	}
}

// results are outcomes of each state, for SaveProcessed.
var results = []verdict.Result{
	{},
	{Type: verdict.TechSMIME, Signed: true, Sign: verdict.SignResult{Success: true}},
	{Type: verdict.TechSMIME, Encrypted: true, Encryption: verdict.EncryptionResult{Success: true}},
	{Type: verdict.TechSMIME, Signed: true},
}
