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
// The package depends on no UI and no database: the store, the security
// processing and the progress display are interfaces owned here.
package sync

import (
	"context"
	"crypto/sha256"
	"time"
)

// Checkpoint is how far a mailbox has been mirrored.
type Checkpoint struct {
	// UIDValidity is the mailbox's UIDVALIDITY the UIDs belong to; zero
	// for a mailbox never synced.
	UIDValidity uint32
	// LastUID is the highest UID up to which every message is saved.
	LastUID uint32
	// HighestModSeq is the HIGHESTMODSEQ (RFC 7162 section 3.1.1) as of
	// which all flags of messages up to LastUID are known; zero when the
	// server lacks CONDSTORE or no pass has completed yet.
	HighestModSeq uint64
}

// Key identifies a message independently of its UID: its Message-ID
// (RFC 5322 section 3.6.4, without angle brackets, may be empty) and the
// SHA-256 of its raw bytes.
type Key struct {
	MessageID string
	Hash      [sha256.Size]byte
}

// Message is one message as received.
type Message struct {
	Mailbox      string
	UID          uint32
	Flags        []string
	InternalDate time.Time
	Size         int64
	// ModSeq is the message's MODSEQ (CONDSTORE), zero without it.
	ModSeq uint64
	// Raw is the whole message exactly as the server sent it (BODY[]).
	Raw []byte
	// MessageID and Hash form the message's [Key].
	MessageID string
	Hash      [sha256.Size]byte
	// Rebind is set when the store reported (via Lookup) that it already
	// holds this message from before a UIDVALIDITY change: SaveBatch must
	// attach the new UID to the message it has instead of adding a copy.
	// The Processor is not run again for it.
	Rebind bool
}

// Key returns the message's UID-independent identity.
func (m *Message) Key() Key { return Key{MessageID: m.MessageID, Hash: m.Hash} }

// FlagUpdate is the new, complete flag list of a message.
type FlagUpdate struct {
	UID    uint32
	Flags  []string
	ModSeq uint64
}

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
	// left to match, they are added like the others.
	SaveBatch(ctx context.Context, mailbox string, msgs []Message, cp Checkpoint) error
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

// Processor runs the security engines over a message once it is saved.
//
// It is called from a pool of goroutines, concurrently, after the batch
// holding the message is committed. An error or a panic is reported
// ([ProcessFailed]) and never stops the sync: the raw message stays saved
// as received. Processing that a cancellation cut short is not retried
// here; the store knows which articles still lack a result.
type Processor interface {
	Process(ctx context.Context, msg Message) error
}

// BatchProcessor is an optional [Processor] capability: a worker hands it
// the messages waiting in the queue (up to a few tens) in one call, so
// that their results can be written in one transaction. It returns one
// error per message (nil: processed), each reported as Process's would be.
type BatchProcessor interface {
	Processor
	ProcessBatch(ctx context.Context, msgs []Message) []error
}

// ProcessorFunc adapts a function to [Processor].
type ProcessorFunc func(ctx context.Context, msg Message) error

// Process calls f.
func (f ProcessorFunc) Process(ctx context.Context, msg Message) error { return f(ctx, msg) }
