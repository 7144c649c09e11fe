package smime

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
)

// The writing half of pbes2.go: the same EncryptedPrivateKeyInfo, PBES2
// and PBKDF2 structures (keyLength, optional, is left out: AES-256 fixes
// it, and OpenSSL leaves it out too).

// EncryptPKCS8 encrypts a PKCS #8 PrivateKeyInfo (DER) under passphrase
// with PBES2 (RFC 8018 section 6.2): PBKDF2-HMAC-SHA256 with a random
// 16-byte salt and iterations rounds, then AES-256-CBC with a random IV and
// PKCS #7 padding. It returns the EncryptedPrivateKeyInfo DER.
func EncryptPKCS8(pkcs8, passphrase []byte, iterations int) ([]byte, error) {
	if iterations <= 0 {
		return nil, errors.New("smime: encrypting a key needs a positive PBKDF2 iteration count")
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
		return nil, fmt.Errorf("smime: deriving the key-encryption key: %w", err)
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
		PRF: pkix.AlgorithmIdentifier{Algorithm: oidHMACSHA256, Parameters: asn1.NullRawValue},
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
