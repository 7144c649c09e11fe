package sync

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// MemoryStore is a [Store] in memory, for tests and tools. It is strict:
// saving a UID it already holds, or a checkpoint of another UIDVALIDITY,
// is an error, so that tests catch duplicates.
type MemoryStore struct {
	mu     sync.Mutex
	boxes  map[string]*memBox
	nextID int64
}

var (
	_ Store   = (*MemoryStore)(nil)
	_ Counter = (*MemoryStore)(nil)
)

// StoredMessage is a message held by a MemoryStore; ID stays the same when
// a UIDVALIDITY change rebinds it to a new UID.
type StoredMessage struct {
	Message
	ID       int64
	Expunged bool
}

type memBox struct {
	cp       Checkpoint
	byUID    map[uint32]*StoredMessage
	detached []*StoredMessage
	gone     []*StoredMessage
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{boxes: map[string]*memBox{}}
}

func (s *MemoryStore) box(mailbox string) *memBox {
	b := s.boxes[mailbox]
	if b == nil {
		b = &memBox{byUID: map[uint32]*StoredMessage{}}
		s.boxes[mailbox] = b
	}
	return b
}

// Checkpoint implements [Store].
func (s *MemoryStore) Checkpoint(_ context.Context, mailbox string) (Checkpoint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.box(mailbox).cp, nil
}

// SaveBatch implements [Store]: all or nothing. Every message is a
// message of its own (no Saved.Copy): the memory store does not match
// places across folders.
func (s *MemoryStore) SaveBatch(_ context.Context, mailbox string, msgs []Message, cp Checkpoint) ([]Saved, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.box(mailbox)
	if b.cp.UIDValidity != 0 && cp.UIDValidity != b.cp.UIDValidity {
		return nil, fmt.Errorf("sync: memory store: checkpoint of UIDVALIDITY %d for %q, which is at %d", cp.UIDValidity, mailbox, b.cp.UIDValidity)
	}
	seen := map[uint32]bool{}
	for _, m := range msgs {
		if _, dup := b.byUID[m.UID]; dup || seen[m.UID] {
			return nil, fmt.Errorf("sync: memory store: %q UID %d saved twice", mailbox, m.UID)
		}
		if m.UID > cp.LastUID {
			return nil, fmt.Errorf("sync: memory store: %q UID %d beyond the checkpoint's last UID %d", mailbox, m.UID, cp.LastUID)
		}
		seen[m.UID] = true
	}
	saved := make([]Saved, len(msgs))
	for i, m := range msgs {
		m.Raw = slices.Clone(m.Raw)
		var sm *StoredMessage
		if m.Rebind {
			if i := slices.IndexFunc(b.detached, func(d *StoredMessage) bool { return d.Key() == m.Key() }); i >= 0 {
				sm = b.detached[i]
				b.detached = slices.Delete(b.detached, i, i+1)
				sm.Message = m
			}
		}
		if sm == nil {
			s.nextID++
			sm = &StoredMessage{Message: m, ID: s.nextID}
		}
		sm.Mailbox = mailbox
		b.byUID[m.UID] = sm
		saved[i] = Saved{UID: m.UID, ID: sm.ID}
	}
	b.cp = cp
	return saved, nil
}

// ApplyFlags implements [Store].
func (s *MemoryStore) ApplyFlags(_ context.Context, mailbox string, updates []FlagUpdate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.box(mailbox)
	for _, u := range updates {
		if m := b.byUID[u.UID]; m != nil {
			m.Flags = slices.Clone(u.Flags)
			if u.ModSeq != 0 {
				m.ModSeq = u.ModSeq
			}
		}
	}
	return nil
}

// Expunge implements [Store]; expunged messages are kept aside (see
// [MemoryStore.Expunged]).
func (s *MemoryStore) Expunge(_ context.Context, mailbox string, uids []uint32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.box(mailbox)
	for _, uid := range uids {
		if m := b.byUID[uid]; m != nil {
			m.Expunged = true
			b.gone = append(b.gone, m)
			delete(b.byUID, uid)
		}
	}
	return nil
}

// ResetMailbox implements [Store].
func (s *MemoryStore) ResetMailbox(_ context.Context, mailbox string, uidValidity uint32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.box(mailbox)
	for _, uid := range sortedUIDs(b) {
		m := b.byUID[uid]
		m.UID = 0
		b.detached = append(b.detached, m)
	}
	b.byUID = map[uint32]*StoredMessage{}
	b.cp = Checkpoint{UIDValidity: uidValidity}
	return nil
}

// UIDs implements [Store].
func (s *MemoryStore) UIDs(_ context.Context, mailbox string) ([]uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedUIDs(s.box(mailbox)), nil
}

// CountUIDs implements [Counter].
func (s *MemoryStore) CountUIDs(_ context.Context, mailbox string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.box(mailbox).byUID), nil
}

// Lookup implements [Store].
func (s *MemoryStore) Lookup(_ context.Context, mailbox string, keys []Key) ([]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.box(mailbox)
	out := make([]bool, len(keys))
	for i, k := range keys {
		out[i] = slices.ContainsFunc(b.detached, func(d *StoredMessage) bool { return d.Key() == k })
	}
	return out, nil
}

// Messages returns copies of the mailbox's current messages by UID.
func (s *MemoryStore) Messages(mailbox string) []StoredMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.box(mailbox)
	var out []StoredMessage
	for _, uid := range sortedUIDs(b) {
		out = append(out, *b.byUID[uid])
	}
	return out
}

// Detached returns copies of the messages left unmatched since the last
// ResetMailbox.
func (s *MemoryStore) Detached(mailbox string) []StoredMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []StoredMessage
	for _, m := range s.box(mailbox).detached {
		out = append(out, *m)
	}
	return out
}

// Expunged returns copies of the messages expunged on the server.
func (s *MemoryStore) Expunged(mailbox string) []StoredMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []StoredMessage
	for _, m := range s.box(mailbox).gone {
		out = append(out, *m)
	}
	return out
}

func sortedUIDs(b *memBox) []uint32 {
	uids := make([]uint32, 0, len(b.byUID))
	for uid := range b.byUID {
		uids = append(uids, uid)
	}
	slices.Sort(uids)
	return uids
}
