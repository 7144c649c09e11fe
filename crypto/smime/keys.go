package smime

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
)

// ParsePrivateKey reads an RSA or EC private key: PEM PKCS #1, PKCS #8,
// SEC 1, encrypted PKCS #8 (PBES2, RFC 8018), legacy OpenSSL encrypted PEM
// (Proc-Type: 4,ENCRYPTED), or the same structures in DER. passphrase may
// be nil for unencrypted keys; an encrypted key without one gives
// ErrPassphraseRequired, a wrong one ErrWrongPassphrase. Other failures
// are *ImportError.
func ParsePrivateKey(data, passphrase []byte) (crypto.Signer, error) {
	// Trim only to judge and to read text: DER is binary and may end in a
	// byte that looks like white space.
	text := bytes.TrimSpace(data)
	if len(text) == 0 {
		return nil, importErr(ReasonEmpty, "the file is empty", ErrEmpty)
	}
	if !bytes.Contains(text, []byte("-----BEGIN ")) {
		if isText(text) {
			return nil, importErr(ReasonText, "this is text, not a private key: expected a PEM file starting with -----BEGIN PRIVATE KEY-----", nil)
		}
		return parseKeyDER(data, passphrase)
	}
	data = text
	// Scan every block: a PEM file often holds the certificate before the
	// key. Report the most useful error: any other than "this is a
	// certificate" (which is only the answer when nothing else was there).
	var firstErr, certErr error
	rest := data
	for {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = r
		key, err := parseKeyBlock(block, passphrase)
		if err == nil {
			return key, nil
		}
		var ie *ImportError
		switch {
		case errors.As(err, &ie) && ie.Reason == ReasonIsCertificate:
			if certErr == nil {
				certErr = err
			}
		case firstErr == nil:
			firstErr = err
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if certErr != nil {
		return nil, certErr
	}
	return nil, pemDecodeFailure(data)
}

func parseKeyBlock(block *pem.Block, passphrase []byte) (crypto.Signer, error) {
	//lint:ignore SA1019 legacy encrypted PEM is still what `openssl genrsa -aes256` writes.
	if x509.IsEncryptedPEMBlock(block) { //nolint:staticcheck
		if len(passphrase) == 0 {
			return nil, ErrPassphraseRequired
		}
		// x509.DecryptPEMBlock is deprecated (the format has no integrity
		// check) but it is the only way to read these files.
		//lint:ignore SA1019 see above
		der, err := x509.DecryptPEMBlock(block, passphrase) //nolint:staticcheck
		if err != nil {
			if errors.Is(err, x509.IncorrectPasswordError) {
				return nil, ErrWrongPassphrase
			}
			return nil, importErr(ReasonMalformed, "the encrypted key is damaged", err)
		}
		key, err := parsePlainKeyDER(der)
		if err != nil {
			// Without a MAC a wrong passphrase can pass the padding check.
			return nil, ErrWrongPassphrase
		}
		return key, nil
	}
	switch block.Type {
	case "ENCRYPTED PRIVATE KEY":
		return decryptPKCS8(block.Bytes, passphrase)
	case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
		key, err := parsePlainKeyDER(block.Bytes)
		if err != nil {
			return nil, importErr(ReasonMalformed, "the private key is damaged", err)
		}
		return key, nil
	}
	return nil, pemKindError(block.Type, false)
}

func parseKeyDER(der, passphrase []byte) (crypto.Signer, error) {
	if key, err := parsePlainKeyDER(der); err == nil {
		return key, nil
	} else if errors.Is(err, errUnsupportedKey) {
		return nil, importErr(ReasonUnsupported, "this key type is not supported for S/MIME: use an RSA or EC (P-256, P-384, P-521) key", nil)
	}
	if isEncryptedPKCS8(der) {
		return decryptPKCS8(der, passphrase)
	}
	if isOpenPGPBinary(der) {
		return nil, pemKindError("PGP PRIVATE KEY BLOCK", false)
	}
	d, err := toDER(der)
	if err != nil {
		return nil, importErr(ReasonBinaryGarbage, "this file is not a private key (it is no DER or PEM data)", nil)
	}
	if _, err := x509.ParseCertificate(d); err == nil {
		return nil, pemKindError("CERTIFICATE", false)
	}
	switch derKind(d) {
	case "pkcs12":
		return nil, pemKindError("PKCS12", false)
	case "csr":
		return nil, pemKindError("CERTIFICATE REQUEST", false)
	case "crl":
		return nil, pemKindError("X509 CRL", false)
	case "pub":
		return nil, pemKindError("PUBLIC KEY", false)
	}
	var ci contentInfo
	if _, err := asn1Unmarshal(d, &ci); err == nil && ci.ContentType.Equal(oidSignedData) {
		return nil, pemKindError("PKCS7", false)
	}
	return nil, importErr(ReasonBinaryGarbage, "this file is not a private key (it is no DER or PEM data)", nil)
}

var errUnsupportedKey = errors.New("smime: unsupported key type")

func parsePlainKeyDER(der []byte) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return checkKeyType(k)
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	k, err := x509.ParseECPrivateKey(der)
	if err != nil {
		return nil, err
	}
	return k, nil
}

func checkKeyType(k any) (crypto.Signer, error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	}
	return nil, errUnsupportedKey
}
