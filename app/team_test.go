package app

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mail/team/teamtest"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// desk is one agent's window services on the shared account.
type desk struct {
	mb       *mailbox.Service
	st       *store.Store
	tickets  *Tickets
	settings *Settings
	sync     *Sync
	rec      *recorder
}

func newDesk(t *testing.T, srv *teamtest.Server, name string) *desk {
	t.Helper()
	p := openProfile(t, keystore.NewMemory(0))
	sec := security.New(p, security.Options{})
	mb := mailbox.New(p, sec)
	r := &recorder{}
	d := &desk{mb: mb, st: p.Store, rec: r, tickets: &Tickets{p: p, sec: sec.Processing, mb: mb, emit: r},
		settings: &Settings{p: p, sec: sec.Processing, mb: mb, emit: r}, sync: &Sync{mb: mb, emit: r, st: p.Store}}
	if _, err := (&Accounts{mb: mb, emit: r}).Save(SaveAccountRequest{Name: "help", IMAP: srv.Addr, IMAPTLS: "none",
		Username: srv.User, Password: srv.Pass}); err != nil {
		t.Fatal(err)
	}
	v, err := d.settings.SetAgent(SetAgentRequest{Name: name, Address: name + "@example.test"})
	if err != nil || v.AgentName != name || v.AgentAddress != name+"@example.test" {
		t.Fatalf("set agent: %+v, %v", v, err)
	}
	if _, err := d.settings.SetAgent(SetAgentRequest{Name: "x", Address: "not an address"}); Classify(err).Code != CodeInvalid {
		t.Fatalf("bad agent: %v", err)
	}
	if _, err := mb.SyncOnce(context.Background(), "help", mailbox.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	return d
}

func (d *desk) pass(t *testing.T, opt mailbox.TeamOptions) mailbox.TeamSummary {
	t.Helper()
	sum, err := d.mb.TeamSync(context.Background(), "help", opt)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func (d *desk) only(t *testing.T) store.Ticket {
	t.Helper()
	page, err := d.tickets.List(store.TicketQuery{})
	if err != nil || len(page.Tickets) != 1 {
		t.Fatalf("tickets: %+v, %v", page, err)
	}
	return page.Tickets[0]
}

type offline struct{}

func (offline) DialContext(context.Context, string, string) (net.Conn, error) {
	return nil, errors.New("offline")
}

// TestTicketsTeamPath: the Tickets service's state and owner changes are
// published (the other agent's laptop shows them), the ticket view shows
// owner, state with reminder date and history, the owner filter finds
// them, and a change of ours that lost is told once, as a typed notice.
func TestTicketsTeamPath(t *testing.T) {
	srv := teamtest.NewServer(t)
	raws, _ := teamtest.Messages("Printer", 1, 200)
	srv.Append(t, "INBOX", raws...)
	anna, bob := newDesk(t, srv, "anna"), newDesk(t, srv, "bob")
	anna.pass(t, mailbox.TeamOptions{})
	bob.pass(t, mailbox.TeamOptions{})

	tk := anna.only(t)
	ch, err := anna.tickets.SetState(SetStateRequest{ID: tk.ID, State: "pending", Until: "2031-05-06"})
	if err != nil || ch.Queued || ch.Ticket.State != "pending" || ch.Ticket.PendingUntil != "2031-05-06" {
		t.Fatalf("set state: %+v, %v", ch, err)
	}
	if _, err := anna.tickets.SetState(SetStateRequest{ID: tk.ID, State: "open", Until: "2031-05-06"}); Classify(err).Code != CodeInvalid {
		t.Fatalf("reminder date on an open ticket: %v", err)
	}
	if ch, err = anna.tickets.Assign(AssignRequest{ID: tk.ID, Agent: "bob@example.test"}); err != nil || ch.Ticket.Owner != "bob@example.test" {
		t.Fatalf("assign: %+v, %v", ch, err)
	}

	bob.pass(t, mailbox.TeamOptions{})
	bt := bob.only(t)
	v, err := bob.tickets.Get(TicketRequest{ID: bt.ID})
	if err != nil || v.Ticket.Owner != "bob@example.test" || v.Ticket.State != "pending" || v.Ticket.PendingUntil != "2031-05-06" {
		t.Fatalf("bob's view: %+v, %v", v.Ticket, err)
	}
	var fields []string
	for _, h := range v.History {
		if h.Field != "number" {
			fields = append(fields, h.Field+"="+h.Value+" by "+h.Agent)
		}
	}
	if len(fields) != 2 || fields[0] != "state=pending until 2031-05-06 by anna@example.test" || fields[1] != "owner=bob@example.test by anna@example.test" {
		t.Fatalf("bob's history: %q", fields)
	}
	for owner, want := range map[string]int{"bob@example.test": 1, store.OwnerNone: 0, "anna@example.test": 0} {
		if page, err := bob.tickets.List(store.TicketQuery{Owner: owner}); err != nil || page.Total != want {
			t.Fatalf("owner %q: %d, %v; want %d", owner, page.Total, err, want)
		}
	}
	ag, err := bob.tickets.Agents()
	if err != nil || ag.Me.Address != "bob@example.test" || len(ag.Agents) != 2 {
		t.Fatalf("agents: %+v, %v", ag, err)
	}

	// Bob changes the state offline (queued from the view he had); Anna
	// closes it meanwhile. Bob's record comes later and loses: he is told,
	// once, by the running sync's team:conflicts event.
	if _, err := bob.mb.SetTicketState(context.Background(), bt.Number, "open", "", mailbox.TeamOptions{Dialer: offline{}}); err != nil {
		t.Fatal(err)
	}
	if ch, err := anna.tickets.SetState(SetStateRequest{ID: tk.ID, State: "closed"}); err != nil || len(ch.Conflicts) != 0 {
		t.Fatalf("anna closes: %+v, %v", ch, err)
	}
	sum := bob.pass(t, mailbox.TeamOptions{})
	bob.sync.afterTeam(sum, nil)
	bob.rec.mu.Lock()
	got, _ := bob.rec.last[EventTeamConflicts].(TeamConflicts)
	changed := bob.rec.last[EventTicketsChanged] != nil
	bob.rec.mu.Unlock()
	if len(got.Notices) != 1 || !changed {
		t.Fatalf("bob's notices: %+v (tickets:changed %v)", got, changed)
	}
	n := got.Notices[0]
	if n.TicketID != bt.ID || n.Field != "state" || n.Mine != "open" || n.WinnerValue != "closed" || n.WinnerAgent != "anna@example.test" || n.WinnerName != "anna" {
		t.Fatalf("notice: %+v", n)
	}
	if again, err := bob.tickets.Conflicts(); err != nil || len(again.Notices) != 0 {
		t.Fatalf("told twice: %+v, %v", again, err)
	}
	if bt := bob.only(t); bt.State != "closed" {
		t.Fatalf("bob's ticket after losing: %+v", bt)
	}
}

func TestConflictMessage(t *testing.T) {
	now := time.Date(2026, 6, 2, 10, 0, 10, 0, time.UTC)
	names := map[string]string{"bob@example.test": "Bob", "anna@example.test": "Anna"}
	for _, c := range []struct {
		name string
		n    ConflictNotice
		want string
	}{
		{"closed", ConflictNotice{Field: "state", WinnerValue: "closed", WinnerName: "Bob", WinnerAt: "2026-06-02T10:00:00Z"},
			"Bob closed this ticket 10 s ago; your change was not applied."},
		{"assigned, unknown agent", ConflictNotice{Field: "owner", WinnerValue: "anna@example.test", WinnerAgent: "carl@example.test", WinnerAt: "2026-06-02T09:00:10Z"},
			"carl@example.test assigned this ticket to Anna 1 h ago; your change was not applied."},
		{"unassigned, no time", ConflictNotice{Field: "owner", WinnerName: "Bob"}, "Bob unassigned this ticket; your change was not applied."},
		{"no agent", ConflictNotice{Field: "state", WinnerValue: "open"}, "Another agent reopened this ticket; your change was not applied."},
	} {
		if got := conflictMessage(c.n, names, now); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestAfterTeamReloadsTheKeyLists: a pass that judged keys the team
// published or removed reloads Found in mail and both key lists (a note
// beside a key a colleague removed shows without a restart); a pass that
// judged none does not.
func TestAfterTeamReloadsTheKeyLists(t *testing.T) {
	rec := &recorder{}
	s := &Sync{emit: rec}
	s.afterTeam(mailbox.TeamSummary{}, nil)
	if rec.count() != 0 {
		t.Fatalf("an empty pass emitted %v", rec.events)
	}
	s.afterTeam(mailbox.TeamSummary{Keys: &security.TeamKeysResult{Removed: []security.TeamKeyRemoval{{Fingerprint: "AB"}}}}, nil)
	for _, ev := range []EventName{EventPendingChanged, EventCertificatesChanged, EventPGPKeysChanged} {
		if rec.last[ev] == nil {
			t.Errorf("no %s after a pass that noted a removal: %v", ev, rec.events)
		}
	}
}
