package mailbox

import (
	"context"
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

	admin, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.Login("agent@example.test", "secret").Wait(); err != nil {
		t.Fatal(err)
	}
	appendTo := func(mailbox string, raw []byte) {
		t.Helper()
		cmd := admin.Append(mailbox, int64(len(raw)), nil)
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
	ids := func(mailbox string) []int64 {
		t.Helper()
		msgs, err := m.Messages(ctx, mailbox)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, msg := range msgs {
			out = append(out, msg.ID)
		}
		return out
	}
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
