package mailbox

import (
	"context"
	"encoding/hex"

	"github.com/sealdesk/sealdesk/mail/sync"
	"github.com/sealdesk/sealdesk/store"
)

// Mirror is mail/sync's Store over the SQLite store, for one account: it
// only translates types, the SQL and the threading live in package store
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
	cp, err := m.st.MailboxCheckpoint(ctx, m.account, mailbox)
	return sync.Checkpoint(cp), err
}

// SaveBatch implements sync.Store: the batch, its threading and the
// checkpoint in one transaction.
func (m *Mirror) SaveBatch(ctx context.Context, mailbox string, msgs []sync.Message, cp sync.Checkpoint) error {
	out := make([]store.MailboxMessage, len(msgs))
	for i, msg := range msgs {
		out[i] = store.MailboxMessage{
			UID: msg.UID, Flags: msg.Flags, InternalDate: msg.InternalDate, Size: msg.Size, ModSeq: msg.ModSeq,
			Raw: msg.Raw, MessageID: msg.MessageID, ContentSHA256: hex.EncodeToString(msg.Hash[:]), Rebind: msg.Rebind,
		}
	}
	return m.st.SaveMailboxBatch(ctx, m.account, mailbox, out, store.Checkpoint(cp))
}

// ApplyFlags implements sync.Store.
func (m *Mirror) ApplyFlags(ctx context.Context, mailbox string, updates []sync.FlagUpdate) error {
	out := make([]store.FlagChange, len(updates))
	for i, u := range updates {
		out[i] = store.FlagChange(u)
	}
	return m.st.ApplyMailboxFlags(ctx, m.account, mailbox, out)
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
	pairs := make([][2]string, len(keys))
	for i, k := range keys {
		pairs[i] = [2]string{k.MessageID, hex.EncodeToString(k.Hash[:])}
	}
	return m.st.LookupDetached(ctx, m.account, mailbox, pairs)
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
		msg := sync.Message{Mailbox: mailbox, UID: a.UID, Flags: a.Flags, InternalDate: a.InternalDate, Size: a.Size,
			ModSeq: a.ModSeq, Raw: a.Raw, MessageID: a.MessageID}
		_, _ = hex.Decode(msg.Hash[:], []byte(a.ContentSHA256))
		out[i] = sync.StoredMessage{Message: msg, ID: a.ID}
	}
	return out, nil
}
