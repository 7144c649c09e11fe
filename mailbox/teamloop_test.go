package mailbox

import (
	"context"
	"testing"
	"time"
)

// TestRunTeamPollMemory: a change another laptop makes reaches a laptop
// whose sync is running, without a manual sync and without new mail: the
// running sync polls the team folder (teamloop.go).
func TestRunTeamPollMemory(t *testing.T) {
	_, a, b, ids := memTeam(t, 3)
	ctx, cancel := context.WithCancel(context.Background())
	passes := make(chan TeamSummary, 64)
	opt := SyncOptions{TeamPoll: 100 * time.Millisecond, AfterTeam: func(sum TeamSummary, err error) {
		if err != nil {
			t.Errorf("team pass: %v", err)
		}
		select {
		case passes <- sum:
		default:
		}
	}}
	done := make(chan error, 1)
	go func() { done <- a.s.Run(ctx, "help", opt) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	// The loop runs passes before any change: the running sync is idle.
	select {
	case <-passes:
	case <-time.After(10 * time.Second):
		t.Fatal("no team pass from the running sync")
	}

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
