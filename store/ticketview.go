package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrBadFilter: a ticket list filter with a value the list does not know.
var ErrBadFilter = errors.New("store: bad ticket filter")

// Ticket returns one ticket as the list shows it, or ErrNotFound.
func (s *Store) Ticket(ctx context.Context, id int64) (Ticket, error) {
	var t Ticket
	err := s.queryRow(ctx, `SELECT `+ticketColumns+` FROM tickets t WHERE t.id = ?`, id).Scan(t.fields()...)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	return t, err
}

// SetTicketState moves a ticket to one of TicketStates, else ErrBadState.
func (s *Store) SetTicketState(ctx context.Context, id int64, state TicketState) error {
	if !state.Valid() {
		return fmt.Errorf("%w, not %q", ErrBadState, state)
	}
	return s.updateTicket(ctx, `UPDATE tickets SET state = ?, updated_at = ? WHERE id = ?`, state, now(), id)
}

// MarkTicketRead sets a ticket's unread mark. It does not bump
// updated_at: reading a ticket must not move it up the list.
func (s *Store) MarkTicketRead(ctx context.Context, id int64, read bool) error {
	return s.updateTicket(ctx, `UPDATE tickets SET unread = ? WHERE id = ?`, !read, id)
}

func (s *Store) updateTicket(ctx context.Context, q string, args ...any) error {
	res, err := s.exec(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// RecheckableArticles counts the articles whose security process failed
// before the newest certificate or OpenPGP key was stored: running the
// engines again may now change their outcome. An import re-runs failed
// articles itself, so this is 0 after it unless that re-run was
// interrupted. WARNING: a private key added to a certificate already
// stored does not count as newer material (the certificate row keeps its
// time); the import's own re-run covers that case.
func (s *Store) RecheckableArticles(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM articles
	    WHERE security_state = 'failed'
	      AND COALESCE(julianday(json_extract(security, '$.processed_at')), 0) < (SELECT MAX(
	          COALESCE((SELECT julianday(MAX(created_at)) FROM smime_certificates), 0),
	          COALESCE((SELECT julianday(MAX(created_at)) FROM pgp_keys), 0)))`).Scan(&n)
	return n, err
}
