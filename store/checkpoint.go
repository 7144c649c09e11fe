package store

import (
	"sync"
	"time"
)

// In WAL mode a commit appends pages to the write-ahead log, and a
// checkpoint copies them into the database file: with synchronous=NORMAL
// it is the only step that waits for the disk (one fsync of the log, one
// of the database). SQLite runs it in whichever connection commits past
// wal_autocheckpoint pages, so the writer waited for the disk while it
// held the write lock (s.writes) and every other writer waited for it: a
// fifth of the initial sync's time (make bench: the sync's goroutines
// spent 0.6 s of 3.4 s blocked in those fsyncs, most of it in the saving).
//
// The checkpointer runs PASSIVE checkpoints on a goroutine of its own,
// after the sync's bulk writes (SaveMailboxBatch, SaveProcessed, and a
// team pass's ApplyTeamRecords and TeamToPublish), without
// the write lock: copying and waiting for the disk overlap with the next
// writes. Small writes (the agent's) leave it to SQLite, as before. A PASSIVE checkpoint waits for nobody and
// blocks nobody (readers and writers go on; it copies what no reader still
// needs). SQLite's own automatic checkpoint stays as a backstop at
// walAutocheckpoint pages: a commit past that still checkpoints in the
// writer, which then finds little left to copy, and lets the next writer
// start the log over (SQLite restarts the log only when all of it was
// copied), so the log stays bounded. Durability is unchanged: the same
// checkpoints, with the same fsyncs, only run elsewhere.

// walAutocheckpoint is wal_autocheckpoint in pages (4 KiB): four times
// SQLite's default, so the checkpointer normally gets there first.
const walAutocheckpoint = 4000

// checkpointEvery is how long the checkpointer lets commits gather before
// copying them: each checkpoint copies the newest version of each page
// once, so one per commit would copy hot pages (indexes, tickets) again
// and again, and wait for the disk twice as often.
const checkpointEvery = 100 * time.Millisecond

type checkpointer struct {
	kick      chan struct{}
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func (s *Store) startCheckpointer() {
	c := &checkpointer{kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	s.ckpt = c
	go func() {
		defer close(c.done)
		for {
			select {
			case <-c.stop:
				return
			case <-c.kick:
			}
			select {
			case <-c.stop:
				return
			case <-time.After(checkpointEvery):
			}
			// Errors (SQLITE_BUSY from another process's checkpoint, a
			// closing database) leave the work to the next checkpoint or
			// to SQLite's automatic one.
			var busy, log, copied int
			_ = s.db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &copied)
		}
	}()
}

// wrote tells the checkpointer that a bulk write was committed.
func (s *Store) wrote() {
	if s.ckpt == nil {
		return
	}
	select {
	case s.ckpt.kick <- struct{}{}:
	default: // one is due already
	}
}

// stopCheckpointer ends the checkpointer; closing the database then
// checkpoints what is left, as always.
func (s *Store) stopCheckpointer() {
	if s.ckpt == nil {
		return
	}
	s.ckpt.closeOnce.Do(func() { close(s.ckpt.stop) })
	<-s.ckpt.done
}
