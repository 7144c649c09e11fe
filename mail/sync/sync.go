// Package sync mirrors IMAP mailboxes into a [Store], resumably: messages
// are fetched in batches (UID FETCH of the raw message, FLAGS, INTERNALDATE
// and size, RFC 9051 section 6.4.5), and each batch is saved together with
// the checkpoint that covers it (UIDVALIDITY, last UID, HIGHESTMODSEQ), so a
// crash or a cancellation loses nothing and duplicates nothing: the next
// run starts after the last committed batch.
//
// Later runs fetch only what changed: new UIDs, flags changed since the
// saved HIGHESTMODSEQ (CONDSTORE, RFC 7162 section 3.1) or all flags on
// servers without it, and expunged UIDs by comparing UID sets. A changed
// UIDVALIDITY (RFC 9051 section 2.3.1.1) resets the mailbox's UIDs and
// re-fetches it, matching messages already held by Message-ID and content
// hash so that none is stored twice. IDLE (RFC 2177, RFC 9051 section
// 6.3.13) brings new mail in as it arrives; a lost connection is
// re-established with bounded exponential backoff.
//
// Limits: IDLE watches INBOX only; Sent and the extra folders are looked
// at every PollInterval, or at once when a caller asks the running engine
// for a pass (Engine.Refresh, refresh.go).
//
// The package depends on no UI and no database: the store, the security
// processing and the progress display are interfaces owned here.
package sync

import (
	"context"

	"github.com/sealdesk/sealdesk/mail/mirror"
)

// Checkpoint is how far a mailbox has been mirrored; the type is shared
// with the stores (package mail/mirror), which persist it as it is.
type Checkpoint = mirror.Checkpoint

// Saved is what SaveBatch made of one message (package mail/mirror).
type Saved = mirror.Saved

// Key identifies a message independently of its UID (package
// mail/mirror).
type Key = mirror.Key

// Message is one message as received (package mail/mirror).
type Message = mirror.Message

// FlagUpdate is the new, complete flag list of a message (package
// mail/mirror).
type FlagUpdate = mirror.FlagUpdate

// Store is where mailboxes are mirrored to. Implementations must be safe
// for use by one engine at a time per mailbox; the engine never calls one
// method concurrently with another for the same mailbox.
type Store interface {
	// Checkpoint returns the saved checkpoint, the zero Checkpoint for a
	// mailbox never seen.
	Checkpoint(ctx context.Context, mailbox string) (Checkpoint, error)
	// SaveBatch stores msgs (possibly none) and then cp, in ONE
	// transaction: after a crash either both are there or neither. Raw
	// bytes are stored as received. Messages with Rebind set replace the
	// UID of the matching detached message (see ResetMailbox); if none is
	// left to match, they are added like the others. It returns what it
	// made of each message, one Saved per message in the order of msgs:
	// the Processor works from that and the message in hand, and looks
	// nothing up again.
	SaveBatch(ctx context.Context, mailbox string, msgs []Message, cp Checkpoint) ([]Saved, error)
	// ApplyFlags sets the flags of messages it holds; unknown UIDs are
	// ignored. Applying the same update twice is harmless.
	ApplyFlags(ctx context.Context, mailbox string, updates []FlagUpdate) error
	// Expunge records that these UIDs are gone from the server. What
	// happens to their articles (kept in their tickets, marked deleted)
	// is the store's decision.
	Expunge(ctx context.Context, mailbox string, uids []uint32) error
	// ResetMailbox handles a UIDVALIDITY change: the mailbox's UIDs are
	// no longer valid. The store detaches its messages from their UIDs
	// (keeping them, so that Lookup can match them while the mailbox is
	// fetched again) and sets the checkpoint to {UIDValidity: uidValidity}.
	ResetMailbox(ctx context.Context, mailbox string, uidValidity uint32) error
	// UIDs returns the UIDs the store holds for the mailbox, ascending.
	UIDs(ctx context.Context, mailbox string) ([]uint32, error)
	// Lookup reports, for each key, whether a message detached by
	// ResetMailbox matches it (same Message-ID and same content hash).
	Lookup(ctx context.Context, mailbox string, keys []Key) ([]bool, error)
}

// Counter is an optional [Store] capability: counting without listing
// lets the engine skip the UID SEARCH when nothing can have changed.
type Counter interface {
	Store
	// CountUIDs returns len(UIDs(ctx, mailbox)).
	CountUIDs(ctx context.Context, mailbox string) (int, error)
}

// SentNoter is an optional [Store] capability: before mirroring it, the
// engine names the folder it found to be Sent (SPECIAL-USE \Sent, RFC
// 6154, else by name), so that the store can file what is there as
// outgoing mail.
type SentNoter interface {
	Store
	NoteSent(ctx context.Context, mailbox string) error
}

// SavedMessage is a message as fetched, with the store's identity of it
// (Saved.ID): what the Processor runs over.
type SavedMessage struct {
	Message
	ID int64
}

// Processor runs the security engines over a message once it is saved.
// Messages the store already held (Saved.Copy, or Rebind after a
// UIDVALIDITY change) are not handed to it: they were processed when
// first saved.
//
// It is called from a pool of goroutines, concurrently, after the batch
// holding the message is committed. An error or a panic is reported
// ([ProcessFailed]) and never stops the sync: the raw message stays saved
// as received. Processing that a cancellation cut short is not retried
// here; the store knows which articles still lack a result.
type Processor interface {
	Process(ctx context.Context, msg SavedMessage) error
}

// BatchProcessor is an optional [Processor] capability: a worker hands it
// the messages waiting in the queue (up to a few tens) in one call, so
// that their results can be written in one transaction. It returns one
// error per message (nil: processed), each reported as Process's would be.
type BatchProcessor interface {
	Processor
	ProcessBatch(ctx context.Context, msgs []SavedMessage) []error
}

// ProcessorFunc adapts a function to [Processor].
type ProcessorFunc func(ctx context.Context, msg SavedMessage) error

// Process calls f.
func (f ProcessorFunc) Process(ctx context.Context, msg SavedMessage) error { return f(ctx, msg) }
