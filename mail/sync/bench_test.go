package sync

import (
	"context"
	"testing"

	"github.com/sealdesk/sealdesk/mail/internal/imaptest"
)

// BenchmarkInitialSync mirrors 1,000 messages of about 4 KB from the
// in-memory server into a fresh MemoryStore per iteration.
func BenchmarkInitialSync(b *testing.B) {
	srv := imaptest.NewServer(b)
	raws, _ := imaptest.Messages("bench", 1000, 4000)
	srv.Append(b, "INBOX", raws...)
	b.ReportAllocs()
	for b.Loop() {
		store := NewMemoryStore()
		if _, err := New(memConfig(srv), store, Options{SkipSent: true}).SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		if n := len(store.Messages("INBOX")); n != 1000 {
			b.Fatalf("%d messages", n)
		}
	}
}

// BenchmarkResyncNoChange is a pass over 1,000 messages where nothing
// changed. The in-memory server lacks CONDSTORE, so this includes a full
// FLAGS fetch; with CONDSTORE (Dovecot) the pass is a SELECT.
func BenchmarkResyncNoChange(b *testing.B) {
	srv := imaptest.NewServer(b)
	raws, _ := imaptest.Messages("bench", 1000, 4000)
	srv.Append(b, "INBOX", raws...)
	store := NewMemoryStore()
	e := New(memConfig(srv), store, Options{SkipSent: true})
	if _, err := e.SyncOnce(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		stats, err := e.SyncOnce(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if stats[0].New != 0 {
			b.Fatalf("stats %+v", stats[0])
		}
	}
}
