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
	res, err := s.exec(ctx, updateProcessedQuery,
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

// RawArticle is what one run of the security engines needs of a stored
// article: the raw message and the fields its outcome is written with.
type RawArticle struct {
	ID        int64
	MessageID string
	Subject   string
	Raw       []byte
}

// RawArticles loads the raw messages of ids in one query, by ID; an ID
// with no article is absent from the map. It reads none of the derived
// columns (the stored result as JSON, the sealed content): the engines
// recompute them, and decoding the old result cost as much as reading the
// row (make bench, a batch of OpenPGP articles).
func (s *Store) RawArticles(ctx context.Context, ids []int64) (map[int64]RawArticle, error) {
	out := make(map[int64]RawArticle, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// One statement text for any number of IDs (a JSON array bound to
	// json_each), so the prepared-statement cache holds one entry.
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT id, message_id, subject, raw FROM articles
	    WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a RawArticle
		if err := rows.Scan(&a.ID, &a.MessageID, &a.Subject, &a.Raw); err != nil {
			return nil, err
		}
		out[a.ID] = a
	}
	return out, rows.Err()
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

// Processed is the outcome of one run of the security engines over a
// stored article, as SaveProcessed writes it.
type Processed struct {
	ArticleID int64
	// Subject replaces the stored one when not empty (the protected
	// Subject, RFC 9788).
	Subject string
	Result  sdcrypto.Result
	Seal    SealFunc
	// Log are the verify and decrypt entries of the run.
	Log []LogEntry
}

// SaveProcessed writes the outcomes of a batch of engine runs in ONE
// transaction: each article's result, sealed content and subject (no
// longer security_pending) and its security log entries. A batch costs one
// commit instead of one per row (make bench: about a tenth of a millisecond
// per article saved). An article deleted meanwhile is skipped and reported
// in missing; any other failure rolls the whole batch back.
func (s *Store) SaveProcessed(ctx context.Context, batch []Processed) (missing []int64, err error) {
	if len(batch) == 0 {
		return nil, nil
	}
	type row struct {
		sec    []byte
		sealed []byte
	}
	rows := make([]row, len(batch))
	for i, p := range batch {
		if rows[i].sec, err = json.Marshal(p.Result); err != nil {
			return nil, err
		}
		// Sealing happens before the write lock is taken: it is CPU work.
		if rows[i].sealed, err = sealFor(p.Seal, p.ArticleID); err != nil {
			return nil, err
		}
	}
	at := now()
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		missing = missing[:0]
		update, err := s.txStmt(ctx, tx, updateProcessedQuery)
		if err != nil {
			return err
		}
		logIns, err := s.txStmt(ctx, tx, insertLogQuery)
		if err != nil {
			return err
		}
		for i, p := range batch {
			res, err := update.ExecContext(ctx, string(rows[i].sec), SecurityState(p.Result), rows[i].sealed, p.Subject, p.Subject, p.ArticleID)
			if err != nil {
				return fmt.Errorf("store: saving the security result of article %d: %w", p.ArticleID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				missing = append(missing, p.ArticleID)
				continue
			}
			for _, e := range p.Log {
				if e.At == "" {
					e.At = at
				}
				var article any
				if e.ArticleID != 0 {
					article = e.ArticleID
				}
				if _, err := logIns.ExecContext(ctx, e.At, e.Direction, e.Technology, e.Operation, e.Status, article, e.MessageID, e.Detail); err != nil {
					return fmt.Errorf("store: logging the processing of article %d: %w", p.ArticleID, err)
				}
			}
		}
		return nil
	})
	return missing, err
}

const updateProcessedQuery = `UPDATE articles SET security = ?, security_state = ?, sealed_content = ?, security_pending = 0,
    subject = CASE WHEN ? = '' THEN subject ELSE ? END WHERE id = ?`

// insertLogQuery is AppendLog's insert (securitylog.go), run inside a
// SaveProcessed transaction.
const insertLogQuery = `INSERT INTO security_log(at, direction, technology, operation, status, article_id, message_id, detail)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// txStmt is the cached prepared statement bound to tx (see stmts.go), or
// the text prepared in tx when the cache has none.
func (s *Store) txStmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	if st := s.prepared(ctx, query); st != nil {
		return tx.StmtContext(ctx, st), nil
	}
	return tx.PrepareContext(ctx, query)
}
