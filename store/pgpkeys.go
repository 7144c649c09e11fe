package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// PGPKey is the public part of one imported OpenPGP key and the inventory
// the key list shows. The secret key and its passphrase, when there are
// any, live in the keychain, never here; HasSecret only says that they do.
type PGPKey struct {
	ID          int64    `json:"id"`
	Fingerprint string   `json:"fingerprint"` // primary key fingerprint, uppercase hex
	UserIDs     []string `json:"user_ids"`
	Emails      []string `json:"emails"` // lowercase
	Algorithm   string   `json:"algorithm"`
	Created     string   `json:"created"` // RFC 3339, UTC
	Expires     string   `json:"expires"` // RFC 3339, UTC; "" means never
	Revoked     bool     `json:"revoked"`
	HasSecret   bool     `json:"has_secret"`
	// PublicKey is the binary transferable public key (RFC 9580 section 10.1).
	PublicKey []byte `json:"-"`
	// KeyIDs are the 64-bit key IDs (uppercase hex) of the primary key and
	// every subkey: what signatures and encrypted messages name. Written by
	// PutPGPKeys; not read back by the listing queries.
	KeyIDs    []string `json:"-"`
	CreatedAt string   `json:"created_at"`
	// SupersededFor are the addresses for which an accepted key change
	// replaced this key (see SupersedePGPKey): it still checks old
	// signatures but is no longer offered for them.
	SupersededFor []string `json:"superseded_for,omitempty"`
}

const pgpColumns = `id, fingerprint, user_ids, emails, algorithm, created, expires, revoked, has_secret, public_key, created_at,
    (SELECT COALESCE(group_concat(address, ','), '') FROM pgp_key_superseded s WHERE s.fingerprint = pgp_keys.fingerprint)`

// PGPKeys returns every imported key, ours (with a secret key) first, then
// by primary user ID.
func (s *Store) PGPKeys(ctx context.Context) ([]PGPKey, error) {
	return s.queryPGPKeys(ctx, `SELECT `+pgpColumns+` FROM pgp_keys ORDER BY has_secret DESC, user_ids, id`)
}

// PGPKeysByPrefix returns the keys whose fingerprint starts with prefix
// (uppercase hex), at most two: enough to tell "unique" from "ambiguous".
func (s *Store) PGPKeysByPrefix(ctx context.Context, prefix string) ([]PGPKey, error) {
	return s.queryPGPKeys(ctx, `SELECT `+pgpColumns+` FROM pgp_keys
	    WHERE substr(fingerprint, 1, ?) = ? ORDER BY fingerprint LIMIT 2`, len(prefix), prefix)
}

// PGPKeysByEmail returns the keys with a user ID that carries addr
// (lowercase).
//
// Keys superseded for addr (SupersedePGPKey) are left out: they are no
// longer used for encrypting to it or signing as it.
func (s *Store) PGPKeysByEmail(ctx context.Context, addr string) ([]PGPKey, error) {
	return s.queryPGPKeys(ctx, `SELECT `+pgpColumns+` FROM pgp_keys
	    WHERE instr(',' || emails || ',', ',' || ? || ',') > 0
	    AND fingerprint NOT IN (SELECT fingerprint FROM pgp_key_superseded WHERE address = ?) ORDER BY created DESC, id`, addr, addr)
}

// SupersedePGPKey records that key by replaced key old for addr (an
// accepted key change): old stays, for checking old signatures, but
// PGPKeysByEmail no longer returns it for addr. Deleting by lifts the mark
// (ON DELETE CASCADE): the old key is in use again.
func (s *Store) SupersedePGPKey(ctx context.Context, old, addr, by string) error {
	_, err := s.exec(ctx, `INSERT INTO pgp_key_superseded(fingerprint, address, superseded_by, at) VALUES (?, ?, ?, ?)
	    ON CONFLICT(fingerprint, address) DO UPDATE SET superseded_by = excluded.superseded_by, at = excluded.at`,
		old, strings.ToLower(addr), by, now())
	return err
}

// PGPKeysByKeyID returns the keys whose primary key or a subkey has this
// key ID (uppercase hex).
func (s *Store) PGPKeysByKeyID(ctx context.Context, keyID string) ([]PGPKey, error) {
	return s.queryPGPKeys(ctx, `SELECT `+pgpColumns+` FROM pgp_keys
	    WHERE fingerprint IN (SELECT fingerprint FROM pgp_key_ids WHERE key_id = ?) ORDER BY id`, keyID)
}

// PGPKey returns the key with this exact fingerprint, or ErrNotFound.
func (s *Store) PGPKey(ctx context.Context, fingerprint string) (PGPKey, error) {
	k, err := scanPGPKey(s.queryRow(ctx, `SELECT `+pgpColumns+` FROM pgp_keys WHERE fingerprint = ?`, fingerprint))
	if errors.Is(err, sql.ErrNoRows) {
		return k, ErrNotFound
	}
	return k, err
}

// PGPSecretFingerprints lists the keys whose secret key the keychain holds.
func (s *Store) PGPSecretFingerprints(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, `SELECT fingerprint FROM pgp_keys WHERE has_secret = 1 ORDER BY fingerprint`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var fp string
		if err := rows.Scan(&fp); err != nil {
			return nil, err
		}
		out = append(out, fp)
	}
	return out, rows.Err()
}

// PutPGPKeys inserts new keys and replaces stored ones (a merge brought new
// user IDs, subkeys or the secret key) in one transaction, key IDs
// included, and returns them as stored.
func (s *Store) PutPGPKeys(ctx context.Context, keys []PGPKey) ([]PGPKey, error) {
	var out []PGPKey
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		for _, k := range keys {
			k.CreatedAt = now()
			err := tx.QueryRowContext(ctx, `INSERT INTO pgp_keys(fingerprint, user_ids, emails, algorithm, created,
			    expires, revoked, has_secret, public_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			    ON CONFLICT(fingerprint) DO UPDATE SET user_ids = excluded.user_ids, emails = excluded.emails,
			    algorithm = excluded.algorithm, expires = excluded.expires, revoked = excluded.revoked,
			    has_secret = excluded.has_secret, public_key = excluded.public_key
			    RETURNING id, created_at`,
				k.Fingerprint, joinUserIDs(k.UserIDs), joinList(k.Emails), k.Algorithm, k.Created, k.Expires,
				k.Revoked, k.HasSecret, k.PublicKey, k.CreatedAt).Scan(&k.ID, &k.CreatedAt)
			if err != nil {
				return fmt.Errorf("store: storing OpenPGP key %s: %w", k.Fingerprint, err)
			}
			// A public key is published for the team (docs/team.md); a key
			// we hold the secret of is ours and is not.
			if !k.HasSecret {
				if err := queueTeamKey(ctx, tx, KeyFormatOpenPGP, k.Fingerprint, k.PublicKey); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM pgp_key_ids WHERE fingerprint = ?`, k.Fingerprint); err != nil {
				return err
			}
			for _, id := range k.KeyIDs {
				if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO pgp_key_ids(key_id, fingerprint) VALUES (?, ?)`, id, k.Fingerprint); err != nil {
					return err
				}
			}
			out = append(out, k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeletePGPKey removes a key (and its key IDs), or returns ErrNotFound. A
// public key (one we hold no secret of) leaves with the queueing of its
// removal for the team, in the same transaction (docs/team.md: the shared
// key directory).
func (s *Store) DeletePGPKey(ctx context.Context, fingerprint string) error {
	return s.deleteKey(ctx, KeyFormatOpenPGP, fingerprint,
		`SELECT has_secret = 0, emails FROM pgp_keys WHERE fingerprint = ?`,
		`DELETE FROM pgp_keys WHERE fingerprint = ?`)
}

func (s *Store) queryPGPKeys(ctx context.Context, q string, args ...any) ([]PGPKey, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PGPKey{}
	for rows.Next() {
		k, err := scanPGPKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func scanPGPKey(r scanner) (PGPKey, error) {
	var k PGPKey
	var uids, emails, superseded string
	err := r.Scan(&k.ID, &k.Fingerprint, &uids, &emails, &k.Algorithm, &k.Created, &k.Expires, &k.Revoked,
		&k.HasSecret, &k.PublicKey, &k.CreatedAt, &superseded)
	k.Emails = splitList(emails)
	if superseded != "" {
		k.SupersededFor = splitList(superseded)
	}
	k.UserIDs = []string{}
	if uids != "" {
		k.UserIDs = strings.Split(uids, "\n")
	}
	return k, err
}

// User IDs are stored one a line: unlike addresses they may hold commas
// ("Doe, Jane <jane@example.org>"), never a line break.
func joinUserIDs(l []string) string {
	clean := make([]string, 0, len(l))
	for _, u := range l {
		clean = append(clean, strings.NewReplacer("\r", " ", "\n", " ").Replace(u))
	}
	return strings.Join(clean, "\n")
}
