package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/sender"
	"github.com/sealdesk/sealdesk/mail/thread"
)

// ticketPattern is the configured ticket marker (SettingTicketPattern);
// an unusable setting falls back to thread.DefaultPattern rather than
// stopping the sync.
func (s *Store) ticketPattern(ctx context.Context) *thread.Pattern {
	v, err := s.Setting(ctx, SettingTicketPattern)
	if err == nil {
		if p, err := thread.NewPattern(v); err == nil {
			return p
		}
	}
	return thread.MustPattern(thread.DefaultPattern)
}

// threader picks the ticket of messages saved in one transaction. The
// tickets it opens are not in the search index until indexOpened: every
// caller calls it before committing (see indexTickets).
type threader struct {
	ctx     context.Context
	q       querier
	pattern *thread.Pattern
	// out: the mailbox is Sent, its mail is outgoing.
	out bool
	// seen, when set, tells which Message-IDs cannot name an article, so
	// that they are not looked up one by one (see batchSeen).
	seen *batchSeen
	// plan, when set, collects the tickets opened (and SaveMailboxBatch
	// the articles added) until flush writes them (see batchPlan).
	plan *batchPlan
	// opened are the tickets opened so far, for indexOpened.
	opened []int64
}

// flush writes what the plan holds; the Message-IDs it wrote are in the
// tables now (see batchSeen).
func (th *threader) flush() error {
	mids, err := th.plan.flush()
	for _, mid := range mids {
		th.seen.saved(mid)
	}
	return err
}

// indexOpened puts the tickets the threader opened into the search index,
// in one statement (see indexTickets). Planned ones must be flushed.
func (th *threader) indexOpened() error {
	err := indexTickets(th.ctx, th.q, th.opened)
	th.opened = th.opened[:0]
	return err
}

// articleMeta is what an article keeps from the header for lists.
type articleMeta struct {
	Direction, From, To, Cc, Subject, Date, ParseError string
	// Agent, AgentName: who of the team sent an outgoing article
	// (thread.Header.Agent; a display hint, never a trust decision).
	Agent, AgentName string
	// NewTicket: thread opened the ticket for this message just now
	// (unread, updated as of its opening).
	NewTicket bool
}

// thread decides the ticket of one message: the ticket of a copy of the
// same message (another folder), else thread.Resolve — the ticket of the
// message it replies to (In-Reply-To, References: RFC 5322 section
// 3.6.4), else the ticket its Subject names by number, else a new ticket
// with the next number.
func (th *threader) thread(raw []byte) (articleMeta, int64, error) {
	h, perr := thread.ParseHeader(raw)
	return th.threadHeader(h, perr)
}

// threadHeader is thread over a header parsed already (thread.ParseHeader
// and its error).
func (th *threader) threadHeader(h thread.Header, perr error) (articleMeta, int64, error) {
	m := articleMeta{Direction: "in", Subject: h.Subject, From: h.FromText, To: sender.Format(h.To), Cc: sender.Format(h.Cc)}
	if th.out {
		m.Direction = "out"
		m.Agent, m.AgentName = agentOf(h)
	}
	if perr != nil {
		m.ParseError = perr.Error()
	}
	if !h.Date.IsZero() {
		m.Date = h.Date.Format(time.RFC1123Z)
	}
	if h.MessageID != "" {
		if id, ok, err := th.ticketOfMessage(h.MessageID); err != nil || ok {
			return m, id, err
		}
	}
	var lookErr error
	found := map[string]int64{}
	d := thread.Resolve(h, th.pattern, func(mid string) bool {
		id, ok, err := th.ticketOfMessage(mid)
		if err != nil {
			lookErr = err
		}
		found[mid] = id
		return ok
	})
	if lookErr != nil {
		return m, 0, lookErr
	}
	switch d.Kind {
	case thread.ByMessage:
		return m, found[d.MessageID], nil
	case thread.ByNumber:
		// A planned ticket's number is above every stored one.
		if id, ok := th.plan.ticketNumbered(int64(d.Number)); ok {
			return m, id, nil
		}
		var id int64
		// A renumbered ticket's old number still threads (ticket_aliases,
		// docs/team.md rule 2); a ticket's own number wins over an alias.
		err := th.q.QueryRowContext(th.ctx, `SELECT id FROM tickets WHERE number = ?
		    UNION ALL SELECT ticket_id FROM ticket_aliases WHERE number = ? LIMIT 1`, int64(d.Number), int64(d.Number)).Scan(&id)
		if err == nil {
			return m, id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return m, 0, err
		}
	}
	customer := m.From
	if th.out {
		customer = m.To
	}
	var id int64
	var err error
	if th.plan != nil {
		id, err = th.plan.newTicket(m.Subject, customer)
	} else {
		id, err = newTicket(th.ctx, th.q, m.Subject, customer)
	}
	if m.NewTicket = err == nil; m.NewTicket {
		th.opened = append(th.opened, id)
	}
	return m, id, err
}

// ticketOfMessage is the ticket of the oldest article with this
// Message-ID. Planned articles are younger than any in the table.
func (th *threader) ticketOfMessage(messageID string) (int64, bool, error) {
	if th.seen.mayHold(messageID) {
		var id int64
		err := th.q.QueryRowContext(th.ctx, `SELECT ticket_id FROM articles WHERE message_id = ? ORDER BY id LIMIT 1`, messageID).Scan(&id)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return id, err == nil, err
		}
	}
	id, ok := th.plan.ticketOf(messageID)
	return id, ok, nil
}

// newTicket opens a ticket with the next number. It is not in the search
// index yet: see indexTickets.
func newTicket(ctx context.Context, q querier, subject, customer string) (int64, error) {
	t := now()
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO tickets(number, subject, customer, created_at, updated_at)
	    VALUES ((SELECT COALESCE(MAX(number), 10000) + 1 FROM tickets), ?, ?, ?, ?) RETURNING id`,
		subject, customer, t, t).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: opening a ticket: %w", err)
	}
	return id, nil
}

// indexTickets puts new tickets into the search index (tickets_search,
// migration 0008), in one statement. Migration 0021 took this out of a
// trigger on every ticket INSERT: FTS5 writes what it holds to disk at the
// start of every statement that opens a savepoint (any INSERT with a
// trigger), so the sync, which opens a ticket between article INSERTs,
// wrote one index segment per ticket and merged them again, about a
// quarter of the saving's CPU time (BenchmarkSyncWritePath). Whoever
// inserts a ticket calls this in the same transaction; edits and deletes
// are still followed by triggers.
func indexTickets(ctx context.Context, q querier, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO tickets_search(rowid, subject, customer)
	    SELECT id, subject, customer FROM tickets WHERE id IN (SELECT value FROM json_each(?))`, string(list)); err != nil {
		return fmt.Errorf("store: indexing %d new tickets for search: %w", len(ids), err)
	}
	return nil
}

// RethreadBySubject runs when processing revealed an article's protected
// Subject (RFC 9788): the outer one ("...") could not name its ticket. If
// the article alone makes up its ticket, the ticket takes the real
// subject, and when that subject names an existing ticket by number the
// article moves there and its own empty ticket goes. It reports whether
// the article moved.
func (s *Store) RethreadBySubject(ctx context.Context, articleID int64, subject string) (bool, error) {
	pattern := s.ticketPattern(ctx)
	moved := false
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var ticketID int64
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT ticket_id, (SELECT COUNT(*) FROM articles b WHERE b.ticket_id = a.ticket_id)
		    FROM articles a WHERE id = ?`, articleID).Scan(&ticketID, &n); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if n != 1 {
			return nil // threaded by its references, or others joined it
		}
		if num, ok := pattern.Find(subject); ok {
			var target int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM tickets WHERE number = ? AND id != ?`, int64(num), ticketID).Scan(&target)
			if err == nil {
				if _, err := tx.ExecContext(ctx, `UPDATE articles SET ticket_id = ? WHERE id = ?`, target, articleID); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE tickets SET updated_at = ?, unread = 1 WHERE id = ?`, now(), target); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, `DELETE FROM tickets WHERE id = ?`, ticketID)
				moved = err == nil
				return err
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE tickets SET subject = ? WHERE id = ?`, subject, ticketID)
		return err
	})
	return moved, err
}

// agentOf is the sending agent a header names, address lowercased.
func agentOf(h thread.Header) (address, name string) {
	if h.Agent == nil {
		return "", ""
	}
	return strings.ToLower(h.Agent.Address), h.Agent.Name
}
