package smime

import (
	"crypto"
	"crypto/x509"
	"errors"
	"slices"
	"strings"
	"sync"
)

// Keyring is what the engine needs from the certificate store, which lives
// elsewhere (SQLite plus the OS keychain). Implementations must be safe for
// concurrent use.
type Keyring interface {
	// TrustAnchors are the CA certificates the user trusts.
	TrustAnchors() []*x509.Certificate
	// TrustedDirectly are certificates trusted for the addresses they
	// name themselves, without a CA (a contact's self-signed or privately
	// issued certificate): never an issuer of anything. A certificate in
	// both lists counts as directly trusted only. It is part of the
	// interface, not an optional extension, so that a wrapping Keyring
	// cannot drop it unnoticed.
	TrustedDirectly() []*x509.Certificate
	// Certificates are all imported certificates (ours, correspondents',
	// intermediates): used to build chains and to find recipients.
	Certificates() []*x509.Certificate
	// PrivateKey returns the key of the certificate with this Fingerprint,
	// or ErrNoPrivateKey. RSA keys must also implement crypto.Decrypter
	// and EC keys must be *ecdsa.PrivateKey or implement ECDHKey to
	// decrypt.
	PrivateKey(certFingerprint string) (crypto.Signer, error)
}

// MemoryKeyring is an in-memory Keyring for tests and for sealctl.
type MemoryKeyring struct {
	mu      sync.RWMutex
	anchors []*x509.Certificate
	direct  []*x509.Certificate
	certs   []*x509.Certificate
	keys    map[string]crypto.Signer
}

var _ Keyring = (*MemoryKeyring)(nil)

// NewMemoryKeyring returns an empty keyring.
func NewMemoryKeyring() *MemoryKeyring {
	return &MemoryKeyring{keys: map[string]crypto.Signer{}}
}

// AddTrustAnchor trusts a CA certificate (it is added to Certificates too).
func (k *MemoryKeyring) AddTrustAnchor(certs ...*x509.Certificate) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range certs {
		if !containsCert(k.anchors, c) {
			k.anchors = append(k.anchors, c)
		}
		if !containsCert(k.certs, c) {
			k.certs = append(k.certs, c)
		}
	}
}

// AddTrustedDirectly trusts certificates for their own addresses only
// (they are added to Certificates too).
func (k *MemoryKeyring) AddTrustedDirectly(certs ...*x509.Certificate) {
	k.AddCertificate(certs...)
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range certs {
		if !containsCert(k.direct, c) {
			k.direct = append(k.direct, c)
		}
	}
}

// AddCertificate imports certificates without trusting them.
func (k *MemoryKeyring) AddCertificate(certs ...*x509.Certificate) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range certs {
		if !containsCert(k.certs, c) {
			k.certs = append(k.certs, c)
		}
	}
}

// AddKey imports a certificate with its private key.
func (k *MemoryKeyring) AddKey(cert *x509.Certificate, key crypto.Signer) error {
	if !KeyMatches(cert, key) {
		return errors.New("smime: the private key does not belong to the certificate")
	}
	k.AddCertificate(cert)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys == nil {
		k.keys = map[string]crypto.Signer{}
	}
	k.keys[Fingerprint(cert)] = key
	return nil
}

func (k *MemoryKeyring) TrustAnchors() []*x509.Certificate {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return slices.Clone(k.anchors)
}

func (k *MemoryKeyring) TrustedDirectly() []*x509.Certificate {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return slices.Clone(k.direct)
}

func (k *MemoryKeyring) Certificates() []*x509.Certificate {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return slices.Clone(k.certs)
}

func (k *MemoryKeyring) PrivateKey(fp string) (crypto.Signer, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	if key, ok := k.keys[strings.ToLower(fp)]; ok {
		return key, nil
	}
	return nil, ErrNoPrivateKey
}

func containsCert(list []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range list {
		if x.Equal(c) {
			return true
		}
	}
	return false
}
