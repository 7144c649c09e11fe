package mailbox

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/mail/sync"
	"github.com/sealdesk/sealdesk/store"
)

// TestRefreshSeesAnotherAgentsAnswerAndChangeMemory: while Anna's sync
// runs and idles on INBOX, Bob answers a ticket (the copy lands in the
// shared Sent folder) and closes it (a team record). Refresh returns only
// once both are in Anna's store: the composer's check before Send sees
// them without waiting for the next poll of Sent or of the team folder.
func TestRefreshSeesAnotherAgentsAnswerAndChangeMemory(t *testing.T) {
	srv, a, b, ids := memTeam(t, 1)
	ctx := context.Background()
	if _, err := a.s.Refresh(ctx, "help"); !errors.Is(err, sync.ErrNotConnected) {
		t.Fatalf("Refresh without a running sync = %v, want ErrNotConnected", err)
	}
	idle := make(chan struct{}, 1)
	// No poll and no watch: only Refresh may read the team folder here.
	opt := SyncOptions{TeamPoll: -1, NoTeamWatch: true, Reporter: sync.ReporterFunc(func(ev sync.Event) {
		if _, ok := ev.(sync.Idle); ok {
			select {
			case idle <- struct{}{}:
			default:
			}
		}
	})}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.s.Run(runCtx, "help", opt) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	select {
	case <-idle:
	case <-time.After(10 * time.Second):
		t.Fatal("anna's sync never went idle")
	}

	n := a.numberOf(t, ids[0])
	srv.Append(t, "Sent", []byte("From: support@example.test\r\nTo: customer@example.org\r\nSubject: Re: Printer\r\n"+
		"Message-ID: <bobs-answer@example.test>\r\nIn-Reply-To: <"+ids[0]+">\r\nReferences: <"+ids[0]+">\r\n"+
		"X-SealDesk-Agent: Bob <bob@example.test>\r\nDate: Tue, 02 Jun 2026 10:42:00 +0000\r\n\r\nDone, it prints again.\r\n"))
	if _, err := b.s.SetTicketState(ctx, n, "closed", "", TeamOptions{}); err != nil {
		t.Fatal(err)
	}

	rctx, rcancel := context.WithTimeout(ctx, 10*time.Second)
	defer rcancel()
	// The engine's pass that Refresh asks for also kicks the team loop, so
	// either Refresh's team pass or the loop's (they take turns on the
	// account's lock) reads Bob's record: what matters is that it is
	// applied when Refresh returns, not who read it.
	if sum, err := a.s.Refresh(rctx, "help"); err != nil {
		t.Fatalf("Refresh = %+v, %v", sum, err)
	}
	tk, err := a.p.Store.TicketByNumber(ctx, n)
	if err != nil || tk.State != store.TicketClosed {
		t.Fatalf("anna's ticket after Refresh: %+v, %v", tk, err)
	}
	arts, err := a.p.Store.TicketArticles(ctx, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, art := range arts {
		got = append(got, art.Direction+" "+art.Agent)
	}
	if strings.Join(got, ",") != "in ,out bob@example.test" {
		t.Fatalf("anna's articles after Refresh: %q, want the question and Bob's answer", got)
	}
}
