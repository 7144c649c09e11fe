package sync

import (
	"context"
	"fmt"
	gosync "sync"
)

// maxProcessBatch bounds what one BatchProcessor call gets.
const maxProcessBatch = 32

// pool runs the Processor on saved messages with a fixed number of
// goroutines. The queue holds up to one fetch batch, so that fetching and
// saving the next batch overlaps with processing this one (a queue as
// short as the worker count left one of two cores idle: `make bench`);
// submit blocks when the workers fall behind, which bounds memory and
// slows the fetching down to the processing speed.
type pool struct {
	ctx   context.Context
	proc  Processor
	batch BatchProcessor // proc, when it has the capability
	rep   Reporter
	jobs  chan SavedMessage
	wg    gosync.WaitGroup
}

func newPool(ctx context.Context, proc Processor, workers, queue int, rep Reporter) *pool {
	p := &pool{ctx: ctx, proc: proc, rep: rep}
	if proc == nil {
		return p
	}
	p.batch, _ = proc.(BatchProcessor)
	p.jobs = make(chan SavedMessage, max(queue, workers))
	for range workers {
		p.wg.Go(p.work)
	}
	return p
}

func (p *pool) submit(ctx context.Context, m SavedMessage) {
	if p.jobs == nil {
		return
	}
	select {
	case p.jobs <- m:
	case <-ctx.Done():
	case <-p.ctx.Done():
	}
}

// close waits for the queued messages to be processed (skipped once the
// pool's context ends) and the workers to exit.
func (p *pool) close() {
	if p.jobs == nil {
		return
	}
	close(p.jobs)
	p.wg.Wait()
}

func (p *pool) work() {
	for m := range p.jobs {
		if p.ctx.Err() != nil {
			continue
		}
		if p.batch != nil {
			p.runBatch(p.drain(m))
			continue
		}
		if err := p.run(m); err != nil {
			p.rep.Report(ProcessFailed{Mailbox: m.Mailbox, UID: m.UID, MessageID: m.MessageID, Err: err})
		}
	}
}

// drain returns first and whatever else is queued, up to maxProcessBatch,
// without waiting for more.
func (p *pool) drain(first SavedMessage) []SavedMessage {
	msgs := []SavedMessage{first}
	for len(msgs) < maxProcessBatch {
		select {
		case m, ok := <-p.jobs:
			if !ok {
				return msgs
			}
			msgs = append(msgs, m)
		default:
			return msgs
		}
	}
	return msgs
}

// runBatch calls the BatchProcessor; a panic fails the whole batch.
func (p *pool) runBatch(msgs []SavedMessage) {
	errs := func() (errs []error) {
		defer func() {
			if r := recover(); r != nil {
				errs = make([]error, len(msgs))
				for i := range errs {
					errs[i] = fmt.Errorf("sync: processor panicked: %v", r)
				}
			}
		}()
		return p.batch.ProcessBatch(p.ctx, msgs)
	}()
	for i, m := range msgs {
		if i < len(errs) && errs[i] != nil {
			p.rep.Report(ProcessFailed{Mailbox: m.Mailbox, UID: m.UID, MessageID: m.MessageID, Err: errs[i]})
		}
	}
}

// run calls the Processor; a panic becomes an error, so that one bad
// message cannot stop the sync.
func (p *pool) run(m SavedMessage) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sync: processor panicked: %v", r)
		}
	}()
	return p.proc.Process(p.ctx, m)
}
