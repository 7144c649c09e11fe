package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/mail/mirror"
	"github.com/sealdesk/sealdesk/mail/thread"
)

// The mailbox mirror: what mail/sync's engine saves, in SQLite. The types
// are package mail/mirror's, shared with the engine, so that store depends
// on no IMAP code and nothing translates between look-alikes. Every method is scoped to one
// account's mailbox, named as the server names it.

// lookupDetachedQuery finds which of a JSON array of [Message-ID, hash]
// pairs a detached article of the mailbox matches (see LookupDetached and
// TestSyncLookupsUseIndexes).
const lookupDetachedQuery = `SELECT CAST(j.key AS INTEGER) FROM json_each(?) j WHERE EXISTS (
        SELECT 1 FROM articles a JOIN mailboxes m ON m.id = a.mailbox_id
        WHERE a.message_id = j.value ->> 0 AND a.content_sha256 = j.value ->> 1 AND a.detached = 1
            AND m.account_id = ? AND m.name = ?)`

// MirroredArticle is an article as the mirror sees it, for tests and
// tools: the message at its place, and the article holding it.
type MirroredArticle struct {
	mirror.Message
	ID       int64
	TicketID int64
	Pending  bool
}

// SpecialUseSent marks the Sent folder (RFC 6154); mail found there is
// outgoing.
const SpecialUseSent = `\Sent`

// mailboxID returns the row of an account's mailbox, creating it.
func mailboxID(ctx context.Context, q querier, accountID int64, name string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO mailboxes(account_id, name) VALUES (?, ?)
	    ON CONFLICT(account_id, name) DO UPDATE SET name = excluded.name RETURNING id`, accountID, name).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: mailbox %q: %w", name, err)
	}
	return id, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// SetSpecialUse records a mailbox's special use (RFC 6154), e.g. `\Sent`.
func (s *Store) SetSpecialUse(ctx context.Context, accountID int64, mailbox, use string) error {
	id, err := mailboxID(ctx, s.db, accountID, mailbox)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `UPDATE mailboxes SET special_use = ? WHERE id = ?`, use, id)
	return err
}

// MailboxCheckpoint returns the saved checkpoint; zero for a mailbox never
// synced.
func (s *Store) MailboxCheckpoint(ctx context.Context, accountID int64, mailbox string) (mirror.Checkpoint, error) {
	var cp mirror.Checkpoint
	err := s.queryRow(ctx, `SELECT uid_validity, last_uid, highest_modseq FROM mailboxes WHERE account_id = ? AND name = ?`,
		accountID, mailbox).Scan(&cp.UIDValidity, &cp.LastUID, &cp.HighestModSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return mirror.Checkpoint{}, nil
	}
	return cp, err
}

// SaveMailboxBatch stores msgs, threads each new one into a ticket (see
// threader), and saves cp, in ONE transaction: after a crash either all of
// it is there or none. New articles are security_pending until the
// engines ran over them. It returns what it made of each message, in the
// order of msgs: the article the UID belongs to, and whether it was a
// further place of an article held before (copies.go), so that the caller
// processes the batch without looking any of it up again.
func (s *Store) SaveMailboxBatch(ctx context.Context, accountID int64, mailbox string, msgs []mirror.Message, cp mirror.Checkpoint) ([]mirror.Saved, error) {
	pattern := s.ticketPattern(ctx)
	saved := make([]mirror.Saved, len(msgs))
	// CPU work before the write lock (syncbatch.go): hashes and headers.
	if slices.ContainsFunc(msgs, func(m mirror.Message) bool { return m.Hash.IsZero() }) {
		msgs = slices.Clone(msgs) // the caller's stay as they are
		for i := range msgs {
			if msgs[i].Hash.IsZero() {
				msgs[i].Hash = mirror.Hash(msgs[i].Raw)
			}
		}
	}
	heads := parseHeaders(msgs)
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		q := s.preparedTx(tx)
		mb, err := mailboxID(ctx, q, accountID, mailbox)
		if err != nil {
			return err
		}
		var held mirror.Checkpoint
		var use string
		if err := q.QueryRowContext(ctx, `SELECT uid_validity, special_use FROM mailboxes WHERE id = ?`, mb).Scan(&held.UIDValidity, &use); err != nil {
			return err
		}
		if held.UIDValidity != 0 && held.UIDValidity != cp.UIDValidity {
			return fmt.Errorf("store: checkpoint of UIDVALIDITY %d for %q, which is at %d", cp.UIDValidity, mailbox, held.UIDValidity)
		}
		th := &threader{ctx: ctx, q: q, pattern: pattern, out: use == SpecialUseSent, plan: newBatchPlan(ctx, q)}
		if len(msgs) > 0 {
			if th.seen, err = seeBatch(ctx, q, msgs, heads); err != nil {
				return err
			}
		}
		for i, m := range msgs {
			if m.UID == 0 || m.UID > cp.LastUID {
				return fmt.Errorf("store: %q UID %d outside the checkpoint's last UID %d", mailbox, m.UID, cp.LastUID)
			}
			if saved[i], err = saveMessage(ctx, q, th, accountID, mb, cp.UIDValidity, m, heads[i]); err != nil {
				return fmt.Errorf("store: %q UID %d: %w", mailbox, m.UID, err)
			}
		}
		if err := th.flush(); err != nil {
			return err
		}
		if err := th.indexOpened(); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, `UPDATE mailboxes SET uid_validity = ?, last_uid = ?, highest_modseq = ?, synced_at = ? WHERE id = ?`,
			cp.UIDValidity, cp.LastUID, cp.HighestModSeq, now(), mb)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(msgs) > 0 {
		s.wrote() // a bulk write; a checkpoint alone (a no-change pass) is not
	}
	return saved, nil
}

// saveMessage rebinds, claims, records as a further place of its article
// (copies.go) or inserts one message, and says which.
func saveMessage(ctx context.Context, q querier, th *threader, accountID, mb int64, uv uint32, m mirror.Message, head *thread.Parsed) (mirror.Saved, error) {
	saved := mirror.Saved{UID: m.UID}
	flags := strings.Join(m.Flags, "\n")
	date := ""
	if !m.InternalDate.IsZero() {
		date = m.InternalDate.UTC().Format(time.RFC3339)
	}
	set := func(cond string, args ...any) (bool, error) {
		err := q.QueryRowContext(ctx, `UPDATE articles SET mailbox_id = ?, uid = ?, uid_validity = ?, flags = ?,
		    internal_date = ?, size = ?, modseq = ?, detached = 0, expunged = 0
		    WHERE id = (SELECT id FROM articles WHERE `+cond+` ORDER BY id LIMIT 1) RETURNING id`,
			append([]any{mb, m.UID, uv, flags, date, m.Size, m.ModSeq}, args...)...).Scan(&saved.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
	if m.Rebind {
		// RFC 9051 section 2.3.1.1: same message, new UID.
		if ok, err := set(`mailbox_id = ? AND detached = 1 AND message_id = ? AND content_sha256 = ?`, mb, m.MessageID, m.Hash); err != nil || ok {
			return saved, err
		}
	}
	// A message stored before it was seen on this server (sealctl inspect,
	// or sent by us and now found in Sent) is claimed, not stored twice.
	if th.seen.mayClaim(m.Hash) {
		if ok, err := set(`mailbox_id IS NULL AND uid = 0 AND content_sha256 = ?`, m.Hash); err != nil || ok {
			return saved, err
		}
	}
	// The same message in another folder of the account (or twice in
	// one) is the same article. Both look-ups are by Message-ID, and see
	// planned articles only once written.
	if _, ok := th.plan.ticketOf(m.MessageID); ok {
		if err := th.flush(); err != nil {
			return saved, err
		}
	}
	var id int64
	var err error
	if th.seen.mayHold(m.MessageID) {
		id, err = sameMessage(ctx, q, accountID, m)
	}
	if err != nil || id != 0 {
		if err != nil {
			return saved, err
		}
		if th.out {
			// Found in Sent: the message is ours, whichever place came first
			// (a reply Cc'd to the helpdesk synced from INBOX before Sent).
			if _, err := q.ExecContext(ctx, `UPDATE articles SET direction = 'out' WHERE id = ? AND direction = 'in'`, id); err != nil {
				return saved, err
			}
			if h := head.Header; h.Agent != nil {
				agent, name := agentOf(h)
				if _, err := q.ExecContext(ctx, `UPDATE articles SET agent = ?, agent_name = ? WHERE id = ? AND agent = ''`, agent, name, id); err != nil {
					return saved, err
				}
			}
		}
		saved.ID = id
		saved.Copy, err = addCopy(ctx, q, id, mb, uv, m, flags, date)
		return saved, err
	}
	a, ticketID, err := th.threadHeader(head.Header, head.Err)
	if err != nil {
		return saved, err
	}
	// Written with the rest of the batch (batchPlan.flush), pending
	// until the engines ran over it.
	t := now()
	if saved.ID, err = th.plan.addArticle(m.MessageID, ticketID, m.Raw, mb, m.UID, uv, m.MessageID, m.Hash,
		a.Direction, a.From, a.To, a.Cc, a.Subject, a.Date, flags, date, m.Size, m.ModSeq,
		1, a.ParseError, t, a.Agent, a.AgentName); err != nil {
		return saved, err
	}
	if !a.NewTicket {
		// A ticket opened for a message is unread and updated as of then
		// already: no UPDATE, with its index upkeep, for most mail of an
		// initial sync.
		th.plan.touch(ticketID, t)
	}
	return saved, nil
}

// ApplyMailboxFlags sets the flags of the UIDs it holds; others are ignored.
func (s *Store) ApplyMailboxFlags(ctx context.Context, accountID int64, mailbox string, changes []mirror.FlagUpdate) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		mb, err := mailboxID(ctx, tx, accountID, mailbox)
		if err != nil {
			return err
		}
		for _, c := range changes {
			if _, err := tx.ExecContext(ctx, `UPDATE articles SET flags = ?, modseq = CASE WHEN ? = 0 THEN modseq ELSE ? END
			    WHERE mailbox_id = ? AND uid = ? AND detached = 0 AND expunged = 0`,
				strings.Join(c.Flags, "\n"), c.ModSeq, c.ModSeq, mb, c.UID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE article_copies SET flags = ?, modseq = CASE WHEN ? = 0 THEN modseq ELSE ? END
			    WHERE mailbox_id = ? AND uid = ?`, strings.Join(c.Flags, "\n"), c.ModSeq, c.ModSeq, mb, c.UID); err != nil {
				return err
			}
		}
		return nil
	})
}

// ExpungeUIDs records that these UIDs are gone from the server: an article
// whose last place is gone is marked expunged and stays in its ticket; one
// still held in another place moves there (see copies.go).
func (s *Store) ExpungeUIDs(ctx context.Context, accountID int64, mailbox string, uids []uint32) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		mb, err := mailboxID(ctx, tx, accountID, mailbox)
		if err != nil {
			return err
		}
		for _, uid := range uids {
			if err := expungeUID(ctx, tx, mb, uid); err != nil {
				return err
			}
		}
		return nil
	})
}

// ResetMailbox handles a UIDVALIDITY change: every article of the mailbox
// loses its UID (UIDs of the new validity would collide), the live ones are
// detached to be matched again, and the checkpoint becomes {uidValidity}.
func (s *Store) ResetMailbox(ctx context.Context, accountID int64, mailbox string, uidValidity uint32) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		mb, err := mailboxID(ctx, tx, accountID, mailbox)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET detached = CASE WHEN expunged = 0 THEN 1 ELSE 0 END, uid = 0
		    WHERE mailbox_id = ? AND detached = 0`, mb); err != nil {
			return err
		}
		// Copies hold no article of their own: refetched, they are found
		// again as copies of their article.
		if _, err := tx.ExecContext(ctx, `DELETE FROM article_copies WHERE mailbox_id = ?`, mb); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE mailboxes SET uid_validity = ?, last_uid = 0, highest_modseq = 0 WHERE id = ?`, uidValidity, mb)
		return err
	})
}

// MailboxUIDs returns the UIDs of the mailbox's live articles, ascending.
func (s *Store) MailboxUIDs(ctx context.Context, accountID int64, mailbox string) ([]uint32, error) {
	rows, err := s.query(ctx, `SELECT a.uid FROM articles a JOIN mailboxes m ON m.id = a.mailbox_id
	    WHERE m.account_id = ? AND m.name = ? AND a.detached = 0 AND a.expunged = 0 AND a.uid > 0
	    UNION ALL SELECT c.uid FROM article_copies c JOIN mailboxes m ON m.id = c.mailbox_id
	    WHERE m.account_id = ? AND m.name = ? ORDER BY 1`, accountID, mailbox, accountID, mailbox)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	uids := []uint32{}
	for rows.Next() {
		var u uint32
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		uids = append(uids, u)
	}
	return uids, rows.Err()
}

// CountMailboxUIDs is len(MailboxUIDs) without listing them.
func (s *Store) CountMailboxUIDs(ctx context.Context, accountID int64, mailbox string) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM articles a JOIN mailboxes m ON m.id = a.mailbox_id
	    WHERE m.account_id = ? AND m.name = ? AND a.detached = 0 AND a.expunged = 0 AND a.uid > 0)
	    + (SELECT COUNT(*) FROM article_copies c JOIN mailboxes m ON m.id = c.mailbox_id WHERE m.account_id = ? AND m.name = ?)`,
		accountID, mailbox, accountID, mailbox).Scan(&n)
	return n, err
}

// LookupDetached reports for each (Message-ID, content hash) pair whether
// a detached article of the mailbox matches it, in one query per call (the
// sync asks for every fetched batch; detached articles exist only after a
// UIDVALIDITY change, see ResetMailbox). The pairs go in as one JSON array
// bound to json_each, so the statement text is the same for any batch, and
// each is found through the (message_id, content_sha256) index.
func (s *Store) LookupDetached(ctx context.Context, accountID int64, mailbox string, keys []mirror.Key) ([]bool, error) {
	out := make([]bool, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	pairs := make([][2]string, len(keys))
	for i, k := range keys {
		pairs[i] = [2]string{k.MessageID, k.Hash.String()}
	}
	list, err := json.Marshal(pairs)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, lookupDetachedQuery, string(list), accountID, mailbox)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return nil, err
		}
		if i >= 0 && i < len(out) {
			out[i] = true
		}
	}
	return out, rows.Err()
}

const articleAtQuery = `SELECT a.id FROM articles a JOIN mailboxes m ON m.id = a.mailbox_id
    WHERE m.account_id = ? AND m.name = ? AND a.mailbox_id IS NOT NULL AND a.uid > 0 AND a.uid = ? AND a.detached = 0`

// ArticleAt returns the ID of the live article at a mailbox UID.
func (s *Store) ArticleAt(ctx context.Context, accountID int64, mailbox string, uid uint32) (int64, error) {
	var id int64
	// "mailbox_id IS NOT NULL AND uid > 0" repeats the condition of the
	// partial index articles_mailbox_uid: SQLite cannot prove it from a
	// bound "uid = ?", and without it every call scanned the whole table
	// (the initial sync turned quadratic; see TestSyncLookupsUseIndexes).
	err := s.queryRow(ctx, articleAtQuery, accountID, mailbox, uid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: no article at %q UID %d: %w", mailbox, uid, ErrNotFound)
	}
	return id, err
}

// PendingArticles lists, oldest first, the articles the security engines
// have not (completely) run over.
func (s *Store) PendingArticles(ctx context.Context) ([]int64, error) {
	return s.queryIDs(ctx, `SELECT id FROM articles WHERE security_pending = 1 ORDER BY id`)
}

// MirroredArticles returns the mailbox's live articles by UID, the ones
// held there as a further place (copies.go) included.
func (s *Store) MirroredArticles(ctx context.Context, accountID int64, mailbox string) ([]MirroredArticle, error) {
	rows, err := s.query(ctx, `SELECT a.id, a.ticket_id, a.uid, a.flags, a.internal_date, a.size, a.modseq, r.raw,
	        a.message_id, a.content_sha256, a.security_pending
	    FROM articles a JOIN article_raw r ON r.article_id = a.id JOIN mailboxes m ON m.id = a.mailbox_id
	    WHERE m.account_id = ? AND m.name = ? AND a.detached = 0 AND a.expunged = 0 AND a.uid > 0
	    UNION ALL `+copiesQuery+` ORDER BY 3`, accountID, mailbox, accountID, mailbox)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MirroredArticle
	for rows.Next() {
		a := MirroredArticle{Message: mirror.Message{Mailbox: mailbox}}
		var flags, date string
		if err := rows.Scan(&a.ID, &a.TicketID, &a.UID, &flags, &date, &a.Size, &a.ModSeq, &a.Raw,
			&a.MessageID, &a.Hash, &a.Pending); err != nil {
			return nil, err
		}
		a.Flags = splitFlags(flags)
		a.InternalDate, _ = time.Parse(time.RFC3339, date)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ClearPending marks an article processed without a security result, with
// why (a raw message that does not parse).
func (s *Store) ClearPending(ctx context.Context, id int64, parseError string) error {
	_, err := s.exec(ctx, `UPDATE articles SET security_pending = 0, parse_error = ? WHERE id = ?`, parseError, id)
	return err
}
