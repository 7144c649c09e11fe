package security

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/internal/mimelimit"
	"github.com/sealdesk/sealdesk/store"
)

// ProcessStoredBatch is ProcessStored over several articles: it loads
// their raw messages in one query (store.RawArticles) and runs
// ProcessSaved over them. It returns one error per ID, nil for those
// processed; an ID with no article fails alone, with store.ErrNotFound.
func (s *Processing) ProcessStoredBatch(ctx context.Context, ids []int64) []error {
	errs := make([]error, len(ids))
	raws, err := s.p.Store.RawArticles(ctx, ids)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	arts := make([]store.RawArticle, 0, len(ids))
	at := make([]int, 0, len(ids)) // index in ids of each article
	for i, id := range ids {
		r, ok := raws[id]
		if !ok {
			errs[i] = fmt.Errorf("security: article %d: %w", id, store.ErrNotFound)
			continue
		}
		arts = append(arts, r)
		at = append(at, i)
	}
	for k, err := range s.ProcessSaved(ctx, arts) {
		errs[at[k]] = err
	}
	return errs
}

// ProcessSaved runs the engines over articles whose raw messages the
// caller holds (the sync, which has just saved them: store.SaveMailboxBatch
// says which article each message became), with one keyring snapshot and
// one of the Integrations switches, and writes all their results,
// security log entries and the keys they carry (proposals, see
// FoundKeys) in ONE transaction (store.SaveProcessed): the
// engines' work is ProcessStored's, the SQLite round trips are a few per
// batch instead of several per article, and nothing is read back.
//
// It returns one error per article, nil for those processed; a failed one
// stays security_pending. A raw message that is no message at all, or one
// beyond the limits of package mimelimit (a MIME bomb), is marked
// processed with the reason as its parse error (and reported). An article
// whose protected Subject (RFC 9788) replaced the stored one is threaded
// again by it (store.RethreadBySubject). Keep batches small (tens): raw
// messages and decrypted content of the whole batch are in memory until it
// is written.
func (s *Processing) ProcessSaved(ctx context.Context, arts []store.RawArticle) []error {
	errs := make([]error, len(arts))
	ks := s.keySet(ctx)
	defer ks.Release()
	at := s.now()
	type job struct {
		i int
		p *processed
	}
	jobs := make([]job, 0, len(arts))
	rows := make([]store.Processed, 0, len(arts))
	// The switches once for the batch (see keySet.on): reading two
	// settings from SQLite per message was a twentieth of the batch.
	on, err := s.Integrations(ctx)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	ks.on = &on
	// Nothing below reads the readable text (see keySet.noText).
	ks.noText = true
	var held heldCerts
	for i, r := range arts {
		p, err := ks.process(r.Raw, at)
		if errors.Is(err, smime.ErrNotMessage) || errors.Is(err, mimelimit.ErrExceeded) {
			// Kept raw, marked processed with the reason: a hostile
			// message is never retried, and never stops the batch.
			if cerr := s.p.Store.ClearPending(ctx, r.ID, err.Error()); cerr != nil {
				err = cerr
			}
		}
		if err != nil {
			errs[i] = fmt.Errorf("security: article %d: %w", r.ID, err)
			continue
		}
		jobs = append(jobs, job{i, p})
		row := s.processedRow(store.Article{ID: r.ID, MessageID: r.MessageID}, p)
		// Proposed in SaveProcessed's transaction, not one of their own.
		row.Found = s.found.carried(ctx, r.ID, r.Raw, p, at, &held)
		rows = append(rows, row)
	}
	saved, err := s.p.Store.SaveProcessed(ctx, rows)
	if err != nil {
		for _, j := range jobs {
			errs[j.i] = err
		}
		return errs
	}
	for _, j := range jobs {
		r := arts[j.i]
		if slices.Contains(saved.Missing, r.ID) {
			errs[j.i] = fmt.Errorf("security: article %d: %w", r.ID, store.ErrNotFound)
			continue
		}
		if slices.Contains(saved.Retitled, r.ID) {
			if _, err := s.p.Store.RethreadBySubject(ctx, r.ID, j.p.Subject); err != nil {
				errs[j.i] = fmt.Errorf("security: article %d: threading by its protected subject: %w", r.ID, err)
			}
		}
	}
	return errs
}
