package mailbox

import (
	"context"

	"github.com/sealdesk/sealdesk/mail/sync"
)

// Flushing the outbox from the sync loop: a completed pass (sync.Idle)
// proves the account's server is reachable again, so the due rows of the
// outbox are attempted then, and a reply queued while offline goes out
// without the agent sending it again.

// flushOnIdle forwards the engine's events to next and asks for a flush
// after every completed pass. Report never blocks: a flush already asked
// for covers the next one.
type flushOnIdle struct {
	next sync.Reporter
	kick chan struct{}
}

func (f flushOnIdle) Report(ev sync.Event) {
	if f.next != nil {
		f.next.Report(ev)
	}
	if _, ok := ev.(sync.Idle); ok {
		select {
		case f.kick <- struct{}{}:
		default:
		}
	}
}

// flushLoop runs FlushOutbox once per kick until ctx ends, and hands each
// outcome to after (nil: none). The rows not sent keep their error and
// backoff in the outbox.
func (s *Service) flushLoop(ctx context.Context, kick <-chan struct{}, after func(FlushSummary, error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
			sum, err := s.FlushOutbox(ctx)
			if after != nil && ctx.Err() == nil {
				after(sum, err)
			}
		}
	}
}

// withFlush starts the flush loop for one Run and returns the reporter
// that kicks it and a stop function that waits for the loop to end.
func (s *Service) withFlush(ctx context.Context, opt SyncOptions) (sync.Reporter, func()) {
	ctx, cancel := context.WithCancel(ctx)
	kick := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.flushLoop(ctx, kick, opt.AfterFlush)
	}()
	return flushOnIdle{next: opt.Reporter, kick: kick}, func() {
		cancel()
		<-done
	}
}
