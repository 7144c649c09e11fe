package app

import (
	"context"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/demo"
	imapx "github.com/sealdesk/sealdesk/mail/imap"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/store"
)

func TestDemoRefusesAProfileWithAnAccount(t *testing.T) {
	s := NewServices(openProfile(t, keystore.NewMemory(0)))
	defer s.Shutdown(context.Background())
	if _, err := s.Accounts.Save(SaveAccountRequest{Name: "help", IMAP: "imap.example.org", Username: "u", Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Demo.Start(StartDemoRequest{})
	if Classify(err).Code != CodeAccountExists || st.Running {
		t.Fatalf("start with an account: %+v, %v", st, err)
	}
	if st, _ := s.Demo.Status(); st.Running {
		t.Fatalf("status %+v", st)
	}
	if list, _ := s.Accounts.List(); len(list) != 1 {
		t.Fatalf("accounts %+v", list)
	}
}

func TestDemoStartsAndSyncs(t *testing.T) {
	p := openProfile(t, keystore.NewMemory(0))
	s := NewServices(p)
	defer s.Shutdown(context.Background())
	st, err := s.Demo.Start(StartDemoRequest{})
	if err != nil || !st.Running || st.Account != "Demo" {
		t.Fatalf("start: %+v, %v", st, err)
	}
	if again, err := s.Demo.Start(StartDemoRequest{}); err != nil || again != st {
		t.Fatalf("second start: %+v, %v", again, err)
	}
	// Idle too: the tickets are all there once INBOX is synced, Sent's
	// answer only joins one of them after.
	waitIdle(t, s, 8)
	articles := countArticles(t, p)

	// A later run of the app: the demo resumes on a new server and its
	// sync stores nothing twice.
	s.Shutdown(context.Background())
	s2 := NewServices(p)
	defer s2.Shutdown(context.Background())
	if st, err := s2.Demo.Start(StartDemoRequest{}); err != nil || !st.Running {
		t.Fatalf("resume: %+v, %v", st, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, _ := s2.Sync.Status()
		if st.State == "idle" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the resumed sync did not settle: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	page, _ := p.Store.Tickets(context.Background(), store.TicketQuery{Limit: 50})
	if page.Total != 8 || countArticles(t, p) != articles {
		t.Fatalf("after resuming: %d tickets, %d articles; want 8 and %d", page.Total, countArticles(t, p), articles)
	}
	// The demo never joins a real desk: with another account it is refused.
	s2.Demo.stop()
	if _, err := s2.Accounts.Save(SaveAccountRequest{Name: "help", IMAP: "imap.example.org", Username: "u", Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Demo.Start(StartDemoRequest{}); Classify(err).Code != CodeAccountExists {
		t.Fatalf("start with the demo and another account: %v", err)
	}
}

func countArticles(t *testing.T, p *profile.Profile) int {
	t.Helper()
	var n int
	if err := p.Store.DB().QueryRow(`SELECT COUNT(*) FROM articles`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDemoSendsThroughItsOwnServer: the demo's group, its submission
// server and its Sent folder make the composer work end to end, and a
// resumed demo never reuses a UID the sync saw.
func TestDemoSendsThroughItsOwnServer(t *testing.T) {
	ctx := context.Background()
	p := openProfile(t, keystore.NewMemory(0))
	s := NewServices(p)
	defer s.Shutdown(ctx)
	if _, err := s.Demo.Start(StartDemoRequest{}); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s, 8)
	groups, err := s.Groups.List()
	if err != nil || len(groups) != 1 {
		t.Fatalf("groups: %+v, %v", groups, err)
	}
	g := groups[0]
	if !g.DefaultSign || !g.DefaultEncrypt || g.Technology != "S/MIME" {
		t.Fatalf("the demo group: %+v", g)
	}

	// A signed and encrypted reply to Alice. The demo imports no
	// customer's certificate: the composer's fix imports the one her
	// signed mail carried, as an agent would.
	alice := articleByMessageID(t, p, demo.IDSigned)
	fixes, err := s.Compose.Fixes(FixesRequest{TicketID: alice.TicketID, Addresses: []string{"alice@customer.test"}})
	if err != nil || len(fixes) != 1 {
		t.Fatalf("fixes: %+v, %v", fixes, err)
	}
	if _, err := s.Compose.ImportCarried(ImportCarriedRequest{TicketID: alice.TicketID, Address: "alice@customer.test"}); err != nil {
		t.Fatal(err)
	}
	reply, err := s.Compose.Prepare(PrepareRequest{Mode: "reply", TicketID: alice.TicketID, ArticleID: alice.ID})
	if err != nil || reply.GroupID != g.ID || !reply.Sign || !reply.Encrypt || reply.Technology != "S/MIME" ||
		len(reply.To) != 1 || !strings.Contains(reply.To[0], "<alice@customer.test>") {
		t.Fatalf("prepare: %+v, %v", reply, err)
	}
	reply.Text = "Fixed.\n\n" + reply.Text
	v, err := s.Compose.Send(SendRequest{Draft: reply})
	if err != nil || v.Status != store.OutboxSent || v.SentFolder != "Sent" || !v.Sign || !v.Encrypt {
		t.Fatalf("send: %+v, %v", v, err)
	}
	if out, err := s.Compose.Outbox(); err != nil || len(out) != 0 {
		t.Fatalf("outbox: %+v, %v", out, err)
	}
	sent, err := p.Store.Article(ctx, v.ArticleID)
	if err != nil || sent.TicketID != alice.TicketID {
		t.Fatalf("the sent article: ticket %d, want %d, %v", sent.TicketID, alice.TicketID, err)
	}
	if n, _ := demoFolder(t, s, "Sent", sent.MessageID); n != 2 {
		t.Fatalf("Sent holds %d messages, want the seeded answer and the copy of <%s>", n, sent.MessageID)
	}
	// Alice's copy went nowhere; mail to the helpdesk itself reaches INBOX.
	if n, _ := demoFolder(t, s, "INBOX", ""); n != 9 {
		t.Fatalf("INBOX holds %d messages after the reply to Alice, want the 9 seeded", n)
	}
	note := DraftMessage{Mode: "new", GroupID: g.ID, From: g.SenderAddress, To: []string{demo.HelpdeskAddr},
		Subject: "Note to self", Text: "Check the printer again.", Technology: g.Technology}
	if v, err := s.Compose.Send(SendRequest{Draft: note}); err != nil || v.Status != store.OutboxSent {
		t.Fatalf("send to the helpdesk: %+v, %v", v, err)
	}
	if n, next := demoFolder(t, s, "INBOX", ""); n != 10 || next != 11 {
		t.Fatalf("INBOX: %d messages, UIDNEXT %d; want 10 and 11", n, next)
	}
	account, err := p.Store.AccountByName(ctx, demo.AccountName)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the sync to see UID 10", func() bool {
		cp, _ := p.Store.MailboxCheckpoint(ctx, account.ID, "INBOX")
		return cp.LastUID == 10
	})

	// A later run: the new server forgot what came after the seed, and
	// hands out UIDs after the ones the sync saw.
	s.Shutdown(ctx)
	s2 := NewServices(p)
	defer s2.Shutdown(ctx)
	if _, err := s2.Demo.Start(StartDemoRequest{}); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s2, 9) // the note to self is a ticket of its own
	if groups, _ := s2.Groups.List(); len(groups) != 1 {
		t.Fatalf("groups after resuming: %+v", groups)
	}
	if n, next := demoFolder(t, s2, "INBOX", ""); n != 9 || next != 11 {
		t.Fatalf("resumed INBOX: %d messages, UIDNEXT %d; want 9 and 11", n, next)
	}
	// Sent: the copies are gone; the sync may or may not have seen them.
	sentCP, _ := p.Store.MailboxCheckpoint(ctx, account.ID, "Sent")
	if n, next := demoFolder(t, s2, "Sent", ""); n != 1 || next != sentCP.LastUID+1 {
		t.Fatalf("resumed Sent: %d messages, UIDNEXT %d; want 1 and %d", n, next, sentCP.LastUID+1)
	}
	note.Subject = "Another note"
	if v, err := s2.Compose.Send(SendRequest{Draft: note}); err != nil || v.Status != store.OutboxSent {
		t.Fatalf("send after resuming: %+v, %v", v, err)
	}
	waitFor(t, "the sync to see UID 11", func() bool {
		cp, _ := p.Store.MailboxCheckpoint(ctx, account.ID, "INBOX")
		return cp.LastUID == 11
	})
}

// articleByMessageID finds a stored article by its Message-ID.
func articleByMessageID(t *testing.T, p *profile.Profile, id string) store.Article {
	t.Helper()
	ctx := context.Background()
	page, err := p.Store.Tickets(ctx, store.TicketQuery{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range page.Tickets {
		list, err := p.Store.TicketArticles(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			if a.MessageID == id {
				full, err := p.Store.Article(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				return full
			}
		}
	}
	t.Fatalf("no article <%s>", id)
	return store.Article{}
}

// waitIdle waits for the demo's first sync to store its tickets.
func waitIdle(t *testing.T, s *Services, tickets int) {
	t.Helper()
	waitFor(t, "the demo's sync", func() bool {
		page, err := s.Tickets.List(store.TicketQuery{Limit: 50})
		pending, _ := s.Tickets.p.Store.PendingArticles(context.Background())
		st, _ := s.Sync.Status()
		return err == nil && page.Total == tickets && len(pending) == 0 && st.State == "idle"
	})
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// demoFolder logs in to the running demo's IMAP server and returns the
// folder's message count and UIDNEXT; with messageID it fails the test
// unless a message of that Message-ID is there.
func demoFolder(t *testing.T, s *Services, folder, messageID string) (int, uint32) {
	t.Helper()
	ctx := context.Background()
	a, err := s.Demo.mb.Accounts(ctx)
	if err != nil || len(a) != 1 {
		t.Fatalf("accounts: %+v, %v", a, err)
	}
	cfg, err := s.Demo.mb.IMAPConfig(a[0])
	if err != nil {
		t.Fatal(err)
	}
	c, err := imapx.Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Logout()
	sel, err := c.Raw().Select(folder, &goimap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if messageID != "" {
		res, err := c.Raw().UIDSearch(&goimap.SearchCriteria{
			Header: []goimap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: messageID}},
		}, nil).Wait()
		if err != nil || len(res.AllUIDs()) != 1 {
			t.Fatalf("<%s> in %s: %v, %v", messageID, folder, res, err)
		}
	}
	return int(sel.NumMessages), uint32(sel.UIDNext)
}
