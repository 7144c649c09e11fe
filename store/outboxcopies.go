package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// OutboxCopy is a copy of an outbox row's message sealed for some of its
// recipients only (table outbox_copies, migration 0011): the Bcc copies
// of encrypted mail. The row's Raw goes to the rest of its Recipients
// and is the copy kept in Sent; each OutboxCopy goes to its own
// Recipients, which are also in the row's.
type OutboxCopy struct {
	ID         int64    `json:"id"`
	OutboxID   int64    `json:"outbox_id"`
	Recipients []string `json:"recipients"`
	Raw        []byte   `json:"-"`
	// Sent is set once the server accepted this copy: it is never sent
	// again, whatever happens to the rest of the row.
	Sent bool `json:"sent"`
}

func insertCopies(ctx context.Context, tx *sql.Tx, outboxID int64, copies []OutboxCopy) error {
	for _, c := range copies {
		if len(c.Recipients) == 0 {
			return errors.New("a copy has no recipient")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_copies(outbox_id, recipients, raw) VALUES (?, ?, ?)`,
			outboxID, strings.Join(c.Recipients, "\n"), c.Raw); err != nil {
			return err
		}
	}
	return nil
}

// OutboxCopies returns the copies of an outbox row in the order they were
// queued (none for most rows).
func (s *Store) OutboxCopies(ctx context.Context, outboxID int64) ([]OutboxCopy, error) {
	rows, err := s.query(ctx, `SELECT id, outbox_id, recipients, raw, sent_at != '' FROM outbox_copies WHERE outbox_id = ? ORDER BY id`, outboxID)
	if err != nil {
		return nil, fmt.Errorf("store: reading the copies of outbox item %d: %w", outboxID, err)
	}
	defer rows.Close()
	var out []OutboxCopy
	for rows.Next() {
		var c OutboxCopy
		var rcpts string
		if err := rows.Scan(&c.ID, &c.OutboxID, &rcpts, &c.Raw, &c.Sent); err != nil {
			return nil, err
		}
		c.Recipients = strings.Split(rcpts, "\n")
		out = append(out, c)
	}
	return out, rows.Err()
}

// MarkOutboxCopySent records that the server accepted the copy.
func (s *Store) MarkOutboxCopySent(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `UPDATE outbox_copies SET sent_at = ? WHERE id = ?`, now(), id)
	if err != nil {
		return fmt.Errorf("store: recording the delivery of outbox copy %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: no outbox copy %d: %w", id, ErrNotFound)
	}
	return nil
}
