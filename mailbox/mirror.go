package mailbox

import (
	"context"

	"github.com/sealdesk/sealdesk/mail/sync"
	"github.com/sealdesk/sealdesk/store"
)

// Mirror is mail/sync's Store over the SQLite store, for one account: it
// binds the account; the types are package mail/mirror's on both sides,
// and the SQL and the threading live in package store
// (store.SaveMailboxBatch), which thereby depends on no IMAP code.
type Mirror struct {
	st      *store.Store
	account int64
}

var (
	_ sync.Store     = (*Mirror)(nil)
	_ sync.Counter   = (*Mirror)(nil)
	_ sync.SentNoter = (*Mirror)(nil)
)

// NewMirror returns the mirror of one account's mailboxes.
func NewMirror(st *store.Store, accountID int64) *Mirror { return &Mirror{st: st, account: accountID} }

// Checkpoint implements sync.Store.
func (m *Mirror) Checkpoint(ctx context.Context, mailbox string) (sync.Checkpoint, error) {
	return m.st.MailboxCheckpoint(ctx, m.account, mailbox)
}

// SaveBatch implements sync.Store: the batch, its threading and the
// checkpoint in one transaction; each message's article comes back, so
// that processing (processor) reads nothing again.
func (m *Mirror) SaveBatch(ctx context.Context, mailbox string, msgs []sync.Message, cp sync.Checkpoint) ([]sync.Saved, error) {
	return m.st.SaveMailboxBatch(ctx, m.account, mailbox, msgs, cp)
}

// ApplyFlags implements sync.Store.
func (m *Mirror) ApplyFlags(ctx context.Context, mailbox string, updates []sync.FlagUpdate) error {
	return m.st.ApplyMailboxFlags(ctx, m.account, mailbox, updates)
}

// Expunge implements sync.Store: the articles stay in their tickets,
// marked expunged.
func (m *Mirror) Expunge(ctx context.Context, mailbox string, uids []uint32) error {
	return m.st.ExpungeUIDs(ctx, m.account, mailbox, uids)
}

// ResetMailbox implements sync.Store.
func (m *Mirror) ResetMailbox(ctx context.Context, mailbox string, uidValidity uint32) error {
	return m.st.ResetMailbox(ctx, m.account, mailbox, uidValidity)
}

// UIDs implements sync.Store.
func (m *Mirror) UIDs(ctx context.Context, mailbox string) ([]uint32, error) {
	return m.st.MailboxUIDs(ctx, m.account, mailbox)
}

// CountUIDs implements sync.Counter.
func (m *Mirror) CountUIDs(ctx context.Context, mailbox string) (int, error) {
	return m.st.CountMailboxUIDs(ctx, m.account, mailbox)
}

// Lookup implements sync.Store.
func (m *Mirror) Lookup(ctx context.Context, mailbox string, keys []sync.Key) ([]bool, error) {
	return m.st.LookupDetached(ctx, m.account, mailbox, keys)
}

// NoteSent implements sync.SentNoter: mail in Sent is outgoing.
func (m *Mirror) NoteSent(ctx context.Context, mailbox string) error {
	return m.st.SetSpecialUse(ctx, m.account, mailbox, store.SpecialUseSent)
}

// Messages returns the mailbox's live messages by UID in mail/sync's terms
// (for tests and tools; Raw included).
func (m *Mirror) Messages(ctx context.Context, mailbox string) ([]sync.StoredMessage, error) {
	arts, err := m.st.MirroredArticles(ctx, m.account, mailbox)
	if err != nil {
		return nil, err
	}
	out := make([]sync.StoredMessage, len(arts))
	for i, a := range arts {
		out[i] = sync.StoredMessage{Message: a.Message, ID: a.ID}
	}
	return out, nil
}
