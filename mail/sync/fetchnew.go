package sync

import (
	"context"
	"fmt"
)

// fetched is one fetched batch on its way to the saver.
type fetched struct {
	msgs []Message
	// last is the batch's highest UID, the checkpoint's LastUID once it
	// is saved (UIDs expunged meanwhile are not in msgs); size is how
	// many UIDs the batch asked for.
	last uint32
	size int
}

// fetchNew fetches newUIDs (ascending) in batches and commits each batch
// with a checkpoint whose LastUID is the batch's highest UID.
//
// Fetching and saving overlap: a saver goroutine saves batch N (and hands
// its messages to the processing pool) while this one fetches batch N+1
// from the server, so that reading IMAP and writing SQLite run on two
// cores instead of one after the other (make bench: the initial sync kept
// about one of two cores busy). Batches are saved one at a time and in
// order, so each checkpoint still covers exactly what is saved; after the
// first failure nothing more is saved and fetching stops.
func (s *session) fetchNew(ctx context.Context, mailbox string, cp *Checkpoint, newUIDs []uint32, st *Stats) error {
	var sizes map[uint32]int64
	if len(newUIDs) > s.e.opt.BatchSize {
		var err error
		if sizes, err = s.fetchSizes(ctx, mailbox, newUIDs); err != nil {
			return err
		}
	}
	sv := &saver{s: s, mailbox: mailbox, cp: cp, st: st, total: len(newUIDs), r: rate{start: s.e.now(), now: s.e.now}}
	// One batch waits beside the one being saved: fetching runs at most
	// one batch ahead, which bounds memory to about three batches.
	queue := make(chan fetched, 1)
	done := make(chan error, 1)
	failed := make(chan struct{})
	go func() {
		var err error
		for f := range queue {
			if err == nil {
				// A batch is saved whole once its saving began, even when
				// ctx ends meanwhile (cancelling, or a cut connection
				// while the next batch is fetched): what was fetched is
				// not lost for the next run to fetch again, and stopping
				// waits for one batch at most.
				if err = ctx.Err(); err == nil {
					err = sv.save(ctx, f)
				}
				if err != nil {
					close(failed)
				}
			}
		}
		done <- err
	}()
	var fetchErr error
batches:
	for _, batch := range planBatches(newUIDs, sizes, s.e.opt.BatchSize, s.e.opt.BatchBytes) {
		msgs, err := s.fetchBatch(ctx, mailbox, batch)
		if err != nil {
			fetchErr = err
			break
		}
		select {
		case queue <- fetched{msgs: msgs, last: batch[len(batch)-1], size: len(batch)}:
		case <-failed:
			break batches
		}
	}
	close(queue)
	if err := <-done; err != nil {
		return err
	}
	return fetchErr
}

// saver saves fetched batches of one mailbox, in order, and hands what is
// new to the processing pool.
type saver struct {
	s       *session
	mailbox string
	cp      *Checkpoint
	st      *Stats
	r       rate
	total   int
	done    int
	bytes   int64
}

func (v *saver) save(ctx context.Context, f fetched) error {
	store, mailbox, msgs := v.s.e.store, v.mailbox, f.msgs
	sctx := context.WithoutCancel(ctx) // see fetchNew
	if len(msgs) > 0 {
		keys := make([]Key, len(msgs))
		for i := range msgs {
			keys[i] = msgs[i].Key()
		}
		found, err := store.Lookup(sctx, mailbox, keys)
		if err != nil {
			return fmt.Errorf("sync: %q: look up known messages: %w", mailbox, err)
		}
		for i := range msgs {
			msgs[i].Rebind = i < len(found) && found[i]
		}
	}
	v.cp.LastUID = f.last
	saved, err := store.SaveBatch(sctx, mailbox, msgs, *v.cp)
	if err != nil {
		return fmt.Errorf("sync: %q: save batch up to UID %d: %w", mailbox, v.cp.LastUID, err)
	}
	if len(saved) != len(msgs) {
		return fmt.Errorf("sync: %q: the store reported %d saved messages for a batch of %d", mailbox, len(saved), len(msgs))
	}
	for i, m := range msgs {
		v.st.New++
		v.bytes += int64(len(m.Raw))
		if saved[i].UID != m.UID {
			return fmt.Errorf("sync: %q: the store reported UID %d saved where UID %d was", mailbox, saved[i].UID, m.UID)
		}
		switch {
		case m.Rebind:
			v.st.Rebound++
		case saved[i].Copy:
			// A further place of a message saved before: it was
			// processed then.
		default:
			v.s.pool.submit(ctx, SavedMessage{Message: m, ID: saved[i].ID})
		}
	}
	v.done += f.size
	v.s.e.report(v.r.progress(mailbox, v.done, v.total, v.bytes))
	return nil
}
