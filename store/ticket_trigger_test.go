package store

import (
	"context"
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

// TestTicketSummaryFollowsArticles changes articles' states, pending flags
// and tickets in a seeded random order (deterministic) and checks after
// each change that every ticket's summary is what its articles say: the
// worst state (failed > encrypted > signed > none) and how many are
// pending, 'none' and 0 for a ticket left without articles.
func TestTicketSummaryUnderRandomChanges(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	var ids []int64
	for i := range 8 {
		a, err := s.InsertArticle(ctx, Article{Subject: "s", Raw: []byte{byte('a' + i)}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	states := []string{"none", "signed", "encrypted", "failed"}
	rng := rand.New(rand.NewPCG(15, 20))
	for step := range 300 {
		id := ids[rng.IntN(len(ids))]
		var q string
		var arg any
		switch rng.IntN(3) {
		case 0:
			q, arg = `UPDATE articles SET security_state = ? WHERE id = ?`, states[rng.IntN(len(states))]
		case 1:
			q, arg = `UPDATE articles SET security_pending = ? WHERE id = ?`, rng.IntN(2)
		default: // onto the ticket another article opened
			q, arg = `UPDATE articles SET ticket_id = (SELECT ticket_id FROM articles WHERE id = ?) WHERE id = ?`, ids[rng.IntN(len(ids))]
		}
		if _, err := s.db.ExecContext(ctx, q, arg, id); err != nil {
			t.Fatal(err)
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
			var tid, pending, wantPending int64
			var sec, wantSec string
			if err := rows.Scan(&tid, &sec, &pending, &wantSec, &wantPending); err != nil {
				t.Fatal(err)
			}
			if sec != wantSec || pending != wantPending {
				t.Fatalf("step %d (%s %v on article %d): ticket %d says %s, %d pending; its articles say %s, %d",
					step, q, arg, id, tid, sec, pending, wantSec, wantPending)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
}
