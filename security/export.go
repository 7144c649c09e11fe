package security

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
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

// ExportCertificate returns the certificate as PEM.
func (s *Service) ExportCertificate(ctx context.Context, fingerprint string) ([]byte, error) {
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
func (s *Service) ExportPrivateKey(ctx context.Context, fingerprint string, passphrase []byte) ([]byte, error) {
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
	enc, err := EncryptPKCS8(der, passphrase, s.iter)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: enc}), nil
}

var (
	oidPBES2          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidAES256CBC      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
)

// EncryptedPrivateKeyInfo, RFC 5958 section 3.
type encryptedPrivateKeyInfo struct {
	Algorithm     pkix.AlgorithmIdentifier
	EncryptedData []byte
}

// PBES2-params, RFC 8018 appendix A.4.
type pbes2Params struct {
	KeyDerivationFunc pkix.AlgorithmIdentifier
	EncryptionScheme  pkix.AlgorithmIdentifier
}

// PBKDF2-params, RFC 8018 appendix A.2. keyLength is omitted: AES-256
// fixes it, and OpenSSL omits it too.
type pbkdf2Params struct {
	Salt           []byte
	IterationCount int
	PRF            pkix.AlgorithmIdentifier
}

// EncryptPKCS8 encrypts a PKCS #8 PrivateKeyInfo (DER) under passphrase
// with PBES2 (RFC 8018 section 6.2): PBKDF2-HMAC-SHA256 with a random
// 16-byte salt and iterations rounds, then AES-256-CBC with a random IV and
// PKCS #7 padding. It returns the EncryptedPrivateKeyInfo DER.
func EncryptPKCS8(pkcs8, passphrase []byte, iterations int) ([]byte, error) {
	if iterations <= 0 {
		iterations = DefaultKDFIterations
	}
	salt := make([]byte, 16)
	iv := make([]byte, aes.BlockSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(iv); err != nil {
		return nil, err
	}
	key, err := pbkdf2.Key(sha256.New, string(passphrase), salt, iterations, 32)
	if err != nil {
		return nil, fmt.Errorf("security: deriving the export key: %w", err)
	}
	defer clear(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	pad := aes.BlockSize - len(pkcs8)%aes.BlockSize
	buf := make([]byte, len(pkcs8)+pad)
	defer clear(buf)
	copy(buf, pkcs8)
	for i := len(pkcs8); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	ct := make([]byte, len(buf))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, buf)

	kdf, err := asn1.Marshal(pbkdf2Params{
		Salt: salt, IterationCount: iterations,
		PRF: pkix.AlgorithmIdentifier{Algorithm: oidHMACWithSHA256, Parameters: asn1.NullRawValue},
	})
	if err != nil {
		return nil, err
	}
	ivDER, err := asn1.Marshal(iv)
	if err != nil {
		return nil, err
	}
	params, err := asn1.Marshal(pbes2Params{
		KeyDerivationFunc: pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdf}},
		EncryptionScheme:  pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivDER}},
	})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(encryptedPrivateKeyInfo{
		Algorithm:     pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}},
		EncryptedData: ct,
	})
}
