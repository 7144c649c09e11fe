package keystore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// StoreKeyName is the keychain item holding the key that encrypts whatever
// decrypted content SealDesk caches on disk.
const StoreKeyName = "store-key"

const storeKeyVersion = 1

// Sealer encrypts data at rest with the 32-byte store key (AES-256-GCM).
// The ciphertext layout is version(1) || nonce(12) || ciphertext+tag.
type Sealer struct {
	aead cipher.AEAD
}

// OpenSealer loads the store key from the keychain, creating it on first
// use. It fails when the keychain is unavailable: there is no file fallback.
//
// WARNING: two processes opening a new profile at the same moment may each
// create a key; the one stored last stands, and what the other sealed
// meanwhile reads as ErrSealedDamaged (derived data, recomputed from the
// raw message). Within one process the read-and-create is serialised.
func OpenSealer(s *Store) (*Sealer, error) {
	defer s.lock(s.service, StoreKeyName)()
	key, err := s.Get(StoreKeyName)
	if errors.Is(err, ErrNotFound) {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := s.put(StoreKeyName, key); err != nil {
			return nil, err
		}
		// Another process may have stored its key meanwhile: use what is
		// stored.
		Zero(key)
		if key, err = s.Get(StoreKeyName); err != nil {
			return nil, fmt.Errorf("keystore: reading the store key: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("keystore: reading the store key: %w", err)
	}
	defer Zero(key)
	if len(key) != 32 {
		return nil, fmt.Errorf("keystore: the store key has %d bytes, want 32: %w", len(key), ErrCorrupt)
	}
	return newSealer(key)
}

func newSealer(key []byte) (*Sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts plaintext. aad binds the ciphertext to its place (e.g. the
// article ID), so a blob copied to another row fails to open.
func (s *Sealer) Seal(plaintext, aad []byte) ([]byte, error) {
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	out[0] = storeKeyVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, err
	}
	return s.aead.Seal(out, out[1:], plaintext, aad), nil
}

// ErrSealedDamaged is returned by Open for ciphertext that fails
// authentication: it was altered, belongs elsewhere, or was sealed with
// another store key.
var ErrSealedDamaged = errors.New("keystore: cached data cannot be decrypted (damaged or from another profile)")

// Open decrypts what Seal produced with the same aad.
func (s *Sealer) Open(sealed, aad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() || sealed[0] != storeKeyVersion {
		return nil, ErrSealedDamaged
	}
	pt, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], aad)
	if err != nil {
		return nil, ErrSealedDamaged
	}
	return pt, nil
}
