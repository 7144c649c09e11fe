package sync

import (
	"sync"
	"time"
)

// Reporter receives the engine's progress. Report is called from the sync
// goroutine and from processor workers, so it must be safe for concurrent
// use and must not block; the app layer throttles what it forwards to the
// UI.
type Reporter interface {
	Report(Event)
}

// ReporterFunc adapts a function to [Reporter].
type ReporterFunc func(Event)

// Report calls f.
func (f ReporterFunc) Report(e Event) { f(e) }

// Event is one of the types below; switch on the type.
type Event interface{ syncEvent() }

// Connected: logged in to the server.
type Connected struct{ Addr string }

// Progress: a batch of new messages of Mailbox was saved.
type Progress struct {
	Mailbox string
	// Done of Total new messages of this pass are saved.
	Done, Total int
	// Bytes saved so far in this pass.
	Bytes int64
	// Rate in messages per second since the pass began.
	Rate float64
	// Remaining is the estimated time to finish the pass (zero if unknown).
	Remaining time.Duration
}

// MailboxSynced: a pass over Mailbox completed.
type MailboxSynced struct{ Stats Stats }

// UIDValidityChanged: the server renumbered Mailbox; it is fetched again
// without duplicates.
type UIDValidityChanged struct {
	Mailbox  string
	Old, New uint32
}

// ProcessFailed: the Processor failed on a message (which stays saved).
type ProcessFailed struct {
	Mailbox   string
	UID       uint32
	MessageID string
	Err       error
}

// Disconnected: the connection or a pass failed; the engine retries after
// RetryIn (attempt counts consecutive failures).
type Disconnected struct {
	Err     error
	Attempt int
	RetryIn time.Duration
}

// Idle: everything is synced; waiting for news from Mailbox (IDLE, RFC
// 2177) or for the next poll.
type Idle struct{ Mailbox string }

func (Connected) syncEvent()          {}
func (Progress) syncEvent()           {}
func (MailboxSynced) syncEvent()      {}
func (UIDValidityChanged) syncEvent() {}
func (ProcessFailed) syncEvent()      {}
func (Disconnected) syncEvent()       {}
func (Idle) syncEvent()               {}

// Stats sums up one pass over a mailbox.
type Stats struct {
	Mailbox string
	// New messages saved (Rebound included).
	New int
	// Rebound messages matched to what the store held before a
	// UIDVALIDITY change.
	Rebound int
	// Flags updates applied.
	Flags int
	// Expunged UIDs.
	Expunged int
	// Reset is true when UIDVALIDITY had changed.
	Reset    bool
	Duration time.Duration
}

type nopReporter struct{}

func (nopReporter) Report(Event) {}

// Recorder is a [Reporter] that keeps every event, for tests and tools.
type Recorder struct {
	mu     sync.Mutex
	events []Event
}

// Report appends e.
func (r *Recorder) Report(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// Events returns a copy of what was reported so far.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// rate estimates throughput and remaining time of one pass.
type rate struct {
	start time.Time
	now   func() time.Time
}

func (r rate) progress(mailbox string, done, total int, bytes int64) Progress {
	p := Progress{Mailbox: mailbox, Done: done, Total: total, Bytes: bytes}
	if el := r.now().Sub(r.start).Seconds(); el > 0 && done > 0 {
		p.Rate = float64(done) / el
		p.Remaining = time.Duration(float64(total-done) / p.Rate * float64(time.Second))
	}
	return p
}
