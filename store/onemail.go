package store

import (
	"errors"
	"fmt"
)

// One mail, one article: a message is stored once, however many processes
// (the app, sealctl inspect) store it at the same moment. See migration
// 0011 for what identifies a message.

// ErrDuplicate is matched by the DuplicateError of InsertArticle.
var ErrDuplicate = errors.New("store: the message is already stored")

// DuplicateError says that InsertArticle stored nothing because the
// message is already an article: one mail, one article.
type DuplicateError struct {
	// ID is the article holding the message (the oldest when several do).
	ID int64
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("store: the message is already stored as article %d", e.ID)
}

func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

// insertArticleQuery inserts an article unless its message is already
// stored, in one statement. Among articles with no mailbox place the
// unique index articles_unplaced_content (migration 0011) decides, so a
// second process inserting the same message at the same moment gets no
// row back (DO NOTHING), whatever the transaction mode. The NOT EXISTS
// extends the rule to articles with a place, which that index cannot
// cover (one message is an article in each account that holds it); SQLite
// runs the statement under its single writer lock, so it is no look-up
// that another writer can slip past.
const insertArticleQuery = `INSERT INTO articles(ticket_id, mailbox_id, uid, message_id, content_sha256,
    direction, from_addr, to_addrs, cc_addrs, subject, date, security, security_state, parse_error, created_at)
    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
    WHERE NOT EXISTS (SELECT 1 FROM articles WHERE content_sha256 = ?)
    ON CONFLICT (content_sha256) WHERE mailbox_id IS NULL AND uid = 0 AND detached = 0 AND expunged = 0 DO NOTHING
    RETURNING id`
