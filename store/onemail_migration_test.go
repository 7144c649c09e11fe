package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
)

// TestMigrationMergesDuplicateArticles: a profile that parallel
// inspections left with one message stored three times (articles 10, 11,
// 12 of content A) keeps the oldest; what pointed at the others points at
// it, the ticket only a duplicate held goes, the ticket a reply was
// threaded into stays, and articles with a mailbox place are not touched.
// Afterwards the unique index refuses a fourth copy.
func TestMigrationMergesDuplicateArticles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openFrom(t, dir, 12, func(db *sql.DB) error {
		for _, q := range []string{
			`INSERT INTO accounts(id, name, imap_host, imap_port, imap_tls, username, created_at) VALUES (1, 'a', 'h', 993, 'implicit', 'u', ''), (2, 'b', 'h', 993, 'implicit', 'u', '')`,
			`INSERT INTO mailboxes(id, account_id, name) VALUES (1, 1, 'INBOX'), (2, 2, 'INBOX')`,
			`INSERT INTO tickets(id, number, subject, created_at, updated_at) VALUES (1, 10001, 's', '', ''), (2, 10002, 's', '', ''), (3, 10003, 's', '', ''), (4, 10004, 's', '', '')`,
			`INSERT INTO articles(id, ticket_id, content_sha256, direction, created_at) VALUES (10, 1, 'A', 'in', ''), (11, 2, 'A', 'in', ''), (12, 3, 'A', 'in', ''), (13, 3, 'B', 'in', '')`,
			`INSERT INTO articles(id, ticket_id, mailbox_id, uid, content_sha256, direction, created_at) VALUES (20, 4, 1, 5, 'C', 'in', ''), (21, 4, 2, 5, 'C', 'in', '')`,
			`INSERT INTO article_raw(article_id, raw) SELECT id, content_sha256 FROM articles`,
			`INSERT INTO security_log(at, direction, technology, operation, status, article_id) VALUES ('', 'in', 'PGP', 'verify', 'success', 11)`,
			`INSERT INTO pending_keys(id, technology, source, fingerprint, key, found_at, article_id) VALUES (1, 'PGP', 'autocrypt', 'F', x'00', '', 12)`,
			`INSERT INTO pending_key_sightings(pending_id, article_id) VALUES (1, 10), (1, 11), (1, 12)`,
			`INSERT INTO drafts(id, ticket_id, article_id, mode, sealed, created_at, updated_at) VALUES (1, 2, 11, 'reply', x'00', '', '')`,
			`INSERT INTO article_copies(article_id, mailbox_id, uid) VALUES (12, 1, 9)`,
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	})
	ids, err := s.queryIDs(ctx, `SELECT id FROM articles ORDER BY id`)
	if err != nil || len(ids) != 4 || ids[0] != 10 || ids[1] != 13 || ids[2] != 20 || ids[3] != 21 {
		t.Fatalf("articles after the migration: %v, %v; want 10 13 20 21", ids, err)
	}
	tickets, err := s.queryIDs(ctx, `SELECT id FROM tickets ORDER BY id`)
	if err != nil || len(tickets) != 3 || tickets[0] != 1 || tickets[1] != 3 || tickets[2] != 4 {
		t.Fatalf("tickets after the migration: %v, %v; want 1 3 4", tickets, err)
	}
	for _, c := range []struct{ what, q string }{
		{"security log entry", `SELECT article_id FROM security_log`},
		{"pending key", `SELECT article_id FROM pending_keys`},
		{"sighting", `SELECT article_id FROM pending_key_sightings`},
		{"draft's article", `SELECT article_id FROM drafts`},
		{"draft's ticket", `SELECT ticket_id FROM drafts`},
		{"copy", `SELECT article_id FROM article_copies`},
	} {
		got, err := s.queryIDs(ctx, c.q)
		want := int64(10)
		if c.what == "draft's ticket" {
			want = 1
		}
		if err != nil || len(got) != 1 || got[0] != want {
			t.Errorf("%s points at %v (%v), want only %d", c.what, got, err, want)
		}
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO articles(ticket_id, content_sha256, direction, created_at) VALUES (1, 'A', 'in', '')`); err == nil {
		t.Fatal("a fourth copy of message A was stored after the migration")
	}
}
