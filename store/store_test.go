package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sealdesk/sealdesk/mail/mirror"
	"github.com/sealdesk/sealdesk/mail/thread"
)

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	// Whatever the test did, every ticket is in the search index as it
	// is (tickets are indexed by the code that opens them: indexTickets).
	t.Cleanup(func() { checkSearchIndex(t, s) })
	return s
}

// deskAccount saves the account the sync tests mirror into.
func deskAccount(t testing.TB, s *Store) Account {
	t.Helper()
	a, err := s.SaveAccount(context.Background(), Account{Name: "desk", IMAPHost: "127.0.0.1", IMAPPort: 143, IMAPTLS: "none", Username: "u"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// testMail is a small mail at uid, with extra header lines (CRLF-ended);
// no Message-ID when mid is "".
func testMail(uid uint32, mid, subject, extra string) mirror.Message {
	raw := fmt.Appendf(nil, "From: Customer <c@example.org>\r\nTo: help@example.test\r\nSubject: %s\r\n", subject)
	if mid != "" {
		raw = fmt.Appendf(raw, "Message-ID: <%s>\r\n", mid)
	}
	raw = fmt.Appendf(raw, "%s\r\nbody of %s\r\n", extra, subject)
	return mirror.Message{UID: uid, Raw: raw, Size: int64(len(raw)), MessageID: thread.MessageID(raw)}
}

// checkSearchIndex fails t unless the search index holds exactly the
// tickets as they are: FTS5's integrity-check with rank 1 compares an
// external-content index with its table.
func checkSearchIndex(t testing.TB, s *Store) {
	t.Helper()
	if _, err := s.db.Exec(`INSERT INTO tickets_search(tickets_search, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("the ticket search index does not match the tickets: %v", err)
	}
}

func TestOpenMigratesOnceAndUsesWAL(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for range 2 {
		s, err := Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.SchemaVersion(ctx)
		// The last migration's number (a gap is allowed while branches
		// that each add a migration are merged: issue 13's 0015).
		names, _ := fs.Glob(migrations, "migrations/*.sql")
		want, _ := strconv.Atoi(strings.SplitN(path.Base(names[len(names)-1]), "_", 2)[0])
		if err != nil || v != want {
			t.Fatalf("schema version %d, %v; want %d", v, err, want)
		}
		var mode string
		if err := s.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Fatalf("journal mode %q, %v; want wal", mode, err)
		}
		s.Close()
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, dir); err == nil {
		t.Fatal("opened a database from a newer SealDesk without complaint")
	}
}

func TestProfileIDIsStableAndPerDirectory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := Open(ctx, dir)
	a, err := s.ProfileID(ctx)
	if err != nil || len(a) != 24 {
		t.Fatalf("profile id %q, %v", a, err)
	}
	s.Close()
	s, _ = Open(ctx, dir)
	defer s.Close()
	b, _ := s.ProfileID(ctx)
	if a != b {
		t.Fatalf("profile id changed across opens: %s then %s", a, b)
	}
	other := open(t)
	c, _ := other.ProfileID(ctx)
	if c == a {
		t.Fatal("two data directories share a profile id")
	}
}

func TestTxRollsBackEverything(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tickets(number, subject, created_at, updated_at) VALUES (1, 'a', '', '')`); err != nil {
			return err
		}
		return errors.New("crash half way")
	})
	if err == nil {
		t.Fatal("Tx swallowed the error")
	}
	page, _ := s.Tickets(ctx, TicketQuery{})
	if page.Total != 0 {
		t.Fatalf("%d tickets after a rolled-back transaction", page.Total)
	}
}

func TestTicketSearchFollowsEditsAndDeletes(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	tk, err := s.CreateTicket(ctx, "VPN broken", "alice@example.test")
	if err != nil {
		t.Fatal(err)
	}
	found := func(q string) int {
		t.Helper()
		page, err := s.Tickets(ctx, TicketQuery{Search: q})
		if err != nil {
			t.Fatal(err)
		}
		return page.Total
	}
	if found("broken") != 1 {
		t.Fatal("a new ticket is not found")
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE tickets SET subject = 'Printer on fire' WHERE id = ?`, tk.ID); err != nil {
		t.Fatal(err)
	}
	if found("broken") != 0 || found("on fire") != 1 {
		t.Fatal("the index did not follow the new subject")
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM tickets WHERE id = ?`, tk.ID); err != nil {
		t.Fatal(err)
	}
	if found("on fire") != 0 || found("alice") != 0 {
		t.Fatal("a deleted ticket is still found")
	}
}

func TestTicketsPagingAndFilters(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	for i := range 250 {
		if _, err := s.CreateTicket(ctx, fmt.Sprintf("Printer %d on fire", i), fmt.Sprintf("c%d@example.test", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE tickets SET state = 'closed' WHERE number % 5 = 0`); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		q         TicketQuery
		total     int
		pageCount int
	}{
		{"first page", TicketQuery{Limit: 100}, 250, 100},
		{"last page", TicketQuery{Offset: 200, Limit: 100}, 250, 50},
		{"default limit", TicketQuery{}, 250, 100},
		{"state filter", TicketQuery{State: "closed", Limit: 500}, 50, 50},
		{"search subject", TicketQuery{Search: "Printer 12"}, 11, 11},
		{"search number", TicketQuery{Search: "10001"}, 1, 1},
		{"LIKE metacharacters are literal", TicketQuery{Search: "%"}, 0, 0},
		{"substring inside a word, any case", TicketQuery{Search: "RINTER 12"}, 11, 11},
		{"customer", TicketQuery{Search: "c249@example"}, 1, 1},
		{"two characters scan with LIKE", TicketQuery{Search: "49"}, 3, 3},
		{"query syntax is literal text", TicketQuery{Search: `fire" OR "x`}, 0, 0},
		{"a quote is literal", TicketQuery{Search: `"Printer`}, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page, err := s.Tickets(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != tc.total || len(page.Tickets) != tc.pageCount {
				t.Fatalf("total %d, page %d; want %d, %d", page.Total, len(page.Tickets), tc.total, tc.pageCount)
			}
		})
	}
}

func TestCreateTicketNumbersAreUniqueUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.CreateTicket(ctx, "x", "")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	page, _ := s.Tickets(ctx, TicketQuery{Limit: 500})
	seen := map[int64]bool{}
	for _, tk := range page.Tickets {
		if seen[tk.Number] {
			t.Fatalf("ticket number %d given twice", tk.Number)
		}
		seen[tk.Number] = true
	}
}

func TestGroups(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	g, err := s.SaveGroup(ctx, Group{Name: "Support", SenderAddress: "support@example.test", DefaultSign: true, Technology: "S/MIME"})
	if err != nil {
		t.Fatal(err)
	}
	g.DefaultEncrypt = true
	if _, err := s.SaveGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	bad := []Group{
		{Name: "", SenderAddress: "a@example.test", Technology: "PGP"},
		{Name: "x", SenderAddress: "not an address", Technology: "PGP"},
		{Name: "x", SenderAddress: "a@example.test", Technology: "ROT13"},
		{Name: "Support", SenderAddress: "b@example.test", Technology: "PGP"},
	}
	for _, b := range bad {
		if _, err := s.SaveGroup(ctx, b); err == nil {
			t.Errorf("SaveGroup(%+v) accepted", b)
		}
	}
	groups, _ := s.Groups(ctx)
	if len(groups) != 1 || !groups[0].DefaultEncrypt {
		t.Fatalf("groups = %+v", groups)
	}
	if err := s.DeleteGroup(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteGroup(ctx, g.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestSecurityLogFilters(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	for _, e := range []LogEntry{
		{Direction: "in", Technology: "S/MIME", Operation: "verify", Status: "success", MessageID: "<a@x>"},
		{Direction: "in", Technology: "S/MIME", Operation: "decrypt", Status: "failed", Detail: "no private key"},
		{Direction: "out", Technology: "PGP", Operation: "sign", Status: "success"},
	} {
		if _, err := s.AppendLog(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		q    LogQuery
		want int
	}{
		{LogQuery{}, 3}, {LogQuery{Technology: "PGP"}, 1}, {LogQuery{Status: "failed"}, 1},
		{LogQuery{Search: "private"}, 1}, {LogQuery{Technology: "S/MIME", Operation: "verify"}, 1},
	} {
		got, err := s.Log(ctx, tc.q)
		if err != nil || len(got) != tc.want {
			t.Errorf("Log(%+v) = %d entries, %v; want %d", tc.q, len(got), err, tc.want)
		}
	}
}

func TestSettingsDefaults(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if on, _ := s.BoolSetting(ctx, SettingTrustSystemRoots); on {
		t.Fatal("system roots trusted by default")
	}
	_ = s.SetSetting(ctx, SettingTrustSystemRoots, "true")
	if on, _ := s.BoolSetting(ctx, SettingTrustSystemRoots); !on {
		t.Fatal("setting not stored")
	}
}

func TestResolveDir(t *testing.T) {
	t.Setenv(EnvDataDir, "")
	if d, _ := ResolveDir("rel"); !filepath.IsAbs(d) {
		t.Fatalf("ResolveDir(rel) = %s, want absolute", d)
	}
	t.Setenv(EnvDataDir, "/tmp/env-dir")
	if d, _ := ResolveDir(""); d != "/tmp/env-dir" {
		t.Fatalf("env not honoured: %s", d)
	}
	if d, _ := ResolveDir("/tmp/flag"); d != "/tmp/flag" {
		t.Fatalf("flag not preferred: %s", d)
	}
}

// A profile made before migration 0009 keeps every raw message when the
// message moves out of the articles row, and the articles read as before.
func TestRawMessagesSurviveTheMoveToTheirOwnTable(t *testing.T) {
	ctx := context.Background()
	raw := []byte("From: a@example.org\r\nSubject: old\r\n\r\nkept\r\n")
	s := openFrom(t, t.TempDir(), 9, func(db *sql.DB) error {
		if _, err := db.ExecContext(ctx, `INSERT INTO tickets(id, number, subject, customer, created_at, updated_at)
		    VALUES (1, 10001, 'old', 'a@example.org', '', '')`); err != nil {
			return err
		}
		_, err := db.ExecContext(ctx, `INSERT INTO articles(id, ticket_id, content_sha256, direction, from_addr, subject, raw, created_at)
		    VALUES (7, 1, ?, 'in', 'a@example.org', 'old', ?, '')`, mirror.Hash(raw), raw)
		return err
	})
	a, err := s.Article(ctx, 7)
	if err != nil || string(a.Raw) != string(raw) || a.Subject != "old" {
		t.Fatalf("article after the migration: %+v, %v", a, err)
	}
	// Deleting the article takes its message along.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM articles WHERE id = 7`); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM article_raw`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("%d raw messages left after the delete, %v", left, err)
	}
}

// openFrom makes in dir the database of a profile from before migration
// n (migrations 1 to n-1 applied), lets fill put rows in it, and opens it
// as a Store, which runs the migrations from n on.
func openFrom(t *testing.T, dir string, n int, fill func(*sql.DB) error) *Store {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", sqliteURI(filepath.Join(dir, FileName), "_pragma=foreign_keys(1)"))
	if err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	for _, name := range names[:n-1] {
		body, _ := migrations.ReadFile(name)
		if _, err := db.ExecContext(ctx, string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if err := fill(db); err != nil {
		t.Fatalf("filling the profile of version %d: %v", n-1, err)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, n-1)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
