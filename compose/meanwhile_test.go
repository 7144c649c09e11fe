package compose

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/mail/mirror"
	"github.com/sealdesk/sealdesk/mail/thread"
	"github.com/sealdesk/sealdesk/store"
)

// desk is a profile's store with one team account, its INBOX and Sent.
type desk struct {
	t       *testing.T
	st      *store.Store
	account int64
	uid     map[string]uint32
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a, err := st.SaveAccount(ctx, store.Account{Name: "desk", IMAPHost: "127.0.0.1", IMAPPort: 143, IMAPTLS: "none", Username: "support@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetSpecialUse(ctx, a.ID, "Sent", store.SpecialUseSent); err != nil {
		t.Fatal(err)
	}
	return &desk{t: t, st: st, account: a.ID, uid: map[string]uint32{}}
}

// mail stores one message in folder as the sync would.
func (d *desk) mail(folder, header string) {
	d.t.Helper()
	d.uid[folder]++
	raw := []byte(header + "Date: Tue, 02 Jun 2026 10:42:00 +0000\r\nSubject: Re: printer\r\n\r\nbody\r\n")
	cp := mirror.Checkpoint{UIDValidity: 7, LastUID: d.uid[folder]}
	if _, err := d.st.SaveMailboxBatch(context.Background(), d.account, folder,
		[]mirror.Message{{Mailbox: folder, UID: d.uid[folder], Raw: raw, MessageID: thread.MessageID(raw), InternalDate: time.Now()}}, cp); err != nil {
		d.t.Fatal(err)
	}
	if _, err := d.st.AssignTicketRoots(context.Background()); err != nil {
		d.t.Fatal(err)
	}
}

// reply is an answer in Sent to the customer's mail, from agent (a
// X-SealDesk-Agent value; "" for none).
func (d *desk) reply(n int, agent string) {
	h := fmt.Sprintf("From: support@example.org\r\nTo: carol@example.com\r\nMessage-ID: <r%d@example.org>\r\nIn-Reply-To: <q1@example.com>\r\n", n)
	if agent != "" {
		h += "X-SealDesk-Agent: " + agent + "\r\n"
	}
	d.mail("Sent", h)
}

func (d *desk) ticket() int64 {
	d.t.Helper()
	art, err := d.st.ArticleByMessageID(context.Background(), "q1@example.com")
	if err != nil {
		d.t.Fatal(err)
	}
	return art.TicketID
}

func (d *desk) root() string {
	d.t.Helper()
	var root string
	if err := d.st.DB().QueryRow(`SELECT root_message_id FROM tickets WHERE id = ?`, d.ticket()).Scan(&root); err != nil {
		d.t.Fatal(err)
	}
	return root
}

const me = "me@example.org"

// TestSinceAnotherAgentsAnswer: a reply in Sent from another agent after
// the draft opened is listed, with the agent; ours is not.
func TestSinceAnotherAgentsAnswer(t *testing.T) {
	ctx := context.Background()
	d := newDesk(t)
	d.mail("INBOX", "From: carol@example.com\r\nTo: support@example.org\r\nMessage-ID: <q1@example.com>\r\n")
	seen, err := Look(ctx, d.st, d.ticket())
	if err != nil {
		t.Fatal(err)
	}
	if m, err := Since(ctx, d.st, seen, me); err != nil || m.Any() {
		t.Fatalf("nothing happened yet: %+v, %v", m, err)
	}
	d.reply(1, "Me <ME@example.org>")
	d.reply(2, "Anna Agent <anna@example.test>")
	m, err := Since(ctx, d.st, seen, me)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Articles) != 1 || m.Articles[0].Agent != "anna@example.test" || m.Articles[0].AgentName != "Anna Agent" || m.Articles[0].MessageID != "r2@example.org" {
		t.Fatalf("articles = %+v, want Anna's answer alone", m.Articles)
	}
	var cerr *MeanwhileError
	if err := CheckSend(ctx, d.st, seen, me); !errors.Is(err, ErrMeanwhile) || !errors.As(err, &cerr) || len(cerr.Meanwhile.Articles) != 1 {
		t.Fatalf("CheckSend = %v, want ErrMeanwhile with Anna's answer", err)
	}
	// The agent saw it and sends anyway: the acknowledged mark passes.
	if err := CheckSend(ctx, d.st, m.Now, me); err != nil {
		t.Fatalf("CheckSend after acknowledging = %v", err)
	}
	// A reply claim acknowledged before stays acknowledged in the new mark.
	acked := seen
	acked.ReplyUID = 41
	if m, err := Since(ctx, d.st, acked, me); err != nil || m.Now.ReplyUID != 41 || m.Now.ArticleID == seen.ArticleID {
		t.Fatalf("Since with an acknowledged claim: now %+v, %v", m.Now, err)
	}
	// An answer naming no agent (another mail client) may be anyone's.
	d.reply(3, "")
	if m, _ := Since(ctx, d.st, m.Now, me); len(m.Articles) != 1 {
		t.Fatalf("an answer without agent: %+v, want it listed", m.Articles)
	}
	// A new ticket (and a draft from before the rule) checks nothing.
	if err := CheckSend(ctx, d.st, Seen{}, me); err != nil {
		t.Fatal(err)
	}
}

// TestSinceStateChangeByAnotherAgent: a team record changing the state by
// another agent after the draft opened is listed; our own is not.
func TestSinceStateChangeByAnotherAgent(t *testing.T) {
	ctx := context.Background()
	d := newDesk(t)
	d.mail("INBOX", "From: carol@example.com\r\nTo: support@example.org\r\nMessage-ID: <q1@example.com>\r\n")
	seen, err := Look(ctx, d.st, d.ticket())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 6, 2, 10, 42, 0, 0, time.UTC)
	recs := []store.TeamRecord{
		{UID: 1, MessageID: "s1@sealdesk.invalid", Kind: "owner", Root: d.root(), Owner: me, Agent: me, At: at},
		{UID: 2, MessageID: "s2@sealdesk.invalid", Kind: "state", Root: d.root(), State: "closed", Agent: "bob@example.test", At: at},
	}
	if _, err := d.st.ApplyTeamRecords(ctx, d.account, recs, store.TeamFolder{Name: "SealDesk/Team", UIDValidity: 1, LastUID: 2, Messages: 2}); err != nil {
		t.Fatal(err)
	}
	m, err := Since(ctx, d.st, seen, me)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Changes) != 1 || m.Changes[0].Field != "state" || m.Changes[0].Value != "closed" || m.Changes[0].Agent != "bob@example.test" {
		t.Fatalf("changes = %+v, want Bob's close alone", m.Changes)
	}
	if err := CheckSend(ctx, d.st, seen, me); !errors.Is(err, ErrMeanwhile) {
		t.Fatalf("CheckSend = %v, want ErrMeanwhile", err)
	}
	if err := CheckSend(ctx, d.st, m.Now, me); err != nil {
		t.Fatalf("CheckSend after acknowledging = %v", err)
	}
}
