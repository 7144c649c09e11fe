package store

import (
	"context"
	"errors"
	"testing"
)

func TestPGPKeysUpsertLookupsAndDelete(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	k := PGPKey{Fingerprint: "AAAA1111", UserIDs: []string{"Doe, Jane <jane@example.test>"}, Emails: []string{"jane@example.test"},
		Created: "2026-01-01T00:00:00Z", PublicKey: []byte{1}, KeyIDs: []string{"1111", "2222"}}
	if _, err := s.PutPGPKeys(ctx, []PGPKey{k}); err != nil {
		t.Fatal(err)
	}
	k.UserIDs = append(k.UserIDs, "Jane at work <jane@work.test>")
	k.Emails, k.HasSecret, k.KeyIDs = []string{"jane@example.test", "jane@work.test"}, true, []string{"1111", "3333"}
	if _, err := s.PutPGPKeys(ctx, []PGPKey{k}); err != nil {
		t.Fatal(err)
	}
	got, err := s.PGPKey(ctx, "AAAA1111")
	if err != nil || len(got.UserIDs) != 2 || got.UserIDs[0] != "Doe, Jane <jane@example.test>" || !got.HasSecret {
		t.Fatalf("after the update: %+v, %v", got, err)
	}
	for id, want := range map[string]int{"1111": 1, "2222": 0, "3333": 1} {
		if l, _ := s.PGPKeysByKeyID(ctx, id); len(l) != want {
			t.Errorf("key ID %s finds %d keys, want %d", id, len(l), want)
		}
	}
	if l, _ := s.PGPKeysByEmail(ctx, "jane@work.test"); len(l) != 1 {
		t.Fatal("lookup by the second address")
	}
	if l, _ := s.PGPKeysByEmail(ctx, "ane@work.test"); len(l) != 0 {
		t.Fatal("an address matched a suffix")
	}
	if err := s.DeletePGPKey(ctx, "AAAA1111"); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.PGPKeysByKeyID(ctx, "1111"); len(l) != 0 {
		t.Fatal("key IDs outlive their key")
	}
}

func TestPendingKeysAreProposedOnce(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	k := PendingKey{Technology: "PGP", Source: "autocrypt", Address: "a@example.test", Fingerprint: "F1", Key: []byte{1}}
	added, err := s.AddPendingKeys(ctx, []PendingKey{k, k})
	if err != nil || len(added) != 1 {
		t.Fatalf("added %+v, %v", added, err)
	}
	id := added[0].ID
	if err := s.DecidePendingKey(ctx, id, PendingRejected); err != nil {
		t.Fatal(err)
	}
	if err := s.DecidePendingKey(ctx, id, PendingAccepted); !errors.Is(err, ErrDecided) {
		t.Fatalf("second decision: %v", err)
	}
	if added, _ := s.AddPendingKeys(ctx, []PendingKey{k}); len(added) != 0 {
		t.Fatal("a rejected key was proposed again")
	}
	if err := s.DecidePendingKey(ctx, 99, PendingRejected); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown ID: %v", err)
	}
	k.Fingerprint = "F2"
	added, _ = s.AddPendingKeys(ctx, []PendingKey{k})
	s.DecidePendingKey(ctx, added[0].ID, PendingAccepted)
	// Accepted, then deleted from the key store: found again, it is
	// proposed again (the caller offers only keys the store lacks).
	if again, _ := s.AddPendingKeys(ctx, []PendingKey{k}); len(again) != 1 || again[0].ID != added[0].ID {
		t.Fatalf("re-proposal of an accepted key: %+v", again)
	}
	if l, _ := s.PendingKeys(ctx, PendingOpen); len(l) != 1 {
		t.Fatalf("pending: %+v", l)
	}
}
