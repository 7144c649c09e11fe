package store

import (
	"context"
	"errors"
	"fmt"
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

// TestPendingKeySightings: every mail that carries a found key is noted,
// once each, whatever the key's state; a deleted article takes its
// sighting along.
func TestPendingKeySightings(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	var arts []int64
	for i := range 3 {
		a, err := s.InsertArticle(ctx, Article{Direction: "in", Raw: []byte(fmt.Sprintf("Subject: %d\r\n\r\nx", i))}, nil)
		if err != nil {
			t.Fatal(err)
		}
		arts = append(arts, a.ID)
	}
	k := PendingKey{Technology: "PGP", Source: "autocrypt", Address: "a@example.test", Fingerprint: "F1", Key: []byte{1}}
	for _, a := range []int64{arts[0], arts[1], arts[1]} {
		k.ArticleID = a
		if _, err := s.AddPendingKeys(ctx, []PendingKey{k}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.PendingKeys(ctx, "")
	if err != nil || len(list) != 1 || list[0].Seen != 2 || list[0].ArticleID != arts[0] {
		t.Fatalf("found keys %+v, %v: want one, first in %d, seen twice", list, err, arts[0])
	}
	// Rejected, and carried by a third mail: still noted.
	if err := s.DecidePendingKey(ctx, list[0].ID, PendingRejected); err != nil {
		t.Fatal(err)
	}
	k.ArticleID = arts[2]
	if added, err := s.AddPendingKeys(ctx, []PendingKey{k}); err != nil || len(added) != 0 {
		t.Fatalf("a rejected key was proposed again: %+v, %v", added, err)
	}
	seen, err := s.PendingSeenIn(ctx, []int64{arts[1], arts[2]})
	if err != nil || fmt.Sprint(seen) != fmt.Sprintf("map[%d:[%d %d]]", list[0].ID, arts[1], arts[2]) {
		t.Fatalf("seen in %v, %v", seen, err)
	}
	if _, err := s.DB().ExecContext(ctx, `DELETE FROM articles WHERE id = ?`, arts[1]); err != nil {
		t.Fatal(err)
	}
	if k, _ := s.PendingKey(ctx, list[0].ID); k.Seen != 2 {
		t.Fatalf("seen %d times after one of three mails was deleted", k.Seen)
	}
}
