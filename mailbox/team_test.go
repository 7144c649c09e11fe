package mailbox

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"testing"

	"github.com/sealdesk/sealdesk/mail/team/teamtest"
	"github.com/sealdesk/sealdesk/store"
)

type refuse struct{}

func (refuse) DialContext(context.Context, string, string) (net.Conn, error) {
	return nil, errors.New("offline")
}

// memTeam is two laptops on go-imap's memory server (no CONDSTORE) with n
// mails in INBOX, both synced at the same time and converged.
func memTeam(t *testing.T, n int) (*teamtest.Server, *laptop, *laptop, []string) {
	t.Helper()
	srv := teamtest.NewServer(t)
	raws, ids := teamtest.Messages("Printer", n, 200)
	srv.Append(t, "INBOX", raws...)
	a := newLaptop(t, "anna", srv.Addr, srv.User, srv.Pass, SyncOptions{})
	b := newLaptop(t, "bob", srv.Addr, srv.User, srv.Pass, SyncOptions{})
	var wg sync.WaitGroup
	for _, l := range []*laptop{a, b} {
		wg.Go(func() { l.sync(t) })
	}
	wg.Wait()
	converge(t, a, b)
	return srv, a, b, ids
}

// TestTeamSameNumbersMemory: two laptops sync the same mails at once and
// show the same numbers; a state change and an assignment on one appear
// on the other after its next sync.
func TestTeamSameNumbersMemory(t *testing.T) {
	_, a, b, ids := memTeam(t, 200)
	sameTickets(t, a, b, 200)
	ctx := context.Background()
	n := a.numberOf(t, ids[7])
	res, err := a.s.SetTicketState(ctx, n, "pending", "2030-01-02", TeamOptions{})
	if err != nil || !res.Team || res.Queued {
		t.Fatalf("state: %+v, %v", res, err)
	}
	if _, err := a.s.AssignTicket(ctx, n, "bob@example.test", TeamOptions{}); err != nil {
		t.Fatal(err)
	}
	b.sync(t)
	got := sameTickets(t, a, b, 200)
	if got[ids[7]] != "#"+itoa(n)+" pending 2030-01-02 bob@example.test" {
		t.Fatalf("ticket on bob: %q", got[ids[7]])
	}
	for owner, want := range map[string]int{"BOB@example.test": 1, store.OwnerNone: 199, "anna@example.test": 0} {
		if page, err := b.p.Store.Tickets(ctx, store.TicketQuery{Owner: owner}); err != nil || page.Total != want {
			t.Fatalf("owner filter %q: %d tickets, %v; want %d", owner, page.Total, err, want)
		}
	}
	tk, _ := b.p.Store.TicketByNumber(ctx, n)
	hist, err := b.p.Store.TicketHistory(ctx, tk.ID)
	if err != nil || len(hist) != 3 || hist[1].Field != store.FieldState || hist[2].Agent != "anna@example.test" {
		t.Fatalf("history on bob: %+v, %v", hist, err)
	}
	// Bob assigns by name: the agent records taught bob's laptop anna's.
	if _, err := b.s.AssignTicket(ctx, n, "anna", TeamOptions{}); err != nil {
		t.Fatal(err)
	}
	a.team(t)
	if got := sameTickets(t, a, b, 200); got[ids[7]] != "#"+itoa(n)+" pending 2030-01-02 anna@example.test" {
		t.Fatalf("after bob's assignment: %q", got[ids[7]])
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestTeamConflictMemory: two agents change the same ticket from the same
// view (both offline, then both write): the ticket converges and exactly
// one of them is told.
func TestTeamConflictMemory(t *testing.T) {
	_, a, b, ids := memTeam(t, 5)
	ctx := context.Background()
	n := a.numberOf(t, ids[2])
	off := TeamOptions{Dialer: refuse{}}
	ra, err := a.s.SetTicketState(ctx, n, "closed", "", off)
	if err != nil || !ra.Queued {
		t.Fatalf("anna offline: %+v, %v", ra, err)
	}
	rb, err := b.s.SetTicketState(ctx, n, "pending", "", off)
	if err != nil || !rb.Queued {
		t.Fatalf("bob offline: %+v, %v", rb, err)
	}
	told := converge(t, a, b)
	if len(told) != 1 || told[0] != "bob:state" {
		t.Fatalf("told %v, want bob only", told)
	}
	got := sameTickets(t, a, b, 5)
	if got[ids[2]] != "#"+itoa(n)+" closed  " {
		t.Fatalf("ticket: %q", got[ids[2]])
	}
	cs, _ := b.p.Store.TeamConflicts(ctx)
	if len(cs) != 1 || cs[0].WinnerAgent != "anna@example.test" || cs[0].WinnerValue != "closed" || cs[0].Number != n {
		t.Fatalf("bob's conflicts: %+v", cs)
	}
	if cs, _ := b.p.Store.TeamConflicts(ctx); len(cs) != 0 {
		t.Fatalf("told twice: %+v", cs)
	}

	// Truly at once: both write while online; whoever's APPEND came
	// second is told, at write time, and only they.
	var wg sync.WaitGroup
	var results [2]ChangeResult
	for i, l := range []*laptop{a, b} {
		wg.Go(func() {
			r, err := l.s.AssignTicket(ctx, n, l.name+"@example.test", TeamOptions{})
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		})
	}
	wg.Wait()
	told = converge(t, a, b)
	for _, r := range results {
		if r.Pass != nil {
			for _, c := range r.Pass.Conflicts {
				told = append(told, c.Field)
			}
		}
	}
	if len(told) != 1 {
		t.Fatalf("told %v, want exactly one", told)
	}
	sameTickets(t, a, b, 5)
}

// TestTeamJoinKeepsNumbersMemory: a profile that worked alone joins; where
// its old numbers disagree with the team's (lowest UID wins), it
// renumbers and keeps the old numbers as aliases.
func TestTeamJoinKeepsNumbersMemory(t *testing.T) {
	ctx := context.Background()
	srv := teamtest.NewServer(t)
	raws, ids := teamtest.Messages("Printer", 6, 100)
	srv.Append(t, "INBOX", raws...)
	a := newLaptop(t, "anna", srv.Addr, srv.User, srv.Pass, SyncOptions{})
	a.sync(t)
	// Bob worked alone, without team records, and had a ticket of his
	// own first: all his numbers are one higher than Anna's.
	b := newLaptop(t, "bob", srv.Addr, srv.User, srv.Pass, SyncOptions{})
	if _, err := b.p.Store.CreateTicket(ctx, "phone call", "someone"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.s.SaveAccount(ctx, AccountInput{Name: "help", IMAP: srv.Addr, IMAPTLS: "none", Username: srv.User, NoTeam: true}); err != nil {
		t.Fatal(err)
	}
	b.sync(t)
	old := b.numberOf(t, ids[0])
	if old != a.numberOf(t, ids[0])+1 {
		t.Fatalf("setup: bob #%d, anna #%d", old, a.numberOf(t, ids[0]))
	}
	if _, err := b.s.SaveAccount(ctx, AccountInput{Name: "help", IMAP: srv.Addr, IMAPTLS: "none", Username: srv.User}); err != nil {
		t.Fatal(err)
	}
	b.sync(t)
	converge(t, a, b)
	for _, id := range ids {
		if a.numberOf(t, id) != b.numberOf(t, id) {
			t.Fatalf("%s: anna #%d, bob #%d", id, a.numberOf(t, id), b.numberOf(t, id))
		}
	}
	// Bob's old number of the last mail is no one's team number now: an
	// alias of its ticket, so a [Ticket#old] reply threads there.
	last := ids[len(ids)-1]
	oldLast := a.numberOf(t, last) + 1
	tk, err := b.p.Store.TicketByNumber(ctx, oldLast)
	if err != nil || tk.Number != b.numberOf(t, last) {
		t.Fatalf("alias #%d: %+v, %v", oldLast, tk, err)
	}
}
