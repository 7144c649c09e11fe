package mailbox

import (
	"context"
	"sync"
	"testing"

	goimap "github.com/emersion/go-imap/v2"

	"github.com/sealdesk/sealdesk/compose"
	"github.com/sealdesk/sealdesk/mail/team"
	"github.com/sealdesk/sealdesk/mail/team/teamtest"
)

// TestReplyClaimRaceMemory: on go-imap's memory server, Anna and Bob
// press Send on the same ticket at the same moment: exactly one is
// stopped, the one whose claim has the higher UID.
func TestReplyClaimRaceMemory(t *testing.T) {
	srv, a, b, ids := memTeam(t, 1)
	for i := range 3 {
		// Each round from a new view: the ticket gets an answer between.
		replyRace(t, a, b, ids[0], TeamOptions{})
		srv.Append(t, "INBOX", []byte("From: Customer <c@example.org>\r\nTo: support@example.test\r\nSubject: Re: Printer\r\n"+
			"Message-ID: <more-"+itoa(int64(i))+"@example.org>\r\nIn-Reply-To: <"+ids[0]+">\r\nReferences: <"+ids[0]+">\r\n"+
			"Date: Tue, 02 Jun 2026 10:4"+itoa(int64(i))+":00 +0000\r\n\r\nStill broken.\r\n"))
		a.sync(t)
		b.sync(t)
	}
}

// seenOn is the composer's mark for the ticket of root on l.
func seenOn(t *testing.T, l *laptop, root string) compose.Seen {
	t.Helper()
	tk, err := l.p.Store.TicketByNumber(context.Background(), l.numberOf(t, root))
	if err != nil {
		t.Fatal(err)
	}
	seen, err := compose.Look(context.Background(), l.p.Store, tk.ID)
	if err != nil || seen.ArticleID == 0 {
		t.Fatalf("%s: look: %+v, %v", l.name, seen, err)
	}
	return seen
}

// ownClaim is the UID of l's own newest reply claim for root.
func ownClaim(t *testing.T, l *laptop, root string) uint32 {
	t.Helper()
	acct, err := l.p.Store.AccountByName(context.Background(), "help")
	if err != nil {
		t.Fatal(err)
	}
	held, err := l.p.Store.TeamReplies(context.Background(), acct.ID, root)
	if err != nil {
		t.Fatal(err)
	}
	var uid uint32
	for _, h := range held {
		if h.Agent == l.name+"@example.test" {
			uid = h.UID
		}
	}
	if uid == 0 {
		t.Fatalf("%s holds no claim of its own: %+v", l.name, held)
	}
	return uid
}

// replyRace: both laptops (synced, converged) claim a reply to the ticket
// of root concurrently. Exactly one is stopped, by the other's claim, and
// its own claim has the higher UID. Sending anyway (the claim
// acknowledged) passes; the first laptop claiming again is never stopped
// by its own claims.
func replyRace(t *testing.T, a, b *laptop, root string, opt TeamOptions) {
	t.Helper()
	ctx := context.Background()
	seen := map[*laptop]compose.Seen{a: seenOn(t, a, root), b: seenOn(t, b, root)}
	var got [2]*compose.ReplyClaim
	var wg sync.WaitGroup
	for i, l := range []*laptop{a, b} {
		wg.Go(func() {
			c, err := l.s.ClaimReply(ctx, "help", seen[l], opt)
			if err != nil {
				t.Errorf("%s: ClaimReply: %v", l.name, err)
			}
			got[i] = c
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if (got[0] == nil) == (got[1] == nil) {
		t.Fatalf("blocked: anna %+v, bob %+v; want exactly one", got[0], got[1])
	}
	loser, winner, blocking := a, b, got[0]
	if got[1] != nil {
		loser, winner, blocking = b, a, got[1]
	}
	mineUID, theirsUID := ownClaim(t, loser, root), ownClaim(t, winner, root)
	if blocking.UID != theirsUID || blocking.Agent != winner.name+"@example.test" || blocking.Root != root {
		t.Fatalf("%s stopped by %+v, want %s's claim %d", loser.name, blocking, winner.name, theirsUID)
	}
	if mineUID <= theirsUID {
		t.Fatalf("%s stopped with claim %d by claim %d: the lower UID must go first", loser.name, mineUID, theirsUID)
	}
	t.Logf("%s (claim %d) went first; %s (claim %d) was stopped", winner.name, theirsUID, loser.name, mineUID)

	// Send anyway: the loser acknowledges the claim that stopped it.
	ack := seen[loser]
	ack.ReplyUID = blocking.UID
	if c, err := loser.s.ClaimReply(ctx, "help", ack, opt); err != nil || c != nil {
		t.Fatalf("%s sending anyway: %+v, %v", loser.name, c, err)
	}
	// The winner sending again from the same view (a retry) is stopped
	// neither by its own claim nor by the loser's, written after it.
	if c, err := winner.s.ClaimReply(ctx, "help", seen[winner], opt); err != nil || c != nil {
		t.Fatalf("%s claiming again: %+v, %v", winner.name, c, err)
	}
}

// TestReplyClaimAloneMemory: nothing stops a send that the claim cannot
// judge. A lone agent is not stopped by its own claims; an account with
// team records off writes no record; an unreachable server is an error,
// no blocking claim, and leaves no claim queued to be written later; a
// new ticket claims nothing.
func TestReplyClaimAloneMemory(t *testing.T) {
	ctx := context.Background()
	srv := teamtest.NewServer(t)
	raws, ids := teamtest.Messages("Printer", 1, 200)
	srv.Append(t, "INBOX", raws...)
	a := newLaptop(t, "anna", srv.Addr, srv.User, srv.Pass, SyncOptions{})
	a.sync(t)
	seen := seenOn(t, a, ids[0])
	for range 2 {
		if c, err := a.s.ClaimReply(ctx, "help", seen, TeamOptions{}); err != nil || c != nil {
			t.Fatalf("alone: %+v, %v", c, err)
		}
	}
	if c, err := a.s.ClaimReply(ctx, "help", compose.Seen{}, TeamOptions{}); err != nil || c != nil {
		t.Fatalf("a new ticket: %+v, %v", c, err)
	}

	c, err := a.s.ClaimReply(ctx, "help", seen, TeamOptions{Dialer: refuse{}})
	if c != nil || err == nil {
		t.Fatalf("unreachable: %+v, %v; want an error and no claim", c, err)
	}
	acct, err := a.p.Store.AccountByName(ctx, "help")
	if err != nil {
		t.Fatal(err)
	}
	queued, err := a.p.Store.TeamOutbox(ctx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range queued {
		if o.Kind == "reply" {
			t.Fatalf("a claim stayed queued after the server was out of reach: %+v", o)
		}
	}

	// Bob works with team records off on the same mailbox.
	s, p := newService(t)
	if _, err := s.SaveAccount(ctx, AccountInput{Name: "help", IMAP: srv.Addr, IMAPTLS: "none", Username: srv.User,
		Password: []byte(srv.Pass), NoTeam: true}); err != nil {
		t.Fatal(err)
	}
	off := &laptop{name: "bob", s: s, p: p}
	off.sync(t)
	records := func() uint32 {
		st, err := srv.Admin(t).Status(team.DefaultFolder, &goimap.StatusOptions{NumMessages: true}).Wait()
		if err != nil {
			t.Fatal(err)
		}
		return *st.NumMessages
	}
	before := records()
	if c, err := off.s.ClaimReply(ctx, "help", seenOn(t, off, ids[0]), TeamOptions{}); err != nil || c != nil {
		t.Fatalf("team off: %+v, %v", c, err)
	}
	if n := records(); n != before {
		t.Fatalf("team off wrote %d records", n-before)
	}
}

// TestDovecotReplyClaimRace: the same race against the harness's Dovecot
// (skipped unless run through scripts/with-services.sh).
func TestDovecotReplyClaimRace(t *testing.T) {
	d := newDovecotPair(t, "reply", "Badge reader", "No badge opens the door.")
	a, b, mid, user := d.a, d.b, d.mid, d.user
	for range 3 {
		// Each round from a new view: the ticket gets an answer between.
		replyRace(t, a, b, mid, d.opt.Team)
		appendRaw(t, d.admin, d.folder, []byte("From: Support <"+user+">\r\nTo: c@example.org\r\nSubject: Re: Badge reader\r\n"+
			"Message-ID: <"+team.NewMessageID()+">\r\nIn-Reply-To: <"+mid+">\r\nReferences: <"+mid+">\r\n"+
			"Date: Tue, 02 Jun 2026 10:42:00 +0000\r\n\r\nAn answer.\r\n"))
		a.sync(t)
		b.sync(t)
	}
}
