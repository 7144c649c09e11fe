package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/sealdesk/sealdesk/mail/mirror"
)

// One message, several places: the same message (same Message-ID and
// content SHA-256) found in two folders of one account (a message Cc'd to
// ourselves and filed in INBOX and a project folder, a Gmail label, a copy
// made by a filter) is one article. Its own mailbox_id and uid are its
// first place; every further place is a row of article_copies. A copy
// follows the mirror like an article does (flags, expunge, UIDVALIDITY),
// and when the article's own place is expunged a copy takes over, so the
// article is expunged only when its last place is gone.
//
// Our own mail delivered back to us (sent to, or Cc'd to, the helpdesk
// address) is the one case where copies differ: INBOX's copy carries the
// trace headers every MTA prepends (Received, Return-Path, Delivered-To:
// RFC 5321 section 4.4) that the copy in Sent lacks, so the content hash
// differs. Such a copy is matched by Message-ID and by being the other
// message with only trace fields prepended (deliveredCopy).

// sameMessage finds the article of the account that already holds this
// message, at any place that is not expunged; 0 when none does.
func sameMessage(ctx context.Context, tx querier, accountID int64, m mirror.Message) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT a.id FROM articles a JOIN mailboxes mb ON mb.id = a.mailbox_id
	    WHERE a.message_id = ? AND a.content_sha256 = ? AND a.expunged = 0 AND mb.account_id = ?
	    ORDER BY a.id LIMIT 1`, m.MessageID, m.Hash, accountID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return deliveredCopy(ctx, tx, accountID, m)
	}
	return id, err
}

// deliveredCopy finds the article m is a delivered copy of, or that is a
// delivered copy of m: same Message-ID, and one message is the other with
// trace fields prepended (see sameDelivered). Our reply Cc'd to the
// helpdesk is the common case, met in either order (INBOX synced before
// Sent, or the outgoing article stored by the outbox first).
func deliveredCopy(ctx context.Context, tx querier, accountID int64, m mirror.Message) (int64, error) {
	if m.MessageID == "" {
		return 0, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.id, r.raw FROM articles a JOIN article_raw r ON r.article_id = a.id
	    LEFT JOIN mailboxes mb ON mb.id = a.mailbox_id
	    WHERE a.message_id = ? AND a.expunged = 0 AND (a.mailbox_id IS NULL OR mb.account_id = ?)
	    ORDER BY a.id LIMIT 8`, m.MessageID, accountID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			return 0, err
		}
		if sameDelivered(raw, m.Raw) {
			return id, nil
		}
	}
	return 0, rows.Err()
}

// sameDelivered reports whether one message is the other with header
// fields prepended that only a delivering server adds. Everything the
// agent reads and the engines check (From, Subject, Content-Type, the
// body) is then the same bytes; a message that merely borrows a
// Message-ID differs in them and stays an article of its own.
func sameDelivered(a, b []byte) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a) == len(b) || !bytes.HasSuffix(a, b) {
		return false
	}
	return tracePrefix(a[:len(a)-len(b)])
}

// traceFields are the fields servers prepend on delivery: Return-Path and
// Received (RFC 5321 section 4.4), Delivered-To and X-Original-To
// (Postfix, Dovecot LMTP), Authentication-Results (RFC 8601) and the ARC
// set (RFC 8617). A filter that adds other fields, or adds them lower in
// the header, leaves two articles, as before.
var traceFields = map[string]bool{"return-path": true, "received": true, "delivered-to": true,
	"x-original-to": true, "authentication-results": true, "arc-seal": true,
	"arc-message-signature": true, "arc-authentication-results": true}

// tracePrefix: p is whole header lines, each a trace field or its
// continuation (RFC 5322 section 2.2.3).
func tracePrefix(p []byte) bool {
	if len(p) == 0 || p[len(p)-1] != '\n' || p[0] == ' ' || p[0] == '\t' {
		return false
	}
	for line := range bytes.Lines(p) {
		if line[0] == ' ' || line[0] == '\t' {
			continue
		}
		name, _, ok := bytes.Cut(line, []byte(":"))
		if !ok || !traceFields[strings.ToLower(string(name))] {
			return false
		}
	}
	return true
}

// addCopy records a further place of article id and reports true. Saving
// the article's own place again is a no-op, and reports false.
func addCopy(ctx context.Context, tx querier, id, mb int64, uv uint32, m mirror.Message, flags, date string) (bool, error) {
	var ownMB sql.NullInt64
	var ownUID int64
	if err := tx.QueryRowContext(ctx, `SELECT mailbox_id, uid FROM articles WHERE id = ?`, id).Scan(&ownMB, &ownUID); err != nil {
		return false, err
	}
	if ownMB.Valid && ownMB.Int64 == mb && ownUID == int64(m.UID) {
		return false, nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO article_copies(article_id, mailbox_id, uid, uid_validity, flags, internal_date, size, modseq)
	    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
	    ON CONFLICT(mailbox_id, uid) DO UPDATE SET article_id = excluded.article_id, uid_validity = excluded.uid_validity,
	        flags = excluded.flags, internal_date = excluded.internal_date, size = excluded.size, modseq = excluded.modseq`,
		id, mb, m.UID, uv, flags, date, m.Size, m.ModSeq)
	return err == nil, err
}

// expungeUID handles one expunged UID: a copy is dropped; an article's own
// place is taken over by its oldest copy, if any, else the article is
// marked expunged (it stays in its ticket).
func expungeUID(ctx context.Context, tx *sql.Tx, mb int64, uid uint32) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM article_copies WHERE mailbox_id = ? AND uid = ?`, mb, uid)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE mailbox_id = ? AND uid > 0 AND uid = ? AND detached = 0`, mb, uid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	var copyID int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM article_copies WHERE article_id = ? ORDER BY id LIMIT 1`, id).Scan(&copyID)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = tx.ExecContext(ctx, `UPDATE articles SET expunged = 1 WHERE id = ?`, id)
		return err
	}
	if err != nil {
		return err
	}
	// The copy's place must be free in articles' (mailbox_id, uid) index
	// before the article moves there: take the row out first.
	var c struct {
		mb, uid, uv, size, modseq int64
		flags, date               string
	}
	if err := tx.QueryRowContext(ctx, `DELETE FROM article_copies WHERE id = ?
	    RETURNING mailbox_id, uid, uid_validity, flags, internal_date, size, modseq`, copyID).Scan(
		&c.mb, &c.uid, &c.uv, &c.flags, &c.date, &c.size, &c.modseq); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE articles SET mailbox_id = ?, uid = ?, uid_validity = ?, flags = ?, internal_date = ?,
	    size = ?, modseq = ?, detached = 0, expunged = 0 WHERE id = ?`, c.mb, c.uid, c.uv, c.flags, c.date, c.size, c.modseq, id)
	return err
}

// copiesQuery lists the copies in one account's mailbox as mirrored
// articles (see MirroredArticles).
const copiesQuery = `SELECT a.id, a.ticket_id, c.uid, c.flags, c.internal_date, c.size, c.modseq, r.raw,
        a.message_id, a.content_sha256, a.security_pending
    FROM article_copies c JOIN articles a ON a.id = c.article_id JOIN article_raw r ON r.article_id = a.id
        JOIN mailboxes m ON m.id = c.mailbox_id
    WHERE m.account_id = ? AND m.name = ?`

// IsCopyAt reports whether the mailbox UID is a further place of an
// article (see article_copies) rather than an article's own place, and
// which article: the sync's processor skips it, the article is processed
// through its own place.
func (s *Store) IsCopyAt(ctx context.Context, accountID int64, mailbox string, uid uint32) (int64, bool, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT c.article_id FROM article_copies c JOIN mailboxes m ON m.id = c.mailbox_id
	    WHERE m.account_id = ? AND m.name = ? AND c.uid = ?`, accountID, mailbox, uid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

func splitFlags(flags string) []string {
	if flags == "" {
		return nil
	}
	return strings.Split(flags, "\n")
}
