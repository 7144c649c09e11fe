package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mail/mirror"
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
func SecurityState(r verdict.Result) string {
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
	ID            int64              `json:"id"`
	TicketID      int64              `json:"ticket_id"`
	MailboxID     int64              `json:"mailbox_id"` // 0: not from a mailbox (sealctl inspect)
	UID           int64              `json:"uid"`
	MessageID     string             `json:"message_id"`
	ContentSHA256 mirror.ContentHash `json:"content_sha256"`
	Direction     string             `json:"direction"` // in, out
	From          string             `json:"from"`
	To            string             `json:"to"`
	Cc            string             `json:"cc"`
	Subject       string             `json:"subject"`
	Date          string             `json:"date"`
	Raw           []byte             `json:"-"`
	Security      verdict.Result     `json:"security"`
	SecurityState string             `json:"security_state"`
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

// InsertArticle stores an article and, in the same transaction, its sealed
// content, and bumps its ticket's updated_at. TicketID 0 opens a new ticket
// for it (its subject, From as the customer) in that transaction, so a
// failure leaves no empty ticket behind.
//
// A message already stored (the same content, as any article) is not
// stored again: InsertArticle returns a *DuplicateError naming the article
// that holds it, and leaves no ticket behind. This holds when several
// processes insert the same message at once: the insert itself decides,
// not a look-up before it (see insertArticleQuery).
func (s *Store) InsertArticle(ctx context.Context, a Article, seal SealFunc) (Article, error) {
	if a.ContentSHA256.IsZero() {
		a.ContentSHA256 = mirror.Hash(a.Raw)
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
			if err := indexTickets(ctx, tx, []int64{a.TicketID}); err != nil {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, insertArticleQuery,
			a.TicketID, mailbox, a.UID, a.MessageID, a.ContentSHA256, a.Direction, a.From, a.To, a.Cc,
			a.Subject, a.Date, string(sec), a.SecurityState, a.ParseError, a.CreatedAt, a.ContentSHA256).Scan(&a.ID)
		if errors.Is(err, sql.ErrNoRows) {
			dup := &DuplicateError{}
			if err := tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE content_sha256 = ? ORDER BY id LIMIT 1`,
				a.ContentSHA256).Scan(&dup.ID); err != nil {
				return fmt.Errorf("store: finding the article that holds the message: %w", err)
			}
			return dup // rolls back the ticket opened above
		}
		if err != nil {
			return fmt.Errorf("store: inserting article: %w", err)
		}
		if err := insertRaw(ctx, tx, a.ID, a.Raw); err != nil {
			return err
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
func (s *Store) UpdateArticleSecurity(ctx context.Context, id int64, r verdict.Result, seal SealFunc) error {
	return s.UpdateArticleProcessed(ctx, id, "", r, seal)
}

// UpdateArticleProcessed is UpdateArticleSecurity that also sets the
// subject, in the same statement: a message that is decrypted only now
// reveals its protected Subject (RFC 9788). An empty subject keeps the
// stored one. The article is no longer security_pending.
func (s *Store) UpdateArticleProcessed(ctx context.Context, id int64, subject string, r verdict.Result, seal SealFunc) error {
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
func (s *Store) ArticleByContent(ctx context.Context, sha mirror.ContentHash) (Article, error) {
	return s.articleWhere(ctx, `content_sha256 = ? ORDER BY id LIMIT 1`, sha)
}

// ArticleByMessageID returns the newest article with this Message-ID (as
// thread.MessageID reads it, without angle brackets), or ErrNotFound.
func (s *Store) ArticleByMessageID(ctx context.Context, id string) (Article, error) {
	return s.articleWhere(ctx, `message_id = ? ORDER BY id DESC LIMIT 1`, id)
}

func (s *Store) articleWhere(ctx context.Context, cond string, args ...any) (Article, error) {
	var a Article
	var sec string
	err := s.queryRow(ctx, `SELECT id, ticket_id, COALESCE(mailbox_id, 0), uid, message_id, content_sha256,
	    direction, from_addr, to_addrs, cc_addrs, subject, date, r.raw, security, security_state, sealed_content,
	    parse_error, created_at FROM articles JOIN article_raw r ON r.article_id = articles.id WHERE `+cond, args...).Scan(
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

// insertRaw stores an article's raw message beside its row (see
// migration 0009: the row is rewritten on every new result, the message
// never).
func insertRaw(ctx context.Context, tx querier, articleID int64, raw []byte) error {
	if raw == nil {
		raw = []byte{} // NOT NULL: an empty message is still a message
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO article_raw(article_id, raw) VALUES (?, ?)`, articleID, raw); err != nil {
		return fmt.Errorf("store: storing the raw message of article %d: %w", articleID, err)
	}
	return nil
}

// RawArticle is what one run of the security engines needs of a stored
// article: the raw message and the fields its outcome is written with.
type RawArticle struct {
	ID        int64
	MessageID string
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
	rows, err := s.query(ctx, `SELECT a.id, a.message_id, r.raw FROM articles a JOIN article_raw r ON r.article_id = a.id
	    WHERE a.id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a RawArticle
		if err := rows.Scan(&a.ID, &a.MessageID, &a.Raw); err != nil {
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
	return s.queryIDs(ctx, q+` ORDER BY id`, args...)
}

// queryIDs runs a query whose rows are one integer ID each.
func (s *Store) queryIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.query(ctx, q, args...)
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
	Result  verdict.Result
	Seal    SealFunc
	// Log are the verify and decrypt entries of the run.
	Log []LogEntry
	// Found are the keys the message carries, proposed as AddPendingKeys
	// would (ArticleID set), in the same transaction.
	Found []PendingKey
}

// SaveProcessed writes the outcomes of a batch of engine runs in ONE
// transaction: each article's result, sealed content and subject (no
// longer security_pending), its security log entries and the keys it
// carries (proposeFound). A batch costs one
// commit instead of one per row (a commit costs more than the row; README,
// Benchmarks), and a few multi-row statements instead of two per
// article (an UPDATE ... FROM (VALUES ...) for the results, a multi-row
// INSERT for the log): per statement, database/sql and SQLite cost more
// than the row itself. An article deleted meanwhile is skipped (no result,
// no log entry, no key proposed) and reported in missing; any other
// failure rolls the whole batch back.
func (s *Store) SaveProcessed(ctx context.Context, batch []Processed) (ProcessedSaved, error) {
	var out ProcessedSaved
	if len(batch) == 0 {
		return out, nil
	}
	// The result rows, one per article: when an ID comes twice, its last
	// outcome is the one stored, as when each was written in turn.
	last := make(map[int64]int, len(batch))
	for i, p := range batch {
		last[p.ArticleID] = i
	}
	updArgs := make([]any, 0, len(last)*updateProcessedRows.cols)
	nLog := 0
	// One buffer and encoder for the batch's results: json.Marshal
	// allocates its output afresh for every article.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true) // as json.Marshal
	for i, p := range batch {
		nLog += len(p.Log)
		if last[p.ArticleID] != i {
			continue
		}
		buf.Reset()
		if err := enc.Encode(p.Result); err != nil {
			return out, err
		}
		// Encode ends the value with a newline; json.Marshal does not.
		sec := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		// Sealing happens before the write lock is taken: it is CPU work.
		sealed, err := sealFor(p.Seal, p.ArticleID)
		if err != nil {
			return out, err
		}
		updArgs = append(updArgs, string(sec), SecurityState(p.Result), sealed, p.Subject, p.ArticleID)
	}
	at := now()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		out = ProcessedSaved{}
		var err error
		if out.Retitled, err = retitled(ctx, tx, batch, last); err != nil {
			return err
		}
		q := s.preparedTx(tx)
		updated, err := updateProcessedRows.exec(ctx, q, updArgs)
		if err != nil {
			return fmt.Errorf("store: saving the security results of %d articles: %w", len(last), err)
		}
		var gone map[int64]bool
		if updated != int64(len(last)) {
			if gone, err = absentArticles(ctx, tx, last); err != nil {
				return err
			}
		}
		logArgs := make([]any, 0, nLog*insertLogRows.cols)
		for _, p := range batch {
			if gone[p.ArticleID] {
				out.Missing = append(out.Missing, p.ArticleID)
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
				logArgs = append(logArgs, e.At, e.Direction, e.Technology, e.Operation, e.Status, article, e.MessageID, e.Detail)
			}
		}
		if _, err := insertLogRows.exec(ctx, q, logArgs); err != nil {
			return fmt.Errorf("store: logging the processing of %d articles: %w", len(last), err)
		}
		return proposeFound(ctx, q, batch, gone)
	})
	if err == nil {
		s.wrote()
	}
	return out, err
}

// proposeFound proposes the keys the batch's articles carry (Found), in a
// savepoint of SaveProcessed's transaction: failing to record them does
// not fail the processing (they are offered again when the article is
// re-run), as when each article's keys had a transaction of their own.
func proposeFound(ctx context.Context, q querier, batch []Processed, gone map[int64]bool) error {
	var keys []PendingKey
	for _, p := range batch {
		if !gone[p.ArticleID] {
			keys = append(keys, p.Found...)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	if _, err := q.ExecContext(ctx, `SAVEPOINT found_keys`); err != nil {
		return err
	}
	if _, err := addPendingKeys(ctx, q, keys); err != nil {
		if _, err := q.ExecContext(ctx, `ROLLBACK TO found_keys`); err != nil {
			return err
		}
	}
	_, err := q.ExecContext(ctx, `RELEASE found_keys`)
	return err
}

// ProcessedSaved is what SaveProcessed reports beyond writing.
type ProcessedSaved struct {
	// Missing are the articles deleted meanwhile: nothing was written
	// for them.
	Missing []int64
	// Retitled are the articles whose subject the batch replaced with a
	// different one (a protected Subject, RFC 9788): the one they were
	// threaded by no longer holds (see RethreadBySubject). The caller
	// need not know the stored subject.
	Retitled []int64
}

// retitled reads, inside the transaction about to write them, which
// articles of batch get a subject other than their stored one. Most
// batches carry no subject at all and cost no query.
func retitled(ctx context.Context, tx *sql.Tx, batch []Processed, last map[int64]int) ([]int64, error) {
	var ids []int64
	for i, p := range batch {
		if p.Subject != "" && last[p.ArticleID] == i {
			ids = append(ids, p.ArticleID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	js, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, subject FROM articles WHERE id IN (SELECT value FROM json_each(?))`, string(js))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		var subject string
		if err := rows.Scan(&id, &subject); err != nil {
			return nil, err
		}
		if batch[last[id]].Subject != subject {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// absentArticles are the IDs of ids (the keys) with no article, read
// inside the transaction that just failed to update them.
func absentArticles(ctx context.Context, tx *sql.Tx, ids map[int64]int) (map[int64]bool, error) {
	gone := make(map[int64]bool, len(ids))
	list := make([]int64, 0, len(ids))
	for id := range ids {
		gone[id] = true
		list = append(list, id)
	}
	js, err := json.Marshal(list)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM articles WHERE id IN (SELECT value FROM json_each(?))`, string(js))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		delete(gone, id)
	}
	return gone, rows.Err()
}

const updateProcessedQuery = `UPDATE articles SET security = ?, security_state = ?, sealed_content = ?, security_pending = 0,
    subject = CASE WHEN ? = '' THEN subject ELSE ? END WHERE id = ?`

// updateProcessedRows is updateProcessedQuery over many articles, each
// (security, security_state, sealed_content, subject, id).
var updateProcessedRows = newMultiRow(`UPDATE articles SET security = v.column1, security_state = v.column2, sealed_content = v.column3,
    security_pending = 0, subject = CASE WHEN v.column4 = '' THEN articles.subject ELSE v.column4 END
    FROM (VALUES `, 5, `) AS v WHERE articles.id = v.column5`)

// insertLogRows is AppendLog's insert (securitylog.go) over many entries,
// run inside a SaveProcessed transaction.
var insertLogRows = newMultiRow(`INSERT INTO security_log(at, direction, technology, operation, status, article_id, message_id, detail)
    VALUES `, 8, ``)
