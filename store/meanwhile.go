package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// TicketMark is how far a ticket's articles and history went when the
// composer looked (compose.Seen): its newest article and newest history
// row (state, owner, number; team records and local changes alike).
type TicketMark struct {
	ArticleID int64 `json:"article_id"`
	HistoryID int64 `json:"history_id"`
}

// TicketMark returns the ticket's mark now, or an error matching
// ErrNotFound.
func (s *Store) TicketMark(ctx context.Context, ticketID int64) (TicketMark, error) {
	var m TicketMark
	err := s.queryRow(ctx, `SELECT
	    (SELECT COALESCE(MAX(id), 0) FROM articles WHERE ticket_id = t.id),
	    (SELECT COALESCE(MAX(h.id), 0) FROM ticket_history h WHERE t.root_message_id != '' AND h.root = t.root_message_id)
	    FROM tickets t WHERE t.id = ?`, ticketID).Scan(&m.ArticleID, &m.HistoryID)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("store: no ticket %d: %w", ticketID, ErrNotFound)
	}
	return m, err
}

// ArticlesAfter lists the ticket's articles newer than article ID after,
// oldest first.
func (s *Store) ArticlesAfter(ctx context.Context, ticketID, after int64) ([]ArticleSummary, error) {
	return s.queryArticleSummaries(ctx, `SELECT `+articleSummaryColumns+` FROM articles WHERE ticket_id = ? AND id > ? ORDER BY id`, ticketID, after)
}

// HistoryAfter lists the ticket's history rows newer than row ID after
// that took effect (applied or local: a lost change changed nothing), in
// the order they were stored.
func (s *Store) HistoryAfter(ctx context.Context, ticketID, after int64) ([]HistoryEntry, error) {
	return s.queryHistory(ctx, `SELECT h.field, h.value, h.agent, h.at, h.outcome FROM ticket_history h
	    JOIN tickets t ON t.root_message_id = h.root WHERE t.id = ? AND t.root_message_id != '' AND h.id > ?
	    AND h.outcome != 'lost' ORDER BY h.id`, ticketID, after)
}
