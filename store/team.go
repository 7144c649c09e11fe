package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The team desk's rules (docs/team.md): records read from an account's team
// folder are applied in UID order to a view (team_tickets), and tickets
// take their number, state and owner from it. The types are the store's
// own, so that store depends on no IMAP code; package mailbox translates
// mail/team's records.

// TeamRecord is one message of a team folder. Kind "" is a message that is
// not a readable record: it is held (counted, never read again) and skipped.
type TeamRecord struct {
	UID       uint32
	MessageID string
	Kind      string // claim, state, owner, agent, key, unkey, reply, or ""
	Root      string
	Claims    []TeamClaim
	State     string
	Until     string
	Owner     string
	Base      uint32
	Address   string
	Name      string
	Agent     string
	At        time.Time
	Republish bool
	// Format, Data and Fingerprint: a key record's key (kind "key"); an
	// unkey record's Format and Fingerprint (kind "unkey").
	Format      string
	Data        []byte
	Fingerprint string
	// Seen and Articles: a reply record's view (kind "reply").
	Seen     string
	Articles int
}

// TeamClaim is one number claim: Root gets Number.
type TeamClaim struct {
	Root   string
	Number int64
}

// TeamFolder is how far an account's team folder has been read.
type TeamFolder struct {
	Name          string
	UIDValidity   uint32
	LastUID       uint32
	HighestModSeq uint64
	// Messages is how many messages (records or not) are held.
	Messages uint32
	// Epoch counts the restarts after the log was lost (docs/team.md).
	Epoch int
}

// TeamConflict is a change of ours that lost (docs/team.md rule 3): the
// UI says "Bob closed this ticket 10 s ago".
type TeamConflict struct {
	ID          int64  `json:"id"`
	Root        string `json:"root"`
	Number      int64  `json:"number"`
	Field       string `json:"field"` // state or owner
	Mine        string `json:"mine"`
	WinnerValue string `json:"winner_value"`
	WinnerAgent string `json:"winner_agent"`
	WinnerAt    string `json:"winner_at"`
}

// TeamApplied sums up one ApplyTeamRecords.
type TeamApplied struct {
	Applied, Lost, Void, Ignored int
	// Conflicts are this laptop's changes that lost.
	Conflicts []TeamConflict
}

// TeamFolderState returns the read position of an account's team folder.
func (s *Store) TeamFolderState(ctx context.Context, accountID int64) (TeamFolder, error) {
	var f TeamFolder
	err := s.queryRow(ctx, `SELECT name, uid_validity, last_uid, highest_modseq, messages, epoch FROM team_folders WHERE account_id = ?`,
		accountID).Scan(&f.Name, &f.UIDValidity, &f.LastUID, &f.HighestModSeq, &f.Messages, &f.Epoch)
	if errors.Is(err, sql.ErrNoRows) {
		return TeamFolder{}, nil
	}
	return f, err
}

// ResetTeam starts a new epoch after the log was lost (folder deleted,
// emptied, a record expunged): the records held and the view are
// forgotten, tickets keep their numbers, states, owners and history and
// are claimed again, and the key inventory is published again
// (QueueTeamInventory: the epoch changes). See docs/team.md, Faults.
func (s *Store) ResetTeam(ctx context.Context, accountID int64) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM team_records WHERE account_id = ?`,
			`DELETE FROM team_tickets WHERE account_id = ?`,
			`DELETE FROM team_keys WHERE account_id = ?`,
			`DELETE FROM team_key_removals WHERE account_id = ?`,
			`DELETE FROM team_replies WHERE account_id = ?`,
			`UPDATE tickets SET team_claimed = 0 WHERE team_account_id = ?`,
			`UPDATE team_folders SET uid_validity = 0, last_uid = 0, highest_modseq = 0, messages = 0, epoch = epoch + 1 WHERE account_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, accountID); err != nil {
				return fmt.Errorf("store: team reset: %w", err)
			}
		}
		return nil
	})
}

// ApplyTeamRecords applies recs (ascending UIDs above f's LastUID) by the
// rules and saves f as the new read position, in one transaction. Tickets
// whose roots the records touch take the view's values.
func (s *Store) ApplyTeamRecords(ctx context.Context, accountID int64, recs []TeamRecord, f TeamFolder) (TeamApplied, error) {
	var out TeamApplied
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		out = TeamApplied{}
		// Cached statements (stmts.go): a first pass applies thousands
		// of records, each a handful of statements.
		a := applier{ctx: ctx, tx: s.preparedTx(tx), account: accountID, touched: map[string]bool{}}
		for _, r := range recs {
			if err := a.apply(r, &out); err != nil {
				return err
			}
		}
		f.Messages += uint32(len(recs))
		if _, err := a.tx.ExecContext(ctx, `INSERT INTO team_folders(account_id, name, uid_validity, last_uid, highest_modseq, messages)
		    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(account_id) DO UPDATE SET name = excluded.name,
		        uid_validity = excluded.uid_validity, last_uid = excluded.last_uid,
		        highest_modseq = excluded.highest_modseq, messages = excluded.messages`,
			accountID, f.Name, f.UIDValidity, f.LastUID, f.HighestModSeq, f.Messages); err != nil {
			return err
		}
		return a.reconcile()
	})
	if err == nil && len(recs) > 0 {
		s.wrote()
	}
	return out, err
}

// applier applies records inside one transaction.
type applier struct {
	ctx     context.Context
	tx      querier
	account int64
	touched map[string]bool
}

func (a *applier) exec(q string, args ...any) error {
	_, err := a.tx.ExecContext(a.ctx, q, args...)
	return err
}

func (a *applier) apply(r TeamRecord, out *TeamApplied) error {
	status := "ignored"
	var dup int
	if r.Kind != "" {
		// A record written twice (its APPEND's answer was lost) is one
		// record: the first copy counts.
		if err := a.tx.QueryRowContext(a.ctx, `SELECT COUNT(*) FROM team_records WHERE account_id = ? AND message_id = ?`,
			a.account, r.MessageID).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			status = "void"
		}
	}
	// Ours: it was queued here. Seen in the log, it leaves the queue.
	res, err := a.tx.ExecContext(a.ctx, `DELETE FROM team_outbox WHERE account_id = ? AND message_id = ?`, a.account, r.MessageID)
	if err != nil {
		return err
	}
	n, _ := res.RowsAffected()
	mine := n > 0
	if r.Kind != "" && dup == 0 {
		if status, err = a.rule(r, mine, out); err != nil {
			return err
		}
	}
	switch status {
	case "applied":
		out.Applied++
	case "lost":
		out.Lost++
	case "void":
		out.Void++
	default:
		out.Ignored++
	}
	return a.exec(`INSERT INTO team_records(account_id, uid, message_id, kind, root, status) VALUES (?, ?, ?, ?, ?, ?)
	    ON CONFLICT(account_id, uid) DO NOTHING`, a.account, r.UID, r.MessageID, r.Kind, r.Root, status)
}

// rule is docs/team.md's rules 1 and 3 for one record.
func (a *applier) rule(r TeamRecord, mine bool, out *TeamApplied) (string, error) {
	at := r.At.UTC().Format(time.RFC3339)
	switch r.Kind {
	case "claim":
		return a.claim(r, mine, at)
	case "state", "owner":
		col, value := "state", r.State
		if r.Kind == "owner" {
			col, value = "owner", r.Owner
		}
		var cur uint32
		var curValue string
		err := a.tx.QueryRowContext(a.ctx, `SELECT `+col+`_uid, `+col+` FROM team_tickets WHERE account_id = ? AND root = ?`,
			a.account, r.Root).Scan(&cur, &curValue)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
		if r.Base != cur {
			// Compare-and-set lost: the change was made from a view a
			// lower UID had already changed (rule 3).
			if err := a.history(r.Root, r.UID, col, value, r.Agent, at, "lost"); err != nil {
				return "", err
			}
			if mine && !r.Republish {
				if err := a.conflict(r, col, value, cur, curValue, out); err != nil {
					return "", err
				}
			}
			return "lost", nil
		}
		q := `INSERT INTO team_tickets(account_id, root, state, pending_until, state_uid) VALUES (?, ?, ?, ?, ?)
		    ON CONFLICT(account_id, root) DO UPDATE SET state = excluded.state, pending_until = excluded.pending_until, state_uid = excluded.state_uid`
		args := []any{a.account, r.Root, r.State, r.Until, r.UID}
		if col == "owner" {
			q = `INSERT INTO team_tickets(account_id, root, owner, owner_uid) VALUES (?, ?, ?, ?)
			    ON CONFLICT(account_id, root) DO UPDATE SET owner = excluded.owner, owner_uid = excluded.owner_uid`
			args = []any{a.account, r.Root, r.Owner, r.UID}
		}
		if err := a.exec(q, args...); err != nil {
			return "", err
		}
		if r.Until != "" {
			value += " until " + r.Until
		}
		a.touched[r.Root] = true
		return "applied", a.history(r.Root, r.UID, col, value, r.Agent, at, "applied")
	case "agent":
		return "applied", a.exec(`INSERT INTO agents(account_id, address, name, uid) VALUES (?, ?, ?, ?)
		    ON CONFLICT(account_id, address) DO UPDATE SET name = excluded.name, uid = excluded.uid`,
			a.account, r.Address, r.Name, r.UID)
	case "key":
		return a.applyKey(r)
	case "unkey":
		return a.applyUnkey(r)
	case "reply":
		return a.applyReply(r)
	}
	return "ignored", nil
}

// claim applies a claim record (rule 1): each claim, in order, takes its
// root's number unless a lower UID claimed the root or the number, or an
// earlier claim of the same record did. The view is asked once per record
// and written in multi-row statements: a first pass applies thousands of
// claims, and three statements for each were most of reading them.
func (a *applier) claim(r TeamRecord, mine bool, at string) (string, error) {
	roots := make([]string, len(r.Claims))
	numbers := make([]int64, len(r.Claims))
	for i, c := range r.Claims {
		roots[i], numbers[i] = c.Root, c.Number
	}
	rootTaken, err := a.taken(claimedRootsQuery, roots)
	if err != nil {
		return "", err
	}
	numberTaken, err := a.taken(claimedNumbersQuery, numbers)
	if err != nil {
		return "", err
	}
	var view, hist []any
	for _, c := range r.Claims {
		a.touched[c.Root] = true
		if rootTaken[fmt.Sprint(c.Root)] || numberTaken[fmt.Sprint(c.Number)] {
			// The root or the number was claimed by a lower UID. Our
			// ticket of this root, if it is not numbered yet, claims
			// again on the next pass.
			if mine {
				if err := a.exec(`UPDATE tickets INDEXED BY tickets_root SET team_claimed = 0 WHERE root_message_id = ? AND team_account_id = ? AND team_claimed = 2`,
					c.Root, a.account); err != nil {
					return "", err
				}
			}
			continue
		}
		rootTaken[c.Root] = true
		if c.Number > 0 {
			numberTaken[fmt.Sprint(c.Number)] = true
		}
		view = append(view, a.account, c.Root, c.Number, r.UID)
		hist = append(hist, c.Root, a.account, r.UID, "number", fmt.Sprint(c.Number), r.Agent, at, "applied")
	}
	if len(view) == 0 {
		return "void", nil
	}
	if _, err := claimRows.exec(a.ctx, a.tx, view); err != nil {
		return "", err
	}
	if _, err := historyRows.exec(a.ctx, a.tx, hist); err != nil {
		return "", err
	}
	return "applied", nil
}

// taken runs a query over a JSON array of values and returns the values
// it answers, as their fmt.Sprint text.
func (a *applier) taken(query string, values any) (map[string]bool, error) {
	list, err := json.Marshal(values)
	if err != nil {
		return nil, err
	}
	rows, err := a.tx.QueryContext(a.ctx, query, string(list), a.account)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var v any
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		out[fmt.Sprint(v)] = true
	}
	return out, rows.Err()
}

// claimedRootsQuery and claimedNumbersQuery: which of a JSON array of
// roots, or of numbers, the view has claimed (each one index probe).
const (
	claimedRootsQuery = `SELECT j.value FROM json_each(?) j
	    WHERE EXISTS (SELECT 1 FROM team_tickets v WHERE v.account_id = ? AND v.root = j.value AND v.number_uid > 0)`
	claimedNumbersQuery = `SELECT j.value FROM json_each(?) j
	    WHERE EXISTS (SELECT 1 FROM team_tickets v WHERE v.account_id = ? AND v.number = j.value AND v.number > 0)`
)

// claimRows and historyRows write a record's applied claims.
var (
	claimRows = newMultiRow(`INSERT INTO team_tickets(account_id, root, number, number_uid) VALUES `, 4,
		` ON CONFLICT(account_id, root) DO UPDATE SET number = excluded.number, number_uid = excluded.number_uid`)
	historyRows = newMultiRow(`INSERT INTO ticket_history(root, account_id, uid, field, value, agent, at, outcome) VALUES `, 8,
		` ON CONFLICT DO NOTHING`)
)

func (a *applier) history(root string, uid uint32, field, value, agent, at, outcome string) error {
	return a.exec(`INSERT INTO ticket_history(root, account_id, uid, field, value, agent, at, outcome)
	    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, root, a.account, uid, field, value, agent, at, outcome)
}

// conflict notes that our change lost, with the record that won.
func (a *applier) conflict(r TeamRecord, field, mine string, winner uint32, winnerValue string, out *TeamApplied) error {
	c := TeamConflict{Root: r.Root, Field: field, Mine: mine, WinnerValue: winnerValue}
	if winner > 0 {
		_ = a.tx.QueryRowContext(a.ctx, `SELECT agent, at FROM ticket_history WHERE account_id = ? AND uid = ? LIMIT 1`,
			a.account, winner).Scan(&c.WinnerAgent, &c.WinnerAt)
	}
	_ = a.tx.QueryRowContext(a.ctx, `SELECT number FROM tickets WHERE root_message_id = ? ORDER BY id LIMIT 1`, r.Root).Scan(&c.Number)
	err := a.tx.QueryRowContext(a.ctx, `INSERT INTO team_conflicts(account_id, root, field, mine, winner_value, winner_agent, winner_at, created_at)
	    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.account, c.Root, c.Field, c.Mine, c.WinnerValue, c.WinnerAgent, c.WinnerAt, now()).Scan(&c.ID)
	out.Conflicts = append(out.Conflicts, c)
	return err
}
