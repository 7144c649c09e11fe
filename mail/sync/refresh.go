package sync

import (
	"context"
	"errors"
)

// A pass on demand. IDLE watches one folder (INBOX, RFC 2177); Sent and
// the extra folders are looked at on each PollInterval only. A decision
// that must not rest on an older look — another agent's answer lands in
// the shared Sent folder, and the composer must see it before Send (issue
// 13, "no double answers") — asks the running engine for a pass over every
// folder now: Refresh. The pass runs on the engine's own session, so each
// folder keeps one writer and its checkpoints stay in order.

// ErrNotConnected: Refresh was asked of an engine without a live session
// (not running, connecting, or waiting to reconnect): nothing would run a
// pass soon, so the caller is not kept waiting.
var ErrNotConnected = errors.New("sync: not connected to the server")

// errSessionEnded is given to the waiters of a session that ended before
// their pass completed.
var errSessionEnded = errors.New("sync: the connection ended before the pass completed")

// Refresh asks the running Run for a pass over every folder and waits
// until a pass that began after the call has completed (what it found is
// saved then; the Processor may still be working on it). It returns
// ErrNotConnected at once when no session is up, ctx's error when ctx ends
// first, and an error wrapping the session's when the connection fails
// before the pass completed.
func (e *Engine) Refresh(ctx context.Context) error {
	done := make(chan error, 1)
	e.rmu.Lock()
	if !e.live {
		e.rmu.Unlock()
		return ErrNotConnected
	}
	e.waiters = append(e.waiters, done)
	select {
	case e.kick <- struct{}{}:
	default: // a kick is pending already
	}
	e.rmu.Unlock()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// goLive marks a session up: Refresh may ask it for passes from now on.
func (e *Engine) goLive() {
	e.rmu.Lock()
	e.live = true
	e.rmu.Unlock()
}

// takeWaiters hands the session the Refresh calls made so far: the full
// pass that begins now answers them, so their kick is spent too.
func (e *Engine) takeWaiters() []chan error {
	e.rmu.Lock()
	defer e.rmu.Unlock()
	select {
	case <-e.kick:
	default:
	}
	w := e.waiters
	e.waiters = nil
	return w
}

// answer tells waiters how their pass ended.
func answer(waiters []chan error, err error) {
	for _, w := range waiters {
		w <- err // buffered, one answer each
	}
}

// endSession marks the session down and answers every waiter, those of the
// pass under way (taken) and those asked since, with the session's error.
func (e *Engine) endSession(taken []chan error, err error) {
	e.rmu.Lock()
	e.live = false
	rest := e.waiters
	e.waiters = nil
	e.rmu.Unlock()
	if err == nil {
		err = errSessionEnded
	} else {
		err = errors.Join(errSessionEnded, err)
	}
	answer(taken, err)
	answer(rest, err)
}
