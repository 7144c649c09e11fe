package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Team desk: what this laptop writes (claims, its own changes, its agent
// identity) and what the UI and sealctl read (history, agents, conflicts).

// Setting names of this laptop's agent identity.
const (
	SettingAgentName    = "team.agent_name"
	SettingAgentAddress = "team.agent_address"
)

// Fields a change sets.
const (
	FieldState = "state"
	FieldOwner = "owner"
)

// TeamOutgoing is a record waiting in the queue.
type TeamOutgoing struct {
	MessageID string
	Raw       []byte
	// Root and Kind: the ticket and field a change is about (a later
	// change of the same replaces it while queued); for a key or unkey
	// record, the key (TeamKeySubject).
	Root, Kind string
	// ClaimRoots are the roots a claim record claims.
	ClaimRoots []string
	// KeyQueueID is the queued key a key record publishes: it leaves
	// team_key_queue when the record is queued.
	KeyQueueID int64
}

// TeamToPublish returns what an account's log lacks: claims for its
// tickets the view has no number for (a ticket whose number the view gave
// another root moves to the next free number first), and, for those
// tickets, their non-default state and owner when the view has none
// (Republish: a profile joining with its history, or a lost log).
// Tickets with a claim already queued (team_claimed = 2) are left out.
func (s *Store) TeamToPublish(ctx context.Context, account int64) ([]TeamClaim, []TeamRecord, error) {
	var claims []TeamClaim
	var changes []TeamRecord
	err := s.Tx(ctx, func(sqltx *sql.Tx) error {
		claims, changes = nil, nil
		tx := s.preparedTx(sqltx)
		if _, err := assignRoots(ctx, tx, 0); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT t.id, t.number, t.root_message_id, t.state, t.pending_until, t.owner,
		        COALESCE(v.state_uid, 0), COALESCE(v.owner_uid, 0),
		        COALESCE((SELECT root FROM team_tickets w WHERE w.account_id = ? AND w.number = t.number AND w.number > 0), '')
		    FROM tickets t LEFT JOIN team_tickets v ON v.account_id = ? AND v.root = t.root_message_id
		    WHERE t.team_account_id = ? AND t.team_claimed = 0
		    ORDER BY t.number`, account, account, account)
		if err != nil {
			return err
		}
		type row struct {
			id, number                int64
			root, state, until, owner string
			stateUID, ownerUID        uint32
			holder                    string
		}
		var rs []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.number, &r.root, &r.state, &r.until, &r.owner, &r.stateUID, &r.ownerUID, &r.holder); err != nil {
				rows.Close()
				return err
			}
			rs = append(rs, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range rs {
			if r.holder != "" && r.holder != r.root {
				n, err := nextFree(ctx, tx, account)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE tickets SET number = ? WHERE id = ?`, n, r.id); err != nil {
					return err
				}
				r.number = n
			}
			claims = append(claims, TeamClaim{Root: r.root, Number: r.number})
			if r.state != "open" && r.stateUID == 0 {
				changes = append(changes, TeamRecord{Kind: FieldState, Root: r.root, State: r.state, Until: r.until, Republish: true})
			}
			if r.owner != "" && r.ownerUID == 0 {
				changes = append(changes, TeamRecord{Kind: FieldOwner, Root: r.root, Owner: r.owner, Republish: true})
			}
		}
		return nil
	})
	if err == nil && len(claims) > 0 {
		s.wrote() // a first pass roots every ticket
	}
	return claims, changes, err
}

// QueueTeamRecords puts records in an account's queue. The tickets a
// queued claim names are marked so that they are not claimed twice; if
// the claim turns out void, they are claimed again.
func (s *Store) QueueTeamRecords(ctx context.Context, account int64, out []TeamOutgoing) error {
	return s.Tx(ctx, func(sqltx *sql.Tx) error {
		tx := s.preparedTx(sqltx)
		for _, o := range out {
			if _, err := tx.ExecContext(ctx, `INSERT INTO team_outbox(account_id, message_id, raw, root, kind, created_at)
			    VALUES (?, ?, ?, ?, ?, ?)`, account, o.MessageID, o.Raw, o.Root, o.Kind, now()); err != nil {
				return fmt.Errorf("store: queueing a team record: %w", err)
			}
			if o.KeyQueueID != 0 {
				if _, err := tx.ExecContext(ctx, `DELETE FROM team_key_queue WHERE id = ?`, o.KeyQueueID); err != nil {
					return err
				}
			}
			for _, root := range o.ClaimRoots {
				if _, err := tx.ExecContext(ctx, `UPDATE tickets INDEXED BY tickets_root SET team_claimed = 2 WHERE root_message_id = ? AND team_account_id = ? AND team_claimed = 0`,
					root, account); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// TeamOutbox lists an account's queued records, oldest first.
func (s *Store) TeamOutbox(ctx context.Context, account int64) ([]TeamOutgoing, error) {
	rows, err := s.query(ctx, `SELECT message_id, raw, root, kind FROM team_outbox WHERE account_id = ? ORDER BY id`, account)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TeamOutgoing
	for rows.Next() {
		var o TeamOutgoing
		if err := rows.Scan(&o.MessageID, &o.Raw, &o.Root, &o.Kind); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// TicketChange is a change of state or owner made on this laptop.
type TicketChange struct {
	Field string // FieldState or FieldOwner
	State string
	// Until is a pending ticket's reminder date, YYYY-MM-DD.
	Until string
	Owner string // agent address; "" unassigns
	Agent string // who changes it (this laptop's agent address)
}

// TeamWrite is the record a change must be written as: Account is 0 when
// the ticket's account has no team records (the change is local only).
type TeamWrite struct {
	Account int64
	Root    string
	Base    uint32
}

// ChangeTicket applies a change to the ticket with number (or alias)
// number at once and, for a team ticket, queues the record build returns,
// in one transaction: nothing is lost when the server is out of reach. A
// change queued earlier for the same field and not yet written is
// replaced (its base is kept: both were made from the same view).
func (s *Store) ChangeTicket(ctx context.Context, number int64, ch TicketChange, build func(TeamWrite) (TeamOutgoing, error)) (Ticket, error) {
	var t Ticket
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		id, err := ticketByNumber(ctx, tx, number)
		if err != nil {
			return err
		}
		if _, err := assignRoots(ctx, tx, id); err != nil {
			return err
		}
		var w TeamWrite
		if err := tx.QueryRowContext(ctx, `SELECT root_message_id, team_account_id FROM tickets WHERE id = ?`, id).Scan(&w.Root, &w.Account); err != nil {
			return err
		}
		switch ch.Field {
		case FieldState:
			if ch.State != "pending" {
				ch.Until = ""
			}
			_, err = tx.ExecContext(ctx, `UPDATE tickets SET state = ?, pending_until = ?, updated_at = ? WHERE id = ?`, ch.State, ch.Until, now(), id)
		case FieldOwner:
			_, err = tx.ExecContext(ctx, `UPDATE tickets SET owner = ?, updated_at = ? WHERE id = ?`, ch.Owner, now(), id)
		default:
			return fmt.Errorf("store: unknown ticket field %q", ch.Field)
		}
		if err != nil {
			return err
		}
		value := ch.State
		if ch.Field == FieldOwner {
			value = ch.Owner
		} else if ch.Until != "" {
			value += " until " + ch.Until
		}
		if w.Account == 0 {
			_, err = tx.ExecContext(ctx, `INSERT INTO ticket_history(root, field, value, agent, at, outcome) VALUES (?, ?, ?, ?, ?, 'local')`,
				w.Root, ch.Field, value, ch.Agent, time.Now().UTC().Format(time.RFC3339))
		} else {
			err = queueChange(ctx, tx, w, ch.Field, build)
		}
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT `+ticketColumns+` FROM tickets t WHERE t.id = ?`, id).Scan(t.fields()...)
	})
	return t, err
}

// queueChange queues a team change with its base: the view's record of the
// field, or, when a change of it waits in the queue, that change's base.
func queueChange(ctx context.Context, tx *sql.Tx, w TeamWrite, field string, build func(TeamWrite) (TeamOutgoing, error)) error {
	var queuedBase sql.NullInt64
	_ = tx.QueryRowContext(ctx, `SELECT base FROM team_outbox WHERE account_id = ? AND root = ? AND kind = ?`, w.Account, w.Root, field).Scan(&queuedBase)
	if queuedBase.Valid {
		w.Base = uint32(queuedBase.Int64)
	} else {
		err := tx.QueryRowContext(ctx, `SELECT `+field+`_uid FROM team_tickets WHERE account_id = ? AND root = ?`, w.Account, w.Root).Scan(&w.Base)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	o, err := build(w)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM team_outbox WHERE account_id = ? AND root = ? AND kind = ?`, w.Account, w.Root, field); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO team_outbox(account_id, message_id, raw, root, kind, created_at, base) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		w.Account, o.MessageID, o.Raw, w.Root, field, now(), w.Base)
	return err
}

// ticketByNumber finds a ticket by its number, else by an alias.
func ticketByNumber(ctx context.Context, q querier, number int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM tickets WHERE number = ?
	    UNION ALL SELECT ticket_id FROM ticket_aliases WHERE number = ? LIMIT 1`, number, number).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: no ticket #%d: %w", number, ErrNotFound)
	}
	return id, err
}

// HistoryEntry is one change of a ticket: who changed what, when.
type HistoryEntry struct {
	Field string `json:"field"` // number, state, owner
	Value string `json:"value"`
	Agent string `json:"agent"`
	At    string `json:"at"`
	// Outcome: applied (a team record), lost (a team record that came
	// too late, docs/team.md rule 3), local (no team records).
	Outcome string `json:"outcome"`
}

// TicketHistory lists a ticket's changes in the order they took effect.
func (s *Store) TicketHistory(ctx context.Context, ticketID int64) ([]HistoryEntry, error) {
	return s.queryHistory(ctx, `SELECT h.field, h.value, h.agent, h.at, h.outcome FROM ticket_history h
	    JOIN tickets t ON t.root_message_id = h.root WHERE t.id = ? AND t.root_message_id != '' ORDER BY h.uid = 0, h.uid, h.id`, ticketID)
}

// queryHistory runs a query of ticket_history's field, value, agent, at
// and outcome columns.
func (s *Store) queryHistory(ctx context.Context, query string, args ...any) ([]HistoryEntry, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []HistoryEntry{}
	for rows.Next() {
		var h HistoryEntry
		if err := rows.Scan(&h.Field, &h.Value, &h.Agent, &h.At, &h.Outcome); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Agent is a team member as records name them.
type Agent struct {
	Address string `json:"address"`
	Name    string `json:"name"`
}

// Agents lists the agents the team records of all accounts name.
func (s *Store) Agents(ctx context.Context) ([]Agent, error) {
	rows, err := s.query(ctx, `SELECT address, name FROM agents GROUP BY address ORDER BY name, address`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Agent{}
	for rows.Next() {
		var a Agent
		if err := rows.Scan(&a.Address, &a.Name); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AgentNames maps the agents' addresses, lower case, to the names their
// records give, for sentences naming an agent ("Bob closed this ticket").
func (s *Store) AgentNames(ctx context.Context) (map[string]string, error) {
	agents, err := s.Agents(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(agents))
	for _, a := range agents {
		out[strings.ToLower(a.Address)] = a.Name
	}
	return out, nil
}

// TeamConflicts returns our lost changes not yet shown, and marks them
// shown: each is told once.
func (s *Store) TeamConflicts(ctx context.Context) ([]TeamConflict, error) {
	var out []TeamConflict
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		out = []TeamConflict{}
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.root, COALESCE(t.number, 0), c.field, c.mine, c.winner_value, c.winner_agent, c.winner_at
		    FROM team_conflicts c LEFT JOIN tickets t ON t.root_message_id = c.root WHERE c.seen = 0 ORDER BY c.id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c TeamConflict
			if err := rows.Scan(&c.ID, &c.Root, &c.Number, &c.Field, &c.Mine, &c.WinnerValue, &c.WinnerAgent, &c.WinnerAt); err != nil {
				rows.Close()
				return err
			}
			out = append(out, c)
		}
		rows.Close()
		_, err = tx.ExecContext(ctx, `UPDATE team_conflicts SET seen = 1 WHERE seen = 0`)
		return err
	})
	return out, err
}

// AgentKnown reports whether an account's log already names address as
// name, or an agent record for it waits in the queue.
func (s *Store) AgentKnown(ctx context.Context, account int64, address, name string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM agents WHERE account_id = ? AND address = ? AND name = ?)
	    + (SELECT COUNT(*) FROM team_outbox WHERE account_id = ? AND kind = 'agent')`, account, address, name, account).Scan(&n)
	return n > 0, err
}

// TicketByNumber returns the ticket with number (or alias) number.
func (s *Store) TicketByNumber(ctx context.Context, number int64) (Ticket, error) {
	var t Ticket
	id, err := ticketByNumber(ctx, s.db, number)
	if err != nil {
		return t, err
	}
	err = s.queryRow(ctx, `SELECT `+ticketColumns+` FROM tickets t WHERE t.id = ?`, id).Scan(t.fields()...)
	return t, err
}
