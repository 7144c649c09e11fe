package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The shared key directory (docs/team.md): public certificates and
// OpenPGP public keys imported here are queued in the import's own
// transaction and published by each team account's next pass; key records
// read from the log wait here until the security side offers them under
// "Found in mail". No key is trusted because a record says so.

// Key record formats (mail/team FormatSMIME, FormatOpenPGP).
const (
	KeyFormatSMIME   = "smime"
	KeyFormatOpenPGP = "openpgp"
)

// What became of a key record read from the log (team_keys.status).
const (
	TeamKeyNew      = "new"      // not judged yet
	TeamKeyOffered  = "offered"  // waits under Found in mail
	TeamKeyAccepted = "accepted" // accepted automatically (a plain addition)
	TeamKeyHeld     = "held"     // we hold it, with nothing new
	TeamKeyIgnored  = "ignored"  // does not parse or does not match: Reason
)

// OriginTeam marks a found key that came from a team member's key record
// (PendingKey.Origin; "" is a key found in mail).
const OriginTeam = "team"

// SettingTeamAutoAcceptKeys: accept a team member's plain addition (a
// leaf S/MIME certificate chaining to a CA this laptop trusts, for an
// address we hold no certificate for) without asking. Off by default.
const SettingTeamAutoAcceptKeys = "team.keys.auto_accept"

func init() { settingDefaults[SettingTeamAutoAcceptKeys] = "false" }

// queueTeamKey queues a public key for every team account's next pass.
func queueTeamKey(ctx context.Context, tx *sql.Tx, format, fingerprint string, data []byte) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO team_key_queue(account_id, format, fingerprint, data, created_at)
	    SELECT id, ?, ?, ?, ? FROM accounts WHERE team = 1`, format, fingerprint, data, now())
	if err != nil {
		return fmt.Errorf("store: queueing key %s for the team: %w", fingerprint, err)
	}
	return nil
}

// TeamKeyOut is a queued key to publish.
type TeamKeyOut struct {
	QueueID     int64
	Format      string
	Fingerprint string
	// Address is the key's first address ("" for a CA certificate).
	Address string
	Data    []byte
}

// TeamKeysToPublish returns an account's queued keys that its log does
// not hold yet. Queued keys that are ours (we hold their private key: the
// helpdesk's own key travels only in a passphrase-protected bundle), that
// are gone from the inventory, or that the log holds already are dropped.
func (s *Store) TeamKeysToPublish(ctx context.Context, account int64) ([]TeamKeyOut, error) {
	var out []TeamKeyOut
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		out = nil
		if _, err := tx.ExecContext(ctx, `DELETE FROM team_key_queue WHERE account_id = ? AND (
		        EXISTS (SELECT 1 FROM team_keys k WHERE k.account_id = team_key_queue.account_id AND k.format = team_key_queue.format
		            AND k.fingerprint = team_key_queue.fingerprint AND k.data = team_key_queue.data)
		        OR (format = 'smime' AND NOT EXISTS (SELECT 1 FROM smime_certificates c WHERE c.fingerprint = team_key_queue.fingerprint AND c.has_private = 0))
		        OR (format = 'openpgp' AND NOT EXISTS (SELECT 1 FROM pgp_keys p WHERE p.fingerprint = team_key_queue.fingerprint AND p.has_secret = 0)))`,
			account); err != nil {
			return fmt.Errorf("store: dropping keys not to publish: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT q.id, q.format, q.fingerprint, q.data,
		        COALESCE((SELECT emails FROM smime_certificates c WHERE q.format = 'smime' AND c.fingerprint = q.fingerprint),
		                 (SELECT emails FROM pgp_keys p WHERE q.format = 'openpgp' AND p.fingerprint = q.fingerprint), '')
		    FROM team_key_queue q WHERE q.account_id = ? ORDER BY q.id`, account)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k TeamKeyOut
			var emails string
			if err := rows.Scan(&k.QueueID, &k.Format, &k.Fingerprint, &k.Data, &emails); err != nil {
				return err
			}
			if l := splitList(emails); len(l) > 0 {
				k.Address = l[0]
			}
			out = append(out, k)
		}
		return rows.Err()
	})
	return out, err
}

// applyKey holds a key record read from the log (docs/team.md: the shared
// key directory). It is judged later, by the security side, never here.
func (a *applier) applyKey(r TeamRecord) (string, error) {
	err := a.exec(`INSERT INTO team_keys(account_id, uid, format, fingerprint, address, data, agent, at)
	    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(account_id, uid) DO NOTHING`,
		a.account, r.UID, r.Format, r.Fingerprint, r.Address, r.Data, r.Agent, r.At.UTC().Format(time.RFC3339))
	return "applied", err
}

// TeamKey is a key record waiting to be judged.
type TeamKey struct {
	Account     int64
	UID         uint32
	Format      string
	Fingerprint string
	Address     string
	Data        []byte
	// Agent is the publishing agent's address as the record says it;
	// AgentName their name as the agent records say it ("" unknown).
	Agent, AgentName string
	At               string
}

// TeamKeysToOffer lists the key records of all accounts not judged yet,
// in the order they were read.
func (s *Store) TeamKeysToOffer(ctx context.Context) ([]TeamKey, error) {
	rows, err := s.query(ctx, `SELECT k.account_id, k.uid, k.format, k.fingerprint, k.address, k.data, k.agent,
	        COALESCE((SELECT name FROM agents g WHERE g.account_id = k.account_id AND g.address = k.agent), ''), k.at
	    FROM team_keys k INDEXED BY team_keys_new WHERE k.status = 'new' ORDER BY k.account_id, k.uid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TeamKey
	for rows.Next() {
		var k TeamKey
		if err := rows.Scan(&k.Account, &k.UID, &k.Format, &k.Fingerprint, &k.Address, &k.Data, &k.Agent, &k.AgentName, &k.At); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// DecideTeamKey records what became of a key record (TeamKeyOffered,
// TeamKeyAccepted, TeamKeyHeld, TeamKeyIgnored with its reason).
func (s *Store) DecideTeamKey(ctx context.Context, account int64, uid uint32, status, reason string) error {
	_, err := s.exec(ctx, `UPDATE team_keys SET status = ?, reason = ? WHERE account_id = ? AND uid = ?`, status, reason, account, uid)
	return err
}

// DropTeamKeys takes queued keys out of the queue unpublished (mail/team
// refused to write them).
func (s *Store) DropTeamKeys(ctx context.Context, queueIDs []int64) error {
	for _, id := range queueIDs {
		if _, err := s.exec(ctx, `DELETE FROM team_key_queue WHERE id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}
