package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/sealdesk/sealdesk/internal/proctest"
	"github.com/sealdesk/sealdesk/mail/mirror"
)

// sevenMails are the messages the concurrency tests store again and again.
func sevenMails() [][]byte {
	var out [][]byte
	for i := range 7 {
		out = append(out, fmt.Appendf(nil, "From: c%d@example.org\r\nMessage-ID: <m%d@example.org>\r\nSubject: mail %d\r\n\r\nbody %d\r\n", i, i, i, i))
	}
	return out
}

// insertAll inserts every mail once; a DuplicateError must name an article
// that holds the message.
func insertAll(ctx context.Context, s *Store, mails [][]byte) error {
	for _, raw := range mails {
		_, err := s.InsertArticle(ctx, Article{Direction: "in", Subject: "s", Raw: raw}, nil)
		var dup *DuplicateError
		if errors.As(err, &dup) {
			a, aerr := s.Article(ctx, dup.ID)
			if aerr != nil || string(a.Raw) != string(raw) {
				return fmt.Errorf("duplicate of article %d, which holds another message (%v)", dup.ID, aerr)
			}
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// assertOneEach: exactly one article per mail, and no ticket without one.
func assertOneEach(t *testing.T, s *Store, mails [][]byte) {
	t.Helper()
	ctx := context.Background()
	var articles, tickets, empty int
	if err := s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM tickets),
	    (SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.ticket_id = t.id))`).Scan(
		&articles, &tickets, &empty); err != nil {
		t.Fatal(err)
	}
	if articles != len(mails) || empty != 0 {
		t.Fatalf("%d articles in %d tickets (%d empty) for %d mails, want one article each and no empty ticket",
			articles, tickets, empty, len(mails))
	}
	for _, raw := range mails {
		if _, err := s.ArticleByContent(ctx, mirror.Hash(raw)); err != nil {
			t.Fatalf("mail %q: %v", raw[:20], err)
		}
	}
}

// TestOneMailOneArticleAcrossGoroutines: many goroutines over two Stores
// (two connections pools, as two processes have) insert the same seven
// mails: seven articles. On the old code every insert made one.
func TestOneMailOneArticleAcrossGoroutines(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	stores := make([]*Store, 2)
	for i := range stores {
		s, err := Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	mails := sevenMails()
	var wg sync.WaitGroup
	for g := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := insertAll(ctx, stores[g%2], mails); err != nil {
				t.Errorf("goroutine %d: %v", g, err)
			}
		}()
	}
	wg.Wait()
	assertOneEach(t, stores[0], mails)
}

// insertProcessEnv makes the test binary one inserting process of
// TestOneMailOneArticleAcrossProcesses; its value is the data directory.
const insertProcessEnv = "SEALDESK_STORE_TEST_INSERT"

// TestOneMailOneArticleAcrossProcesses: six OS processes (this test binary
// run again) insert the same seven mails into one data directory at once,
// as the app and parallel `sealctl inspect` runs do: seven articles.
func TestOneMailOneArticleAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	if dir, ok := proctest.Child(insertProcessEnv); ok {
		s, err := Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := insertAll(ctx, s, sevenMails()); err != nil {
			t.Fatal(err)
		}
		return
	}
	dir := t.TempDir()
	s, err := Open(ctx, dir) // migrated once, before the processes race
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	proctest.Run(t, t.Name(), insertProcessEnv, 6, func(int) string { return dir })
	assertOneEach(t, s, sevenMails())
}

// TestParallelOpensMigrateOnce: processes opening a new data directory at
// once (parallel `sealctl inspect` runs) each find the schema up to date;
// on the old code the second to migrate ran the migrations again and
// failed ("table meta already exists").
func TestParallelOpensMigrateOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(ctx, dir)
			if err != nil {
				t.Errorf("open %d: %v", i, err)
				return
			}
			s.Close()
		}()
	}
	wg.Wait()
}
