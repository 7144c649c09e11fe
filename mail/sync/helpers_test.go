package sync

import (
	"bytes"
	"context"
	gosync "sync"
	"sync/atomic"
	"testing"

	imapx "github.com/sealdesk/sealdesk/mail/imap"
	"github.com/sealdesk/sealdesk/mail/internal/imaptest"
)

func memConfig(srv *imaptest.Server) imapx.Config {
	return imapx.Config{Addr: srv.Addr, TLS: imapx.TLSNone, Username: srv.User, Password: srv.Pass}
}

// assertMirror checks that mailbox holds exactly the messages with ids,
// each once, byte for byte as wantRaw (when given).
func assertMirror(t *testing.T, store *MemoryStore, mailbox string, ids []string, wantRaw [][]byte) {
	t.Helper()
	msgs := store.Messages(mailbox)
	count := map[string]int{}
	for _, m := range msgs {
		count[m.MessageID]++
		if m.Size != int64(len(m.Raw)) {
			t.Errorf("%s UID %d: size %d, raw %d bytes", mailbox, m.UID, m.Size, len(m.Raw))
		}
		if m.InternalDate.IsZero() {
			t.Errorf("%s UID %d: no INTERNALDATE", mailbox, m.UID)
		}
	}
	lost, dup := 0, 0
	for i, id := range ids {
		switch count[id] {
		case 0:
			lost++
		case 1:
		default:
			dup++
		}
		if wantRaw != nil && count[id] == 1 {
			for _, m := range msgs {
				if m.MessageID == id && !bytes.Equal(m.Raw, wantRaw[i]) {
					t.Errorf("%s: message <%s> differs from what was appended", mailbox, id)
				}
			}
		}
	}
	if lost != 0 || dup != 0 || len(msgs) != len(ids) {
		t.Fatalf("%s: %d lost, %d duplicated, %d stored for %d expected", mailbox, lost, dup, len(msgs), len(ids))
	}
}

// countingProcessor counts calls, keeps the IDs it was handed, and fails
// or panics on demand.
type countingProcessor struct {
	calls atomic.Int64
	fail  func(m SavedMessage) error
	mu    gosync.Mutex
	ids   map[int64]uint32 // store ID → UID
}

func (p *countingProcessor) Process(_ context.Context, m SavedMessage) error {
	p.calls.Add(1)
	p.mu.Lock()
	if p.ids == nil {
		p.ids = map[int64]uint32{}
	}
	p.ids[m.ID] = m.UID
	p.mu.Unlock()
	if p.fail != nil {
		return p.fail(m)
	}
	return nil
}

func progressEvents(r *Recorder, mailbox string) []Progress {
	var out []Progress
	for _, e := range r.Events() {
		if p, ok := e.(Progress); ok && p.Mailbox == mailbox {
			out = append(out, p)
		}
	}
	return out
}
