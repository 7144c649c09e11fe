package mailbox

import (
	"context"
	"errors"
	"testing"

	"github.com/sealdesk/sealdesk/store"
)

// TestProcessStoredBatchLoad: the batch loads its articles in one query
// (store.RawArticles); an ID with no article fails alone, with
// store.ErrNotFound, and the others are processed and no longer pending.
func TestProcessStoredBatchLoad(t *testing.T) {
	ctx := context.Background()
	s, p := newService(t)
	var ids []int64
	for _, mid := range []string{"one@x", "two@x"} {
		a, err := p.Store.InsertArticle(ctx, store.Article{Direction: "in", MessageID: mid, Subject: "Printer",
			Raw: message(0, mid, "Printer", "").Raw}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	batch := []int64{ids[0], ids[1] + 1000, ids[1]}
	errs := s.sec.Processing.ProcessStoredBatch(ctx, batch)
	if len(errs) != 3 || errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], store.ErrNotFound) {
		t.Fatalf("errors %v, want nil, ErrNotFound, nil", errs)
	}
	pending, err := p.Store.PendingArticles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range pending {
		if id == ids[0] || id == ids[1] {
			t.Errorf("article %d is still security_pending", id)
		}
	}
	for _, id := range ids {
		a, err := p.Store.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Security.ProcessedAt.IsZero() {
			t.Errorf("article %d has no security result", id)
		}
	}
}
