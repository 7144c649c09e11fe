package mailbox

// Against the harness's real Dovecot; skipped unless run through
// scripts/with-services.sh:
//
//	scripts/with-services.sh go test -race -run TestDovecotSameMessageInTwoFolders ./mailbox/
//
// Dovecot is shared with other packages' tests: this one works in a folder
// of its own and, in INBOX, looks only at its own Message-ID.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/sealdesk/sealdesk/internal/testenv"
)

// TestDovecotSameMessageInTwoFolders is TestSameMessageInTwoFolders
// against Dovecot (issue #5), which speaks CONDSTORE (RFC 7162 section 3.1)
// where the in-memory server does not, so the sync takes its other path
// for flags and for the "nothing changed" shortcut (UIDNEXT and the
// message count, which must count copies): the same message APPENDed to
// INBOX and to a second folder is one article; expunging it from one
// folder (the article's own place, or its copy) keeps the article live
// through the other; expunging it from both, one pass after the other or
// in the same pass, marks it expunged (it stays in its ticket).
func TestDovecotSameMessageInTwoFolders(t *testing.T) {
	ctx := context.Background()
	addr := testenv.IMAP(t)
	user, pass := testenv.MailUser(t)
	admin := testenv.IMAPClient(t, user, pass, nil)
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	folder := "sealdesk-copies-" + hex.EncodeToString(rnd[:])
	if err := admin.Create(folder, nil).Wait(); err != nil {
		t.Fatalf("CREATE %s: %v", folder, err)
	}
	// Three messages, each in INBOX and the folder, leave in three orders:
	// INBOX first (the article's own place goes, a copy takes over), the
	// folder first (a copy goes), both in one pass.
	type msg struct {
		name, mid string
		raw       []byte
	}
	var shared []msg
	for _, name := range []string{"inbox-first", "folder-first", "both-at-once"} {
		raw, mid := testenv.NewMessage("Customer <c@example.org>", user, "Printer, "+name, "It prints only on Tuesdays.")
		shared = append(shared, msg{name, mid, raw})
	}
	other, otherMID := testenv.NewMessage("Customer <c@example.org>", user, "Scanner", "Also broken.")
	// A fourth reaches INBOX through LMTP, which prepends Return-Path,
	// Delivered-To and Received, and the folder by APPEND, as our reply
	// Cc'd to the helpdesk reaches INBOX and Sent: still one article.
	draw, dmid := testenv.NewMessage("Help <"+user+">", user, "Re: Printer, delivered back", "We replaced the toner.")
	delivered := msg{"delivered back", dmid, draw}
	t.Cleanup(func() {
		// A fresh connection: the admin's may be closed by now.
		c, err := imapclient.DialInsecure(addr, nil)
		if err != nil {
			return
		}
		defer c.Close()
		if c.Login(user, pass).Wait() != nil {
			return
		}
		_ = c.Delete(folder).Wait()
		if _, err := c.Select("INBOX", nil).Wait(); err == nil {
			for _, m := range append(shared, delivered) {
				for _, uid := range searchMID(t, c, m.mid) {
					expungeUID(t, c, uid)
				}
			}
		}
		_ = c.Logout().Wait()
	})

	appendTo := func(mailbox string, raw []byte) {
		t.Helper()
		cmd := admin.Append(mailbox, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			t.Fatalf("APPEND %s: %v", mailbox, err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatalf("APPEND %s: %v", mailbox, err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatalf("APPEND %s: %v", mailbox, err)
		}
	}
	// Expunge only our own message (UID EXPUNGE, RFC 4315 section 2.1):
	// INBOX is shared with other tests.
	expunge := func(mailbox string, m msg) {
		t.Helper()
		if _, err := admin.Select(mailbox, nil).Wait(); err != nil {
			t.Fatalf("SELECT %s: %v", mailbox, err)
		}
		uids := searchMID(t, admin, m.mid)
		if len(uids) != 1 {
			t.Fatalf("%s holds %d copies of %s, want 1", mailbox, len(uids), m.name)
		}
		expungeUID(t, admin, uids[0])
	}
	for _, m := range shared {
		appendTo("INBOX", m.raw)
	}
	for _, m := range shared {
		appendTo(folder, m.raw)
	}
	appendTo(folder, other)
	testenv.LMTPDeliver(t, testenv.LMTP(t), user, delivered.raw)
	appendTo(folder, delivered.raw)

	s, p := newService(t)
	if _, err := s.SaveAccount(ctx, AccountInput{Name: "help", IMAP: addr, IMAPTLS: "none",
		Username: user, Password: []byte(pass), Folders: []string{folder}}); err != nil {
		t.Fatal(err)
	}
	syncOnce := func(when string) {
		t.Helper()
		sum, err := s.SyncOnce(ctx, "help", SyncOptions{})
		if err != nil {
			t.Fatalf("%s: sync: %v", when, err)
		}
		if sum.Failed != 0 {
			t.Errorf("%s: %d articles failed processing", when, sum.Failed)
		}
	}
	// articles are the rows for one Message-ID.
	type row struct {
		id       int64
		expunged bool
		pending  bool
	}
	articles := func(messageID string) []row {
		t.Helper()
		rs, err := p.Store.DB().QueryContext(ctx, `SELECT id, expunged, security_pending FROM articles WHERE message_id = ? ORDER BY id`, messageID)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		var out []row
		for rs.Next() {
			var r row
			if err := rs.Scan(&r.id, &r.expunged, &r.pending); err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a := mustAccount(t, p.Store, "help")
	mirror := NewMirror(p.Store, a.ID)
	// places are the mailboxes the mirror lists article id in.
	places := func(id int64) []string {
		t.Helper()
		var in []string
		for _, mailbox := range []string{"INBOX", folder} {
			msgs, err := mirror.Messages(ctx, mailbox)
			if err != nil {
				t.Fatal(err)
			}
			for _, msg := range msgs {
				if msg.ID == id && !msg.Expunged {
					in = append(in, mailbox)
				}
			}
		}
		return in
	}
	// want checks that m is one article, expunged or not, listed in the
	// mailboxes given; it returns the article's ID.
	want := func(when string, m msg, expunged bool, mailboxes ...string) int64 {
		t.Helper()
		got := articles(m.mid)
		if len(got) != 1 {
			t.Errorf("%s: %s is %d articles, want 1: %+v", when, m.name, len(got), got)
			return 0
		}
		if got[0].expunged != expunged || got[0].pending {
			t.Errorf("%s: %s: expunged %v (want %v), security_pending %v", when, m.name, got[0].expunged, expunged, got[0].pending)
		}
		if pl := places(got[0].id); strings.Join(pl, ",") != strings.Join(mailboxes, ",") {
			t.Errorf("%s: %s is listed in %v, want %v", when, m.name, pl, mailboxes)
		}
		return got[0].id
	}

	syncOnce("first sync")
	ids := map[string]int64{}
	for _, m := range shared {
		ids[m.name] = want("first sync", m, false, "INBOX", folder)
	}
	want("first sync", msg{"the folder's other message", otherMID, other}, false, folder)
	want("first sync", delivered, false, "INBOX", folder)

	// Gone from one place, still in the other: the article lives on.
	expunge("INBOX", shared[0])
	expunge(folder, shared[1])
	syncOnce("after the first expunges")
	want("after the first expunges", shared[0], false, folder)
	want("after the first expunges", shared[1], false, "INBOX")
	want("after the first expunges", shared[2], false, "INBOX", folder)
	// A no-change pass changes nothing.
	syncOnce("no-change pass")
	want("no-change pass", shared[0], false, folder)
	want("no-change pass", shared[1], false, "INBOX")

	// Gone from the last place, or from both at once: expunged, still the
	// same one article (it stays in its ticket).
	expunge(folder, shared[0])
	expunge("INBOX", shared[1])
	expunge("INBOX", shared[2])
	expunge(folder, shared[2])
	syncOnce("after the last expunges")
	for _, m := range shared {
		if id := want("after the last expunges", m, true); id != ids[m.name] {
			t.Errorf("after the last expunges: %s is article %d, was %d", m.name, id, ids[m.name])
		}
	}
	want("after the last expunges", msg{"the folder's other message", otherMID, other}, false, folder)
}

// searchMID returns the UIDs of the selected mailbox's messages with this
// Message-ID.
func searchMID(t *testing.T, c *imapclient.Client, messageID string) []goimap.UID {
	t.Helper()
	data, err := c.UIDSearch(&goimap.SearchCriteria{
		Header: []goimap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: "<" + messageID + ">"}},
	}, nil).Wait()
	if err != nil {
		t.Fatalf("UID SEARCH: %v", err)
	}
	return data.AllUIDs()
}

func expungeUID(t *testing.T, c *imapclient.Client, uid goimap.UID) {
	t.Helper()
	set := goimap.UIDSetNum(uid)
	if err := c.Store(set, &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Silent: true, Flags: []goimap.Flag{goimap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatalf("UID STORE %d +FLAGS \\Deleted: %v", uid, err)
	}
	if err := c.UIDExpunge(set).Close(); err != nil {
		t.Fatalf("UID EXPUNGE %d: %v", uid, err)
	}
}
