package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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

// queueTeamKey queues a public key for every team account's next pass. A
// removal of the same key not written yet is dropped: the key is back, and
// the team need not hear it was gone.
func queueTeamKey(ctx context.Context, tx *sql.Tx, format, fingerprint string, data []byte) error {
	if err := dropQueued(ctx, tx, teamKindUnkey, format, fingerprint); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO team_key_queue(account_id, format, fingerprint, data, created_at)
	    SELECT id, ?, ?, ?, ? FROM accounts WHERE team = 1`, format, fingerprint, data, now())
	if err != nil {
		return fmt.Errorf("store: queueing key %s for the team: %w", fingerprint, err)
	}
	return nil
}

// Kinds of the key queue (team_key_queue.kind), the record kinds of
// mail/team they become.
const (
	teamKindKey   = "key"
	teamKindUnkey = "unkey"
)

// TeamKeySubject is what a queued key or unkey record is about
// (team_outbox.root): "smime:<fingerprint>".
func TeamKeySubject(format, fingerprint string) string { return format + ":" + fingerprint }

// dropQueued takes the queued records of one kind about one key out of
// both queues (team_key_queue, and team_outbox where it is built but not
// yet written).
func dropQueued(ctx context.Context, tx *sql.Tx, kind, format, fingerprint string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM team_key_queue WHERE kind = ? AND format = ? AND fingerprint = ?`, kind, format, fingerprint); err != nil {
		return fmt.Errorf("store: dropping a queued %s record: %w", kind, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM team_outbox WHERE kind = ? AND root = ?`, kind, TeamKeySubject(format, fingerprint)); err != nil {
		return fmt.Errorf("store: dropping a queued %s record: %w", kind, err)
	}
	return nil
}

// TeamKeyOut is a queued key (or key removal) to publish.
type TeamKeyOut struct {
	QueueID     int64
	Format      string
	Fingerprint string
	// Address is the key's first address ("" for a CA certificate).
	Address string
	Data    []byte
	// Removed: an unkey record (the key was deleted here); Data is empty.
	Removed bool
	// Republish: queued to restore the log (a profile joining, a new
	// epoch), not by an import (docs/team.md, Faults).
	Republish bool
}

// logHolds is true for a queued key (team_key_queue AS q) that the log
// says already: a key record with the same data, not ignored, with no
// unkey record after it. logRemoved is true for a queued removal the log
// says already: an unkey record with no key record after it.
const (
	logHolds = `EXISTS (SELECT 1 FROM team_keys k WHERE k.account_id = q.account_id AND k.format = q.format
	        AND k.fingerprint = q.fingerprint AND k.data = q.data AND k.status != 'ignored'
	        AND NOT EXISTS (SELECT 1 FROM team_key_removals r WHERE r.account_id = k.account_id AND r.format = k.format
	            AND r.fingerprint = k.fingerprint AND r.uid > k.uid))`
	logRemoved = `EXISTS (SELECT 1 FROM team_key_removals r WHERE r.account_id = q.account_id AND r.format = q.format
	        AND r.fingerprint = q.fingerprint
	        AND NOT EXISTS (SELECT 1 FROM team_keys k WHERE k.account_id = r.account_id AND k.format = r.format
	            AND k.fingerprint = r.fingerprint AND k.uid > r.uid))`
	// inInventory: the queued key's fingerprint is in this profile's
	// inventory; publishable: and it is one the team may see.
	inInventory = `(EXISTS (SELECT 1 FROM smime_certificates c WHERE q.format = 'smime' AND c.fingerprint = q.fingerprint)
	        OR EXISTS (SELECT 1 FROM pgp_keys p WHERE q.format = 'openpgp' AND p.fingerprint = q.fingerprint))`
	publishable = `(EXISTS (SELECT 1 FROM smime_certificates c WHERE q.format = 'smime' AND c.fingerprint = q.fingerprint
	            AND c.has_private = 0 AND c.with_key = 0)
	        OR EXISTS (SELECT 1 FROM pgp_keys p WHERE q.format = 'openpgp' AND p.fingerprint = q.fingerprint AND p.has_secret = 0))`
)

// TeamKeysToPublish returns an account's queued keys and key removals
// that its log does not say yet. Dropped from the queue: keys that are
// ours (we hold their private key, or they came in its PKCS #12 file: the
// helpdesk's own key travels only in a passphrase-protected bundle), keys
// gone from the inventory, keys the log holds already; removals the log
// says already, and removals of keys that are back.
func (s *Store) TeamKeysToPublish(ctx context.Context, account int64) ([]TeamKeyOut, error) {
	var out []TeamKeyOut
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		out = nil
		if _, err := tx.ExecContext(ctx, `DELETE FROM team_key_queue AS q WHERE q.account_id = ? AND (
		        (q.kind = 'key' AND (`+logHolds+` OR NOT `+publishable+`))
		        OR (q.kind = 'unkey' AND (`+logRemoved+` OR `+inInventory+`)))`,
			account); err != nil {
			return fmt.Errorf("store: dropping keys not to publish: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT q.id, q.kind, q.format, q.fingerprint, q.data, q.republish,
		        COALESCE((SELECT emails FROM smime_certificates c WHERE q.format = 'smime' AND c.fingerprint = q.fingerprint),
		                 (SELECT emails FROM pgp_keys p WHERE q.format = 'openpgp' AND p.fingerprint = q.fingerprint), q.address)
		    FROM team_key_queue q WHERE q.account_id = ? ORDER BY q.id`, account)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k TeamKeyOut
			var kind, emails string
			if err := rows.Scan(&k.QueueID, &kind, &k.Format, &k.Fingerprint, &k.Data, &k.Republish, &emails); err != nil {
				return err
			}
			k.Removed = kind == teamKindUnkey
			if l := splitList(emails); len(l) > 0 {
				k.Address = l[0]
			}
			out = append(out, k)
		}
		return rows.Err()
	})
	return out, err
}

// QueueTeamInventory queues every public key of the inventory for an
// account whose log has not had it in this epoch: the first team pass of
// a profile that held keys before it joined, the first pass of a new
// epoch (the log was lost), the first pass after team records were
// switched back on. A key a team member removed (its note is beside it
// here, MarkTeamRemoved) is left out: a lost log does not undo a removal.
// The keys are marked Republish; TeamKeysToPublish leaves out what the
// log holds by then, so laptops holding the same keys do not publish them
// again and again. It returns how many keys it queued (0 when the
// inventory was queued for this epoch already).
func (s *Store) QueueTeamInventory(ctx context.Context, account int64) (int, error) {
	var n int
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		n = 0
		epoch, queued := 0, -1
		err := tx.QueryRowContext(ctx, `SELECT epoch, inventory_epoch FROM team_folders WHERE account_id = ?`, account).Scan(&epoch, &queued)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if queued == epoch {
			return nil
		}
		for _, q := range []string{
			`INSERT OR IGNORE INTO team_key_queue(account_id, format, fingerprint, data, created_at, republish)
			    SELECT ?, 'smime', fingerprint, der, ?, 1 FROM smime_certificates WHERE has_private = 0 AND with_key = 0
			        AND fingerprint NOT IN (SELECT fingerprint FROM team_removed_keys WHERE format = 'smime') ORDER BY id`,
			`INSERT OR IGNORE INTO team_key_queue(account_id, format, fingerprint, data, created_at, republish)
			    SELECT ?, 'openpgp', fingerprint, public_key, ?, 1 FROM pgp_keys WHERE has_secret = 0
			        AND fingerprint NOT IN (SELECT fingerprint FROM team_removed_keys WHERE format = 'openpgp') ORDER BY id`,
		} {
			res, err := tx.ExecContext(ctx, q, account, now())
			if err != nil {
				return fmt.Errorf("store: queueing the key inventory for the team: %w", err)
			}
			added, _ := res.RowsAffected()
			n += int(added)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO team_folders(account_id, inventory_epoch) VALUES (?, ?)
		    ON CONFLICT(account_id) DO UPDATE SET inventory_epoch = excluded.inventory_epoch`, account, epoch)
		return err
	})
	return n, err
}

// applyKey holds a key record read from the log (docs/team.md: the shared
// key directory), and applyUnkey an unkey record. They are judged later,
// by the security side, in UID order, never here.
func (a *applier) applyKey(r TeamRecord) (string, error) {
	err := a.exec(`INSERT INTO team_keys(account_id, uid, format, fingerprint, address, data, agent, at)
	    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(account_id, uid) DO NOTHING`,
		a.account, r.UID, r.Format, NormalFingerprint(r.Format, r.Fingerprint), r.Address, r.Data, r.Agent, r.At.UTC().Format(time.RFC3339))
	return "applied", err
}

func (a *applier) applyUnkey(r TeamRecord) (string, error) {
	err := a.exec(`INSERT INTO team_key_removals(account_id, uid, format, fingerprint, address, agent, at)
	    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(account_id, uid) DO NOTHING`,
		a.account, r.UID, r.Format, NormalFingerprint(r.Format, r.Fingerprint), r.Address, r.Agent, r.At.UTC().Format(time.RFC3339))
	return "applied", err
}

// NormalFingerprint writes a fingerprint as the inventory does: S/MIME
// lowercase hex (crypto/smime.Fingerprint), OpenPGP uppercase. Records
// are anyone's to write, in either case.
func NormalFingerprint(format, fp string) string {
	if format == KeyFormatOpenPGP {
		return strings.ToUpper(fp)
	}
	return strings.ToLower(fp)
}

// TeamKey is a key record, or an unkey record (Removal), waiting to be
// judged.
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
	// Removal: an unkey record (Data is empty): Agent removed the key on
	// their laptop.
	Removal bool
}

// TeamKeysToOffer lists the key and unkey records of all accounts not
// judged yet, in the order they were read (a key published, removed and
// published again is judged in that order).
func (s *Store) TeamKeysToOffer(ctx context.Context) ([]TeamKey, error) {
	const agentName = `COALESCE((SELECT name FROM agents g WHERE g.account_id = k.account_id AND g.address = k.agent), '')`
	rows, err := s.query(ctx, `SELECT k.account_id, k.uid, k.format, k.fingerprint, k.address, k.data, k.agent, `+agentName+`, k.at, 0
	    FROM team_keys k INDEXED BY team_keys_new WHERE k.status = 'new'
	    UNION ALL
	    SELECT k.account_id, k.uid, k.format, k.fingerprint, k.address, x'', k.agent, `+agentName+`, k.at, 1
	    FROM team_key_removals k INDEXED BY team_key_removals_new WHERE k.status = 'new'
	    ORDER BY 1, 2`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TeamKey
	for rows.Next() {
		var k TeamKey
		if err := rows.Scan(&k.Account, &k.UID, &k.Format, &k.Fingerprint, &k.Address, &k.Data, &k.Agent, &k.AgentName, &k.At, &k.Removal); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// DecideTeamKey records what became of a key record (TeamKeyOffered,
// TeamKeyAccepted, TeamKeyHeld, TeamKeyIgnored with its reason), or, for
// an unkey record (removal), what it did here (reason: withdrawn, noted,
// nothing).
func (s *Store) DecideTeamKey(ctx context.Context, account int64, uid uint32, removal bool, status, reason string) error {
	q := `UPDATE team_keys SET status = ?, reason = ? WHERE account_id = ? AND uid = ?`
	if removal {
		status, q = "done", `UPDATE team_key_removals SET status = ?, outcome = ? WHERE account_id = ? AND uid = ?`
	}
	_, err := s.exec(ctx, q, status, reason, account, uid)
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
