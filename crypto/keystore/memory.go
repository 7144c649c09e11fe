package keystore

import (
	"sync"
)

// Memory is an in-memory Backend for unit tests. Its item limit can be set
// to a platform's to exercise splitting.
type Memory struct {
	mu    sync.Mutex
	items map[[2]string][]byte
	limit int
	// FailAfter, when > 0, makes the n-th following Set fail, to simulate a
	// write interrupted half way.
	FailAfter int
}

var _ Backend = (*Memory)(nil)

// NewMemory returns an empty in-memory keychain whose items hold at most
// limit bytes (0: unlimited).
func NewMemory(limit int) *Memory {
	return &Memory{items: map[[2]string][]byte{}, limit: limit}
}

func (m *Memory) Set(service, account string, secret []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.FailAfter > 0 {
		m.FailAfter--
		if m.FailAfter == 0 {
			return &UnavailableError{Platform: "memory", Err: errSimulated}
		}
	}
	if m.limit > 0 && len(secret) > m.limit {
		return errTooBig
	}
	m.items[[2]string{service, account}] = append([]byte(nil), secret...)
	return nil
}

func (m *Memory) Get(service, account string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.items[[2]string{service, account}]
	if !ok {
		return nil, ErrNotFound
	}
	return append([]byte(nil), v...), nil
}

func (m *Memory) Delete(service, account string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]string{service, account}
	if _, ok := m.items[k]; !ok {
		return ErrNotFound
	}
	delete(m.items, k)
	return nil
}

func (m *Memory) MaxItemSize() int {
	if m.limit == 0 {
		return 1 << 20
	}
	return m.limit
}

// Len reports how many items are stored, for tests that check cleanup.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}
