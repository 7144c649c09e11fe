package store

import (
	"github.com/sealdesk/sealdesk/mail/mirror"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The outbox (table outbox, migration 0003): every outgoing message is
// written here, sealed and ready for the wire, before any network I/O, and
// leaves only as sent. Status moves queued -> sending -> sent, or to failed
// when the server refused it for good; package mailbox drives it.

// OutboxStatus is where an outgoing message stands. Its values are the
// ones the outbox table's CHECK allows (migration 0003); a test pins the
// two lists together.
type OutboxStatus string

// Outbox statuses.
const (
	OutboxQueued  OutboxStatus = "queued"  // waiting for its next attempt (NextAttemptAt)
	OutboxSending OutboxStatus = "sending" // claimed by an attempt until NextAttemptAt (the lease)
	OutboxSent    OutboxStatus = "sent"    // the server acknowledged DATA; ArticleID is its article
	OutboxFailed  OutboxStatus = "failed"  // refused for good (5xx); kept for the agent, never retried
)

// OutboxStatuses lists every outbox status, in the order a message moves
// through them (failed last: it ends there).
func OutboxStatuses() []OutboxStatus {
	return []OutboxStatus{OutboxQueued, OutboxSending, OutboxSent, OutboxFailed}
}

// OutboxItem is one outgoing message.
type OutboxItem struct {
	ID        int64  `json:"id"`
	AccountID int64  `json:"account_id"`
	Raw       []byte `json:"-"` // exactly what is submitted (Bcc stripped on the wire) and kept in Sent
	Sign      bool   `json:"sign"`
	Encrypt   bool   `json:"encrypt"`
	// Technology is "S/MIME", "PGP" or empty (neither signed nor encrypted).
	Technology string       `json:"technology"`
	Status     OutboxStatus `json:"status"`
	Attempts   int          `json:"attempts"`
	// NextAttemptAt is when a queued item is due, or when the lease of a
	// sending one runs out (its process is presumed dead).
	NextAttemptAt time.Time `json:"next_attempt_at"`
	LastError     string    `json:"last_error"`
	MessageID     string    `json:"message_id"` // without angle brackets
	// EnvelopeFrom and Recipients are the SMTP envelope (Bcc included).
	EnvelopeFrom string   `json:"envelope_from"`
	Recipients   []string `json:"recipients"`
	ArticleID    int64    `json:"article_id"` // 0 until sent
	CreatedAt    string   `json:"created_at"`
}

// outboxTime is fixed-width so that the text compares as the time does.
const outboxTime = "2006-01-02T15:04:05.000000000Z"

func outboxAt(t time.Time) string { return t.UTC().Format(outboxTime) }

const outboxColumns = `id, account_id, raw, sign, encrypt, technology, status, attempts, next_attempt_at, last_error,
    message_id, COALESCE(article_id, 0), created_at, envelope_from, recipients`

func scanOutbox(row interface{ Scan(...any) error }) (OutboxItem, error) {
	var it OutboxItem
	var next, rcpts string
	err := row.Scan(&it.ID, &it.AccountID, &it.Raw, &it.Sign, &it.Encrypt, &it.Technology, &it.Status, &it.Attempts,
		&next, &it.LastError, &it.MessageID, &it.ArticleID, &it.CreatedAt, &it.EnvelopeFrom, &rcpts)
	if rcpts != "" {
		it.Recipients = strings.Split(rcpts, "\n")
	}
	if errors.Is(err, sql.ErrNoRows) {
		return it, ErrNotFound
	}
	it.NextAttemptAt, _ = time.Parse(outboxTime, next)
	return it, err
}

// EnqueueOutbox writes a message to the outbox as queued and due now,
// with its Bcc copies (see OutboxCopy), in one transaction, and returns
// the row.
func (s *Store) EnqueueOutbox(ctx context.Context, it OutboxItem, copies ...OutboxCopy) (OutboxItem, error) {
	if it.EnvelopeFrom == "" || len(it.Recipients) == 0 {
		return it, fmt.Errorf("store: queueing <%s>: the envelope needs a sender and a recipient", it.MessageID)
	}
	var saved OutboxItem
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, `INSERT INTO outbox(account_id, raw, sign, encrypt, technology, status, next_attempt_at, message_id,
		        envelope_from, recipients, created_at)
		    VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?) RETURNING `+outboxColumns,
			it.AccountID, it.Raw, it.Sign, it.Encrypt, it.Technology, outboxAt(time.Now()), it.MessageID,
			it.EnvelopeFrom, strings.Join(it.Recipients, "\n"), now())
		var err error
		if saved, err = scanOutbox(row); err != nil {
			return err
		}
		return insertCopies(ctx, tx, saved.ID, copies)
	})
	if err != nil {
		return it, fmt.Errorf("store: queueing <%s>: %w", it.MessageID, err)
	}
	return saved, nil
}

// OutboxItemByID returns one row, or an error matching ErrNotFound.
func (s *Store) OutboxItemByID(ctx context.Context, id int64) (OutboxItem, error) {
	it, err := scanOutbox(s.queryRow(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id))
	if errors.Is(err, ErrNotFound) {
		return it, fmt.Errorf("store: no outbox item %d: %w", id, ErrNotFound)
	}
	return it, err
}

// OutboxItems lists the rows of the given statuses (all when none is
// given), oldest first.
func (s *Store) OutboxItems(ctx context.Context, statuses ...OutboxStatus) ([]OutboxItem, error) {
	rows, err := s.query(ctx, `SELECT `+outboxColumns+` FROM outbox ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []OutboxItem{}
	for rows.Next() {
		it, err := scanOutbox(rows)
		if err != nil {
			return nil, err
		}
		if len(statuses) == 0 || slices.Contains(statuses, it.Status) {
			out = append(out, it)
		}
	}
	return out, rows.Err()
}

// ClaimOutbox moves the row from its status as the caller read it (it) to
// sending with a lease until leaseUntil and counts the attempt, if no one
// else changed it since: two processes never attempt the same row at once.
func (s *Store) ClaimOutbox(ctx context.Context, it OutboxItem, leaseUntil time.Time) (bool, error) {
	res, err := s.exec(ctx, `UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?
	    WHERE id = ? AND status = ? AND next_attempt_at = ?`,
		outboxAt(leaseUntil), it.ID, it.Status, outboxAt(it.NextAttemptAt))
	if err != nil {
		return false, fmt.Errorf("store: claiming outbox item %d: %w", it.ID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RescheduleOutbox records a failed attempt: status queued (due at next)
// or failed, with the reason; or, for a sending row whose fate could not be
// found out, sending with a new lease until next.
func (s *Store) RescheduleOutbox(ctx context.Context, id int64, status OutboxStatus, lastError string, next time.Time) error {
	if status != OutboxQueued && status != OutboxFailed && status != OutboxSending {
		return fmt.Errorf("store: outbox item %d cannot be rescheduled as %q", id, status)
	}
	_, err := s.exec(ctx, `UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = ? WHERE id = ?`,
		status, lastError, outboxAt(next), id)
	return err
}

// MarkOutboxSent records, in ONE transaction, that the server accepted the
// row's message: the row becomes sent, and the message becomes an outgoing
// article (security_pending, no mailbox yet) threaded into its ticket like
// synced mail (In-Reply-To, References, the ticket number in the Subject).
// When the copy in Sent is synced later, the sync claims this article by
// its content instead of storing it twice. An article with the same content
// that is already stored (a server that saves to Sent itself, synced
// first) is linked instead. It returns the article's ID.
func (s *Store) MarkOutboxSent(ctx context.Context, id int64) (int64, error) {
	pattern := s.ticketPattern(ctx)
	var articleID int64
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var raw []byte
		var mid string
		if err := tx.QueryRowContext(ctx, `SELECT raw, message_id FROM outbox WHERE id = ?`, id).Scan(&raw, &mid); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("store: no outbox item %d: %w", id, ErrNotFound)
			}
			return err
		}
		sha := mirror.Hash(raw)
		err := tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE content_sha256 = ? ORDER BY id LIMIT 1`, sha).Scan(&articleID)
		if errors.Is(err, sql.ErrNoRows) {
			th := &threader{ctx: ctx, q: tx, pattern: pattern, out: true}
			a, ticketID, err := th.thread(raw)
			if err != nil {
				return err
			}
			t := now()
			if err := tx.QueryRowContext(ctx, `INSERT INTO articles(ticket_id, message_id, content_sha256, direction, from_addr,
			        to_addrs, cc_addrs, subject, date, size, security_pending, parse_error, created_at)
			    VALUES (?, ?, ?, 'out', ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
				ticketID, mid, sha, a.From, a.To, a.Cc, a.Subject, a.Date, len(raw), a.ParseError, t).Scan(&articleID); err != nil {
				return fmt.Errorf("store: storing the sent article: %w", err)
			}
			if err := insertRaw(ctx, tx, articleID, raw); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE tickets SET updated_at = ? WHERE id = ?`, t, ticketID); err != nil {
				return err
			}
			if err := th.indexOpened(); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET status = 'sent', last_error = '', article_id = ? WHERE id = ?`, articleID, id)
		return err
	})
	return articleID, err
}
