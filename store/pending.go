package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Pending key states.
const (
	PendingOpen     = "pending"
	PendingAccepted = "accepted"
	PendingRejected = "rejected"
)

// ErrDecided: the pending key was accepted or rejected already.
var ErrDecided = errors.New("store: this key was already accepted or rejected")

// PendingKey is a key or certificate found in a received message, waiting
// for the agent's decision. It is never used before it is accepted.
type PendingKey struct {
	ID          int64  `json:"id"`
	Technology  string `json:"technology"` // PGP, S/MIME
	Source      string `json:"source"`     // autocrypt, attachment, signature
	Address     string `json:"address"`
	Fingerprint string `json:"fingerprint"`
	Label       string `json:"label"` // primary user ID or certificate subject
	// Key is the binary public key (PGP) or the certificate DER (S/MIME).
	Key       []byte `json:"-"`
	ArticleID int64  `json:"article_id"`
	FoundAt   string `json:"found_at"`
	Status    string `json:"status"`
	// KeyChange: we hold another key for Address; Replaces names it.
	KeyChange bool   `json:"key_change"`
	Replaces  string `json:"replaces"`
	Warning   string `json:"warning"`
	DecidedAt string `json:"decided_at"`
	// Update: we hold this very key and the found copy brings something
	// new (UpdateSummary says what: a new expiry date, subkey, user ID,
	// revocation); accepting merges it into ours.
	Update        bool   `json:"update,omitempty"`
	UpdateSummary string `json:"update_summary,omitempty"`
	// Seen counts the stored mails the key was found in (ArticleID is the
	// first of them).
	Seen int `json:"seen"`
	// Finding is what the key is to the sender of the mail that carried it
	// (crypto/pgp FoundFinding): only "sender" may be accepted by one
	// click; "" for keys found before findings existed.
	Finding string `json:"finding"`
	// Origin is where the key came from: "" a mail (ArticleID), OriginTeam
	// a team member's key record, published by OriginAgent (an address;
	// OriginAgentName their name when the team records say it): "from
	// your team: Anna imported this". Either way it waits for a decision.
	Origin          string `json:"origin,omitempty"`
	OriginAgent     string `json:"origin_agent,omitempty"`
	OriginAgentName string `json:"origin_agent_name,omitempty"`
}

const pendingColumns = `id, technology, source, address, fingerprint, label, key, COALESCE(article_id, 0), found_at,
	status, key_change, replaces, warning, decided_at, key_update, update_summary,
	finding, origin, origin_agent, origin_agent_name, (SELECT COUNT(*) FROM pending_key_sightings s WHERE s.pending_id = pending_keys.id)`

// AddPendingKeys proposes keys in one transaction and returns those that
// are new proposals. A key already pending or rejected is left as it is
// (rejected stays rejected); one accepted earlier is proposed again, as
// the caller only offers keys the store no longer holds or updates of
// held keys. An update whose key differs from the row's (it brings
// something else again) replaces a pending or rejected row and is open
// again.
func (s *Store) AddPendingKeys(ctx context.Context, keys []PendingKey) ([]PendingKey, error) {
	if len(keys) == 0 {
		// Most mail carries no keys: no write transaction for nothing.
		return []PendingKey{}, nil
	}
	var added []PendingKey
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		added, err = addPendingKeys(ctx, tx, keys)
		return err
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

// addPendingKeys is AddPendingKeys inside the caller's transaction.
func addPendingKeys(ctx context.Context, q querier, keys []PendingKey) ([]PendingKey, error) {
	added := []PendingKey{}
	for _, k := range keys {
		k.FoundAt, k.Status, k.DecidedAt = now(), PendingOpen, ""
		var article any
		if k.ArticleID != 0 {
			article = k.ArticleID
		}
		err := q.QueryRowContext(ctx, `INSERT INTO pending_keys(technology, source, address, fingerprint, label, key,
		    article_id, found_at, status, key_change, replaces, warning, key_update, update_summary, finding,
		    origin, origin_agent, origin_agent_name)
		    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?)
		    ON CONFLICT(technology, fingerprint) DO UPDATE SET source = excluded.source, address = excluded.address,
		    label = excluded.label, key = excluded.key, article_id = excluded.article_id, found_at = excluded.found_at,
		    status = 'pending', key_change = excluded.key_change, replaces = excluded.replaces,
		    warning = excluded.warning, decided_at = '', key_update = excluded.key_update,
		    update_summary = excluded.update_summary, finding = excluded.finding, origin = excluded.origin,
		    origin_agent = excluded.origin_agent, origin_agent_name = excluded.origin_agent_name
		    WHERE pending_keys.status = 'accepted' OR (excluded.key_update = 1 AND pending_keys.key <> excluded.key)
		    RETURNING id`,
			k.Technology, k.Source, k.Address, k.Fingerprint, k.Label, k.Key, article, k.FoundAt,
			k.KeyChange, k.Replaces, k.Warning, k.Update, k.UpdateSummary, k.Finding,
			k.Origin, k.OriginAgent, k.OriginAgentName).Scan(&k.ID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("store: proposing key %s: %w", k.Fingerprint, err)
		}
		// Seen again or for the first time: this mail carried it.
		if k.ArticleID != 0 {
			if _, err := q.ExecContext(ctx, `INSERT OR IGNORE INTO pending_key_sightings(pending_id, article_id)
			    SELECT id, ? FROM pending_keys WHERE technology = ? AND fingerprint = ?`, k.ArticleID, k.Technology, k.Fingerprint); err != nil {
				return nil, fmt.Errorf("store: noting where key %s was found: %w", k.Fingerprint, err)
			}
		}
		if errors.Is(err, sql.ErrNoRows) {
			continue // pending or rejected already
		}
		added = append(added, k)
	}
	return added, nil
}

// PendingKeys lists the found keys in one status ("" for all), oldest
// first.
func (s *Store) PendingKeys(ctx context.Context, status string) ([]PendingKey, error) {
	return s.queryPending(ctx, `SELECT `+pendingColumns+` FROM pending_keys
	    WHERE ? = '' OR status = ? ORDER BY id`, status, status)
}

// queryPending runs a query (or a DELETE … RETURNING) of pendingColumns.
func (s *Store) queryPending(ctx context.Context, query string, args ...any) ([]PendingKey, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PendingKey{}
	for rows.Next() {
		k, err := scanPending(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// PendingKey returns one found key, or ErrNotFound.
func (s *Store) PendingKey(ctx context.Context, id int64) (PendingKey, error) {
	k, err := scanPending(s.queryRow(ctx, `SELECT `+pendingColumns+` FROM pending_keys WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return k, ErrNotFound
	}
	return k, err
}

// DecidePendingKey records the agent's decision on a pending key:
// ErrNotFound for no such key, ErrDecided when it was decided already (by
// another window, say).
func (s *Store) DecidePendingKey(ctx context.Context, id int64, status string) error {
	if status != PendingAccepted && status != PendingRejected {
		return fmt.Errorf("store: %q is not a decision on a pending key", status)
	}
	res, err := s.exec(ctx, `UPDATE pending_keys SET status = ?, decided_at = ? WHERE id = ? AND status = 'pending'`,
		status, now(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.PendingKey(ctx, id); err != nil {
			return err
		}
		return ErrDecided
	}
	return nil
}

func scanPending(r scanner) (PendingKey, error) {
	var k PendingKey
	err := r.Scan(&k.ID, &k.Technology, &k.Source, &k.Address, &k.Fingerprint, &k.Label, &k.Key, &k.ArticleID,
		&k.FoundAt, &k.Status, &k.KeyChange, &k.Replaces, &k.Warning, &k.DecidedAt, &k.Update, &k.UpdateSummary, &k.Finding,
		&k.Origin, &k.OriginAgent, &k.OriginAgentName, &k.Seen)
	return k, err
}

// PendingSeenIn maps each found key that was seen in one of the articles
// to those articles, by pending key ID.
func (s *Store) PendingSeenIn(ctx context.Context, articleIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(articleIDs) == 0 {
		return out, nil
	}
	list, err := json.Marshal(articleIDs)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT pending_id, article_id FROM pending_key_sightings
	    WHERE article_id IN (SELECT value FROM json_each(?)) ORDER BY pending_id, article_id`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid, aid int64
		if err := rows.Scan(&pid, &aid); err != nil {
			return nil, err
		}
		out[pid] = append(out[pid], aid)
	}
	return out, rows.Err()
}
