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
	joined := queryPlan(t, s, articleAtQuery, 1, "INBOX", 7)
	if strings.Contains(joined, "SCAN a") || !strings.Contains(joined, "articles_mailbox_uid") {
		t.Fatalf("ArticleAt does not use the (mailbox_id, uid) index: %s", joined)
	}
	// LookupDetached runs once per fetched batch: each pair is found
	// through the (message_id, content_sha256) index, never by scanning.
	joined = queryPlan(t, s, lookupDetachedQuery, `[["a@x","00"]]`, 1, "INBOX")
	if strings.Contains(joined, "SCAN a") || !strings.Contains(joined, "articles_message") {
		t.Fatalf("LookupDetached does not use the message_id index: %s", joined)
	}
}

// The sync's per-batch look-ups (syncbatch.go) and the team pass's
// claim and reconcile look-ups probe each value of their JSON array through an index, never
// scanning articles or the view: a scan per batch makes a first sync or
// a first team pass quadratic (reconcile's did, before CROSS JOIN).
func TestBatchLookupsUseIndexes(t *testing.T) {
	s := open(t)
	for _, tc := range []struct {
		name, query string
		args        []any
		want        []string
	}{
		{"held Message-IDs", heldMessageIDsQuery, []any{"[]"}, []string{"SCAN j", "SEARCH a", "articles_message"}},
		{"unplaced hashes", unplacedHashesQuery, []any{"[]"}, []string{"SCAN j", "SEARCH a", "articles_content"}},
		{"claimed roots", claimedRootsQuery, []any{"[]", 1}, []string{"SCAN j", "USING PRIMARY KEY (account_id=? AND root=?)"}},
		{"claimed numbers", claimedNumbersQuery, []any{"[]", 1}, []string{"SCAN j", "team_tickets_number (account_id=? AND number=?)"}},
		{"reconcile", reconcileQuery, []any{"[]", 1}, []string{"SCAN j", "SEARCH v USING PRIMARY KEY (account_id=? AND root=?)", "tickets_root"}},
	} {
		plan := queryPlan(t, s, tc.query, tc.args...)
		if strings.Contains(plan, "SCAN a") || strings.Contains(plan, "SCAN v") || strings.Contains(plan, "SCAN t ") ||
			strings.Index(plan, "SCAN j") != 0 {
			t.Errorf("%s: %s", tc.name, plan)
		}
		for _, w := range tc.want {
			if !strings.Contains(plan, w) {
				t.Errorf("%s: no %q in %s", tc.name, w, plan)
			}
		}
	}
}

func queryPlan(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
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
	return strings.Join(plan, "; ")
}

// TeamLogSays runs once per queued key record: the log's key and unkey
// records are found by fingerprint, never scanned.
func TestTeamKeyLookupsUseIndexes(t *testing.T) {
	s := open(t)
	joined := queryPlan(t, s, teamLogSaysQuery, 1, "smime", "aa", []byte("x"))
	if strings.Contains(joined, "SCAN k") || strings.Contains(joined, "SCAN r") ||
		!strings.Contains(joined, "team_keys_fp") || !strings.Contains(joined, "team_key_removals_fp") {
		t.Fatalf("TeamLogSays scans the log: %s", joined)
	}
}
