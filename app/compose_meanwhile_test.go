package app

import (
	"context"
	"testing"

	"github.com/sealdesk/sealdesk/store"
)

// TestComposeSendLooksAgainBeforeSending: Anna's sync runs, idle on INBOX,
// while she writes a reply; Bob answers the ticket from his laptop and its
// copy lands in the shared Sent folder, which IDLE does not watch. Send
// looks again first: it refuses with answered_meanwhile and sends nothing,
// Meanwhile names Bob's answer, and the Send that acknowledges it goes out
// once.
func TestComposeSendLooksAgainBeforeSending(t *testing.T) {
	ctx := context.Background()
	srv, smtp, p, sec, mb := badgeDesk(t, false)
	rec := &recorder{}
	sync := &Sync{mb: mb, emit: rec, st: p.Store}
	if _, err := sync.Start(StartSyncRequest{}); err != nil {
		t.Fatal(err)
	}
	defer sync.Stop(StopSyncRequest{})
	var tk store.Ticket
	waitFor(t, "the question synced and the sync idle", func() bool {
		page, err := p.Store.Tickets(ctx, store.TicketQuery{})
		st, _ := sync.Status()
		if err != nil || len(page.Tickets) != 1 || st.State != SyncIdle {
			return false
		}
		tk = page.Tickets[0]
		return true
	})
	arts, err := p.Store.TicketArticles(ctx, tk.ID)
	if err != nil || len(arts) != 1 {
		t.Fatalf("articles: %+v, %v", arts, err)
	}
	c := &Compose{p: p, sec: sec, mb: mb, emit: rec}
	d, err := c.Prepare(PrepareRequest{Mode: "reply", TicketID: tk.ID, ArticleID: arts[0].ID})
	if err != nil || d.Seen.TicketID != tk.ID {
		t.Fatalf("prepare: %+v, %v", d, err)
	}
	d.Text = "Anna: try the badge again.\n" + d.Text

	// Bob's answer, saved in Sent by his laptop's send.
	srv.Append(t, "Sent", []byte("From: Support <support@desk.test>\r\nTo: carol@example.org\r\nSubject: Re: Badge reader\r\n"+
		"Message-ID: <bobs-badge@desk.test>\r\nIn-Reply-To: <q-badge@example.org>\r\nReferences: <q-badge@example.org>\r\n"+
		"X-SealDesk-Agent: Bob <bob@example.test>\r\nDate: Tue, 02 Jun 2026 09:05:00 +0000\r\n\r\nBob: the reader is fixed.\r\n"))

	if _, err := c.Send(SendRequest{SendID: "first", Draft: d}); err == nil || code(err) != CodeAnsweredMeanwhile {
		t.Fatalf("Send after Bob's answer = %v, want answered_meanwhile", err)
	}
	if n := len(smtp.Messages()); n != 0 {
		t.Fatalf("%d messages submitted before the agent saw Bob's answer", n)
	}
	if out, err := c.Outbox(); err != nil || len(out) != 0 {
		t.Fatalf("outbox: %+v, %v", out, err)
	}
	m, err := c.Meanwhile(d.Seen)
	if err != nil || len(m.Articles) != 1 || m.Articles[0].Agent != "bob@example.test" {
		t.Fatalf("meanwhile: %+v, %v", m, err)
	}

	d.Seen = m.Now // the agent saw it: Send anyway
	v, err := c.Send(SendRequest{SendID: "anyway", Draft: d})
	if err != nil || v.Status != store.OutboxSent {
		t.Fatalf("send anyway: %+v, %v", v, err)
	}
	if n := len(smtp.Messages()); n != 1 {
		t.Fatalf("%d messages submitted, want Anna's answer once", n)
	}
}
