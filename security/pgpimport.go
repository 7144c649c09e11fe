package security

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// ErrPGPPassphraseRequired: a passphrase-protected OpenPGP secret key was
// imported without its passphrase, which is checked at import and kept in
// the keychain so the key unlocks when a message needs it.
var ErrPGPPassphraseRequired = errors.New("security: this OpenPGP secret key is protected by a passphrase: give it to import the key")

// PGPImportResult says what an OpenPGP import stored and what it changed.
type PGPImportResult struct {
	Imported []store.PGPKey `json:"imported"`
	// Merged were already present and gained what Added says.
	Merged []PGPMerge `json:"merged"`
	// Unchanged were already present with everything the input brought.
	Unchanged []store.PGPKey `json:"unchanged"`
	// Secret are the fingerprints whose secret key was stored.
	Secret []string `json:"secret"`
	// Unprotected are those of Secret whose key came without a
	// passphrase, so none was stored with it.
	Unprotected []string `json:"unprotected,omitempty"`
	// Warnings are remarks about imported keys (expired, revoked, no
	// passphrase, no encryption subkey), each naming its key.
	Warnings     []string `json:"warnings"`
	Rechecked    int      `json:"rechecked"`
	RecheckError string   `json:"recheck_error,omitempty"`
}

// PGPMerge is a key that was present and gained new material.
type PGPMerge struct {
	Key store.PGPKey `json:"key"`
	// Added is for a person: "1 new user ID, the secret key".
	Added string `json:"added"`
}

// Import stores every OpenPGP key of every input (ASCII armor or binary,
// any number of keys, public or secret) all at once: one bad input, a
// wrong passphrase or a keychain failure and nothing is stored. Secret
// keys must come with their passphrase (passphrase is nil for public keys
// and unprotected secret keys, which are accepted with a warning); it is
// kept in the keychain beside the key. A key already present is merged
// (new user IDs, subkeys, revocations, the secret key); when nothing at
// all is new, a *DuplicateError names what is there. Afterwards the failed
// OpenPGP articles are re-run. The caller zeroes passphrase.
func (s *PGPKeys) Import(ctx context.Context, passphrase []byte, inputs ...Input) (PGPImportResult, error) {
	keys, err := parsePGPInputs(inputs, passphrase)
	if err != nil {
		return PGPImportResult{}, err
	}
	res := PGPImportResult{Imported: []store.PGPKey{}, Merged: []PGPMerge{}, Unchanged: []store.PGPKey{}, Secret: []string{}, Warnings: []string{}}
	var rows []store.PGPKey
	var secrets []*pgp.Key
	for _, k := range keys {
		old, err := s.p.Store.PGPKey(ctx, k.Fingerprint)
		if errors.Is(err, store.ErrNotFound) {
			row, err := pgpRow(k, k.Secret)
			if err != nil {
				return PGPImportResult{}, err
			}
			rows = append(rows, row)
			if k.Secret {
				secrets = append(secrets, k)
			}
			for _, w := range k.Warnings(s.now()) {
				res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %s", k, w))
			}
			continue
		}
		if err != nil {
			return PGPImportResult{}, err
		}
		known, err := pgp.ParseKey(old.PublicKey)
		if err != nil {
			return PGPImportResult{}, fmt.Errorf("security: the stored key %s no longer reads: %w", DescribePGP(old), err)
		}
		merged, rep, err := pgp.Merge(known, k)
		if err != nil {
			return PGPImportResult{}, err
		}
		secretNew := k.Secret && !old.HasSecret
		if !rep.Changed() && !secretNew {
			res.Unchanged = append(res.Unchanged, old)
			continue
		}
		row, err := pgpRow(merged, old.HasSecret || k.Secret)
		if err != nil {
			return PGPImportResult{}, err
		}
		rows = append(rows, row)
		if secretNew {
			secrets = append(secrets, k)
		}
		res.Merged = append(res.Merged, PGPMerge{Key: row, Added: mergeSummary(rep, secretNew)})
	}
	if len(rows) == 0 {
		return PGPImportResult{}, &DuplicateError{PGPKeys: res.Unchanged}
	}
	undo, err := s.storeSecrets(secrets, passphrase)
	if err != nil {
		return PGPImportResult{}, err
	}
	stored, err := s.p.Store.PutPGPKeys(ctx, rows)
	if err != nil {
		undo()
		return PGPImportResult{}, err
	}
	// A cached unlocked copy lacks what the merge added: unlock afresh.
	for _, r := range stored {
		s.unlocked.lock(r.Fingerprint)
	}
	byFP := map[string]store.PGPKey{}
	for _, r := range stored {
		byFP[r.Fingerprint] = r
	}
	for i, m := range res.Merged {
		res.Merged[i].Key = byFP[m.Key.Fingerprint]
		delete(byFP, m.Key.Fingerprint)
	}
	for _, r := range stored {
		if _, isNew := byFP[r.Fingerprint]; isNew {
			res.Imported = append(res.Imported, r)
		}
	}
	for _, k := range secrets {
		res.Secret = append(res.Secret, k.Fingerprint)
		if k.Unprotected {
			res.Unprotected = append(res.Unprotected, k.Fingerprint)
		}
	}
	s.proc.recheck(ctx, verdict.TechPGP, &res.Rechecked, &res.RecheckError)
	return res, nil
}

// parsePGPInputs reads every key of every input and checks the passphrase
// of each secret key. The same key twice (a public and a secret export in
// one run) is merged into one.
func parsePGPInputs(inputs []Input, passphrase []byte) ([]*pgp.Key, error) {
	var keys []*pgp.Key
	index := map[string]int{}
	for _, in := range inputs {
		ks, err := pgp.ParseKeys(in.Data)
		if err == nil {
			err = checkSecrets(ks, passphrase)
		}
		if err != nil {
			if in.Name != "" {
				err = fmt.Errorf("%s: %w", in.Name, err)
			}
			return nil, err
		}
		for _, k := range ks {
			i, seen := index[k.Fingerprint]
			if !seen {
				index[k.Fingerprint] = len(keys)
				keys = append(keys, k)
				continue
			}
			m, _, err := pgp.Merge(keys[i], k)
			if err != nil {
				return nil, err
			}
			keys[i] = m
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("security: nothing to import: %w", pgp.ErrEmpty)
	}
	return keys, nil
}

// checkSecrets unlocks each secret key once to prove the passphrase, then
// wipes the unlocked copy: what is stored stays protected as imported.
func checkSecrets(keys []*pgp.Key, passphrase []byte) error {
	for _, k := range keys {
		if !k.Secret {
			continue
		}
		if k.Locked() && len(passphrase) == 0 {
			return fmt.Errorf("%w (%s)", ErrPGPPassphraseRequired, k)
		}
		u, err := pgp.UnlockKey(k, passphrase)
		if err != nil {
			return err
		}
		u.Wipe()
	}
	return nil
}

// storeSecrets puts each secret key (armored, protected as imported) and
// its passphrase into the keychain and returns how to take them out again
// if recording them in the store fails, so the keychain never holds a key
// the store does not know about.
func (s *PGPKeys) storeSecrets(keys []*pgp.Key, passphrase []byte) (undo func(), err error) {
	var written []string
	undo = func() {
		for _, name := range written {
			_ = s.p.Keys.Delete(name)
		}
	}
	put := func(name string, secret []byte) error {
		if err := s.p.Keys.Put(name, secret); err != nil {
			return fmt.Errorf("security: storing the OpenPGP secret key in the keychain: %w", err)
		}
		written = append(written, name)
		return nil
	}
	for _, k := range keys {
		armored, err := k.ArmorSecret()
		if err != nil {
			undo()
			return nil, err
		}
		err = put(PGPKeyItemName(k.Fingerprint), armored)
		keystore.Zero(armored)
		if err == nil && !k.Unprotected && len(passphrase) > 0 {
			err = put(PGPPassItemName(k.Fingerprint), passphrase)
		}
		if err != nil {
			undo()
			return nil, err
		}
	}
	return undo, nil
}

// pgpRow is the store's inventory of a key; only its public part is kept.
func pgpRow(k *pgp.Key, hasSecret bool) (store.PGPKey, error) {
	pub, err := k.PublicBytes()
	if err != nil {
		return store.PGPKey{}, err
	}
	ids := []string{k.KeyID}
	for _, sk := range k.Subkeys {
		ids = append(ids, sk.KeyID)
	}
	row := store.PGPKey{
		Fingerprint: k.Fingerprint, UserIDs: orEmptyStrings(k.UserIDs), Emails: orEmptyStrings(k.Emails),
		Algorithm: k.Algorithm, Created: k.Created.UTC().Format(time.RFC3339), Revoked: k.Revoked,
		HasSecret: hasSecret, PublicKey: pub, KeyIDs: ids,
	}
	if !k.Expires.IsZero() {
		row.Expires = k.Expires.UTC().Format(time.RFC3339)
	}
	return row, nil
}

// mergeSummary says what a merge added: "1 new user ID, 2 new subkeys".
func mergeSummary(rep pgp.MergeReport, secret bool) string {
	var parts []string
	count := func(n int, what string) {
		switch {
		case n == 1:
			parts = append(parts, "1 new "+what)
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d new %ss", n, what))
		}
	}
	switch {
	case rep.NewExpiry && rep.Expires.IsZero():
		parts = append(parts, "no expiry date any more")
	case rep.NewExpiry:
		parts = append(parts, "a new expiry date ("+rep.Expires.Format("2006-01-02")+")")
	}
	count(len(rep.NewUserIDs), "user ID")
	count(len(rep.NewSubkeys), "subkey")
	switch n := len(rep.SubkeyExpiries); {
	case n == 1:
		parts = append(parts, "a new expiry date for 1 subkey")
	case n > 1:
		parts = append(parts, fmt.Sprintf("new expiry dates for %d subkeys", n))
	}
	if rep.NewRevocation {
		parts = append(parts, "its revocation")
	}
	if secret {
		parts = append(parts, "the secret key")
	}
	if len(parts) == 0 {
		parts = append(parts, "new signatures")
	}
	return strings.Join(parts, ", ")
}

// DescribePGP names a key for a person: primary user ID and fingerprint.
func DescribePGP(k store.PGPKey) string {
	if len(k.UserIDs) > 0 {
		return fmt.Sprintf("%s (fingerprint %s)", k.UserIDs[0], FormatPGPFingerprint(k.Fingerprint))
	}
	return "fingerprint " + FormatPGPFingerprint(k.Fingerprint)
}

// FormatPGPFingerprint writes a fingerprint the way GnuPG does: upper case
// in groups of four.
func FormatPGPFingerprint(fp string) string { return groupHex(fp, 4, ' ') }
