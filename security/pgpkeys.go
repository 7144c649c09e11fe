package security

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/store"
)

// PGPKey is one OpenPGP inventory entry with what the list shows about it
// at the service's clock.
type PGPKey struct {
	store.PGPKey
	Expired bool `json:"expired"`
	// ExpiresSoon: valid now but not 30 days from now.
	ExpiresSoon bool `json:"expires_soon"`
	// TeamRemoved: a team member removed this key on their laptop; it
	// stays here until an admin removes it (teamunkeys.go). nil: no one
	// did.
	TeamRemoved *TeamRemovedNote `json:"team_removed,omitempty"`
}

// PGPKeys is the OpenPGP inventory of a profile: public keys in SQLite,
// secret keys and their passphrases in the OS keychain, unlocked copies
// in a cache shared by every operation of the Service.
type PGPKeys struct {
	*deps
	// proc re-runs the failed articles after an import.
	proc *Processing
}

// List returns the OpenPGP key inventory, ours first.
func (s *PGPKeys) List(ctx context.Context) ([]PGPKey, error) {
	rows, err := s.p.Store.PGPKeys(ctx)
	if err != nil {
		return nil, err
	}
	removed, err := s.teamRemovedNotes(ctx, store.KeyFormatOpenPGP)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]PGPKey, 0, len(rows))
	for _, r := range rows {
		k := PGPKey{PGPKey: r, TeamRemoved: removed[r.Fingerprint]}
		k.Expired, k.ExpiresSoon = expiry(now, r.Expires)
		out = append(out, k)
	}
	return out, nil
}

// Resolve finds the key a fingerprint, or a unique prefix of at least 8
// hex digits, names. Unknown is store.ErrNotFound.
func (s *PGPKeys) Resolve(ctx context.Context, fingerprint string) (store.PGPKey, error) {
	return resolve(ctx, fingerprint, "OpenPGP key", strings.ToUpper, s.p.Store.PGPKeysByPrefix, DescribePGP)
}

// Delete removes a key, its secret key and passphrase. The keychain
// items go first: a keychain that cannot be reached leaves everything in
// place rather than an orphaned secret key nobody can see or delete. The
// unlocked copy, if the service holds one, is wiped.
func (s *PGPKeys) Delete(ctx context.Context, fingerprint string) (store.PGPKey, error) {
	k, err := s.Resolve(ctx, fingerprint)
	if err != nil {
		return k, err
	}
	if k.HasSecret {
		for _, name := range []string{PGPKeyItemName(k.Fingerprint), PGPPassItemName(k.Fingerprint)} {
			if err := s.p.Keys.Delete(name); err != nil && !errors.Is(err, keystore.ErrNotFound) {
				return k, fmt.Errorf("security: deleting the secret key of %s: %w", DescribePGP(k), err)
			}
		}
	}
	s.unlocked.lock(k.Fingerprint)
	return k, s.p.Store.DeletePGPKey(ctx, k.Fingerprint)
}

// Lock wipes every unlocked OpenPGP secret key the service holds; the
// next operation that needs one unlocks it from the keychain again.
func (s *PGPKeys) Lock() { s.unlocked.lock() }

// ExportPublic returns the public key, ASCII-armored.
func (s *PGPKeys) ExportPublic(ctx context.Context, fingerprint string) ([]byte, error) {
	row, err := s.Resolve(ctx, fingerprint)
	if err != nil {
		return nil, err
	}
	k, err := pgp.ParseKey(row.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("security: the stored key %s no longer reads: %w", DescribePGP(row), err)
	}
	return pgp.ExportPublic(k)
}

// ExportSecret returns the secret key, ASCII-armored, with every user ID
// and subkey merged into the public key since, protected by passphrase,
// or, when passphrase is empty, by the passphrase it was imported with
// (kept in the keychain). Whoever calls it has chosen to take the key out
// of SealDesk: the app writes it only to a file picked in a native dialog,
// sealctl only for an admin who asked. A key imported without a
// passphrase needs one here: SealDesk never writes an unprotected secret
// key (pgp.ErrPassphraseRequired). The caller zeroes passphrase.
func (s *PGPKeys) ExportSecret(ctx context.Context, fingerprint string, passphrase []byte) ([]byte, error) {
	row, full, err := s.secretForExport(ctx, fingerprint)
	if err != nil {
		return nil, err
	}
	defer full.Wipe()
	pass := passphrase
	if len(pass) == 0 {
		stored, err := s.p.Keys.Get(PGPPassItemName(row.Fingerprint))
		if errors.Is(err, keystore.ErrNotFound) {
			return nil, fmt.Errorf("security: %s was imported without a passphrase, and SealDesk never exports an unprotected secret key: give a passphrase for the exported file: %w", DescribePGP(row), pgp.ErrPassphraseRequired)
		}
		if err != nil {
			return nil, fmt.Errorf("security: reading the passphrase of %s: %w", DescribePGP(row), err)
		}
		defer keystore.Zero(stored)
		pass = stored
	}
	return pgp.ExportSecret(full, pass)
}
