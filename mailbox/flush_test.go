package mailbox

import (
	"context"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/mail/smtp/smtptest"
	"github.com/sealdesk/sealdesk/mail/sync"
	"github.com/sealdesk/sealdesk/store"
)

func TestSyncPassFlushesTheOutbox(t *testing.T) {
	ctx := context.Background()
	// The first attempt finds the network down (451); the reply is queued.
	sd, srv := newSender(t, smtptest.Options{Data: func(n int, _ smtptest.Message) error {
		if n == 1 {
			return smtptest.Temporary
		}
		return nil
	}})
	res, err := sd.Send(ctx, SendInput{Raw: outgoing("offline@example.test", "")})
	if err == nil || res.Status != store.OutboxQueued {
		t.Fatalf("send: %+v, %v", res, err)
	}
	sd.at = sd.at.Add(time.Minute) // past the backoff, before the loop reads the clock

	var seen []sync.Event
	got := make(chan FlushSummary, 4)
	rep, stop := sd.withFlush(ctx, SyncOptions{
		Reporter:   sync.ReporterFunc(func(ev sync.Event) { seen = append(seen, ev) }),
		AfterFlush: func(sum FlushSummary, _ error) { got <- sum },
	})
	defer stop()
	// Events other than a completed pass do not flush.
	rep.Report(sync.Connected{Addr: "x"})
	rep.Report(sync.Progress{Mailbox: "INBOX"})
	select {
	case sum := <-got:
		t.Fatalf("flushed before a pass completed: %+v", sum)
	case <-time.After(50 * time.Millisecond):
	}
	rep.Report(sync.Idle{Mailbox: "INBOX"})
	select {
	case sum := <-got:
		if len(sum.Results) != 1 || sum.Results[0].Status != store.OutboxSent {
			t.Fatalf("flush after the pass: %+v", sum)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no flush after the pass")
	}
	if len(seen) != 3 {
		t.Fatalf("the events were not forwarded: %v", seen)
	}
	if msgs := srv.Messages(); len(msgs) != 1 || srv.Attempts() != 2 {
		t.Fatalf("delivered %d in %d attempts", len(msgs), srv.Attempts())
	}
	if it := sd.row(t, res.OutboxID); it.Status != store.OutboxSent {
		t.Fatalf("row %+v", it)
	}
}
