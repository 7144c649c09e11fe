package smime

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"hash"
)

// Encrypted PKCS #8 (RFC 5958 EncryptedPrivateKeyInfo) with PBES2 (RFC 8018
// section 6.2). Neither the standard library nor golang.org/x/crypto reads
// it (x/crypto/pkcs12 only knows PKCS #12's own PBE), so the scheme is
// parsed here; the KDF is the standard library's crypto/pbkdf2.

var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	pbkdf2MaxIter = 10_000_000 // refuse absurd counts from hostile files
)

type encryptedPrivateKeyInfo struct {
	Algorithm     pkix.AlgorithmIdentifier
	EncryptedData []byte
}

type pbes2Params struct {
	KeyDerivationFunc pkix.AlgorithmIdentifier
	EncryptionScheme  pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt           []byte
	IterationCount int
	KeyLength      int                      `asn1:"optional"`
	PRF            pkix.AlgorithmIdentifier `asn1:"optional"`
}

func asn1Unmarshal(b []byte, v any) ([]byte, error) { return asn1.Unmarshal(b, v) }

func isEncryptedPKCS8(der []byte) bool {
	var epki encryptedPrivateKeyInfo
	_, err := asn1.Unmarshal(der, &epki)
	return err == nil && len(epki.Algorithm.Algorithm) > 0 && len(epki.EncryptedData) > 0
}

func decryptPKCS8(der, passphrase []byte) (_ crypto.Signer, err error) {
	var epki encryptedPrivateKeyInfo
	if _, err := asn1.Unmarshal(der, &epki); err != nil {
		return nil, importErr(ReasonMalformed, "the encrypted private key is damaged", err)
	}
	if !epki.Algorithm.Algorithm.Equal(oidPBES2) {
		return nil, importErr(ReasonUnsupported, "the key is encrypted with an old scheme (PBES1, "+epki.Algorithm.Algorithm.String()+"): re-export it with `openssl pkcs8 -topk8 -v2 aes256`", nil)
	}
	if len(passphrase) == 0 {
		return nil, ErrPassphraseRequired
	}
	plain, err := pbes2Decrypt(epki.Algorithm.Parameters.FullBytes, epki.EncryptedData, passphrase)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	key, err := parsePlainKeyDER(plain)
	if errors.Is(err, errUnsupportedKey) {
		return nil, importErr(ReasonUnsupported, "this key type is not supported for S/MIME: use an RSA or EC key", nil)
	}
	if err != nil {
		// The padding happened to be valid but the result is no key: the
		// passphrase was wrong.
		return nil, ErrWrongPassphrase
	}
	return key, nil
}

func pbes2Decrypt(params, ciphertext, passphrase []byte) ([]byte, error) {
	var p pbes2Params
	if _, err := asn1.Unmarshal(params, &p); err != nil {
		return nil, importErr(ReasonMalformed, "the PBES2 parameters are damaged", err)
	}
	if !p.KeyDerivationFunc.Algorithm.Equal(oidPBKDF2) {
		return nil, importErr(ReasonUnsupported, "the key is protected with an unsupported key derivation (for example scrypt): re-export it with PBKDF2", nil)
	}
	var kp pbkdf2Params
	if _, err := asn1.Unmarshal(p.KeyDerivationFunc.Parameters.FullBytes, &kp); err != nil {
		return nil, importErr(ReasonMalformed, "the PBKDF2 parameters are damaged", err)
	}
	if kp.IterationCount <= 0 || kp.IterationCount > pbkdf2MaxIter {
		return nil, importErr(ReasonMalformed, "the PBKDF2 iteration count is out of range", nil)
	}
	var prf func() hash.Hash
	switch alg := kp.PRF.Algorithm; {
	case len(alg) == 0, alg.Equal(oidHMACSHA1):
		prf = sha1.New
	case alg.Equal(oidHMACSHA224):
		prf = sha256.New224
	case alg.Equal(oidHMACSHA256):
		prf = sha256.New
	case alg.Equal(oidHMACSHA384):
		prf = sha512.New384
	case alg.Equal(oidHMACSHA512):
		prf = sha512.New
	default:
		return nil, importErr(ReasonUnsupported, "unsupported PBKDF2 hash "+alg.String(), nil)
	}
	var iv []byte
	if _, err := asn1.Unmarshal(p.EncryptionScheme.Parameters.FullBytes, &iv); err != nil {
		return nil, importErr(ReasonMalformed, "the encryption parameters are damaged", err)
	}
	var keyLen int
	var newBlock func([]byte) (cipher.Block, error)
	switch alg := p.EncryptionScheme.Algorithm; {
	case alg.Equal(oidAES128CBC):
		keyLen, newBlock = 16, aes.NewCipher
	case alg.Equal(oidAES192CBC):
		keyLen, newBlock = 24, aes.NewCipher
	case alg.Equal(oidAES256CBC):
		keyLen, newBlock = 32, aes.NewCipher
	case alg.Equal(oidDESEDE3CBC):
		keyLen, newBlock = 24, des.NewTripleDESCipher
	default:
		return nil, importErr(ReasonUnsupported, "unsupported key encryption "+alg.String()+": re-export with AES-256", nil)
	}
	key, err := pbkdf2.Key(prf, string(passphrase), kp.Salt, kp.IterationCount, keyLen)
	if err != nil {
		return nil, importErr(ReasonMalformed, "cannot derive the key", err)
	}
	defer clear(key)
	plain, err := cbcDecrypt(newBlock, key, iv, ciphertext)
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return plain, nil
}

// cbcDecrypt decrypts CBC with PKCS #7 padding (RFC 5652 section 6.3).
func cbcDecrypt(newBlock func([]byte) (cipher.Block, error), key, iv, ct []byte) ([]byte, error) {
	block, err := newBlock(key)
	if err != nil {
		return nil, err
	}
	bs := block.BlockSize()
	if len(iv) != bs || len(ct) == 0 || len(ct)%bs != 0 {
		return nil, errors.New("smime: bad CBC parameters or ciphertext length")
	}
	out := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, ct)
	n := int(out[len(out)-1])
	if n == 0 || n > bs {
		return nil, errors.New("smime: bad padding")
	}
	for _, c := range out[len(out)-n:] {
		if int(c) != n {
			return nil, errors.New("smime: bad padding")
		}
	}
	return out[:len(out)-n], nil
}
