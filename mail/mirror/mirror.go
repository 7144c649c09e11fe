// Package mirror is the vocabulary the mailbox sync (mail/sync) and the
// stores it writes to (package store's SQLite mirror, mail/sync's
// MemoryStore) share: how far a mailbox is mirrored, how a message is
// identified by its content, and what a store made of a saved message. It
// holds types only and imports neither IMAP nor SQL code, so that both
// sides use one type for each value instead of translating between
// look-alikes.
package mirror

import (
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/sealdesk/sealdesk/mail/thread"
)

// Checkpoint is how far a mailbox has been mirrored: everything up to it
// is saved, and the next pass resumes after it.
type Checkpoint struct {
	// UIDValidity is the mailbox's UIDVALIDITY (RFC 9051 section 2.3.1.1)
	// the UIDs belong to; zero for a mailbox never synced.
	UIDValidity uint32
	// LastUID is the highest UID up to which every message is saved.
	LastUID uint32
	// HighestModSeq is the HIGHESTMODSEQ (RFC 7162 section 3.1.1) as of
	// which all flags of messages up to LastUID are known; zero when the
	// server lacks CONDSTORE or no pass has completed yet.
	HighestModSeq uint64
}

// ContentHash is the SHA-256 of a raw message, exactly as received: with
// the Message-ID it identifies a message independently of its UID, and it
// is what articles are deduplicated by. It is written as 64 lowercase hex
// digits in SQL and JSON (the content_sha256 column), and is these 32
// bytes everywhere else.
type ContentHash [sha256.Size]byte

// Hash returns the ContentHash of raw.
func Hash(raw []byte) ContentHash { return sha256.Sum256(raw) }

// IsZero reports whether h is unset.
func (h ContentHash) IsZero() bool { return h == ContentHash{} }

// String is h in hex.
func (h ContentHash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText implements encoding.TextMarshaler (hex).
func (h ContentHash) MarshalText() ([]byte, error) {
	out := make([]byte, hex.EncodedLen(len(h)))
	hex.Encode(out, h[:])
	return out, nil
}

// ErrBadHash: a stored or received content hash is not 64 hex digits.
var ErrBadHash = errors.New("mirror: content hash is not 64 hex digits")

// UnmarshalText implements encoding.TextUnmarshaler (hex).
func (h *ContentHash) UnmarshalText(b []byte) error {
	if hex.DecodedLen(len(b)) != len(h) {
		return fmt.Errorf("%w: %d characters", ErrBadHash, len(b))
	}
	var out ContentHash
	if _, err := hex.Decode(out[:], b); err != nil {
		return fmt.Errorf("%w: %w", ErrBadHash, err)
	}
	*h = out
	return nil
}

// Value implements driver.Valuer: the hex text of the content_sha256
// column.
func (h ContentHash) Value() (driver.Value, error) { return h.String(), nil }

// Scan implements sql.Scanner for the content_sha256 column.
func (h *ContentHash) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return h.UnmarshalText([]byte(v))
	case []byte:
		return h.UnmarshalText(v)
	}
	return fmt.Errorf("%w: a %T", ErrBadHash, src)
}

// Saved is what a store made of one message of a saved batch: the article
// (or whatever the store calls what it holds) the UID now belongs to, and
// whether that message was held already at another place, so that the
// security engines have nothing new to run over.
type Saved struct {
	UID uint32
	// ID is the store's identity of the message, the same for every place
	// of one message (an article ID for the SQLite store).
	ID int64
	// Copy: the store already held this message at another place (another
	// folder of the account, or the same message twice in one) and
	// recorded this UID as a further place of it.
	Copy bool
}

// Key identifies a message independently of its UID: its Message-ID
// (RFC 5322 section 3.6.4, without angle brackets, may be empty) and the
// SHA-256 of its raw bytes.
type Key struct {
	MessageID string
	Hash      ContentHash
}

// Message is one message as received from a mailbox.
type Message struct {
	Mailbox      string
	UID          uint32
	Flags        []string
	InternalDate time.Time
	Size         int64
	// ModSeq is the message's MODSEQ (CONDSTORE, RFC 7162), zero without
	// it.
	ModSeq uint64
	// Raw is the whole message exactly as the server sent it (BODY[]).
	Raw []byte
	// MessageID and Hash form the message's [Key]; a store computes a
	// zero Hash from Raw.
	MessageID string
	Hash      ContentHash
	// Header, when set, is Raw's header as thread.ParseHeader reads it:
	// the engine reads it once, on the fetching goroutine, for MessageID,
	// and the store threads by it instead of parsing Raw again on the
	// saving one (nil: the store parses Raw).
	Header *thread.Parsed
	// Rebind is set when the store reported that it already holds this
	// message from before a UIDVALIDITY change (RFC 9051 section
	// 2.3.1.1): saving attaches the new UID to the message it has
	// instead of adding one. The security engines do not run again
	// for it.
	Rebind bool
}

// Key returns the message's UID-independent identity.
func (m *Message) Key() Key { return Key{MessageID: m.MessageID, Hash: m.Hash} }

// FlagUpdate is the new, complete flag list of one UID.
type FlagUpdate struct {
	UID    uint32
	Flags  []string
	ModSeq uint64
}
