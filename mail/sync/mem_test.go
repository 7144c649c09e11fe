package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	imapx "github.com/sealdesk/sealdesk/mail/imap"
	"github.com/sealdesk/sealdesk/mail/internal/imaptest"
)

func TestInitialSyncInBatches(t *testing.T) {
	srv := imaptest.NewServer(t)
	raws, ids := imaptest.Messages("initial", 250, 2000)
	srv.Append(t, "INBOX", raws...)
	sentRaws, sentIDs := imaptest.Messages("sent", 3, 100)
	srv.Append(t, "Sent", sentRaws...)
	srv.SetFlags(t, "INBOX", 7, imap.FlagSeen, imap.FlagAnswered)

	store := NewMemoryStore()
	rec := &Recorder{}
	e := New(memConfig(srv), store, Options{BatchSize: 40, Reporter: rec})
	stats, err := e.SyncOnce(context.Background())
	if err != nil {
		t.Fatalf("SyncOnce: %v", err)
	}
	assertMirror(t, store, "INBOX", ids, raws)
	assertMirror(t, store, "Sent", sentIDs, sentRaws)
	if len(stats) != 2 || stats[0].New != 250 || stats[1].New != 3 {
		t.Errorf("stats = %+v", stats)
	}
	progress := progressEvents(rec, "INBOX")
	if len(progress) != 7 || progress[6].Done != 250 || progress[6].Total != 250 || progress[0].Done != 40 {
		t.Errorf("progress events: %+v", progress)
	}
	if m := store.Messages("INBOX")[6]; m.UID != 7 || !sameFlags(m.Flags, `\Seen`, `\Answered`) {
		t.Errorf("UID 7 flags %q", m.Flags)
	}
	cp, _ := store.Checkpoint(context.Background(), "INBOX")
	if cp.LastUID != 250 || cp.UIDValidity == 0 || cp.HighestModSeq != 0 {
		t.Errorf("checkpoint %+v", cp)
	}
}

func TestResumeAfterCancelMidBatch(t *testing.T) {
	raws, ids := imaptest.Messages("resume", 300, 1500)
	total := int64(0)
	for _, r := range raws {
		total += int64(len(r))
	}
	// Cut at several points of the stream, each inside some batch.
	for _, frac := range []float64{0.05, 0.37, 0.81} {
		t.Run(fmt.Sprint(frac), func(t *testing.T) {
			srv := imaptest.NewServer(t)
			srv.Append(t, "INBOX", raws...)
			store := NewMemoryStore()
			proc := &countingProcessor{}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cfg := memConfig(srv)
			cfg.Dialer = &imaptest.CancelDialer{Limit: int64(frac * float64(total)), Cancel: cancel}
			_, err := New(cfg, store, Options{BatchSize: 50, Processor: proc, SkipSent: true}).SyncOnce(ctx)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("SyncOnce after cancel: err = %v, want context.Canceled", err)
			}
			cp, _ := store.Checkpoint(context.Background(), "INBOX")
			got := len(store.Messages("INBOX"))
			if cp.LastUID%50 != 0 || got != int(cp.LastUID) || cp.LastUID >= 300 {
				t.Fatalf("after cancel: checkpoint %+v with %d messages: want a whole number of batches", cp, got)
			}
			t.Logf("cancelled after %d of 300 messages", got)

			stats, err := New(memConfig(srv), store, Options{BatchSize: 50, Processor: proc, SkipSent: true}).SyncOnce(context.Background())
			if err != nil {
				t.Fatalf("resume: %v", err)
			}
			assertMirror(t, store, "INBOX", ids, raws)
			if stats[0].New != 300-got {
				t.Errorf("resume fetched %d, want %d", stats[0].New, 300-got)
			}
		})
	}
}

func TestIncrementalFlagsExpunge(t *testing.T) {
	srv := imaptest.NewServer(t)
	raws, ids := imaptest.Messages("incr", 10, 200)
	srv.Append(t, "INBOX", raws...)
	store := NewMemoryStore()
	e := New(memConfig(srv), store, Options{SkipSent: true})
	ctx := context.Background()
	if _, err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}

	// New mail.
	more, moreIDs := imaptest.Messages("incr new", 5, 200)
	srv.Append(t, "INBOX", more...)
	stats, err := e.SyncOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats[0].New != 5 {
		t.Errorf("incremental: %d new, want 5", stats[0].New)
	}
	ids = append(ids, moreIDs...)
	assertMirror(t, store, "INBOX", ids, append(raws, more...))

	// Flag change.
	srv.SetFlags(t, "INBOX", 3, imap.FlagFlagged, imap.FlagSeen)
	if _, err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if m := store.Messages("INBOX")[2]; m.UID != 3 || !sameFlags(m.Flags, `\Flagged`, `\Seen`) {
		t.Errorf("UID 3 flags %q", m.Flags)
	}

	// Expunge.
	srv.Expunge(t, "INBOX", 2, 12)
	stats, err = e.SyncOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats[0].Expunged != 2 || stats[0].New != 0 {
		t.Errorf("expunge pass: %+v", stats[0])
	}
	ids = slices.Delete(slices.Clone(ids), 11, 12)
	ids = slices.Delete(ids, 1, 2)
	assertMirror(t, store, "INBOX", ids, nil)
	if gone := store.Expunged("INBOX"); len(gone) != 2 {
		t.Errorf("%d expunged kept aside, want 2", len(gone))
	}
}

func TestUIDValidityChangeWithoutDuplicates(t *testing.T) {
	srv := imaptest.NewServer(t)
	raws, ids := imaptest.Messages("validity", 20, 300)
	srv.Append(t, "INBOX", raws...)
	store := NewMemoryStore()
	proc := &countingProcessor{}
	rec := &Recorder{}
	e := New(memConfig(srv), store, Options{SkipSent: true, BatchSize: 7, Processor: proc, Reporter: rec})
	ctx := context.Background()
	if _, err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	before := map[string]int64{}
	for _, m := range store.Messages("INBOX") {
		before[m.MessageID] = m.ID
	}

	// The folder is recreated: 15 of the old messages (in another order)
	// and 3 new ones, all under new UIDs.
	more, moreIDs := imaptest.Messages("validity new", 3, 300)
	kept := append(slices.Clone(raws[5:]), more...)
	slices.Reverse(kept)
	srv.Recreate(t, "INBOX", kept...)
	stats, err := e.SyncOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	assertMirror(t, store, "INBOX", append(slices.Clone(ids[5:]), moreIDs...), nil)
	if !stats[0].Reset || stats[0].Rebound != 15 || stats[0].New != 18 {
		t.Errorf("stats %+v", stats[0])
	}
	for _, m := range store.Messages("INBOX") {
		if id, ok := before[m.MessageID]; ok && id != m.ID {
			t.Errorf("<%s> stored anew (id %d, was %d) instead of rebound", m.MessageID, m.ID, id)
		}
	}
	if n := proc.calls.Load(); n != 23 {
		t.Errorf("processor ran %d times, want 20 + 3 new", n)
	}
	// The processor got the store's ID of each message from SaveBatch,
	// with nothing looked up: every message held, each under the ID it
	// was saved as (the rebound ones under their first ID).
	for _, m := range store.Messages("INBOX") {
		if _, ok := proc.ids[m.ID]; !ok {
			t.Errorf("UID %d <%s>: its ID %d never reached the processor", m.UID, m.MessageID, m.ID)
		}
	}
	if d := store.Detached("INBOX"); len(d) != 5 {
		t.Errorf("%d detached, want the 5 the server lost", len(d))
	}
	var changed []UIDValidityChanged
	for _, ev := range rec.Events() {
		if c, ok := ev.(UIDValidityChanged); ok {
			changed = append(changed, c)
		}
	}
	if len(changed) != 1 || changed[0].Old == changed[0].New {
		t.Errorf("UIDValidityChanged events: %+v", changed)
	}
}

func TestProcessorFailuresDoNotStopSync(t *testing.T) {
	srv := imaptest.NewServer(t)
	raws, ids := imaptest.Messages("proc", 30, 100)
	srv.Append(t, "INBOX", raws...)
	store := NewMemoryStore()
	rec := &Recorder{}
	proc := &countingProcessor{fail: func(m SavedMessage) error {
		switch {
		case m.UID == 5:
			panic("engine exploded")
		case m.UID%3 == 0:
			return errors.New("cannot verify")
		}
		return nil
	}}
	if _, err := New(memConfig(srv), store, Options{SkipSent: true, BatchSize: 8, Processor: proc, Reporter: rec}).SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	assertMirror(t, store, "INBOX", ids, raws)
	failed := 0
	for _, ev := range rec.Events() {
		if f, ok := ev.(ProcessFailed); ok {
			failed++
			if f.MessageID == "" || f.Err == nil {
				t.Errorf("incomplete ProcessFailed %+v", f)
			}
		}
	}
	if failed != 11 || proc.calls.Load() != 30 {
		t.Errorf("%d failures reported for %d calls, want 11 of 30", failed, proc.calls.Load())
	}
}

func TestRunIdleReconnectClose(t *testing.T) {
	srv := imaptest.NewServer(t)
	raws, ids := imaptest.Messages("run", 200, 3000)
	srv.Append(t, "INBOX", raws...)
	proxy := imaptest.NewProxy(t, srv.Addr)
	baseline := runtimeGoroutines()

	cfg := memConfig(srv)
	cfg.Addr = proxy.Addr
	store := NewMemoryStore()
	rec := &Recorder{}
	e := New(cfg, store, Options{SkipSent: true, BatchSize: 25, Reporter: rec, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	proxy.CutAfter(250_000) // in the middle of the initial sync
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() bool { return len(store.Messages("INBOX")) == 200 })
	if proxy.Cuts() != 1 || !hasEvent[Disconnected](rec) {
		t.Errorf("cuts %d, Disconnected event %v", proxy.Cuts(), hasEvent[Disconnected](rec))
	}
	assertMirror(t, store, "INBOX", ids, raws)

	// IDLE brings new mail in.
	waitFor(t, 5*time.Second, func() bool { return hasEvent[Idle](rec) })
	raw, id := imaptest.Message("pushed", 100)
	start := time.Now()
	srv.Append(t, "INBOX", raw)
	waitFor(t, 5*time.Second, func() bool { return len(store.Messages("INBOX")) == 201 })
	t.Logf("pushed message stored %v after APPEND", time.Since(start).Round(time.Millisecond))
	assertMirror(t, store, "INBOX", append(slices.Clone(ids), id), nil)

	if err := e.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	imaptest.CheckGoroutines(t, baseline)
}

func TestRunStopsOnWrongPassword(t *testing.T) {
	srv := imaptest.NewServer(t)
	cfg := memConfig(srv)
	cfg.Password = "wrong"
	err := New(cfg, NewMemoryStore(), Options{MinBackoff: time.Millisecond}).Run(context.Background())
	if !errors.Is(err, imapx.ErrAuthFailed) {
		t.Fatalf("Run = %v, want ErrAuthFailed", err)
	}
}

func TestRunStopsOnMissingFolder(t *testing.T) {
	srv := imaptest.NewServer(t)
	err := New(memConfig(srv), NewMemoryStore(), Options{Mailboxes: []string{"Support"}}).Run(context.Background())
	if !errors.Is(err, ErrNoSuchFolder) {
		t.Fatalf("Run = %v, want ErrNoSuchFolder", err)
	}
}

func TestRunRetriesConnectionRefused(t *testing.T) {
	rec := &Recorder{}
	cfg := imapx.Config{Addr: "127.0.0.1:1", TLS: imapx.TLSNone}
	e := New(cfg, NewMemoryStore(), Options{Reporter: rec, MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond})
	// A cancel, not a deadline: a deadline would also end the last dial
	// with a timeout instead of a refusal.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(200*time.Millisecond, cancel)
	if err := e.Run(ctx); err != nil {
		t.Fatalf("Run = %v, want nil after ctx ends", err)
	}
	n := 0
	for _, ev := range rec.Events() {
		if d, ok := ev.(Disconnected); ok {
			n++
			if d.RetryIn > 4*time.Millisecond || !errors.Is(d.Err, imapx.ErrConnRefused) {
				t.Fatalf("Disconnected %+v", d)
			}
		}
	}
	if n < 3 {
		t.Errorf("%d retries in 200ms", n)
	}
}

func TestBackoffBounded(t *testing.T) {
	e := New(imapx.Config{}, nil, Options{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second})
	for n := 1; n < 100; n++ {
		want := min(100*time.Millisecond<<min(n-1, 20), time.Second)
		if d := e.backoff(n); d < want/2 || d > want {
			t.Fatalf("backoff(%d) = %v, want in [%v, %v]", n, d, want/2, want)
		}
	}
}

func TestPlanBatches(t *testing.T) {
	uids := []uint32{1, 2, 3, 4, 5, 6}
	sizes := map[uint32]int64{1: 10, 2: 10, 3: 100, 4: 10, 5: 10, 6: 10}
	got := fmt.Sprint(planBatches(uids, sizes, 4, 30))
	if want := "[[1 2] [3] [4 5 6]]"; got != want {
		t.Errorf("planBatches = %s, want %s", got, want)
	}
	if got := fmt.Sprint(planBatches(uids, nil, 4, 30)); got != "[[1 2 3 4] [5 6]]" {
		t.Errorf("without sizes: %s", got)
	}
	if got := fmt.Sprint(missing([]uint32{1, 2, 5, 9}, []uint32{2, 3, 9, 10})); got != "[1 5]" {
		t.Errorf("missing = %s", got)
	}
}
