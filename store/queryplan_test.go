package store

import (
	"context"
	"strings"
	"testing"
)

// The sync looks an article up by mailbox and UID once per message; a plan
// that scans the articles table makes the initial sync quadratic in the
// mailbox size. This checks the plan, not a time.
func TestSyncLookupsUseIndexes(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+articleAtQuery, 1, "INBOX", 7)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	joined := strings.Join(plan, "; ")
	if strings.Contains(joined, "SCAN a") || !strings.Contains(joined, "articles_mailbox_uid") {
		t.Fatalf("ArticleAt does not use the (mailbox_id, uid) index: %s", joined)
	}
}
