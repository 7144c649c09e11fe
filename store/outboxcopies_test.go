package store

import (
	"context"
	"errors"
	"testing"
)

func TestOutboxCopies(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	a, err := s.SaveAccount(ctx, Account{Name: "desk", IMAPHost: "127.0.0.1", IMAPPort: 143, IMAPTLS: "none", Username: "u"})
	if err != nil {
		t.Fatal(err)
	}
	it, err := s.EnqueueOutbox(ctx, OutboxItem{AccountID: a.ID, Raw: []byte("main"), MessageID: "m@x", EnvelopeFrom: "desk@x",
		Recipients: []string{"to@x", "b1@x", "b2@x"}},
		OutboxCopy{Recipients: []string{"b1@x"}, Raw: []byte("for b1")}, OutboxCopy{Recipients: []string{"b2@x"}, Raw: []byte("for b2")})
	if err != nil {
		t.Fatal(err)
	}
	copies, err := s.OutboxCopies(ctx, it.ID)
	if err != nil || len(copies) != 2 || copies[0].Recipients[0] != "b1@x" || string(copies[1].Raw) != "for b2" || copies[0].Sent {
		t.Fatalf("copies %+v, %v", copies, err)
	}
	if err := s.MarkOutboxCopySent(ctx, copies[0].ID); err != nil {
		t.Fatal(err)
	}
	if copies, _ = s.OutboxCopies(ctx, it.ID); !copies[0].Sent || copies[1].Sent {
		t.Fatalf("after marking the first: %+v", copies)
	}
	if err := s.MarkOutboxCopySent(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown copy: %v", err)
	}
	// A bad copy queues nothing at all.
	if _, err := s.EnqueueOutbox(ctx, OutboxItem{AccountID: a.ID, Raw: []byte("x"), MessageID: "n@x", EnvelopeFrom: "desk@x", Recipients: []string{"to@x"}},
		OutboxCopy{Raw: []byte("nobody")}); err == nil {
		t.Fatal("a copy without recipients was queued")
	}
	if items, _ := s.OutboxItems(ctx); len(items) != 1 {
		t.Fatalf("%d rows after a failed enqueue", len(items))
	}
	// Discarding the row removes its copies.
	if err := s.DiscardOutbox(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if copies, err = s.OutboxCopies(ctx, it.ID); err != nil || len(copies) != 0 {
		t.Fatalf("copies outlived their row: %+v, %v", copies, err)
	}
}
