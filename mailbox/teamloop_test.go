package mailbox

import (
	"context"
	"testing"
	"time"
)

// TestRunTeamPollMemory: a change another laptop makes reaches a laptop
// whose sync is running, without a manual sync and without new mail: the
// running sync polls the team folder (teamloop.go). The watch is off here:
// the poll alone must do it (servers without IDLE).
func TestRunTeamPollMemory(t *testing.T) {
	_, a, b, ids := memTeam(t, 3)
	ctx := context.Background()
	opt := a.opt
	opt.TeamPoll, opt.NoTeamWatch = 100*time.Millisecond, true
	defer runTeamLoop(t, a, opt)()

	n := b.numberOf(t, ids[1])
	if _, err := b.s.SetTicketState(ctx, n, "pending", "2031-03-04", TeamOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.s.AssignTicket(ctx, n, "bob@example.test", TeamOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "#" + itoa(n) + " pending 2031-03-04 bob@example.test"
	deadline := time.Now().Add(10 * time.Second)
	for a.tickets(t)[ids[1]] != want {
		if time.Now().After(deadline) {
			t.Fatalf("anna's running sync shows %q, want %q", a.tickets(t)[ids[1]], want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRunTeamWatchMemory: with the poll off, another laptop's change still
// reaches a running sync: the watch of the team folder (IDLE on a
// connection of its own, teamwatch.go) wakes the team loop.
func TestRunTeamWatchMemory(t *testing.T) {
	_, a, b, ids := memTeam(t, 3)
	watchedChangeArrives(t, a, b, ids[1])
}

// watchedChangeArrives runs a's sync with no team poll (a team pass only
// after a mailbox pass, and when the watch sees the folder change), lets
// b change the ticket of root, and waits for a to show it. Without the
// watch nothing would make a read the folder again: the mailbox engine
// idles on a mailbox that gets no new mail.
func watchedChangeArrives(t *testing.T, a, b *laptop, root string) {
	t.Helper()
	ctx := context.Background()
	opt := a.opt
	opt.TeamPoll = -1
	defer runTeamLoop(t, a, opt)()

	n := b.numberOf(t, root)
	want := "#" + itoa(n) + " closed  bob@example.test" // no reminder date
	deadline := time.Now().Add(30 * time.Second)
	for {
		// The watch may still be connecting when b writes; b writes
		// again until a shows it, each write a new record the watch
		// must see.
		if _, err := b.s.AssignTicket(ctx, n, "bob@example.test", b.opt.Team); err != nil {
			t.Fatal(err)
		}
		if _, err := b.s.SetTicketState(ctx, n, "closed", "", b.opt.Team); err != nil {
			t.Fatal(err)
		}
		wait := time.Now().Add(3 * time.Second)
		for a.tickets(t)[root] != want && time.Now().Before(wait) {
			time.Sleep(50 * time.Millisecond)
		}
		if a.tickets(t)[root] == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("anna's running sync shows %q, want %q", a.tickets(t)[root], want)
		}
		if _, err := b.s.SetTicketState(ctx, n, "open", "", b.opt.Team); err != nil {
			t.Fatal(err)
		}
	}
}

// runTeamLoop runs l's sync with opt until the returned stop is called,
// after the running sync's first team pass (the one that starts the
// watch, unless opt turns it off): the loop is then idle.
func runTeamLoop(t *testing.T, l *laptop, opt SyncOptions) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	passes := make(chan TeamSummary, 64)
	opt.AfterTeam = func(sum TeamSummary, err error) {
		if err != nil {
			t.Errorf("team pass: %v", err)
		}
		select {
		case passes <- sum:
		default:
		}
	}
	done := make(chan error, 1)
	go func() { done <- l.s.Run(ctx, "help", opt) }()
	stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}
	select {
	case <-passes:
	case <-time.After(30 * time.Second):
		stop()
		t.Fatal("no team pass from the running sync")
	}
	return stop
}
