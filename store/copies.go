package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
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
// WARNING: copies differ from each other when a server rewrites a message
// on delivery: INBOX's copy of a message we sent to ourselves carries the
// MTA's Received and Delivered-To headers that the one APPENDed to Sent
// lacks. The content hash then differs and they stay two articles.

// sameMessage finds the article of the account that already holds this
// message, at any place that is not expunged; 0 when none does.
func sameMessage(ctx context.Context, tx *sql.Tx, accountID int64, m MailboxMessage) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT a.id FROM articles a JOIN mailboxes mb ON mb.id = a.mailbox_id
	    WHERE a.message_id = ? AND a.content_sha256 = ? AND a.expunged = 0 AND mb.account_id = ?
	    ORDER BY a.id LIMIT 1`, m.MessageID, m.ContentSHA256, accountID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// addCopy records a further place of article id. Saving the article's own
// place again is a no-op.
func addCopy(ctx context.Context, tx *sql.Tx, id, mb int64, uv uint32, m MailboxMessage, flags, date string) error {
	var ownMB sql.NullInt64
	var ownUID int64
	if err := tx.QueryRowContext(ctx, `SELECT mailbox_id, uid FROM articles WHERE id = ?`, id).Scan(&ownMB, &ownUID); err != nil {
		return err
	}
	if ownMB.Valid && ownMB.Int64 == mb && ownUID == int64(m.UID) {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO article_copies(article_id, mailbox_id, uid, uid_validity, flags, internal_date, size, modseq)
	    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
	    ON CONFLICT(mailbox_id, uid) DO UPDATE SET article_id = excluded.article_id, uid_validity = excluded.uid_validity,
	        flags = excluded.flags, internal_date = excluded.internal_date, size = excluded.size, modseq = excluded.modseq`,
		id, mb, m.UID, uv, flags, date, m.Size, m.ModSeq)
	return err
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
