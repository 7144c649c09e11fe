package sync

// Against the harness's real Dovecot (CONDSTORE, ESEARCH, SPECIAL-USE,
// IDLE); skipped unless run through scripts/with-services.sh. Dovecot is
// shared with other packages' tests: each test works in its own folder or
// looks only for its own Message-IDs.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/sealdesk/sealdesk/internal/testenv"
	imapx "github.com/sealdesk/sealdesk/mail/imap"
	"github.com/sealdesk/sealdesk/mail/internal/imaptest"
)

type dovecot struct {
	cfg    imapx.Config
	admin  *imapclient.Client
	folder string
}

// newDovecot logs in as the first test user and creates a folder of the
// test's own.
func newDovecot(t *testing.T) *dovecot {
	t.Helper()
	addr := testenv.IMAP(t)
	user, pass := testenv.MailUser(t)
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	d := &dovecot{
		cfg:    imapx.Config{Addr: addr, TLS: imapx.TLSNone, Username: user, Password: pass},
		admin:  testenv.IMAPClient(t, user, pass, nil),
		folder: "sealdesk-sync-" + hex.EncodeToString(rnd[:]),
	}
	if err := d.admin.Create(d.folder, nil).Wait(); err != nil {
		t.Fatalf("CREATE %s: %v", d.folder, err)
	}
	t.Cleanup(func() {
		// A fresh connection: a restart may have cut the admin's.
		c, err := imapclient.DialInsecure(addr, nil)
		if err != nil {
			return
		}
		defer c.Close()
		if c.Login(user, pass).Wait() == nil {
			_ = c.Delete(d.folder).Wait()
			_ = c.Logout().Wait()
		}
	})
	return d
}

func (d *dovecot) options(o Options) Options {
	o.Mailboxes, o.SkipInbox, o.SkipSent = []string{d.folder}, true, true
	return o
}

func (d *dovecot) append(t *testing.T, raws ...[]byte) {
	t.Helper()
	for _, raw := range raws {
		cmd := d.admin.Append(d.folder, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			t.Fatalf("APPEND: %v", err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatalf("APPEND: %v", err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatalf("APPEND: %v", err)
		}
	}
}

func (d *dovecot) store(t *testing.T, uid uint32, op imap.StoreFlagsOp, flags ...imap.Flag) {
	t.Helper()
	if _, err := d.admin.Select(d.folder, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := d.admin.Store(imap.UIDSetNum(imap.UID(uid)), &imap.StoreFlags{Op: op, Silent: true, Flags: flags}, nil).Close(); err != nil {
		t.Fatalf("STORE: %v", err)
	}
}

func TestDovecotSync(t *testing.T) {
	d := newDovecot(t)
	raws, ids := imaptest.Messages("dovecot", 120, 1500)
	d.append(t, raws...)
	store := NewMemoryStore()
	e := New(d.cfg, store, d.options(Options{BatchSize: 25}))
	ctx := context.Background()

	start := time.Now()
	stats, err := e.SyncOnce(ctx)
	if err != nil {
		t.Fatalf("initial sync: %v", err)
	}
	t.Logf("initial sync of 120 messages: %v", time.Since(start).Round(time.Millisecond))
	assertMirror(t, store, d.folder, ids, raws)
	cp, _ := store.Checkpoint(ctx, d.folder)
	if cp.HighestModSeq == 0 || cp.LastUID != 120 || stats[0].New != 120 {
		t.Fatalf("checkpoint %+v, stats %+v: want CONDSTORE's HIGHESTMODSEQ saved", cp, stats[0])
	}

	// Incremental: new mail, one flag change (CHANGEDSINCE must report
	// exactly that one), two expunges.
	more, moreIDs := imaptest.Messages("dovecot new", 3, 500)
	d.append(t, more...)
	d.store(t, 10, imap.StoreFlagsAdd, imap.FlagFlagged)
	stats, err = e.SyncOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats[0].New != 3 || stats[0].Flags != 1 || stats[0].Expunged != 0 {
		t.Errorf("incremental stats %+v: want 3 new and 1 flag update", stats[0])
	}
	if m := store.Messages(d.folder)[9]; m.UID != 10 || !slices.Contains(m.Flags, `\Flagged`) {
		t.Errorf("UID 10: flags %q", m.Flags)
	}
	ids = append(ids, moreIDs...)

	d.store(t, 2, imap.StoreFlagsAdd, imap.FlagDeleted)
	d.store(t, 50, imap.StoreFlagsAdd, imap.FlagDeleted)
	if err := d.admin.Expunge().Close(); err != nil {
		t.Fatal(err)
	}
	stats, err = e.SyncOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats[0].Expunged != 2 {
		t.Errorf("expunge stats %+v", stats[0])
	}
	ids = slices.Delete(ids, 49, 50)
	ids = slices.Delete(ids, 1, 2)
	assertMirror(t, store, d.folder, ids, nil)

	// Nothing changed: no new, no flags.
	start = time.Now()
	stats, err = e.SyncOnce(ctx)
	if err != nil || stats[0].New+stats[0].Flags+stats[0].Expunged != 0 {
		t.Errorf("no-change pass: %+v, %v", stats, err)
	}
	t.Logf("no-change pass (connect, login, LIST, SELECT, logout): %v", time.Since(start).Round(time.Millisecond))
}

func TestDovecotUIDValidityChange(t *testing.T) {
	d := newDovecot(t)
	raws, ids := imaptest.Messages("dovecot validity", 10, 500)
	d.append(t, raws...)
	store := NewMemoryStore()
	e := New(d.cfg, store, d.options(Options{BatchSize: 4}))
	ctx := context.Background()
	if _, err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	before, _ := store.Checkpoint(ctx, d.folder)

	if err := d.admin.Delete(d.folder).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := d.admin.Create(d.folder, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	more, moreIDs := imaptest.Messages("dovecot validity new", 2, 500)
	d.append(t, append(more, raws...)...)
	stats, err := e.SyncOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := store.Checkpoint(ctx, d.folder)
	if after.UIDValidity == before.UIDValidity {
		t.Fatalf("UIDVALIDITY unchanged (%d) after re-creating the folder", after.UIDValidity)
	}
	if !stats[0].Reset || stats[0].Rebound != 10 {
		t.Errorf("stats %+v: want a reset with 10 rebound", stats[0])
	}
	assertMirror(t, store, d.folder, append(ids, moreIDs...), nil)
}

func TestDovecotIDLE(t *testing.T) {
	lmtp := testenv.LMTP(t)
	user, pass := testenv.MailUser2(t)
	store := NewMemoryStore()
	idle := make(chan struct{}, 1)
	rep := ReporterFunc(func(ev Event) {
		if _, ok := ev.(Idle); ok {
			select {
			case idle <- struct{}{}:
			default:
			}
		}
	})
	baseline := runtimeGoroutines()
	e := New(imapx.Config{Addr: testenv.IMAP(t), TLS: imapx.TLSNone, Username: user, Password: pass}, store, Options{SkipSent: true, Reporter: rep})
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-idle:
	case <-time.After(30 * time.Second):
		t.Fatal("engine never went idle")
	}
	msg, id := testenv.NewMessage("idler@example.org", user, "sync idle", "wake up\n")
	start := time.Now()
	testenv.LMTPDeliver(t, lmtp, user, msg)
	waitFor(t, 10*time.Second, func() bool {
		return slices.ContainsFunc(store.Messages("INBOX"), func(m StoredMessage) bool { return m.MessageID == id })
	})
	t.Logf("LMTP delivery to stored message over IDLE: %v", time.Since(start).Round(time.Millisecond))
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	imaptestCheck(t, baseline)
}

func TestDovecotCutMidBatch(t *testing.T) {
	d := newDovecot(t)
	raws, ids := imaptest.Messages("dovecot cut", 200, 4000)
	d.append(t, raws...)
	proxy := imaptest.NewProxy(t, d.cfg.Addr)
	cfg := d.cfg
	cfg.Addr = proxy.Addr
	store := NewMemoryStore()
	rec := &Recorder{}
	e := New(cfg, store, d.options(Options{BatchSize: 30, Reporter: rec, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}))
	proxy.CutAfter(350_000) // about 85 messages in: inside the third batch
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	waitFor(t, 30*time.Second, func() bool { return len(store.Messages(d.folder)) == 200 })
	if proxy.Cuts() != 1 || !hasEvent[Disconnected](rec) {
		t.Errorf("cuts %d, Disconnected event %v", proxy.Cuts(), hasEvent[Disconnected](rec))
	}
	assertMirror(t, store, d.folder, ids, raws)
}

// slowStore makes every batch take a while, so that a restart lands in the
// middle of the sync.
type slowStore struct {
	*MemoryStore
	delay time.Duration
}

func (s slowStore) SaveBatch(ctx context.Context, mailbox string, msgs []Message, cp Checkpoint) ([]Saved, error) {
	time.Sleep(s.delay)
	return s.MemoryStore.SaveBatch(ctx, mailbox, msgs, cp)
}

func TestDovecotRestartMidSync(t *testing.T) {
	d := newDovecot(t)
	if os.Getenv("SEALDESK_TEST_DOVECOT_RESTART") != "1" {
		t.Skip("SEALDESK_TEST_DOVECOT_RESTART=1 not set: restarting the shared Dovecot would disturb parallel tests")
	}
	raws, ids := imaptest.Messages("dovecot restart", 300, 3000)
	d.append(t, raws...)
	mem := NewMemoryStore()
	halfway := make(chan struct{})
	rec := &Recorder{}
	rep := ReporterFunc(func(ev Event) {
		rec.Report(ev)
		if p, ok := ev.(Progress); ok && p.Done == 100 {
			close(halfway)
		}
	})
	e := New(d.cfg, slowStore{mem, 100 * time.Millisecond}, d.options(Options{BatchSize: 20, Reporter: rep, MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}))
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	<-halfway
	testenv.DovecotRestart(t)
	waitFor(t, 60*time.Second, func() bool { return len(mem.Messages(d.folder)) == 300 })
	if !hasEvent[Disconnected](rec) {
		t.Errorf("no Disconnected event: the restart did not hit the sync")
	}
	assertMirror(t, mem, d.folder, ids, raws)
}

func imaptestCheck(t *testing.T, baseline int) { imaptest.CheckGoroutines(t, baseline) }
