package security

import (
	"context"
	"errors"
	"fmt"

	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/internal/mimelimit"
	"github.com/sealdesk/sealdesk/store"
)

// ProcessStoredBatch is ProcessStored over several articles with one
// keyring snapshot and one of the Integrations switches, loading their raw
// messages in one query (store.RawArticles) and writing all their results
// and security log entries in ONE transaction (store.SaveProcessed): the
// engines' work is the same, the SQLite round trips are a few per batch
// instead of several per article. The
// sync hands it the messages that are waiting (see mail/sync's
// BatchProcessor). It returns one error per ID, nil for those processed;
// a failed one stays security_pending, a raw message that is no message at
// all, or one beyond the limits of package mimelimit (a MIME bomb), is
// marked processed with the reason as its parse error (and reported). Keep
// batches small (tens): raw messages and decrypted content of the whole
// batch are in memory until it is written.
func (s *Processing) ProcessStoredBatch(ctx context.Context, ids []int64) []error {
	errs := make([]error, len(ids))
	ks := s.keySet(ctx)
	defer ks.Release()
	at := s.now()
	type job struct {
		i int
		a store.Article
		p *processed
	}
	jobs := make([]job, 0, len(ids))
	rows := make([]store.Processed, 0, len(ids))
	fail := func(err error) []error {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	// The switches once for the batch (see keySet.on): reading two
	// settings from SQLite per message was a twentieth of the batch.
	on, err := s.Integrations(ctx)
	if err != nil {
		return fail(err)
	}
	ks.on = &on
	// Nothing below reads the readable text (see keySet.noText).
	ks.noText = true
	// One query for the batch, raw messages only: the stored result and
	// sealed content are what this run replaces.
	raws, err := s.p.Store.RawArticles(ctx, ids)
	if err != nil {
		return fail(err)
	}
	for i, id := range ids {
		r, ok := raws[id]
		if !ok {
			errs[i] = fmt.Errorf("security: article %d: %w", id, store.ErrNotFound)
			continue
		}
		a := store.Article{ID: r.ID, MessageID: r.MessageID, Subject: r.Subject, Raw: r.Raw}
		p, err := ks.process(a.Raw, at)
		if errors.Is(err, smime.ErrNotMessage) || errors.Is(err, mimelimit.ErrExceeded) {
			// Kept raw, marked processed with the reason: a hostile
			// message is never retried, and never stops the batch.
			if cerr := s.p.Store.ClearPending(ctx, id, err.Error()); cerr != nil {
				err = cerr
			}
		}
		if err != nil {
			errs[i] = fmt.Errorf("security: article %d: %w", id, err)
			continue
		}
		jobs = append(jobs, job{i, a, p})
		rows = append(rows, s.processedRow(a, p))
	}
	missing, err := s.p.Store.SaveProcessed(ctx, rows)
	if err != nil {
		for _, j := range jobs {
			errs[j.i] = err
		}
		return errs
	}
	gone := map[int64]bool{}
	for _, id := range missing {
		gone[id] = true
	}
	for _, j := range jobs {
		if gone[j.a.ID] {
			errs[j.i] = fmt.Errorf("security: article %d: %w", j.a.ID, store.ErrNotFound)
			continue
		}
		s.found.proposeFound(ctx, j.a.ID, j.a.Raw, j.p, at)
		if j.p.Subject != "" && j.p.Subject != j.a.Subject {
			if _, err := s.p.Store.RethreadBySubject(ctx, j.a.ID, j.p.Subject); err != nil {
				errs[j.i] = fmt.Errorf("security: article %d: threading by its protected subject: %w", j.a.ID, err)
			}
		}
	}
	return errs
}
