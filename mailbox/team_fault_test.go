package mailbox

import (
	"context"
	"fmt"
	"net"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/sealdesk/sealdesk/mail/team/teamtest"
)

// redirect dials the proxy whatever the account's address.
type redirect struct{ addr string }

func (r redirect) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, r.addr)
}

// TestTeamFaultsMemory: messages in the team folder that are not readable
// records, records from a newer version, the folder emptied and deleted
// by hand: nothing is lost, the laptops keep their numbers and states and
// agree again.
func TestTeamFaultsMemory(t *testing.T) {
	srv, a, b, ids := memTeam(t, 20)
	ctx := context.Background()
	n := a.numberOf(t, ids[3])
	if _, err := a.s.SetTicketState(ctx, n, "closed", "", TeamOptions{}); err != nil {
		t.Fatal(err)
	}
	b.team(t)
	before := sameTickets(t, a, b, 20)

	srv.Append(t, "SealDesk/Team",
		[]byte("From: someone@example.org\r\nSubject: moved here by hand\r\n\r\nhello\r\n"),
		[]byte("Message-ID: <v2@x>\r\nX-SealDesk-Record: v2 claim\r\n\r\n{\"claims\":[{\"root\":\""+ids[0]+"\",\"number\":1}]}"),
		[]byte("Message-ID: <bad@x>\r\nX-SealDesk-Record: v1 state\r\n\r\n{\"root\":"),
	)
	for _, l := range []*laptop{a, b} {
		if ts := l.team(t); len(ts.Skipped) != 3 || ts.Reset {
			t.Fatalf("%s: skipped %+v, reset %v", l.name, ts.Skipped, ts.Reset)
		}
	}
	if got := sameTickets(t, a, b, 20); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("junk changed the tickets")
	}

	// Emptied by hand (same UIDVALIDITY, every message expunged).
	srv.Expunge(t, "SealDesk/Team", folderUIDs(t, srv.Admin(t))...)
	converge(t, a, b)
	if got := sameTickets(t, a, b, 20); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("after emptying: tickets changed")
	}
	// Deleted and made again (a new UIDVALIDITY).
	srv.Recreate(t, "SealDesk/Team")
	if ts := a.team(t); !ts.Reset || ts.Written == 0 {
		t.Fatalf("anna after the folder was recreated: %+v", ts)
	}
	converge(t, a, b)
	if got := sameTickets(t, a, b, 20); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("after recreating: tickets changed")
	}
}

// folderUIDs lists the team folder's UIDs.
func folderUIDs(t *testing.T, c *imapclient.Client) []uint32 {
	t.Helper()
	if _, err := c.Select("SealDesk/Team", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	data, err := c.UIDSearch(&goimap.SearchCriteria{}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	var out []uint32
	for _, u := range data.AllUIDs() {
		out = append(out, uint32(u))
	}
	if err := c.Unselect().Wait(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTeamCutMidWriteMemory: the connection cut at every point of a pass
// that writes a queued change: the change is never lost, never applied
// twice, and the laptops agree afterwards.
func TestTeamCutMidWriteMemory(t *testing.T) {
	srv, a, b, ids := memTeam(t, 3)
	ctx := context.Background()
	proxy := teamtest.NewProxy(t, srv.Addr)
	cut := TeamOptions{Dialer: redirect{proxy.Addr}}
	n := a.numberOf(t, ids[1])
	owners := []string{"anna@example.test", "bob@example.test"}
	for i, at := range []int64{40, 120, 250, 400, 600, 800, 1000, 1300, 1700, 2200, 3000} {
		if _, err := a.s.AssignTicket(ctx, n, owners[i%2], TeamOptions{Dialer: refuse{}}); err != nil {
			t.Fatal(err)
		}
		proxy.CutAfter(at)
		_, _ = a.s.TeamSync(ctx, "help", cut) // may fail: cut
		a.team(t)
		b.team(t)
		got := sameTickets(t, a, b, 3)
		if want := fmt.Sprintf("#%d open  %s", n, owners[i%2]); got[ids[1]] != want {
			t.Fatalf("cut after %d bytes: %q, want %q", at, got[ids[1]], want)
		}
	}
	if proxy.Cuts() == 0 {
		t.Fatal("no cut fired")
	}
	tk, _ := b.p.Store.TicketByNumber(ctx, n)
	hist, _ := b.p.Store.TicketHistory(ctx, tk.ID)
	owner := 0
	for _, h := range hist {
		if h.Field == "owner" {
			owner++
			if h.Outcome != "applied" {
				t.Fatalf("history: %+v", h)
			}
		}
	}
	if owner != 11 {
		t.Fatalf("%d owner changes in the history, want 11: %+v", owner, hist)
	}
}
