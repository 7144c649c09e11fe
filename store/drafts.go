package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Draft is a message the composer keeps while the agent writes it (table
// drafts, migration 0005). Its content is opaque here: the caller seals it
// with the store key, bound to the row (see SealFunc), because a reply
// quotes decrypted text. The store never sees the plaintext. Its
// attachments are rows of their own (draft_attachments.go), deleted with it.
type Draft struct {
	ID        int64  `json:"id"`
	TicketID  int64  `json:"ticket_id"`  // 0: a new ticket
	ArticleID int64  `json:"article_id"` // 0: not a reply or forward
	Mode      string `json:"mode"`       // new, reply, reply-all, forward
	Sealed    []byte `json:"-"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

const draftColumns = `id, COALESCE(ticket_id, 0), COALESCE(article_id, 0), mode, sealed, created_at, updated_at`

func scanDraft(r scanner) (Draft, error) {
	var d Draft
	err := r.Scan(&d.ID, &d.TicketID, &d.ArticleID, &d.Mode, &d.Sealed, &d.CreatedAt, &d.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	return d, err
}

// SaveDraft inserts a draft (ID 0) or replaces its content, and returns it
// as stored. seal is called in the transaction with the row's ID; a nil or
// failing seal stores nothing.
func (s *Store) SaveDraft(ctx context.Context, d Draft, seal SealFunc) (Draft, error) {
	if seal == nil {
		return d, errors.New("store: a draft is only stored sealed")
	}
	t := now()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if d.ID == 0 {
			if err := tx.QueryRowContext(ctx, `INSERT INTO drafts(ticket_id, article_id, mode, sealed, created_at, updated_at)
			    VALUES (NULLIF(?, 0), NULLIF(?, 0), ?, x'', ?, ?) RETURNING id`, d.TicketID, d.ArticleID, d.Mode, t, t).Scan(&d.ID); err != nil {
				return fmt.Errorf("store: saving the draft: %w", err)
			}
		}
		sealed, err := seal(d.ID)
		if err != nil {
			return err
		}
		if len(sealed) == 0 {
			return errors.New("store: a draft is only stored sealed")
		}
		res, err := tx.ExecContext(ctx, `UPDATE drafts SET sealed = ?, updated_at = ? WHERE id = ?`, sealed, t, d.ID)
		if err != nil {
			return fmt.Errorf("store: saving draft %d: %w", d.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: no draft %d: %w", d.ID, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return d, err
	}
	return s.Draft(ctx, d.ID)
}

// Draft returns one draft, or an error matching ErrNotFound.
func (s *Store) Draft(ctx context.Context, id int64) (Draft, error) {
	d, err := scanDraft(s.queryRow(ctx, `SELECT `+draftColumns+` FROM drafts WHERE id = ?`, id))
	if errors.Is(err, ErrNotFound) {
		return d, fmt.Errorf("store: no draft %d: %w", id, ErrNotFound)
	}
	return d, err
}

// Drafts lists the drafts, the most recently saved first.
func (s *Store) Drafts(ctx context.Context) ([]Draft, error) {
	rows, err := s.query(ctx, `SELECT `+draftColumns+` FROM drafts ORDER BY updated_at DESC, id DESC LIMIT 500`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Draft{}
	for rows.Next() {
		d, err := scanDraft(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DeleteDraft removes a draft (after its message was queued, or when the
// agent discards it).
func (s *Store) DeleteDraft(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM drafts WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: no draft %d: %w", id, ErrNotFound)
	}
	return nil
}

// ErrOutboxBusy: an outbox row being sent, or already sent, cannot be
// discarded.
var ErrOutboxBusy = errors.New("store: the message is being sent or was sent: it can no longer be discarded")

// DiscardOutbox removes a queued or failed outbox row at the agent's
// request (the composer's Discard). A row in "sending" is never removed:
// its outcome is unknown (see mailbox's outbox).
func (s *Store) DiscardOutbox(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM outbox WHERE id = ? AND status IN ('queued', 'failed')`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err := s.OutboxItemByID(ctx, id); err != nil {
		return err
	}
	return fmt.Errorf("%w (outbox item %d)", ErrOutboxBusy, id)
}

// DraftFor is the newest draft written for the same intent, so that
// reopening the composer resumes it: the same mode on the same article,
// or without an article on the same ticket (0: a new ticket). ErrNotFound
// when there is none.
func (s *Store) DraftFor(ctx context.Context, ticketID, articleID int64, mode string) (Draft, error) {
	return scanDraft(s.queryRow(ctx, `SELECT `+draftColumns+` FROM drafts
	    WHERE mode = ?1 AND CASE WHEN ?3 != 0 THEN article_id = ?3
	        ELSE article_id IS NULL AND COALESCE(ticket_id, 0) = ?2 END
	    ORDER BY updated_at DESC, id DESC LIMIT 1`, mode, ticketID, articleID))
}

// TicketNumber is the number of a ticket, for the subject marker of a
// reply ("[Ticket#10042]").
func (s *Store) TicketNumber(ctx context.Context, id int64) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT number FROM tickets WHERE id = ?`, id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: no ticket %d: %w", id, ErrNotFound)
	}
	return n, err
}
