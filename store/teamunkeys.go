package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// A key removed here is announced to the team (docs/team.md, the shared
// key directory): the delete queues an unkey record in its own
// transaction, and another laptop reading it withdraws the candidates only
// the team had offered and notes, beside a key it holds, that a team
// member removed it. Nothing is removed on another laptop because a record
// says so: whoever has the mailbox password can write one, and could
// otherwise strip the team's keys.

// queueTeamUnkey queues the removal of a key for every team account's next
// pass, when the key is one the team could have been given (a public key
// that is not ours), and drops its publication if it was still queued.
func queueTeamUnkey(ctx context.Context, tx *sql.Tx, format, fingerprint, address string) error {
	if err := dropQueued(ctx, tx, teamKindKey, format, fingerprint); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO team_key_queue(account_id, kind, format, fingerprint, data, address, created_at)
	    SELECT id, 'unkey', ?, ?, x'', ?, ? FROM accounts WHERE team = 1`, format, fingerprint, address, now())
	if err != nil {
		return fmt.Errorf("store: queueing the removal of key %s for the team: %w", fingerprint, err)
	}
	return nil
}

// UnqueueTeamKey takes a key out of the publication queue (not out of a
// record already built): a key accepted from the team's log is no news to
// publish.
func (s *Store) UnqueueTeamKey(ctx context.Context, format, fingerprint string) error {
	_, err := s.exec(ctx, `DELETE FROM team_key_queue WHERE kind = 'key' AND format = ? AND fingerprint = ?`,
		format, NormalFingerprint(format, fingerprint))
	return err
}

// deleteKey runs del (one DELETE of one inventory row) and, when it
// removed a key the team could have been given (publishable says so;
// address is its first address), queues its removal for the team, in one
// transaction. ErrNotFound when there was nothing to delete.
func (s *Store) deleteKey(ctx context.Context, format, fingerprint, lookup, del string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var publishable bool
		var emails string
		err := tx.QueryRowContext(ctx, lookup, fingerprint).Scan(&publishable, &emails)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, del, fingerprint); err != nil {
			return err
		}
		// A key gone from here needs no note that a colleague removed it.
		if _, err := tx.ExecContext(ctx, `DELETE FROM team_removed_keys WHERE format = ? AND fingerprint = ?`, format, fingerprint); err != nil {
			return err
		}
		if !publishable {
			return nil
		}
		address := ""
		if l := splitList(emails); len(l) > 0 {
			address = l[0]
		}
		return queueTeamUnkey(ctx, tx, format, fingerprint, address)
	})
}

// WithdrawTeamCandidates takes out of Found in mail the candidates for
// the key technology/fingerprint that only the team offered (origin team,
// seen in no mail, still waiting for a decision), and returns them. A
// key found in mail stays, and so does a decision taken.
func (s *Store) WithdrawTeamCandidates(ctx context.Context, technology, fingerprint string) ([]PendingKey, error) {
	out, err := s.queryPending(ctx, `DELETE FROM pending_keys WHERE technology = ? AND lower(fingerprint) = lower(?)
	    AND status = 'pending' AND origin = ? AND article_id IS NULL
	    AND NOT EXISTS (SELECT 1 FROM pending_key_sightings s WHERE s.pending_id = pending_keys.id)
	    RETURNING `+pendingColumns, technology, fingerprint, OriginTeam)
	if err != nil {
		return nil, fmt.Errorf("store: withdrawing the team's offer of %s: %w", fingerprint, err)
	}
	return out, nil
}

// TeamRemoval says that a team member removed a key this laptop holds,
// on their laptop. The key stays here until an admin removes it.
type TeamRemoval struct {
	// Agent is the address the unkey record names; AgentName the name
	// the team's agent records give it ("" unknown).
	Agent     string `json:"agent"`
	AgentName string `json:"agent_name,omitempty"`
	// At is when the record says it was removed (RFC 3339; the writer's
	// clock).
	At string `json:"at"`
}

// MarkTeamRemoved notes beside a held key that a team member removed it.
func (s *Store) MarkTeamRemoved(ctx context.Context, format, fingerprint string, r TeamRemoval) error {
	_, err := s.exec(ctx, `INSERT INTO team_removed_keys(format, fingerprint, agent, agent_name, at) VALUES (?, ?, ?, ?, ?)
	    ON CONFLICT(format, fingerprint) DO UPDATE SET agent = excluded.agent, agent_name = excluded.agent_name, at = excluded.at`,
		format, NormalFingerprint(format, fingerprint), r.Agent, r.AgentName, r.At)
	return err
}

// ClearTeamRemoved drops that note: the team published the key again.
func (s *Store) ClearTeamRemoved(ctx context.Context, format, fingerprint string) error {
	_, err := s.exec(ctx, `DELETE FROM team_removed_keys WHERE format = ? AND fingerprint = ?`, format, NormalFingerprint(format, fingerprint))
	return err
}

// TeamRemovedKeys returns the notes of one format, by fingerprint.
func (s *Store) TeamRemovedKeys(ctx context.Context, format string) (map[string]TeamRemoval, error) {
	rows, err := s.query(ctx, `SELECT fingerprint, agent, agent_name, at FROM team_removed_keys WHERE format = ?`, format)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]TeamRemoval{}
	for rows.Next() {
		var fp string
		var r TeamRemoval
		if err := rows.Scan(&fp, &r.Agent, &r.AgentName, &r.At); err != nil {
			return nil, err
		}
		out[fp] = r
	}
	return out, rows.Err()
}

// TeamLogSays reports what an account's log says of a key now: held, a
// key record with exactly data and no removal after it; removed, an unkey
// record with no key record after it. A queued record the log says
// already is not written (DropTeamOutbox): two laptops that queued the
// same key write it once each at most, not again and again.
func (s *Store) TeamLogSays(ctx context.Context, account int64, format, fingerprint string, data []byte) (held, removed bool, err error) {
	fingerprint = NormalFingerprint(format, fingerprint)
	if data == nil {
		data = []byte{}
	}
	err = s.queryRow(ctx, teamLogSaysQuery, account, format, fingerprint, data).Scan(&held, &removed)
	return held, removed, err
}

// teamLogSaysQuery runs once per queued key record: both lookups go by
// the (account, format, fingerprint) indexes, never over the whole log.
const teamLogSaysQuery = `WITH q(account_id, format, fingerprint, data) AS (SELECT ?, ?, ?, ?)
    SELECT ` + logHolds + `, ` + logRemoved + ` FROM q`

// DropTeamOutbox takes a queued record out of an account's queue
// unwritten.
func (s *Store) DropTeamOutbox(ctx context.Context, account int64, messageID string) error {
	_, err := s.exec(ctx, `DELETE FROM team_outbox WHERE account_id = ? AND message_id = ?`, account, messageID)
	return err
}
