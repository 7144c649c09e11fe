package store

import (
	"context"
	"encoding/json"

	"github.com/sealdesk/sealdesk/mail/mirror"
	"github.com/sealdesk/sealdesk/mail/thread"
)

// What SaveMailboxBatch works out for a whole batch before saving any of
// it, so that a message of an initial sync costs the statements that store
// it (ticket, article, raw message) and no look-ups: its header parsed
// outside the write lock, and two queries per batch telling which
// Message-IDs and content hashes no stored article has.

// parseHeaders returns the headers of msgs: as the engine read them
// (mirror.Message.Header), else parsed here, before the write lock is taken
// (while the processing pool may write). The sync's engine reads them on
// its fetching goroutine, which otherwise waits for the saver: parsing
// was a fifth of the saving goroutine's time, and parsing on goroutines
// of their own waited behind the processing workers for a core (a
// goroutine trace of the initial sync: 1.4 s of 5.6 s blocked).
func parseHeaders(msgs []mirror.Message) []*thread.Parsed {
	out := make([]*thread.Parsed, len(msgs))
	for i := range msgs {
		if out[i] = msgs[i].Header; out[i] == nil {
			out[i] = thread.Parse(msgs[i].Raw)
		}
	}
	return out
}

// batchSeen answers, for one batch being saved, which Message-IDs and
// content hashes no stored article can have, so that the look-ups by them
// (a place to claim, a copy, the ticket of a parent) are skipped. It is
// read inside the transaction that saves the batch, and kept up to date as
// the batch is saved: an identifier or hash it was not asked about, or
// one the batch may have stored meanwhile, is always looked up. A nil
// *batchSeen knows nothing, and every look-up runs.
type batchSeen struct {
	// asked are the Message-IDs the query asked about; held those of
	// them some article has, plus every one this batch saved.
	asked, held map[string]bool
	// unplaced are the content hashes of the batch that an article with
	// no place has (mailbox_id NULL, uid 0: the ones saveMessage claims).
	// Saving never makes such an article, so the set only shrinks.
	unplaced map[mirror.ContentHash]bool
}

// mayHold reports whether an article may have this Message-ID.
func (b *batchSeen) mayHold(mid string) bool {
	return b == nil || !b.asked[mid] || b.held[mid]
}

// mayClaim reports whether an article with no place may have this hash.
func (b *batchSeen) mayClaim(h mirror.ContentHash) bool { return b == nil || b.unplaced[h] }

// saved notes that the batch stored (or placed) an article under mid.
func (b *batchSeen) saved(mid string) {
	if b != nil {
		b.held[mid] = true
	}
}

// heldMessageIDsQuery: which of a JSON array of Message-IDs some article
// has; unplacedHashesQuery: which of a JSON array of content hashes an
// article with no place has (the condition of saveMessage's claim). Each
// value is one index probe (TestSyncLookupsUseIndexes).
const (
	heldMessageIDsQuery = `SELECT j.value FROM json_each(?) j
	    WHERE EXISTS (SELECT 1 FROM articles a WHERE a.message_id = j.value)`
	unplacedHashesQuery = `SELECT j.value FROM json_each(?) j
	    WHERE EXISTS (SELECT 1 FROM articles a WHERE a.content_sha256 = j.value AND a.mailbox_id IS NULL AND a.uid = 0)`
)

// seeBatch runs the two queries for msgs and their parsed headers: the
// Message-IDs (their own, and the parents threading looks for) that some
// article has, and the content hashes that an unplaced article has.
func seeBatch(ctx context.Context, q querier, msgs []mirror.Message, heads []*thread.Parsed) (*batchSeen, error) {
	b := &batchSeen{asked: map[string]bool{}, held: map[string]bool{}, unplaced: map[mirror.ContentHash]bool{}}
	var mids []string
	ask := func(mid string) {
		if !b.asked[mid] {
			b.asked[mid] = true
			mids = append(mids, mid)
		}
	}
	hashes := make([]string, len(msgs))
	for i, m := range msgs {
		ask(m.MessageID)
		ask(heads[i].MessageID)
		for _, c := range thread.Candidates(heads[i].Header) {
			ask(c)
		}
		hashes[i] = m.Hash.String()
	}
	list, err := json.Marshal(mids)
	if err != nil {
		return nil, err
	}
	// One statement text for any batch (a JSON array bound to
	// json_each); each identifier is one index probe.
	rows, err := q.QueryContext(ctx, heldMessageIDsQuery, string(list))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var mid string
		if err := rows.Scan(&mid); err != nil {
			rows.Close()
			return nil, err
		}
		b.held[mid] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if list, err = json.Marshal(hashes); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, unplacedHashesQuery, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h mirror.ContentHash
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		b.unplaced[h] = true
	}
	return b, rows.Err()
}
