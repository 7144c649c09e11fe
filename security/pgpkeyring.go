package security

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/store"
)

// Keychain items of OpenPGP secret keys: the secret key armored exactly as
// imported (still protected by its own passphrase) and that passphrase.
// keystore.Store splits the key across items where the platform needs it.
const (
	PGPKeyItemPrefix  = "pgp-key:"
	PGPPassItemPrefix = "pgp-pass:"
)

// PGPKeyItemName is the keychain item of a secret key.
func PGPKeyItemName(fp string) string { return PGPKeyItemPrefix + strings.ToUpper(fp) }

// PGPPassItemName is the keychain item of a secret key's passphrase; it
// does not exist for a key imported without passphrase protection.
func PGPPassItemName(fp string) string { return PGPPassItemPrefix + strings.ToUpper(fp) }

// PGPKeyring is a pgp.Keyring over one profile for one operation: public
// keys are looked up in the store as the engine asks (and parsed once per
// operation), secret keys are unlocked from the keychain on first use and
// shared through the Service's unlock cache (deps.unlocked). Release it when done.
type PGPKeyring struct {
	ctx    context.Context
	st     *store.Store
	keys   *keystore.Store
	cache  *unlockCache
	shared *parseCache
	secret map[string]bool // fingerprints the store says the keychain holds

	mu     sync.Mutex
	parsed map[string]*pgp.Key
	// byID memoises KeysByKeyID: a batch asks for the same signer and
	// recipient keys again and again, and the store's answer does not
	// change while the keyring is held.
	byID  map[uint64][]*pgp.Key
	held  []*unlocked
	kcErr error
}

var _ pgp.Keyring = (*PGPKeyring)(nil)

// Keyring loads the profile's OpenPGP keyring for one operation.
func (s *PGPKeys) Keyring(ctx context.Context) (*PGPKeyring, error) {
	return s.pgpKeyring(ctx)
}

func (s *deps) pgpKeyring(ctx context.Context) (*PGPKeyring, error) {
	fps, err := s.p.Store.PGPSecretFingerprints(ctx)
	if err != nil {
		return nil, fmt.Errorf("security: reading the OpenPGP key store: %w", err)
	}
	k := &PGPKeyring{ctx: ctx, st: s.p.Store, keys: s.p.Keys, cache: s.unlocked, shared: s.parsed,
		secret: map[string]bool{}, parsed: map[string]*pgp.Key{}}
	for _, fp := range fps {
		k.secret[fp] = true
	}
	return k, nil
}

// KeysByAddress asks the store's address index, then keeps the keys whose
// parsed, verified user IDs carry addr: a row stored before user IDs were
// checked (pgp.Key.UnverifiedUserIDs) may index an address its key does
// not prove.
func (k *PGPKeyring) KeysByAddress(addr string) []*pgp.Key {
	rows, err := k.st.PGPKeysByEmail(k.ctx, strings.ToLower(strings.TrimSpace(addr)))
	keys := k.parse(rows, err)
	out := keys[:0]
	for _, key := range keys {
		if key.HasEmail(addr) {
			out = append(out, key)
		}
	}
	return out
}

func (k *PGPKeyring) KeyByFingerprint(fp string) (*pgp.Key, error) {
	fp = strings.ToUpper(fp)
	// The engine looks the signer up by key ID, then by fingerprint: within
	// one operation the store has already answered.
	k.mu.Lock()
	key, ok := k.parsed[fp]
	k.mu.Unlock()
	if ok {
		return key, nil
	}
	row, err := k.st.PGPKey(k.ctx, fp)
	if errors.Is(err, store.ErrNotFound) {
		return nil, pgp.ErrKeyNotFound
	}
	if l := k.parse([]store.PGPKey{row}, err); len(l) == 1 {
		return l[0], nil
	}
	return nil, pgp.ErrKeyNotFound
}

func (k *PGPKeyring) KeysByKeyID(id uint64) []*pgp.Key {
	k.mu.Lock()
	keys, ok := k.byID[id]
	k.mu.Unlock()
	if ok {
		return keys
	}
	rows, err := k.st.PGPKeysByKeyID(k.ctx, fmt.Sprintf("%016X", id))
	keys = k.parse(rows, err)
	if err == nil {
		k.mu.Lock()
		if k.byID == nil {
			k.byID = map[uint64][]*pgp.Key{}
		}
		k.byID[id] = keys
		k.mu.Unlock()
	}
	return keys
}

func (k *PGPKeyring) SecretKeys() []string {
	out := make([]string, 0, len(k.secret))
	for fp := range k.secret {
		out = append(out, fp)
	}
	return out
}

// UnlockSecretKey reads the secret key and its passphrase from the
// keychain and unlocks it, unless the Service holds it unlocked already.
// The passphrase is zeroed at once; the unlocked key lives in the cache.
func (k *PGPKeyring) UnlockSecretKey(fp string) (*pgp.Key, error) {
	fp = strings.ToUpper(fp)
	if !k.secret[fp] {
		return nil, pgp.ErrNoSecretKey
	}
	if e := k.cache.acquire(fp); e != nil {
		k.hold(e)
		return e.key, nil
	}
	u, err := readSecretKey(k.keys, fp)
	if err != nil {
		if errors.Is(err, keystore.ErrUnavailable) {
			k.mu.Lock()
			if k.kcErr == nil {
				k.kcErr = err
			}
			k.mu.Unlock()
		}
		return nil, err
	}
	e := k.cache.add(fp, u)
	k.hold(e)
	return e.key, nil
}

// readSecretKey unlocks a stored secret key with its stored passphrase.
func readSecretKey(keys *keystore.Store, fp string) (*pgp.Key, error) {
	armored, err := keys.Get(PGPKeyItemName(fp))
	if errors.Is(err, keystore.ErrNotFound) {
		return nil, fmt.Errorf("security: the keychain no longer holds the secret key %s (removed outside SealDesk?): %w", fp, pgp.ErrNoSecretKey)
	}
	if err != nil {
		return nil, fmt.Errorf("security: reading the secret key %s: %w", fp, err)
	}
	defer keystore.Zero(armored)
	pass, err := keys.Get(PGPPassItemName(fp))
	if err != nil && !errors.Is(err, keystore.ErrNotFound) {
		return nil, fmt.Errorf("security: reading the passphrase of %s: %w", fp, err)
	}
	defer keystore.Zero(pass)
	locked, err := pgp.ParseKey(armored)
	if err != nil || locked.Fingerprint != fp || !locked.Secret {
		return nil, fmt.Errorf("security: the keychain item %s is not this secret key: %w", PGPKeyItemName(fp), keystore.ErrCorrupt)
	}
	return pgp.UnlockKey(locked, pass)
}

func (k *PGPKeyring) hold(e *unlocked) {
	k.mu.Lock()
	k.held = append(k.held, e)
	k.mu.Unlock()
}

// parse turns store rows into keys, once per operation. A row that no
// longer parses is skipped, as LoadKeyring skips a bad certificate: one
// damaged key must not take the others down. A failed query reads as "no
// key" (the interface has no error); the engine then reports the key as
// missing and the article stays retryable.
func (k *PGPKeyring) parse(rows []store.PGPKey, err error) []*pgp.Key {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err != nil {
		return nil
	}
	var out []*pgp.Key
	for _, r := range rows {
		key, ok := k.parsed[r.Fingerprint]
		if !ok {
			key, err = k.shared.pgpKey(r.PublicKey)
			if err != nil {
				continue
			}
			k.parsed[r.Fingerprint] = key
		}
		out = append(out, key)
	}
	return out
}

// KeychainErr is the first keychain failure an unlock met, nil if none.
// The engine reads a failing key as "no key"; callers use this to tell the
// agent to unlock the keychain instead.
func (k *PGPKeyring) KeychainErr() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.kcErr
}

// Release hands the unlocked keys back to the cache, which keeps or wipes
// them (see unlockCache).
func (k *PGPKeyring) Release() {
	k.mu.Lock()
	held := k.held
	k.held = nil
	k.mu.Unlock()
	for _, e := range held {
		k.cache.release(e)
	}
}
