package sync

import (
	"context"
	"fmt"
	gosync "sync"
)

// pool runs the Processor on saved messages with a fixed number of
// goroutines. submit blocks when they fall behind, which bounds memory
// and slows the fetching down to the processing speed.
type pool struct {
	ctx  context.Context
	proc Processor
	rep  Reporter
	jobs chan Message
	wg   gosync.WaitGroup
}

func newPool(ctx context.Context, proc Processor, workers int, rep Reporter) *pool {
	p := &pool{ctx: ctx, proc: proc, rep: rep}
	if proc == nil {
		return p
	}
	p.jobs = make(chan Message, workers)
	for range workers {
		p.wg.Go(p.work)
	}
	return p
}

func (p *pool) submit(ctx context.Context, m Message) {
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
		if err := p.run(m); err != nil {
			p.rep.Report(ProcessFailed{Mailbox: m.Mailbox, UID: m.UID, MessageID: m.MessageID, Err: err})
		}
	}
}

// run calls the Processor; a panic becomes an error, so that one bad
// message cannot stop the sync.
func (p *pool) run(m Message) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sync: processor panicked: %v", r)
		}
	}()
	return p.proc.Process(p.ctx, m)
}
