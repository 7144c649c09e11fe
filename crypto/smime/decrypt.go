package smime

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// decrypted is the outcome of opening an EnvelopedData or
// AuthEnvelopedData.
type decrypted struct {
	content   []byte
	ok        bool
	comment   string
	algorithm string
	key       string // fingerprint of our certificate that opened it
	// integrity: the content was AuthEnvelopedData whose tag verified
	// (RFC 5083); CBC EnvelopedData has no integrity check.
	integrity bool
	failure   verdict.DecryptFailure
}

// errNoRecipient: none of the RecipientInfos names a key we hold.
var errNoRecipient = errors.New("smime: the message is not encrypted to any of our keys")

// decryptCMS opens EnvelopedData (RFC 5652 section 6) or AuthEnvelopedData
// (RFC 5083). Our key is chosen from the RecipientInfos (issuerAndSerial
// or subjectKeyIdentifier), never from the To/Cc headers.
func decryptCMS(obj *cmsObject, kr Keyring) decrypted {
	var d decrypted
	typ, content := obj.typ, obj.content
	var ris asn1.RawValue
	var eci encryptedContentInfoASN
	var auth *authEnvelopedDataASN
	switch {
	case typ.Equal(oidEnvelopedData):
		var ed envelopedDataASN
		if _, err := asn1.Unmarshal(content, &ed); err != nil {
			d.comment, d.failure = "The encrypted part is damaged and cannot be read: ask the sender to send it again.", verdict.DecryptDamaged
			return d
		}
		ris, eci = ed.RecipientInfos, ed.EncryptedContentInfo
	case typ.Equal(oidAuthEnvelopedData):
		auth = new(authEnvelopedDataASN)
		if _, err := asn1.Unmarshal(content, auth); err != nil {
			d.comment, d.failure = "The encrypted part is damaged and cannot be read: ask the sender to send it again.", verdict.DecryptDamaged
			return d
		}
		ris, eci = auth.RecipientInfos, auth.AuthEncryptedContentInfo
	default:
		d.comment, d.failure = "This S/MIME part is of an unsupported kind ("+typ.String()+").", verdict.DecryptUnsupported
		return d
	}
	d.algorithm = contentAlgName(eci.ContentEncryptionAlgorithm.Algorithm)
	keyLen := contentKeyLen(eci.ContentEncryptionAlgorithm.Algorithm)
	if keyLen == 0 {
		d.comment, d.failure = "The message is encrypted with "+d.algorithm+", which SealDesk does not support: ask the sender to use AES.", verdict.DecryptUnsupportedAlgorithm
		return d
	}
	cek, cert, kdesc, err := recoverCEK(ris.Bytes, kr, keyLen)
	if err != nil {
		switch {
		case errors.Is(err, errTooManyRecipients):
			d.comment, d.failure = "The encrypted part lists more recipients than SealDesk reads ("+err.Error()+"): it was not opened.", verdict.DecryptTooManyRecipients
		case errors.Is(err, errNoRecipient):
			d.comment, d.failure = "Our certificate and private key for decryption are missing (maybe the sender used the wrong certificate): import them, then retry.", verdict.DecryptNoKey
		default:
			d.comment, d.failure = "The message could not be decrypted with our key ("+err.Error()+"): ask the sender to encrypt it again to your current certificate.", verdict.DecryptKeyFailed
		}
		return d
	}
	defer clear(cek)
	d.key = Fingerprint(cert)
	if kdesc != "" {
		d.algorithm += ", " + kdesc
	}
	ct, err := octets(eci.EncryptedContent)
	if err != nil || len(eci.EncryptedContent.FullBytes) == 0 {
		d.comment, d.failure = "The encrypted part holds no content: ask the sender to send it again.", verdict.DecryptDamaged
		return d
	}
	// The plaintext is at least the ciphertext less one block (CBC
	// padding; GCM's tag travels apart): refuse before decrypting what
	// could not be kept anyway.
	if len(ct)-aes.BlockSize > verdict.MaxMessageSize {
		d.comment, d.failure = verdict.TooLargeComment, verdict.DecryptTooLarge
		return d
	}
	var plain []byte
	if auth != nil {
		plain, err = openAuthEnveloped(auth, eci.ContentEncryptionAlgorithm, cek, ct)
	} else {
		plain, err = decryptContent(eci.ContentEncryptionAlgorithm, cek, ct)
	}
	if err != nil {
		d.comment, d.failure = "The message could not be decrypted ("+err.Error()+"): it was damaged or changed in transit, ask the sender to send it again.", verdict.DecryptDamaged
		if auth != nil {
			// The GCM tag did not verify (RFC 5083 section 2.1).
			d.failure = verdict.DecryptIntegrity
		}
		return d
	}
	if len(plain) > verdict.MaxMessageSize {
		clear(plain)
		d.comment, d.failure = verdict.TooLargeComment, verdict.DecryptTooLarge
		return d
	}
	d.content, d.ok, d.integrity = plain, true, auth != nil
	d.comment = "Decrypted with your certificate."
	return d
}

// errTooManyRecipients: more than maxRecipients recipients.
var errTooManyRecipients = errors.New("smime: too many recipients")

// countRecipients counts the recipients of a RecipientInfos SET, each
// key agreement's recipient keys one by one, and refuses more than
// maxRecipients before any key of ours is tried.
func countRecipients(set []byte) error {
	n := 0
	for len(set) > 0 {
		var ri asn1.RawValue
		var err error
		if set, err = asn1.Unmarshal(set, &ri); err != nil {
			return errors.New("the recipient list is damaged")
		}
		n++
		if ri.Class == asn1.ClassContextSpecific && ri.Tag == 1 {
			var ka keyAgreeRecipientInfoASN
			if _, err := asn1.Unmarshal(append([]byte{0x30}, ri.FullBytes[1:]...), &ka); err == nil {
				n += len(ka.RecipientEncryptedKeys) - 1
			}
		}
		if n > maxRecipients {
			return fmt.Errorf("%w: more than %d", errTooManyRecipients, maxRecipients)
		}
	}
	return nil
}

// recoverCEK walks the RecipientInfos for one we hold a key for, trying
// at most maxKeyAttempts private-key operations.
func recoverCEK(set []byte, kr Keyring, keyLen int) (cek []byte, cert *x509.Certificate, desc string, err error) {
	if err := countRecipients(set); err != nil {
		return nil, nil, "", err
	}
	certs := kr.Certificates()
	var lastErr error
	attempts := 0
	for len(set) > 0 && attempts < maxKeyAttempts {
		var ri asn1.RawValue
		set, err = asn1.Unmarshal(set, &ri)
		if err != nil {
			return nil, nil, "", errors.New("the recipient list is damaged")
		}
		switch {
		case ri.Class == asn1.ClassUniversal && ri.Tag == asn1.TagSequence: // ktri
			var kt keyTransRecipientInfoASN
			if _, err := asn1.Unmarshal(ri.FullBytes, &kt); err != nil {
				continue
			}
			for _, c := range certs {
				if !matchRID(kt.RID, c) {
					continue
				}
				key, kerr := kr.PrivateKey(Fingerprint(c))
				if kerr != nil || attempts >= maxKeyAttempts {
					continue
				}
				attempts++
				cek, desc, err := keyTransport(key, kt.KeyEncryptionAlgorithm, kt.EncryptedKey, keyLen)
				if err != nil {
					lastErr = err
					continue
				}
				return cek, c, desc, nil
			}
		case ri.Class == asn1.ClassContextSpecific && ri.Tag == 1: // kari
			var ka keyAgreeRecipientInfoASN
			if _, err := asn1.Unmarshal(append([]byte{0x30}, ri.FullBytes[1:]...), &ka); err != nil {
				continue
			}
			for _, rek := range ka.RecipientEncryptedKeys {
				for _, c := range certs {
					if !matchRID(rek.RID, c) {
						continue
					}
					key, kerr := kr.PrivateKey(Fingerprint(c))
					if kerr != nil || attempts >= maxKeyAttempts {
						continue
					}
					attempts++
					cek, desc, err := keyAgree(key, c, &ka, rek.EncryptedKey)
					if err != nil {
						lastErr = err
						continue
					}
					return cek, c, desc, nil
				}
			}
		}
	}
	if lastErr != nil {
		return nil, nil, "", lastErr
	}
	return nil, nil, "", errNoRecipient
}

type oaepParams struct {
	Hash   pkix.AlgorithmIdentifier `asn1:"explicit,optional,tag:0"`
	MGF    pkix.AlgorithmIdentifier `asn1:"explicit,optional,tag:1"`
	Source pkix.AlgorithmIdentifier `asn1:"explicit,optional,tag:2"`
}

// keyTransport decrypts the content-encryption key with RSA PKCS #1 v1.5
// or RSA-OAEP (RFC 3560; defaults SHA-1, MGF1-SHA-1, empty label).
func keyTransport(key crypto.Signer, alg pkix.AlgorithmIdentifier, ek []byte, keyLen int) ([]byte, string, error) {
	dec, ok := key.(crypto.Decrypter)
	if _, isRSA := key.Public().(*rsa.PublicKey); !ok || !isRSA {
		return nil, "", errors.New("the key cannot decrypt RSA key transport")
	}
	switch {
	case alg.Algorithm.Equal(oidRSAEncryption):
		// Implicit rejection (RFC 3218 section 2.3.2): a wrong key or bad
		// padding yields a random key of the expected length, so the
		// content decryption fails instead of leaking a padding oracle.
		cek, err := dec.Decrypt(rand.Reader, ek, &rsa.PKCS1v15DecryptOptions{SessionKeyLen: keyLen})
		return cek, "RSA PKCS #1 v1.5", err
	case alg.Algorithm.Equal(oidRSAOAEP):
		var p oaepParams
		if len(alg.Parameters.FullBytes) > 0 {
			if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil {
				return nil, "", errors.New("bad RSA-OAEP parameters")
			}
		}
		h, mgf := crypto.SHA1, crypto.SHA1
		if len(p.Hash.Algorithm) > 0 {
			if h, ok = hashByOID(p.Hash.Algorithm); !ok {
				return nil, "", errors.New("unknown RSA-OAEP hash")
			}
		}
		if len(p.MGF.Algorithm) > 0 {
			var mh pkix.AlgorithmIdentifier
			if !p.MGF.Algorithm.Equal(oidMGF1) {
				return nil, "", errors.New("unknown RSA-OAEP mask generation")
			}
			if _, err := asn1.Unmarshal(p.MGF.Parameters.FullBytes, &mh); err != nil {
				return nil, "", errors.New("bad MGF1 parameters")
			}
			if mgf, ok = hashByOID(mh.Algorithm); !ok {
				return nil, "", errors.New("unknown MGF1 hash")
			}
		}
		var label []byte
		if len(p.Source.Algorithm) > 0 {
			if !p.Source.Algorithm.Equal(oidPSpecified) {
				return nil, "", errors.New("unknown OAEP label source")
			}
			asn1.Unmarshal(p.Source.Parameters.FullBytes, &label)
		}
		cek, err := dec.Decrypt(rand.Reader, ek, &rsa.OAEPOptions{Hash: h, MGFHash: mgf, Label: label})
		return cek, "RSA-OAEP (" + h.String() + ")", err
	}
	return nil, "", fmt.Errorf("unsupported key transport %s", alg.Algorithm)
}

func contentAlgName(oid asn1.ObjectIdentifier) string {
	switch {
	case oid.Equal(oidAES128CBC):
		return "AES-128-CBC"
	case oid.Equal(oidAES192CBC):
		return "AES-192-CBC"
	case oid.Equal(oidAES256CBC):
		return "AES-256-CBC"
	case oid.Equal(oidAES128GCM):
		return "AES-128-GCM"
	case oid.Equal(oidAES192GCM):
		return "AES-192-GCM"
	case oid.Equal(oidAES256GCM):
		return "AES-256-GCM"
	case oid.Equal(oidDESEDE3CBC):
		return "3DES-CBC"
	case oid.Equal(oidDESCBC):
		return "DES-CBC"
	case oid.Equal(oidRC2CBC):
		return "RC2-CBC"
	}
	return oid.String()
}

// decryptContent undoes the CBC content encryption of EnvelopedData.
func decryptContent(alg pkix.AlgorithmIdentifier, cek, ct []byte) ([]byte, error) {
	var iv []byte
	if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &iv); err != nil {
		return nil, errors.New("bad content-encryption parameters")
	}
	var newBlock func([]byte) (cipher.Block, error)
	keyLen := 0
	switch oid := alg.Algorithm; {
	case oid.Equal(oidAES128CBC):
		newBlock, keyLen = aes.NewCipher, 16
	case oid.Equal(oidAES192CBC):
		newBlock, keyLen = aes.NewCipher, 24
	case oid.Equal(oidAES256CBC):
		newBlock, keyLen = aes.NewCipher, 32
	case oid.Equal(oidDESEDE3CBC):
		newBlock, keyLen = des.NewTripleDESCipher, 24
	default:
		return nil, errors.New("unsupported content encryption " + contentAlgName(alg.Algorithm))
	}
	if len(cek) != keyLen {
		// Most often a wrong key with PKCS #1 v1.5 implicit rejection.
		return nil, errors.New("the decrypted key has the wrong length")
	}
	return cbcDecrypt(newBlock, cek, iv, ct)
}

func contentKeyLen(oid asn1.ObjectIdentifier) int {
	switch {
	case oid.Equal(oidAES128CBC), oid.Equal(oidAES128GCM):
		return 16
	case oid.Equal(oidAES192CBC), oid.Equal(oidAES192GCM), oid.Equal(oidDESEDE3CBC):
		return 24
	case oid.Equal(oidAES256CBC), oid.Equal(oidAES256GCM):
		return 32
	}
	return 0
}
