package sync

import (
	"context"
	"errors"
	gosync "sync"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/mail/internal/imaptest"
)

// gatedStore holds the first SaveBatch of one folder until released, so a
// test can act while a pass is known to be past that folder's SEARCH.
type gatedStore struct {
	*MemoryStore
	mailbox       string
	once          gosync.Once
	held, release chan struct{}
}

func newGatedStore(mailbox string) *gatedStore {
	return &gatedStore{MemoryStore: NewMemoryStore(), mailbox: mailbox, held: make(chan struct{}), release: make(chan struct{})}
}

func (g *gatedStore) SaveBatch(ctx context.Context, mailbox string, msgs []Message, cp Checkpoint) ([]Saved, error) {
	if mailbox == g.mailbox {
		g.once.Do(func() {
			close(g.held)
			<-g.release
		})
	}
	return g.MemoryStore.SaveBatch(ctx, mailbox, msgs, cp)
}

func (g *gatedStore) waitHeld(t *testing.T) {
	t.Helper()
	select {
	case <-g.held:
	case <-time.After(10 * time.Second):
		t.Fatal("the engine never reached the gated folder")
	}
}

// waiting is how many Refresh calls no pass has taken yet.
func (e *Engine) waiting() int {
	e.rmu.Lock()
	defer e.rmu.Unlock()
	return len(e.waiters)
}

// TestRefreshPassesOverSentNow: an answer appended to Sent, which IDLE
// does not watch, is saved when Refresh returns; a pass that had begun
// before the call (and had searched Sent already) does not answer it, and
// every caller is answered.
func TestRefreshPassesOverSentNow(t *testing.T) {
	srv := imaptest.NewServer(t)
	inbox, _ := imaptest.Messages("question", 3, 500)
	srv.Append(t, "INBOX", inbox...)
	sent, sentIDs := imaptest.Messages("earlier answer", 1, 500)
	srv.Append(t, "Sent", sent...)
	store := newGatedStore("Sent")
	baseline := runtimeGoroutines()
	ctx := context.Background()
	e := New(memConfig(srv), store, Options{PollInterval: time.Hour})
	if err := e.Refresh(ctx); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("Refresh before Start = %v, want ErrNotConnected", err)
	}
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	store.waitHeld(t) // the first pass is saving Sent: it searched it already
	answer, id := imaptest.Message("answered meanwhile", 500)
	srv.Append(t, "Sent", answer)
	done := make(chan error, 2)
	for range 2 {
		go func() {
			rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			done <- e.Refresh(rctx)
		}()
	}
	waitFor(t, 5*time.Second, func() bool { return e.waiting() == 2 })
	close(store.release)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatalf("Refresh = %v", err)
		}
		// No waiting here: Refresh returned after the answer was saved.
		assertMirror(t, store.MemoryStore, "Sent", append(sentIDs, id), nil)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Refresh(ctx); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("Refresh after Close = %v, want ErrNotConnected", err)
	}
	imaptest.CheckGoroutines(t, baseline)
}

// TestRefreshToldWhenTheConnectionEnds: a Refresh waiting on a session
// that breaks is answered with the session's end, not left to its
// deadline; the reconnected engine answers the next one.
func TestRefreshToldWhenTheConnectionEnds(t *testing.T) {
	srv := imaptest.NewServer(t)
	srv.Append(t, "Sent", first(imaptest.Messages("earlier answer", 1, 500))...)
	proxy := imaptest.NewProxy(t, srv.Addr)
	cfg := memConfig(srv)
	cfg.Addr = proxy.Addr
	store := newGatedStore("Sent")
	e := New(cfg, store, Options{PollInterval: time.Hour, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	ctx := context.Background()
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	store.waitHeld(t)
	done := make(chan error, 1)
	go func() {
		rctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		done <- e.Refresh(rctx)
	}()
	waitFor(t, 5*time.Second, func() bool { return e.waiting() == 1 })
	proxy.CutAll()
	close(store.release)
	if err := <-done; !errors.Is(err, errSessionEnded) {
		t.Fatalf("Refresh = %v, want the session's end", err)
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		err := e.Refresh(rctx)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrNotConnected) && !errors.Is(err, errSessionEnded) {
			t.Fatalf("Refresh after the reconnect = %v", err)
		}
		if rctx.Err() != nil {
			t.Fatal("the engine did not reconnect")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func first(raws [][]byte, _ []string) [][]byte { return raws }
