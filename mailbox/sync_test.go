package mailbox

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/sealdesk/sealdesk/mail/mirror"
	"github.com/sealdesk/sealdesk/mail/sync"
	"github.com/sealdesk/sealdesk/mail/thread"
	"github.com/sealdesk/sealdesk/store"
)

func message(uid uint32, mid, subject, extra string) sync.Message {
	raw := []byte(fmt.Sprintf("From: Customer <c@example.org>\r\nTo: help@example.test\r\nSubject: %s\r\nMessage-ID: <%s>\r\n%s\r\nbody\r\n", subject, mid, extra))
	return sync.Message{UID: uid, Raw: raw, Size: int64(len(raw)), MessageID: thread.MessageID(raw), Hash: mirror.Hash(raw)}
}

func TestThreadingAtSaveAndPendingProcessing(t *testing.T) {
	ctx := context.Background()
	s, p := newService(t)
	if err := p.Store.SetSetting(ctx, store.SettingTicketPattern, "(Case NNNNN)"); err != nil {
		t.Fatal(err)
	}
	a, err := s.SaveAccount(ctx, AccountInput{Name: "help", IMAP: "127.0.0.1:1143", IMAPTLS: "none", Username: "u", Password: []byte("pw")})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMirror(p.Store, a.ID)
	first := []sync.Message{
		message(1, "a@x", "Printer", ""),
		message(2, "b@x", "unrelated", "References: <zz@x> <a@x>\r\n"),
		message(3, "c@x", "Re: (case 10001) more", ""),
		message(4, "d@x", "Re: (Case 99999) unknown number", ""),
		message(5, "e@x", "[Ticket#10001] default pattern is off", ""),
	}
	if _, err := m.SaveBatch(ctx, "INBOX", first, sync.Checkpoint{UIDValidity: 1, LastUID: 5}); err != nil {
		t.Fatal(err)
	}
	if err := m.NoteSent(ctx, "Sent"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.SaveBatch(ctx, "Sent", []sync.Message{message(1, "f@x", "Our answer", "In-Reply-To: <d@x>\r\n")}, sync.Checkpoint{UIDValidity: 1, LastUID: 1}); err != nil {
		t.Fatal(err)
	}
	page, err := p.Store.Tickets(ctx, store.TicketQuery{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	dir := map[string]string{}
	for _, tk := range page.Tickets {
		arts, _ := p.Store.TicketArticles(ctx, tk.ID)
		for _, art := range arts {
			got[art.MessageID] = tk.Number
			dir[art.MessageID] = art.Direction
			if !art.Pending {
				t.Errorf("<%s> not pending before processing", art.MessageID)
			}
		}
	}
	want := map[string]int64{"a@x": 10001, "b@x": 10001, "c@x": 10001, "d@x": 10002, "e@x": 10003, "f@x": 10002}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("threading: got %v, want %v", got, want)
	}
	if dir["f@x"] != "out" || dir["a@x"] != "in" {
		t.Fatalf("directions %v", dir)
	}
	done, failed := s.ProcessPending(ctx)
	if done != 6 || failed != 0 {
		t.Fatalf("processed %d, failed %d", done, failed)
	}
	if ids, _ := p.Store.PendingArticles(ctx); len(ids) != 0 {
		t.Fatalf("still pending: %v", ids)
	}
}

func TestAccountsValidationAndPassword(t *testing.T) {
	ctx := context.Background()
	s, p := newService(t)
	bad := []AccountInput{
		{Name: "x", IMAP: "imap.example.org:143", IMAPTLS: "none", Username: "u", Password: []byte("p")},
		{Name: "x", IMAP: "imap.example.org", IMAPTLS: "tls", Username: "u", Password: []byte("p")},
		{Name: "a b", IMAP: "imap.example.org", Username: "u", Password: []byte("p")},
		{Name: "x", IMAP: "imap.example.org", Username: "u"}, // new without password
		{Name: "x", IMAP: "imap.example.org", Username: "u", Password: []byte("p"), PinnedSHA256: "abc"},
	}
	for _, in := range bad {
		if _, err := s.SaveAccount(ctx, in); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: err = %v, want ErrInvalid", in, err)
		}
	}
	a, err := s.SaveAccount(ctx, AccountInput{Name: "help", IMAP: "imaps://imap.example.org", Username: "u", Password: []byte("s3cret"), SMTP: "smtp://smtp.example.org"})
	if err != nil || a.IMAPPort != 993 || a.IMAPTLS != "implicit" || a.SMTPPort != 587 || a.SMTPTLS != "starttls" {
		t.Fatalf("saved %+v, %v", a, err)
	}
	if pw, err := p.Keys.Get(PasswordItem("help")); err != nil || string(pw) != "s3cret" {
		t.Fatalf("keychain: %q, %v", pw, err)
	}
	var n int
	if err := p.Store.DB().QueryRow(`SELECT COUNT(*) FROM accounts WHERE name = 'help' AND
	    (imap_host || username || pinned_cert) LIKE '%s3cret%'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the password reached SQLite")
	}
	// An edit without a password keeps the stored one.
	if _, err := s.SaveAccount(ctx, AccountInput{Name: "help", IMAP: "imap.example.org:1993", Username: "v"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := s.IMAPConfig(mustAccount(t, p.Store, "help"))
	if err != nil || cfg.Password != "s3cret" || cfg.Addr != "imap.example.org:1993" || cfg.Username != "v" {
		t.Fatalf("config %+v, %v", cfg, err)
	}
	if err := s.DeleteAccount(ctx, "help"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Keys.Get(PasswordItem("help")); err == nil {
		t.Fatal("password left in the keychain")
	}
	if err := s.DeleteAccount(ctx, "help"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func mustAccount(t *testing.T, st *store.Store, name string) store.Account {
	a, err := st.AccountByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
