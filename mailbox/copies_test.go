package mailbox

import (
	"context"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/sealdesk/sealdesk/store"
)

// TestSameMessageInTwoFolders: a message found in INBOX and in an extra
// folder (account Folders) is one article; expunging it from one folder
// keeps it live through the other, expunging the last place marks it
// expunged (it stays in its ticket).
func TestSameMessageInTwoFolders(t *testing.T) {
	ctx := context.Background()
	addr, user := memIMAP(t, goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapUIDPlus: {}})
	if err := user.Create("Support", nil); err != nil {
		t.Fatal(err)
	}
	s, p := newService(t)
	if _, err := s.SaveAccount(ctx, AccountInput{Name: "help", IMAP: addr, IMAPTLS: "none",
		Username: "agent@example.test", Password: []byte("secret"), Folders: []string{"Support"}}); err != nil {
		t.Fatal(err)
	}
	a := mustAccount(t, p.Store, "help")
	both := message(0, "twice@x", "Printer", "").Raw
	other := message(0, "once@x", "Scanner", "").Raw

	admin := adminClient(t, addr)
	appendTo := func(mailbox string, raw []byte) { appendRaw(t, admin, mailbox, raw) }
	expunge := func(mailbox string) {
		t.Helper()
		if _, err := admin.Select(mailbox, nil).Wait(); err != nil {
			t.Fatal(err)
		}
		if err := admin.Store(goimap.SeqSetNum(1), &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Flags: []goimap.Flag{goimap.FlagDeleted}}, nil).Close(); err != nil {
			t.Fatal(err)
		}
		if err := admin.Expunge().Close(); err != nil {
			t.Fatal(err)
		}
	}
	appendTo("INBOX", both)
	appendTo("Support", both)
	appendTo("Support", other)

	sum, err := s.SyncOnce(ctx, "help", SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Processed != 2 || sum.Failed != 0 {
		t.Errorf("processed %d, failed %d; want 2 articles processed once each", sum.Processed, sum.Failed)
	}
	m := NewMirror(p.Store, a.ID)
	ids := func(mailbox string) []int64 { return mirrorIDs(t, m, mailbox) }
	inbox, support := ids("INBOX"), ids("Support")
	if len(inbox) != 1 || len(support) != 2 || support[0] != inbox[0] {
		t.Fatalf("INBOX articles %v, Support articles %v: want the shared message as one article", inbox, support)
	}
	shared := inbox[0]
	articles := func() (n int, expunged bool) {
		t.Helper()
		page, err := p.Store.Tickets(ctx, store.TicketQuery{})
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range page.Tickets {
			arts, _ := p.Store.TicketArticles(ctx, tk.ID)
			for _, art := range arts {
				n++
				if art.ID == shared {
					expunged = art.Expunged
				}
			}
		}
		return n, expunged
	}
	if n, gone := articles(); n != 2 || gone {
		t.Fatalf("%d articles (want 2), shared expunged %v", n, gone)
	}

	// Gone from INBOX, still in Support: the article lives on there.
	expunge("INBOX")
	if _, err := s.SyncOnce(ctx, "help", SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	if n, gone := articles(); n != 2 || gone {
		t.Fatalf("after the INBOX expunge: %d articles, shared expunged %v", n, gone)
	}
	if in, sup := ids("INBOX"), ids("Support"); len(in) != 0 || len(sup) != 2 || sup[0] != shared {
		t.Fatalf("after the INBOX expunge: INBOX %v, Support %v", in, sup)
	}
	// A no-change pass finds nothing to do (the copy counts as held).
	sum, err = s.SyncOnce(ctx, "help", SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range sum.Stats {
		if st.New+st.Expunged != 0 {
			t.Errorf("no-change pass: %+v", st)
		}
	}

	// Gone from its last place: expunged, still in its ticket.
	expunge("Support")
	if _, err := s.SyncOnce(ctx, "help", SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	if n, gone := articles(); n != 2 || !gone {
		t.Fatalf("after the last expunge: %d articles, shared expunged %v (want true)", n, gone)
	}
}

// TestOwnMailDeliveredBackIsOneArticle: a reply Cc'd to the helpdesk comes
// back into INBOX with the trace headers the MTA prepended, so its bytes
// differ from the copy in Sent; it is still the one outgoing article. A
// message that only borrows its Message-ID (another body) is not.
func TestOwnMailDeliveredBackIsOneArticle(t *testing.T) {
	ctx := context.Background()
	addr, _ := memIMAP(t, goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapUIDPlus: {}})
	s, p := newService(t)
	if _, err := s.SaveAccount(ctx, AccountInput{Name: "help", IMAP: addr, IMAPTLS: "none",
		Username: "agent@example.test", Password: []byte("secret")}); err != nil {
		t.Fatal(err)
	}
	sent := []byte("From: Help <help@example.test>\r\nTo: c@example.org\r\nCc: help@example.test\r\n" +
		"Subject: Re: Printer\r\nMessage-ID: <reply-1@example.test>\r\n\r\nWe replaced the toner.\r\n")
	trace := "Return-Path: <help@example.test>\r\nDelivered-To: help@example.test\r\n" +
		"Received: from mx.example.test by imap.example.test with LMTP; Mon, 23 Nov 2026 10:00:00 +0000\r\n"
	spoof := []byte("From: Help <help@example.test>\r\nSubject: Re: Printer\r\nMessage-ID: <reply-1@example.test>\r\n\r\nPay to this new account.\r\n")
	admin := adminClient(t, addr)
	appendRaw(t, admin, "Sent", sent)
	appendRaw(t, admin, "INBOX", append([]byte(trace), sent...))
	appendRaw(t, admin, "INBOX", spoof)
	if _, err := s.SyncOnce(ctx, "help", SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	m := NewMirror(p.Store, mustAccount(t, p.Store, "help").ID)
	inbox, sentIDs := mirrorIDs(t, m, "INBOX"), mirrorIDs(t, m, "Sent")
	if len(sentIDs) != 1 || len(inbox) != 2 || inbox[0] != sentIDs[0] || inbox[1] == sentIDs[0] {
		t.Fatalf("INBOX articles %v, Sent articles %v: want the delivered copy as the sent article, the spoof apart", inbox, sentIDs)
	}
	own, err := p.Store.Article(ctx, sentIDs[0])
	if err != nil || own.Direction != "out" || own.Subject != "Re: Printer" {
		t.Fatalf("the article is %+v, %v: want our outgoing message", own, err)
	}
	// A header that is not a trace field, or a trace field below the
	// original header, makes it another message.
	for i, raw := range [][]byte{
		append([]byte("From: boss@example.test\r\n"), sent...),
		[]byte(strings.Replace(string(sent), "\r\n\r\n", "\r\nReceived: from x\r\n\r\n", 1)),
	} {
		appendRaw(t, admin, "INBOX", raw)
		if _, err := s.SyncOnce(ctx, "help", SyncOptions{}); err != nil {
			t.Fatal(err)
		}
		if in := mirrorIDs(t, m, "INBOX"); len(in) != 3+i || in[2+i] == sentIDs[0] {
			t.Fatalf("case %d: INBOX articles %v: want a separate article", i, in)
		}
	}
}

// adminClient logs in to the in-memory server as the test user, to put
// messages where a test wants them.
func adminClient(t *testing.T, addr string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login("agent@example.test", "secret").Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

func appendRaw(t *testing.T, c *imapclient.Client, mailbox string, raw []byte) {
	t.Helper()
	cmd := c.Append(mailbox, int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// mirrorIDs lists the article IDs the mirror holds in a mailbox, by UID.
func mirrorIDs(t *testing.T, m *Mirror, mailbox string) []int64 {
	t.Helper()
	msgs, err := m.Messages(context.Background(), mailbox)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, msg := range msgs {
		out = append(out, msg.ID)
	}
	return out
}
