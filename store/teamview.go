package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sealdesk/sealdesk/mail/thread"
)

// reconcile makes the tickets of the roots the records touched show the
// view. Most roots of a pass (all of a first one's) need what one
// statement does for all of them: their one ticket, numbered as the view
// says, is claimed. syncTicket does the others (two tickets to merge, a
// number to change, a state or owner to take).
func (a *applier) reconcile() error {
	if len(a.touched) == 0 {
		return nil
	}
	roots := make([]string, 0, len(a.touched))
	for root := range a.touched {
		roots = append(roots, root)
	}
	list, err := json.Marshal(roots)
	if err != nil {
		return err
	}
	rows, err := a.tx.QueryContext(a.ctx, reconcileQuery, string(list), a.account)
	if err != nil {
		return err
	}
	var each []string
	for rows.Next() {
		var root string
		if err := rows.Scan(&root); err != nil {
			rows.Close()
			return err
		}
		each = append(each, root)
		delete(a.touched, root)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// What syncTicket would do for the rest: a root with one ticket,
	// whose number the view claimed, and no state or owner in the view.
	simple := make([]string, 0, len(a.touched))
	for root := range a.touched {
		simple = append(simple, root)
	}
	if list, err = json.Marshal(simple); err != nil {
		return err
	}
	if err := a.exec(`UPDATE tickets INDEXED BY tickets_root SET team_claimed = 1
	    WHERE root_message_id IN (SELECT value FROM json_each(?)) AND team_account_id = ? AND team_claimed != 1
	        AND EXISTS (SELECT 1 FROM team_tickets v WHERE v.account_id = tickets.team_account_id
	            AND v.root = tickets.root_message_id AND v.number_uid > 0 AND v.number = tickets.number)`, string(list), a.account); err != nil {
		return err
	}
	for _, root := range each {
		if err := syncTicket(a.ctx, a.tx, a.account, root); err != nil {
			return err
		}
	}
	return nil
}

// reconcileQuery finds, among a JSON array of roots, those syncTicket must
// see to (see reconcile). CROSS JOIN keeps json_each outside: SQLite
// otherwise walked the account's whole view for every batch of records
// (TestTeamLookupsUseIndexes).
const reconcileQuery = `SELECT v.root FROM json_each(?) j CROSS JOIN team_tickets v ON v.account_id = ? AND v.root = j.value
    WHERE v.state_uid > 0 OR v.owner_uid > 0
        OR (SELECT COUNT(*) FROM tickets t INDEXED BY tickets_root WHERE t.root_message_id = v.root AND t.team_account_id = v.account_id) > 1
        OR v.number_uid > 0 AND NOT EXISTS (SELECT 1 FROM tickets t INDEXED BY tickets_root
            WHERE t.root_message_id = v.root AND t.team_account_id = v.account_id AND t.number = v.number)`

// syncTicket gives the tickets of one root the view's number, state and
// owner. Two local tickets of one root (a reply synced before the mail it
// answers) are one ticket on every other laptop: they merge into the
// older, and the younger's number becomes an alias.
func syncTicket(ctx context.Context, tx querier, account int64, root string) error {
	var number int64
	var numberUID, stateUID, ownerUID uint32
	var state, until, owner string
	err := tx.QueryRowContext(ctx, `SELECT number, number_uid, state, pending_until, state_uid, owner, owner_uid
	    FROM team_tickets WHERE account_id = ? AND root = ?`, account, root).
		Scan(&number, &numberUID, &state, &until, &stateUID, &owner, &ownerUID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, number FROM tickets WHERE root_message_id = ? AND team_account_id = ? ORDER BY id`, root, account)
	if err != nil {
		return err
	}
	type tk struct{ id, number int64 }
	var ts []tk
	for rows.Next() {
		var t tk
		if err := rows.Scan(&t.id, &t.number); err != nil {
			rows.Close()
			return err
		}
		ts = append(ts, t)
	}
	rows.Close()
	if len(ts) == 0 {
		return rows.Err()
	}
	id := ts[0].id
	for _, t := range ts[1:] {
		for _, q := range []string{`UPDATE articles SET ticket_id = ? WHERE ticket_id = ?`, `UPDATE ticket_aliases SET ticket_id = ? WHERE ticket_id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id, t.id); err != nil {
				return fmt.Errorf("store: merging ticket %d: %w", t.number, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tickets WHERE id = ?`, t.id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO ticket_aliases(number, ticket_id) VALUES (?, ?)`, t.number, id); err != nil {
			return err
		}
	}
	if numberUID > 0 {
		if number != ts[0].number {
			if err := renumber(ctx, tx, account, id, ts[0].number, number); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET team_claimed = 1 WHERE id = ?`, id); err != nil {
			return err
		}
	}
	if stateUID > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET state = ?, pending_until = ? WHERE id = ? AND (state != ? OR pending_until != ?)`,
			state, until, id, state, until); err != nil {
			return err
		}
	}
	if ownerUID > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET owner = ? WHERE id = ? AND owner != ?`, owner, id, owner); err != nil {
			return err
		}
	}
	return nil
}

// renumber gives ticket id the number target. A ticket holding target
// here moves to the next free number and claims again; old stays an alias
// of id (docs/team.md rule 2) so [Ticket#old] still threads.
func renumber(ctx context.Context, tx querier, account, id, old, target int64) error {
	var holder int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM tickets WHERE number = ? AND id != ?`, target, id).Scan(&holder)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if holder != 0 {
		// Out of the way first: number is UNIQUE.
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET number = -id WHERE id = ?`, holder); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET number = ? WHERE id = ?`, target, id); err != nil {
		return fmt.Errorf("store: renumbering ticket %d to %d: %w", old, target, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM ticket_aliases WHERE number = ?`, target); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO ticket_aliases(number, ticket_id) VALUES (?, ?)`, old, id); err != nil {
		return err
	}
	if holder != 0 {
		n, err := nextFree(ctx, tx, account)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET number = ?, team_claimed = 0 WHERE id = ?`, n, holder); err != nil {
			return err
		}
	}
	return nil
}

// nextFree is the next number free in the view, the local tickets and
// their aliases: numbers stay short and none is given twice.
func nextFree(ctx context.Context, q querier, account int64) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT MAX(
	        (SELECT COALESCE(MAX(number), 10000) FROM tickets),
	        (SELECT COALESCE(MAX(number), 0) FROM team_tickets WHERE account_id = ?),
	        (SELECT COALESCE(MAX(number), 0) FROM ticket_aliases)) + 1`, account).Scan(&n)
	return n, err
}

// TicketRoot is a ticket's identity across laptops (docs/team.md): the
// first References entry of its first article (RFC 5322 section 3.6.4),
// else its first In-Reply-To, else its Message-ID, else the SHA-256 of
// the message.
func TicketRoot(raw []byte) string {
	h := thread.ParseIDs(raw)
	switch {
	case len(h.References) > 0:
		return h.References[0]
	case len(h.InReplyTo) > 0:
		return h.InReplyTo[0]
	case h.MessageID != "":
		return h.MessageID
	}
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// rootHeaderBytes bounds what is read of a first article for its root.
const rootHeaderBytes = 64 << 10

// AssignTicketRoots gives every ticket without a root its root and team
// account (the account of its first article's mailbox, when team records
// are on for it), and brings the tickets the view already knows in line.
// Cheap when nothing is new: one indexed lookup.
func (s *Store) AssignTicketRoots(ctx context.Context) (int, error) {
	n := 0
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = assignRoots(ctx, s.preparedTx(tx), 0)
		return err
	})
	return n, err
}

// assignRoots does AssignTicketRoots inside tx; only is one ticket's ID,
// or 0 for all.
func assignRoots(ctx context.Context, tx querier, only int64) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT t.id, substr(r.raw, 1, ?), COALESCE(acc.id, 0), COALESCE(acc.team, 0)
	    FROM tickets t
	    LEFT JOIN articles a ON a.id = (SELECT MIN(id) FROM articles WHERE ticket_id = t.id)
	    LEFT JOIN article_raw r ON r.article_id = a.id
	    LEFT JOIN mailboxes m ON m.id = a.mailbox_id
	    LEFT JOIN accounts acc ON acc.id = m.account_id
	    WHERE t.root_message_id = '' AND (? = 0 OR t.id = ?)`, rootHeaderBytes, only, only)
	if err != nil {
		return 0, err
	}
	type got struct {
		id, account int64
		root        string
	}
	var todo []got
	for rows.Next() {
		var g got
		var raw []byte
		var team bool
		if err := rows.Scan(&g.id, &raw, &g.account, &team); err != nil {
			rows.Close()
			return 0, err
		}
		if raw == nil {
			g.root = fmt.Sprintf("local-ticket-%d", g.id) // no article: this laptop's alone
		} else {
			g.root = TicketRoot(raw)
		}
		if !team {
			g.account = 0
		}
		todo = append(todo, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	// A first team pass roots every ticket: the roots go in a few
	// multi-row statements, and only the roots the view holds (none on a
	// first pass) need syncTicket, which does nothing for the others.
	args := make([]any, 0, len(todo)*rootRows.cols)
	var ask [][2]any
	for _, g := range todo {
		args = append(args, g.id, g.root, g.account)
		if g.account != 0 {
			ask = append(ask, [2]any{g.account, g.root})
		}
	}
	if _, err := rootRows.exec(ctx, tx, args); err != nil {
		return 0, err
	}
	inView, err := viewHolds(ctx, tx, ask)
	if err != nil {
		return 0, err
	}
	for _, g := range todo {
		if g.account != 0 && inView[viewKey{g.account, g.root}] {
			if err := syncTicket(ctx, tx, g.account, g.root); err != nil {
				return 0, err
			}
		}
	}
	return len(todo), nil
}

// rootRows gives tickets (id) their root and team account.
var rootRows = newMultiRow(`UPDATE tickets SET root_message_id = v.column2, team_account_id = v.column3 FROM (VALUES `, 3,
	`) AS v WHERE tickets.id = v.column1`)

type viewKey struct {
	account int64
	root    string
}

// viewHolds reports which (account, root) pairs the view (team_tickets)
// has a row for, in one query.
func viewHolds(ctx context.Context, q querier, pairs [][2]any) (map[viewKey]bool, error) {
	out := map[viewKey]bool{}
	if len(pairs) == 0 {
		return out, nil
	}
	list, err := json.Marshal(pairs)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT j.value ->> 0, j.value ->> 1 FROM json_each(?) j
	    WHERE EXISTS (SELECT 1 FROM team_tickets v WHERE v.account_id = j.value ->> 0 AND v.root = j.value ->> 1)`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k viewKey
		if err := rows.Scan(&k.account, &k.root); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}
