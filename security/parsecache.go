package security

import (
	"crypto/sha256"
	"crypto/x509"
	"sync"

	"github.com/sealdesk/sealdesk/crypto/pgp"
)

// parseCacheMax bounds the cache; past it, the cache starts over. Far more
// keys than a helpdesk holds, far less memory than it would matter.
const parseCacheMax = 20000

// parseCache keeps parsed certificates and OpenPGP public keys by the
// SHA-256 of their stored bytes. Keyrings are loaded per operation, and
// parsing every stored key again for every mail costs more than a cheap
// (Ed25519, P-256) signature check itself. Being content-addressed, it
// needs no invalidation: changed bytes are simply a new entry, and two
// processes over one database cannot see each other's stale entries.
//
// Cached values are shared between operations and must be treated as
// read-only; unlocked secret keys never go in here (see unlockCache).
type parseCache struct {
	mu    sync.Mutex
	certs map[[32]byte]*x509.Certificate
	keys  map[[32]byte]*pgp.Key
}

func newParseCache() *parseCache {
	return &parseCache{certs: map[[32]byte]*x509.Certificate{}, keys: map[[32]byte]*pgp.Key{}}
}

// certificate parses DER, or returns the certificate parsed from the same
// bytes before.
func (c *parseCache) certificate(der []byte) (*x509.Certificate, error) {
	return cached(c, c.certs, der, x509.ParseCertificate)
}

// pgpKey parses a stored public key, or returns the one parsed from the
// same bytes before.
func (c *parseCache) pgpKey(data []byte) (*pgp.Key, error) {
	return cached(c, c.keys, data, pgp.ParseKey)
}

func cached[T any](c *parseCache, m map[[32]byte]*T, data []byte, parse func([]byte) (*T, error)) (*T, error) {
	sum := sha256.Sum256(data)
	c.mu.Lock()
	v, ok := m[sum]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := parse(data)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(m) >= parseCacheMax {
		clear(m)
	}
	m[sum] = v
	c.mu.Unlock()
	return v, nil
}
