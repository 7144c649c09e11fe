package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	sdcrypto "github.com/sealdesk/sealdesk/crypto"
)

// Security states of an article, derived from its crypto.Result so that
// lists can filter without parsing JSON.
const (
	SecurityNone      = "none"
	SecuritySigned    = "signed"
	SecurityEncrypted = "encrypted"
	SecurityFailed    = "failed"
)

// SecurityState is the state stored beside a result: failed when any part
// failed, else encrypted, signed or none.
func SecurityState(r sdcrypto.Result) string {
	switch {
	case r.Failed():
		return SecurityFailed
	case r.Encrypted:
		return SecurityEncrypted
	case r.Signed:
		return SecuritySigned
	}
	return SecurityNone
}

// Article is one message of a ticket. Raw is the message exactly as
// received; everything else is derived from it and can be recomputed.
type Article struct {
	ID            int64           `json:"id"`
	TicketID      int64           `json:"ticket_id"`
	MailboxID     int64           `json:"mailbox_id"` // 0: not from a mailbox (sealctl inspect)
	UID           int64           `json:"uid"`
	MessageID     string          `json:"message_id"`
	ContentSHA256 string          `json:"content_sha256"`
	Direction     string          `json:"direction"` // in, out
	From          string          `json:"from"`
	To            string          `json:"to"`
	Cc            string          `json:"cc"`
	Subject       string          `json:"subject"`
	Date          string          `json:"date"`
	Raw           []byte          `json:"-"`
	Security      sdcrypto.Result `json:"security"`
	SecurityState string          `json:"security_state"`
	// SealedContent is the decrypted entity, sealed with the store key and
	// bound to the article ID; nil when nothing was decrypted.
	SealedContent []byte `json:"-"`
	ParseError    string `json:"parse_error"`
	CreatedAt     string `json:"created_at"`
}

// SealFunc seals an article's decrypted content for the row it will live
// in (the ID is the AAD). It returns nil when there is nothing to cache.
// The store never sees the plaintext.
type SealFunc func(articleID int64) ([]byte, error)

// ContentSHA256 is the hash articles are deduplicated by.
func ContentSHA256(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// InsertArticle stores an article and, in the same transaction, its sealed
// content, and bumps its ticket's updated_at. TicketID 0 opens a new ticket
// for it (its subject, From as the customer) in that transaction, so a
// failure leaves no empty ticket behind.
func (s *Store) InsertArticle(ctx context.Context, a Article, seal SealFunc) (Article, error) {
	if a.ContentSHA256 == "" {
		a.ContentSHA256 = ContentSHA256(a.Raw)
	}
	if a.Direction == "" {
		a.Direction = "in"
	}
	sec, err := json.Marshal(a.Security)
	if err != nil {
		return a, err
	}
	a.SecurityState = SecurityState(a.Security)
	a.CreatedAt = now()
	var mailbox any
	if a.MailboxID != 0 {
		mailbox = a.MailboxID
	}
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		if a.TicketID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO tickets(number, subject, customer, created_at, updated_at)
			    VALUES ((SELECT COALESCE(MAX(number), 10000) + 1 FROM tickets), ?, ?, ?, ?) RETURNING id`,
				a.Subject, a.From, a.CreatedAt, a.CreatedAt).Scan(&a.TicketID)
			if err != nil {
				return fmt.Errorf("store: opening a ticket for the article: %w", err)
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO articles(ticket_id, mailbox_id, uid, message_id, content_sha256,
		    direction, from_addr, to_addrs, cc_addrs, subject, date, raw, security, security_state, parse_error, created_at)
		    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			a.TicketID, mailbox, a.UID, a.MessageID, a.ContentSHA256, a.Direction, a.From, a.To, a.Cc,
			a.Subject, a.Date, a.Raw, string(sec), a.SecurityState, a.ParseError, a.CreatedAt).Scan(&a.ID)
		if err != nil {
			return fmt.Errorf("store: inserting article: %w", err)
		}
		if a.SealedContent, err = sealFor(seal, a.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET sealed_content = ? WHERE id = ?`, a.SealedContent, a.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE tickets SET updated_at = ? WHERE id = ?`, a.CreatedAt, a.TicketID)
		return err
	})
	return a, err
}

// UpdateArticleSecurity replaces an article's security result and sealed
// content after the engines ran again over its raw message.
func (s *Store) UpdateArticleSecurity(ctx context.Context, id int64, r sdcrypto.Result, seal SealFunc) error {
	return s.UpdateArticleProcessed(ctx, id, "", r, seal)
}

// UpdateArticleProcessed is UpdateArticleSecurity that also sets the
// subject, in the same statement: a message that is decrypted only now
// reveals its protected Subject (RFC 9788). An empty subject keeps the
// stored one. The article is no longer security_pending.
func (s *Store) UpdateArticleProcessed(ctx context.Context, id int64, subject string, r sdcrypto.Result, seal SealFunc) error {
	sec, err := json.Marshal(r)
	if err != nil {
		return err
	}
	sealed, err := sealFor(seal, id)
	if err != nil {
		return err
	}
	res, err := s.exec(ctx, `UPDATE articles SET security = ?, security_state = ?, sealed_content = ?, security_pending = 0,
	    subject = CASE WHEN ? = '' THEN subject ELSE ? END WHERE id = ?`,
		string(sec), SecurityState(r), sealed, subject, subject, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func sealFor(seal SealFunc, id int64) ([]byte, error) {
	if seal == nil {
		return nil, nil
	}
	b, err := seal(id)
	if err != nil {
		return nil, fmt.Errorf("store: sealing the content of article %d: %w", id, err)
	}
	return b, nil
}

// Article returns one article with its raw message, or ErrNotFound.
func (s *Store) Article(ctx context.Context, id int64) (Article, error) {
	return s.articleWhere(ctx, `id = ?`, id)
}

// ArticleByContent returns the article whose raw message has this SHA-256
// (the oldest when several do), or ErrNotFound.
func (s *Store) ArticleByContent(ctx context.Context, sha string) (Article, error) {
	return s.articleWhere(ctx, `content_sha256 = ? ORDER BY id LIMIT 1`, sha)
}

func (s *Store) articleWhere(ctx context.Context, cond string, args ...any) (Article, error) {
	var a Article
	var sec string
	err := s.queryRow(ctx, `SELECT id, ticket_id, COALESCE(mailbox_id, 0), uid, message_id, content_sha256,
	    direction, from_addr, to_addrs, cc_addrs, subject, date, raw, security, security_state, sealed_content,
	    parse_error, created_at FROM articles WHERE `+cond, args...).Scan(
		&a.ID, &a.TicketID, &a.MailboxID, &a.UID, &a.MessageID, &a.ContentSHA256, &a.Direction, &a.From, &a.To,
		&a.Cc, &a.Subject, &a.Date, &a.Raw, &sec, &a.SecurityState, &a.SealedContent, &a.ParseError, &a.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(sec), &a.Security); err != nil {
		return a, fmt.Errorf("store: article %d has an unreadable security result: %w", a.ID, err)
	}
	return a, nil
}

// ArticlesToRetry lists the IDs of articles whose security process failed,
// oldest first; technology ("S/MIME", "PGP") narrows them to one engine's
// results, empty means any. IDs only: the caller loads one raw message at a
// time, so a retry over thousands of mails stays small in memory.
func (s *Store) ArticlesToRetry(ctx context.Context, technology string) ([]int64, error) {
	q := `SELECT id FROM articles WHERE security_state = 'failed'`
	var args []any
	if technology != "" {
		q += ` AND json_extract(security, '$.type') = ?`
		args = append(args, technology)
	}
	rows, err := s.query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
