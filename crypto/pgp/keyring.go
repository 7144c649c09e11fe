package pgp

import (
	"sort"
	"strings"
	"sync"

	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// Keyring is what the engine needs from the key store, which lives
// elsewhere (SQLite for public keys, the OS keychain for secret keys and
// passphrases). Implementations must be safe for concurrent use. Keys it
// returns are not modified by the engine.
type Keyring interface {
	// KeysByAddress returns the keys whose user IDs carry addr
	// (case-insensitive), ours and correspondents'.
	KeysByAddress(addr string) []*Key
	// KeyByFingerprint returns the key with this primary fingerprint
	// (uppercase hex), or ErrKeyNotFound.
	KeyByFingerprint(fp string) (*Key, error)
	// KeysByKeyID returns the keys whose primary key or a subkey has this
	// 64-bit key ID (RFC 9580 section 5.5.4).
	KeysByKeyID(id uint64) []*Key
	// SecretKeys lists the fingerprints of the keys we hold secret keys for.
	SecretKeys() []string
	// UnlockSecretKey returns the unlocked secret key for a fingerprint
	// (the store fetches the passphrase from the keychain), or
	// ErrNoSecretKey. It is called only when a message needs it.
	UnlockSecretKey(fp string) (*Key, error)
}

// MemoryKeyring is an in-memory Keyring for tests and for sealctl. Secret
// keys are kept locked together with their passphrase and unlocked on
// demand, as the product's keychain does.
type MemoryKeyring struct {
	mu          sync.RWMutex
	keys        map[string]*Key // by fingerprint
	passphrases map[string][]byte
}

var _ Keyring = (*MemoryKeyring)(nil)

// NewMemoryKeyring returns an empty keyring.
func NewMemoryKeyring() *MemoryKeyring {
	return &MemoryKeyring{keys: map[string]*Key{}, passphrases: map[string][]byte{}}
}

// Add imports keys (public or secret), merging each with a copy already
// held, and reports what every merge added. Secret keys that are locked
// need AddSecret instead, which checks their passphrase.
func (m *MemoryKeyring) Add(keys ...*Key) ([]MergeReport, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var reps []MergeReport
	for _, k := range keys {
		if old, ok := m.keys[k.Fingerprint]; ok {
			merged, rep, err := Merge(old, k)
			if err != nil {
				return reps, err
			}
			m.keys[k.Fingerprint] = merged
			reps = append(reps, rep)
			continue
		}
		m.keys[k.Fingerprint] = k
		reps = append(reps, MergeReport{Fingerprint: k.Fingerprint})
	}
	return reps, nil
}

// AddSecret imports a secret key with its passphrase (nil for an
// unprotected key), after checking that the passphrase unlocks it.
func (m *MemoryKeyring) AddSecret(k *Key, passphrase []byte) error {
	if _, err := UnlockKey(k, passphrase); err != nil {
		return err
	}
	if _, err := m.Add(k); err != nil {
		return err
	}
	m.mu.Lock()
	m.passphrases[k.Fingerprint] = append([]byte(nil), passphrase...)
	m.mu.Unlock()
	return nil
}

// Remove forgets a key.
func (m *MemoryKeyring) Remove(fp string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, fp)
	delete(m.passphrases, fp)
}

// Keys lists every key, sorted by fingerprint.
func (m *MemoryKeyring) Keys() []*Key {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]*Key, 0, len(m.keys))
	for _, k := range m.keys {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Fingerprint < out[j].Fingerprint })
	return out
}

func (m *MemoryKeyring) KeysByAddress(addr string) []*Key {
	var out []*Key
	for _, k := range m.Keys() {
		if k.HasEmail(addr) {
			out = append(out, k)
		}
	}
	return out
}

func (m *MemoryKeyring) KeyByFingerprint(fp string) (*Key, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if k, ok := m.keys[strings.ToUpper(fp)]; ok {
		return k, nil
	}
	return nil, ErrKeyNotFound
}

func (m *MemoryKeyring) KeysByKeyID(id uint64) []*Key {
	want := keyIDHex(id)
	var out []*Key
	for _, k := range m.Keys() {
		if k.KeyID == want {
			out = append(out, k)
			continue
		}
		for _, s := range k.Subkeys {
			if s.KeyID == want {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

func (m *MemoryKeyring) SecretKeys() []string {
	var out []string
	for _, k := range m.Keys() {
		if k.Secret {
			out = append(out, k.Fingerprint)
		}
	}
	return out
}

func (m *MemoryKeyring) UnlockSecretKey(fp string) (*Key, error) {
	k, err := m.KeyByFingerprint(fp)
	if err != nil || !k.Secret {
		return nil, ErrNoSecretKey
	}
	m.mu.RLock()
	pass := m.passphrases[k.Fingerprint]
	m.mu.RUnlock()
	return UnlockKey(k, pass)
}

// publicRing adapts a Keyring to go-crypto's openpgp.KeyRing for signature
// verification: it resolves issuer key IDs through the store.
type publicRing struct {
	kr      Keyring
	secrets openpgp.EntityList // unlocked secret keys, for decryption
}

func (r publicRing) KeysById(id uint64) []openpgp.Key {
	var out []openpgp.Key
	for _, e := range r.EntitiesById(id) {
		out = append(out, openpgp.EntityList{e}.KeysById(id)...)
	}
	return out
}

func (r publicRing) EntitiesById(id uint64) []*openpgp.Entity {
	out := r.secrets.EntitiesById(id)
	if id == 0 {
		// A wildcard (anonymous recipient, RFC 9580 section 5.1.1): every
		// secret key is a candidate; never a signature issuer.
		return out
	}
	seen := map[string]bool{}
	for _, e := range out {
		seen[upperHex(e.PrimaryKey.Fingerprint)] = true
	}
	for _, k := range r.kr.KeysByKeyID(id) {
		if !seen[k.Fingerprint] {
			out = append(out, k.entity())
		}
	}
	return out
}
