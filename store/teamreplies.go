package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"time"
)

// Reply claims (docs/team.md, "Reply claims"): reply records read from the
// team folder are held in team_replies, for the composer's rule before
// Send (compose.Blocking). A reply record changes no ticket: it is held,
// never applied to the view.

// TeamReply is one reply record held.
type TeamReply struct {
	UID       uint32
	Root      string
	Seen      string
	Articles  int
	Agent     string
	At        time.Time
	MessageID string
}

// applyReply holds a reply record.
func (a *applier) applyReply(r TeamRecord) (string, error) {
	err := a.exec(`INSERT INTO team_replies(account_id, uid, root, seen, articles, agent, at, message_id)
	    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(account_id, uid) DO NOTHING`,
		a.account, r.UID, r.Root, r.Seen, r.Articles, r.Agent, r.At.UTC().Format(time.RFC3339Nano), r.MessageID)
	return "applied", err
}

// TeamReplies returns the reply records held for ticket root in an
// account's log, by ascending UID.
func (s *Store) TeamReplies(ctx context.Context, accountID int64, root string) ([]TeamReply, error) {
	rows, err := s.query(ctx, `SELECT uid, root, seen, articles, agent, at, message_id FROM team_replies
	    WHERE account_id = ? AND root = ? ORDER BY uid`, accountID, root)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TeamReply
	for rows.Next() {
		var r TeamReply
		var at string
		if err := rows.Scan(&r.UID, &r.Root, &r.Seen, &r.Articles, &r.Agent, &at, &r.MessageID); err != nil {
			return nil, err
		}
		r.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// TeamReplyUID returns the UID of the reply record with Message-ID
// messageID held for an account, 0 when none is held.
func (s *Store) TeamReplyUID(ctx context.Context, accountID int64, messageID string) (uint32, error) {
	var uid uint32
	err := s.queryRow(ctx, `SELECT uid FROM team_replies WHERE account_id = ? AND message_id = ? ORDER BY uid LIMIT 1`,
		accountID, messageID).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return uid, err
}

// ReplyView is a ticket as a composer saw it, in the terms every laptop
// shares (a reply record's): the ticket's root and the view up to an
// article.
type ReplyView struct {
	// Root is the ticket's root Message-ID; "" when not known yet.
	Root string
	// Seen is the Message-ID of the newest of the articles seen (by the
	// Date header, then by Message-ID; local article IDs differ between
	// laptops; "sha256:<hex>" of a mail without one), "" for none;
	// Articles is how many distinct mails they are.
	Seen     string
	Articles int
}

// TicketReplyView returns ticket ticketID's view up to article ID
// articleID (the composer's compose.Seen), or an error matching
// ErrNotFound.
func (s *Store) TicketReplyView(ctx context.Context, ticketID, articleID int64) (ReplyView, error) {
	var v ReplyView
	err := s.queryRow(ctx, `SELECT root_message_id FROM tickets WHERE id = ?`, ticketID).Scan(&v.Root)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("store: no ticket %d: %w", ticketID, ErrNotFound)
	}
	if err != nil {
		return v, err
	}
	rows, err := s.query(ctx, `SELECT message_id, content_sha256, date FROM articles WHERE ticket_id = ? AND id <= ? ORDER BY id`,
		ticketID, articleID)
	if err != nil {
		return v, err
	}
	defer rows.Close()
	mails := map[string]bool{}
	var newest time.Time
	for rows.Next() {
		var mid, sha, date string
		if err := rows.Scan(&mid, &sha, &date); err != nil {
			return v, err
		}
		key := mid
		if key == "" {
			key = "sha256:" + sha
		}
		if mails[key] {
			continue // one mail held twice (copies in two folders)
		}
		mails[key] = true
		t, _ := mail.ParseDate(date) // no date: the oldest
		if len(mails) == 1 || t.After(newest) || (t.Equal(newest) && key > v.Seen) {
			newest, v.Seen = t, key
		}
	}
	v.Articles = len(mails)
	return v, rows.Err()
}
