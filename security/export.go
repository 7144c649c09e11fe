package security

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/smime"
)

// DefaultKDFIterations is the PBKDF2-HMAC-SHA256 count of exported keys.
// OWASP's 2023 advice is 600,000; 200,000 keeps an export and re-import
// under a second on an old laptop, and the file is meant to be moved and
// deleted, not stored. Callers may raise it.
const DefaultKDFIterations = 200_000

// Export returns the certificate as PEM.
func (s *Certificates) Export(ctx context.Context, fingerprint string) ([]byte, error) {
	c, err := s.Resolve(ctx, fingerprint)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.DER}), nil
}

// ExportPrivateKey returns the certificate's private key as an encrypted
// PKCS #8 PEM ("ENCRYPTED PRIVATE KEY", PBES2 with PBKDF2-HMAC-SHA256 and
// AES-256-CBC), which OpenSSL, NSS and smime.ParsePrivateKey read. The
// caller zeroes passphrase.
func (s *Certificates) ExportPrivateKey(ctx context.Context, fingerprint string, passphrase []byte) ([]byte, error) {
	if len(passphrase) == 0 {
		return nil, ErrNoPassphrase
	}
	c, err := s.Resolve(ctx, fingerprint)
	if err != nil {
		return nil, err
	}
	if !c.HasPrivate {
		return nil, fmt.Errorf("security: %s has no private key in SealDesk: %w", Describe(c), smime.ErrNoPrivateKey)
	}
	der, err := s.p.Keys.Get(KeyItemName(c.Fingerprint))
	if errors.Is(err, keystore.ErrNotFound) {
		return nil, fmt.Errorf("security: the keychain no longer holds the private key of %s (removed outside SealDesk?): %w", Describe(c), smime.ErrNoPrivateKey)
	}
	if err != nil {
		return nil, fmt.Errorf("security: reading the private key of %s: %w", Describe(c), err)
	}
	defer keystore.Zero(der)
	enc, err := smime.EncryptPKCS8(der, passphrase, s.iter)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: enc}), nil
}
