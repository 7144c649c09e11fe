package store

import (
	"context"
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
