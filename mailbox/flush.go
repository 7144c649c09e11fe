package mailbox

import (
	"context"

	"github.com/sealdesk/sealdesk/mail/sync"
)

// Flushing the outbox from the sync loop: a completed pass (sync.Idle)
// proves the account's server is reachable again, so the due rows of the
// outbox are attempted then, and a reply queued while offline goes out
// without the agent sending it again.

// kickOnIdle forwards the engine's events to next and kicks a loop (the
// outbox flush, the team pass) after every completed pass. Report never
// blocks: a kick already pending covers the next one.
type kickOnIdle struct {
	next sync.Reporter
	kick chan struct{}
}

func (k kickOnIdle) Report(ev sync.Event) {
	if k.next != nil {
		k.next.Report(ev)
	}
	if _, ok := ev.(sync.Idle); ok {
		select {
		case k.kick <- struct{}{}:
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
	return onIdle(ctx, opt.Reporter, func(ctx context.Context, kick <-chan struct{}) {
		s.flushLoop(ctx, kick, opt.AfterFlush)
	})
}

// onIdle starts loop on a goroutine of its own, kicked after every
// completed pass, and returns the reporter that kicks it (forwarding to
// next) and a stop function that waits for the loop to end.
func onIdle(ctx context.Context, next sync.Reporter, loop func(context.Context, <-chan struct{})) (sync.Reporter, func()) {
	ctx, cancel := context.WithCancel(ctx)
	kick := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		loop(ctx, kick)
	}()
	return kickOnIdle{next: next, kick: kick}, func() {
		cancel()
		<-done
	}
}
