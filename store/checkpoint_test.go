package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mail/mirror"
)

// TestWALStaysBoundedDuringASync: with checkpoints moved off the writers'
// path (checkpoint.go), a long run of the sync's writes still lets SQLite
// start the write-ahead log over, so the log file stays near
// walAutocheckpoint pages instead of growing by everything written.
func TestWALStaysBoundedDuringASync(t *testing.T) {
	if testing.Short() {
		t.Skip("writes about 100 MB")
	}
	ctx := context.Background()
	s := open(t)
	a := deskAccount(t, s)
	const n = 8000
	msgs := benchMails(n)
	var raw int64
	for lo := 0; lo < n; lo += 100 {
		batch := msgs[lo : lo+100]
		saved, err := s.SaveMailboxBatch(ctx, a.ID, "INBOX", batch, mirror.Checkpoint{UIDValidity: 1, LastUID: batch[len(batch)-1].UID})
		if err != nil {
			t.Fatal(err)
		}
		rows := make([]Processed, len(saved))
		for i, sv := range saved {
			rows[i] = Processed{ArticleID: sv.ID, Result: verdict.Result{}}
			raw += int64(len(batch[i].Raw))
		}
		if _, err := s.SaveProcessed(ctx, rows); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(filepath.Join(s.Dir(), FileName+"-wal"))
	if err != nil {
		t.Fatal(err)
	}
	// Everything written (the raw messages, about a third of it, once)
	// would stay in the log if it never started over; it holds a few
	// checkpoints' worth at most (a checkpoint that the disk keeps busy
	// lets commits pile up behind it).
	if limit := int64(4 * walAutocheckpoint * 4096); 3*raw < limit || fi.Size() > limit {
		t.Fatalf("the write-ahead log is %d MB after writing %d MB of mail (limit %d MB)", fi.Size()>>20, raw>>20, limit>>20)
	}
}
