package mailbox

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/store"
)

// laptop is one agent's profile (its own data directory and keychain)
// on the shared account.
type laptop struct {
	name string
	s    *Service
	p    *profile.Profile
	opt  SyncOptions
}

func newLaptop(t *testing.T, name, addr, user, pass string, opt SyncOptions) *laptop {
	t.Helper()
	s, p := newService(t)
	if _, err := s.SaveAccount(context.Background(), AccountInput{Name: "help", IMAP: addr, IMAPTLS: "none", Username: user, Password: []byte(pass)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAgent(context.Background(), name, name+"@example.test"); err != nil {
		t.Fatal(err)
	}
	return &laptop{name: name, s: s, p: p, opt: opt}
}

func (l *laptop) sync(t *testing.T) Summary {
	t.Helper()
	sum, err := l.s.SyncOnce(context.Background(), "help", l.opt)
	if err != nil {
		t.Fatalf("%s: sync: %v", l.name, err)
	}
	if sum.TeamError != "" {
		t.Fatalf("%s: team pass: %s", l.name, sum.TeamError)
	}
	return sum
}

func (l *laptop) team(t *testing.T) TeamSummary {
	t.Helper()
	ts, err := l.s.TeamSync(context.Background(), "help", l.opt.Team)
	if err != nil {
		t.Fatalf("%s: team pass: %v", l.name, err)
	}
	return ts
}

// tickets maps each ticket's root to "number state owner".
func (l *laptop) tickets(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	numbers := map[int64]bool{}
	for offset := 0; ; {
		page, err := l.p.Store.Tickets(ctx, store.TicketQuery{Offset: offset, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range page.Tickets {
			var root string
			if err := l.p.Store.DB().QueryRowContext(ctx, `SELECT root_message_id FROM tickets WHERE id = ?`, tk.ID).Scan(&root); err != nil {
				t.Fatal(err)
			}
			if numbers[tk.Number] {
				t.Fatalf("%s: number %d twice", l.name, tk.Number)
			}
			numbers[tk.Number] = true
			out[root] = fmt.Sprintf("#%d %s %s %s", tk.Number, tk.State, tk.PendingUntil, tk.Owner)
		}
		offset += len(page.Tickets)
		if len(page.Tickets) == 0 || offset >= page.Total {
			return out
		}
	}
}

// converge runs team passes on every laptop until a round writes nothing
// (a void claim is claimed again the round after), and returns the total
// conflicts told.
func converge(t *testing.T, ls ...*laptop) []string {
	t.Helper()
	var told []string
	for round := 0; round < 8; round++ {
		written := 0
		for _, l := range ls {
			ts := l.team(t)
			written += ts.Written
			for _, c := range ts.Conflicts {
				told = append(told, l.name+":"+c.Field)
			}
		}
		if written == 0 {
			return told
		}
	}
	t.Fatal("the laptops did not converge in 8 rounds")
	return nil
}

func sameTickets(t *testing.T, a, b *laptop, want int) map[string]string {
	t.Helper()
	ta, tb := a.tickets(t), b.tickets(t)
	if len(ta) != want || len(tb) != want {
		t.Fatalf("tickets: %s has %d, %s has %d, want %d", a.name, len(ta), b.name, len(tb), want)
	}
	var diff []string
	for root, v := range ta {
		if tb[root] != v {
			diff = append(diff, fmt.Sprintf("%s: %s=%q %s=%q", root, a.name, v, b.name, tb[root]))
		}
	}
	sort.Strings(diff)
	if len(diff) > 0 {
		t.Fatalf("%d tickets differ, e.g. %v", len(diff), diff[:min(5, len(diff))])
	}
	return ta
}

// numberOf returns the number of the ticket with root on l.
func (l *laptop) numberOf(t *testing.T, root string) int64 {
	t.Helper()
	var n int64
	if _, err := l.p.Store.AssignTicketRoots(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := l.p.Store.DB().QueryRow(`SELECT number FROM tickets WHERE root_message_id = ?`, root).Scan(&n); err != nil {
		t.Fatalf("%s: ticket of %s: %v", l.name, root, err)
	}
	return n
}
