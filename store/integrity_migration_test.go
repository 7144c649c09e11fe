package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
)

// TestMigrationMarksIntegrityProtectedResults: results stored before the
// typed integrity field gain it from what the earlier engines wrote
// (OpenPGP opened only MDC/AEAD data; S/MIME GCM is AuthEnvelopedData), so
// that an AES-GCM or OpenPGP article does not show the "not
// integrity-protected" warning after the upgrade, and CBC still does.
func TestMigrationMarksIntegrityProtectedResults(t *testing.T) {
	ctx := context.Background()
	results := map[int64]string{
		1: `{"type":"PGP","encrypted":true,"encryption":{"success":true,"algorithm":"AES-256"}}`,
		2: `{"type":"S/MIME","encrypted":true,"encryption":{"success":true,"algorithm":"AES-128-GCM, RSA-OAEP"}}`,
		3: `{"type":"S/MIME","encrypted":true,"encryption":{"success":true,"algorithm":"AES-256-CBC, RSA PKCS #1 v1.5"}}`,
		4: `{"type":"S/MIME","encrypted":true,"encryption":{"success":false,"algorithm":"AES-256-GCM"}}`,
		5: `{"type":"","encrypted":false}`,
	}
	s := openFrom(t, t.TempDir(), 13, func(db *sql.DB) error {
		if _, err := db.Exec(`INSERT INTO tickets(id, number, subject, created_at, updated_at) VALUES (1, 10001, 's', '', '')`); err != nil {
			return err
		}
		for id, sec := range results {
			if _, err := db.Exec(`INSERT INTO articles(id, ticket_id, content_sha256, direction, created_at, security) VALUES (?, 1, ?, 'in', '', ?)`,
				id, fmt.Sprintf("%064x", id), sec); err != nil { // a content hash, as stored: 64 hex digits
				return err
			}
			if _, err := db.Exec(`INSERT INTO article_raw(article_id, raw) VALUES (?, 'x')`, id); err != nil {
				return err
			}
		}
		return nil
	})
	for id, want := range map[int64]bool{1: true, 2: true, 3: false, 4: false, 5: false} {
		a, err := s.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Security.Encryption.IntegrityProtected; got != want {
			t.Errorf("article %d (%s): integrity_protected %v, want %v", id, results[id], got, want)
		}
	}
	var untouched string
	if err := s.db.QueryRowContext(ctx, `SELECT security FROM articles WHERE id = 5`).Scan(&untouched); err != nil || untouched != results[5] {
		t.Errorf("an unencrypted result was rewritten: %q, %v", untouched, err)
	}
}
