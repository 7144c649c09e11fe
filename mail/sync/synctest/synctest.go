// Package synctest is the contract of mail/sync's Store as one table of
// tests, run against every implementation (the MemoryStore in mail/sync,
// the SQLite mirror in package mailbox), so that they cannot drift apart:
// a batch and its checkpoint are all or nothing, flags and expunges apply
// to what is held, a UIDVALIDITY change rebinds instead of duplicating,
// and a sync cut in the middle resumes with nothing lost or duplicated.
package synctest

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	imapx "github.com/sealdesk/sealdesk/mail/imap"
	"github.com/sealdesk/sealdesk/mail/internal/imaptest"
	"github.com/sealdesk/sealdesk/mail/mirror"
	"github.com/sealdesk/sealdesk/mail/sync"
	"github.com/sealdesk/sealdesk/mail/thread"
)

// Harness is a Store under test that shows what it holds.
type Harness interface {
	sync.Store
	// Messages returns the mailbox's live messages (not expunged, not
	// detached) ascending by UID, Raw included. A message's ID stays the
	// same when a UIDVALIDITY change rebinds it.
	Messages(t testing.TB, mailbox string) []sync.StoredMessage
}

// Run runs the contract against fresh stores made by newStore.
func Run(t *testing.T, newStore func(t *testing.T) Harness) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s Harness)
	}{
		{"unknown mailbox has the zero checkpoint", testZero},
		{"batch and checkpoint saved together", testBatch},
		{"failed batch leaves nothing behind", testAtomic},
		{"flags apply to held UIDs, twice harmlessly", testFlags},
		{"expunged UIDs leave the list", testExpunge},
		{"UIDVALIDITY reset rebinds without duplicates", testReset},
		{"engine resumes a cut sync with nothing lost or duplicated", testEngineResume},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

var ctx = context.Background()

// msg builds a message at uid from raw, as the engine would hand it over.
func msg(uid uint32, raw []byte, flags ...string) sync.Message {
	return sync.Message{Mailbox: "INBOX", UID: uid, Flags: flags, InternalDate: time.Unix(1_800_000_000, 0).UTC(),
		Size: int64(len(raw)), Raw: raw, MessageID: thread.MessageID(raw), Hash: mirror.Hash(raw)}
}

func batch(prefix string, first uint32, n int) []sync.Message {
	raws, _ := imaptest.Messages(prefix, n, 300)
	out := make([]sync.Message, n)
	for i, raw := range raws {
		out[i] = msg(first+uint32(i), raw)
	}
	return out
}

func uids(t *testing.T, s Harness, mailbox string) []uint32 {
	t.Helper()
	got, err := s.UIDs(ctx, mailbox)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := s.(sync.Counter); ok {
		if n, err := c.CountUIDs(ctx, mailbox); err != nil || n != len(got) {
			t.Fatalf("CountUIDs = %d, %v; UIDs has %d", n, err, len(got))
		}
	}
	return got
}

func checkpoint(t *testing.T, s Harness, mailbox string) sync.Checkpoint {
	t.Helper()
	cp, err := s.Checkpoint(ctx, mailbox)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

func testZero(t *testing.T, s Harness) {
	if cp := checkpoint(t, s, "INBOX"); cp != (sync.Checkpoint{}) {
		t.Fatalf("checkpoint %+v", cp)
	}
	if got := uids(t, s, "INBOX"); len(got) != 0 {
		t.Fatalf("UIDs %v", got)
	}
}

func testBatch(t *testing.T, s Harness) {
	msgs := batch("batch", 1, 3)
	msgs[1].Flags = []string{`\Seen`, `$Label1`}
	cp := sync.Checkpoint{UIDValidity: 7, LastUID: 3, HighestModSeq: 42}
	saved, err := s.SaveBatch(ctx, "INBOX", msgs, cp)
	if err != nil {
		t.Fatal(err)
	}
	if got := checkpoint(t, s, "INBOX"); got != cp {
		t.Fatalf("checkpoint %+v, want %+v", got, cp)
	}
	held := s.Messages(t, "INBOX")
	if len(held) != 3 || !slices.Equal(uids(t, s, "INBOX"), []uint32{1, 2, 3}) {
		t.Fatalf("held %d messages, UIDs %v", len(held), uids(t, s, "INBOX"))
	}
	// What SaveBatch reports is what it holds: one entry per message, in
	// order, naming the ID the message is held as.
	if len(saved) != len(msgs) {
		t.Fatalf("SaveBatch reported %d saved for %d messages", len(saved), len(msgs))
	}
	for i, m := range held {
		if want := (sync.Saved{UID: m.UID, ID: m.ID}); saved[i] != want {
			t.Errorf("saved[%d] = %+v, want %+v", i, saved[i], want)
		}
		if !bytes.Equal(m.Raw, msgs[i].Raw) || m.Key() != msgs[i].Key() || m.Size != msgs[i].Size || !m.InternalDate.Equal(msgs[i].InternalDate) {
			t.Errorf("UID %d not stored as received", m.UID)
		}
	}
	if !sameFlags(held[1].Flags, `\Seen`, `$Label1`) {
		t.Errorf("flags %q", held[1].Flags)
	}
	// A batch without messages moves only the checkpoint; other mailboxes
	// are untouched.
	cp2 := sync.Checkpoint{UIDValidity: 7, LastUID: 9, HighestModSeq: 50}
	if _, err := s.SaveBatch(ctx, "INBOX", nil, cp2); err != nil {
		t.Fatal(err)
	}
	if got := checkpoint(t, s, "INBOX"); got != cp2 || len(s.Messages(t, "INBOX")) != 3 {
		t.Fatalf("after an empty batch: %+v", got)
	}
	if got := checkpoint(t, s, "Sent"); got != (sync.Checkpoint{}) {
		t.Fatalf("Sent checkpoint %+v", got)
	}
}

func testAtomic(t *testing.T, s Harness) {
	cp := sync.Checkpoint{UIDValidity: 7, LastUID: 2}
	if _, err := s.SaveBatch(ctx, "INBOX", batch("first", 1, 2), cp); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]sync.Message{
		"UID beyond the checkpoint": batch("beyond", 3, 3), // UID 5 > LastUID 4
		"UID saved twice":           append(batch("dup", 3, 1), msg(2, []byte("Subject: dup\r\n\r\nx"))),
	} {
		if _, err := s.SaveBatch(ctx, "INBOX", bad, sync.Checkpoint{UIDValidity: 7, LastUID: 4}); err == nil {
			t.Errorf("%s: SaveBatch accepted it", name)
		}
		if got := checkpoint(t, s, "INBOX"); got != cp || !slices.Equal(uids(t, s, "INBOX"), []uint32{1, 2}) {
			t.Fatalf("%s: a failed batch left checkpoint %+v, UIDs %v", name, got, uids(t, s, "INBOX"))
		}
	}
}

func testFlags(t *testing.T, s Harness) {
	if _, err := s.SaveBatch(ctx, "INBOX", batch("flags", 1, 3), sync.Checkpoint{UIDValidity: 7, LastUID: 3}); err != nil {
		t.Fatal(err)
	}
	up := []sync.FlagUpdate{{UID: 2, Flags: []string{`\Flagged`, `\Seen`}, ModSeq: 9}, {UID: 99, Flags: []string{`\Seen`}}}
	for range 2 {
		if err := s.ApplyFlags(ctx, "INBOX", up); err != nil {
			t.Fatal(err)
		}
	}
	held := s.Messages(t, "INBOX")
	if len(held) != 3 || !sameFlags(held[1].Flags, `\Flagged`, `\Seen`) || len(held[0].Flags) != 0 {
		t.Fatalf("flags after update: %q / %q", held[0].Flags, held[1].Flags)
	}
	if err := s.ApplyFlags(ctx, "INBOX", []sync.FlagUpdate{{UID: 2}}); err != nil {
		t.Fatal(err)
	}
	if f := s.Messages(t, "INBOX")[1].Flags; len(f) != 0 {
		t.Fatalf("flags not cleared: %q", f)
	}
}

func testExpunge(t *testing.T, s Harness) {
	if _, err := s.SaveBatch(ctx, "INBOX", batch("expunge", 1, 4), sync.Checkpoint{UIDValidity: 7, LastUID: 4}); err != nil {
		t.Fatal(err)
	}
	if err := s.Expunge(ctx, "INBOX", []uint32{1, 3, 77}); err != nil {
		t.Fatal(err)
	}
	if got := uids(t, s, "INBOX"); !slices.Equal(got, []uint32{2, 4}) || len(s.Messages(t, "INBOX")) != 2 {
		t.Fatalf("UIDs after expunge %v", got)
	}
}

func testReset(t *testing.T, s Harness) {
	old := batch("reset", 1, 3)
	if _, err := s.SaveBatch(ctx, "INBOX", old, sync.Checkpoint{UIDValidity: 7, LastUID: 3}); err != nil {
		t.Fatal(err)
	}
	ids := map[sync.Key]int64{}
	for _, m := range s.Messages(t, "INBOX") {
		ids[m.Key()] = m.ID
	}
	if err := s.ResetMailbox(ctx, "INBOX", 8); err != nil {
		t.Fatal(err)
	}
	if cp := checkpoint(t, s, "INBOX"); cp != (sync.Checkpoint{UIDValidity: 8}) || len(uids(t, s, "INBOX")) != 0 {
		t.Fatalf("after reset: checkpoint %+v, UIDs %v", cp, uids(t, s, "INBOX"))
	}
	fresh := batch("reset new", 3, 1)[0]
	found, err := s.Lookup(ctx, "INBOX", []sync.Key{old[2].Key(), fresh.Key(), old[0].Key()})
	if err != nil || !slices.Equal(found, []bool{true, false, true}) {
		t.Fatalf("Lookup = %v, %v", found, err)
	}
	// The server renumbered: old[2] is now UID 1, old[0] UID 2, and a new
	// message (wrongly marked Rebind: nothing to match, so it is added).
	a, b := old[2], old[0]
	a.UID, a.Rebind = 1, true
	b.UID, b.Rebind = 2, true
	fresh.Rebind = true
	saved, err := s.SaveBatch(ctx, "INBOX", []sync.Message{a, b, fresh}, sync.Checkpoint{UIDValidity: 8, LastUID: 3})
	if err != nil {
		t.Fatal(err)
	}
	held := s.Messages(t, "INBOX")
	if len(held) != 3 || len(saved) != 3 {
		t.Fatalf("%d messages after the rebind (%d reported saved), want 3", len(held), len(saved))
	}
	for i, m := range held[:2] {
		if ids[m.Key()] != m.ID || saved[i] != (sync.Saved{UID: m.UID, ID: m.ID}) {
			t.Errorf("UID %d <%s> stored anew (id %d, reported %+v, was %d) instead of rebound", m.UID, m.MessageID, m.ID, saved[i], ids[m.Key()])
		}
	}
	if held[2].MessageID != fresh.MessageID {
		t.Errorf("UID 3 is <%s>", held[2].MessageID)
	}
	if _, err := s.SaveBatch(ctx, "INBOX", nil, sync.Checkpoint{UIDValidity: 7, LastUID: 9}); err == nil {
		t.Errorf("a checkpoint of the old UIDVALIDITY was accepted")
	}
}

func testEngineResume(t *testing.T, s Harness) {
	srv := imaptest.NewServer(t)
	raws, ids := imaptest.Messages("resume", 120, 1500)
	srv.Append(t, "INBOX", raws...)
	srv.SetFlags(t, "INBOX", 5, imap.FlagSeen)
	cfg := imapx.Config{Addr: srv.Addr, TLS: imapx.TLSNone, Username: srv.User, Password: srv.Pass}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cut := cfg
	cut.Dialer = &imaptest.CancelDialer{Limit: 80_000, Cancel: cancel}
	opt := sync.Options{BatchSize: 25, SkipSent: true}
	if _, err := sync.New(cut, s, opt).SyncOnce(cctx); err == nil {
		t.Fatal("the cut sync did not fail")
	}
	cp := checkpoint(t, s, "INBOX")
	if n := len(s.Messages(t, "INBOX")); n != int(cp.LastUID) || n == 0 || n >= 120 || n%25 != 0 {
		t.Fatalf("after the cut: %d messages, checkpoint %+v; want whole batches", n, cp)
	}
	if _, err := sync.New(cfg, s, opt).SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	assertMirror(t, s, ids, raws)
	if f := s.Messages(t, "INBOX")[4].Flags; !slices.Contains(f, `\Seen`) {
		t.Errorf("UID 5 flags %q", f)
	}
	// Renumbered by the server: same messages, none twice.
	before := map[string]int64{}
	for _, m := range s.Messages(t, "INBOX") {
		before[m.MessageID] = m.ID
	}
	kept := slices.Clone(raws[10:])
	slices.Reverse(kept)
	srv.Recreate(t, "INBOX", kept...)
	if _, err := sync.New(cfg, s, opt).SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	rev := slices.Clone(ids[10:])
	slices.Reverse(rev)
	assertMirror(t, s, rev, kept)
	for _, m := range s.Messages(t, "INBOX") {
		if before[m.MessageID] != m.ID {
			t.Fatalf("<%s> stored anew after the UIDVALIDITY change", m.MessageID)
		}
	}
}

// assertMirror checks that INBOX holds exactly ids, in UID order, each
// once and byte for byte as raws.
func assertMirror(t *testing.T, s Harness, ids []string, raws [][]byte) {
	t.Helper()
	held := s.Messages(t, "INBOX")
	if len(held) != len(ids) {
		t.Fatalf("%d messages held, want %d", len(held), len(ids))
	}
	for i, m := range held {
		if m.MessageID != ids[i] || !bytes.Equal(m.Raw, raws[i]) {
			t.Fatalf("UID %d is <%s>, want <%s> as appended", m.UID, m.MessageID, ids[i])
		}
	}
}

func sameFlags(got []string, want ...string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}
