package app

import (
	"context"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mail/smtp/smtptest"
	"github.com/sealdesk/sealdesk/mail/team"
	"github.com/sealdesk/sealdesk/mail/team/teamtest"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// steps records the send:progress steps.
type steps struct {
	mu   sync.Mutex
	seen []mailbox.SendStep
}

func (s *steps) Emit(name EventName, payload any) {
	if p, ok := payload.(SendProgress); ok && name == EventSendProgress {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.seen = append(s.seen, p.Step)
	}
}

func (s *steps) take() []mailbox.SendStep {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.seen
	s.seen = nil
	return out
}

// replyDesk is Anna's laptop with one question synced, a reply to it
// prepared, and a claim of Bob's from the same view written to the team
// folder a second ago (his identity too): his answer is not in Sent yet.
type replyDesk struct {
	srv   *teamtest.Server
	smtp  *smtptest.Server
	mb    *mailbox.Service
	c     *Compose
	rec   *steps
	draft DraftMessage
}

// badgeDesk is Anna's laptop before its first sync: a memory IMAP server
// holding Carol's question about the badge reader, a submission server,
// and a profile with the account (team records on unless noTeam), a
// group and Anna's agent identity.
func badgeDesk(t *testing.T, noTeam bool) (*teamtest.Server, *smtptest.Server, *profile.Profile, *security.Service, *mailbox.Service) {
	t.Helper()
	ctx := context.Background()
	srv := teamtest.NewServer(t)
	srv.Append(t, "INBOX", []byte("From: Carol <carol@example.org>\r\nTo: support@desk.test\r\nSubject: Badge reader\r\n"+
		"Message-ID: <q-badge@example.org>\r\nDate: Tue, 02 Jun 2026 09:00:00 +0000\r\n\r\nNo badge opens the door.\r\n"))
	smtp := smtptest.Start(t, smtptest.Options{Username: srv.User, Password: srv.Pass})
	p := openProfile(t, keystore.NewMemory(0))
	sec := security.New(p, security.Options{})
	mb := mailbox.New(p, sec)
	if _, err := mb.SaveAccount(ctx, mailbox.AccountInput{Name: "help", IMAP: srv.Addr, IMAPTLS: "none", Username: srv.User,
		Password: []byte(srv.Pass), SMTP: smtp.Addr, SMTPTLS: "none", NoTeam: noTeam}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store.SaveGroup(ctx, store.Group{Name: "Support", SenderAddress: "Support <support@desk.test>", Technology: "S/MIME"}); err != nil {
		t.Fatal(err)
	}
	if err := mb.SetAgent(ctx, "Anna", "anna@example.test"); err != nil {
		t.Fatal(err)
	}
	return srv, smtp, p, sec, mb
}

func newReplyDesk(t *testing.T, noTeam bool) *replyDesk {
	t.Helper()
	ctx := context.Background()
	srv, smtp, p, sec, mb := badgeDesk(t, noTeam)
	if _, err := mb.SyncOnce(ctx, "help", mailbox.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	page, err := p.Store.Tickets(ctx, store.TicketQuery{})
	if err != nil || len(page.Tickets) != 1 {
		t.Fatalf("tickets: %+v, %v", page, err)
	}
	tk := page.Tickets[0]
	arts, err := p.Store.TicketArticles(ctx, tk.ID)
	if err != nil || len(arts) != 1 {
		t.Fatalf("articles: %+v, %v", arts, err)
	}
	rec := &steps{}
	c := &Compose{p: p, sec: sec, mb: mb, emit: rec}
	d, err := c.Prepare(PrepareRequest{Mode: "reply", TicketID: tk.ID, ArticleID: arts[0].ID})
	if err != nil || d.Seen.TicketID != tk.ID {
		t.Fatalf("prepare: %+v, %v", d, err)
	}
	d.Text = "Anna: try the badge again.\n" + d.Text

	bob := &mail.Address{Name: "Bob", Address: "bob@example.test"}
	if noTeam {
		// Bob's laptop made the folder: Anna's, team off, did not.
		if err := srv.Admin(t).Create(team.DefaultFolder, nil).Wait(); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []team.Record{
		{Kind: team.KindAgent, Address: bob.Address, Name: bob.Name},
		{Kind: team.KindReply, Root: "q-badge@example.org", Seen: "q-badge@example.org", Articles: 1},
	} {
		r.MessageID, r.Agent, r.At = team.NewMessageID(), bob.Address, time.Now().Add(-time.Second).UTC()
		raw, err := team.Build(r, bob)
		if err != nil {
			t.Fatal(err)
		}
		srv.Append(t, team.DefaultFolder, raw)
	}
	return &replyDesk{srv: srv, smtp: smtp, mb: mb, c: c, rec: rec, draft: d}
}

// TestComposeSendStopsAtAnotherReplyClaim: Bob pressed Send on the same
// ticket a moment before Anna, from the same view: his answer is not in
// Sent yet, only his reply claim is in the team folder. Anna's Send is
// refused with reply_claimed, naming Bob and how long ago, and sends
// nothing; sending anyway (his claim acknowledged) goes out once.
func TestComposeSendStopsAtAnotherReplyClaim(t *testing.T) {
	desk := newReplyDesk(t, false)
	c, d, rec, smtp := desk.c, desk.draft, desk.rec, desk.smtp
	var err error
	_, err = c.Send(SendRequest{SendID: "first", Draft: d})
	e := Classify(err)
	if e.Code != CodeReplyClaimed || e.Claim == nil || e.Claim.UID == 0 || e.Claim.Name != "Bob" ||
		!strings.HasPrefix(e.Message, "Bob started sending an answer to this ticket ") || !strings.HasSuffix(e.Message, " s ago.") {
		t.Fatalf("Send after Bob's claim = %+v (%v), want reply_claimed naming Bob", e, err)
	}
	if got := rec.take(); len(got) == 0 || got[0] != mailbox.StepChecking || got[len(got)-1] != mailbox.StepFailed {
		t.Fatalf("steps %v, want checking … failed", got)
	}
	if n := len(smtp.Messages()); n != 0 {
		t.Fatalf("%d messages submitted while Bob was sending his answer", n)
	}
	if out, err := c.Outbox(); err != nil || len(out) != 0 {
		t.Fatalf("outbox: %+v, %v", out, err)
	}

	d.Seen.ReplyUID = e.Claim.UID // Send anyway
	v, err := c.Send(SendRequest{SendID: "anyway", Draft: d})
	if err != nil || v.Status != store.OutboxSent {
		t.Fatalf("send anyway: %+v, %v", v, err)
	}
	if n := len(smtp.Messages()); n != 1 {
		t.Fatalf("%d messages submitted, want Anna's answer once", n)
	}
	if got := rec.take(); len(got) == 0 || got[0] != mailbox.StepChecking {
		t.Fatalf("steps %v, want checking first", got)
	}
}

// TestComposeSendAloneWhenClaimsCannotJudge: Bob's claim is in the team
// folder, but Anna's account has team records off, or the server is out
// of reach after the composer opened: her Send goes out, once.
func TestComposeSendAloneWhenClaimsCannotJudge(t *testing.T) {
	for _, tc := range []struct {
		name   string
		noTeam bool
		cut    bool
	}{
		{"team off", true, false},
		{"IMAP server out of reach", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			desk := newReplyDesk(t, tc.noTeam)
			if tc.cut {
				in := mailbox.AccountInput{Name: "help", IMAP: "127.0.0.1:1", IMAPTLS: "none", Username: desk.srv.User,
					SMTP: desk.smtp.Addr, SMTPTLS: "none"}
				if _, err := desk.mb.SaveAccount(context.Background(), in); err != nil {
					t.Fatal(err)
				}
			}
			v, err := desk.c.Send(SendRequest{SendID: "alone", Draft: desk.draft})
			if err != nil || v.Status != store.OutboxSent {
				t.Fatalf("send: %+v, %v", v, err)
			}
			if n := len(desk.smtp.Messages()); n != 1 {
				t.Fatalf("%d messages submitted, want 1", n)
			}
		})
	}
}
