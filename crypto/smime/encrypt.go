package smime

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"io"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
)

// EncryptOptions tunes Encrypt. The zero value is EnvelopedData with
// AES-256-CBC and RSA PKCS #1 v1.5 key transport (what every client reads).
type EncryptOptions struct {
	// AuthEnveloped selects AuthEnvelopedData with AES-256-GCM (RFC 5083,
	// RFC 5084; smime-type=authEnveloped-data, RFC 8551 section 3.4):
	// authenticated, but not read by older clients.
	AuthEnveloped bool
	// RSAOAEP uses RSA-OAEP with SHA-256 and MGF1-SHA-256 (RFC 8017,
	// RFC 4055) for RSA recipients instead of PKCS #1 v1.5.
	RSAOAEP bool
	// Rand is the randomness source; nil means crypto/rand.
	Rand io.Reader
}

type ktriOut struct {
	Version                int
	RID                    asn1.RawValue
	KeyEncryptionAlgorithm pkix.AlgorithmIdentifier
	EncryptedKey           []byte
}

type rekOut struct {
	RID          asn1.RawValue
	EncryptedKey []byte
}

type kariOut struct {
	Version                int
	Originator             asn1.RawValue // [0] EXPLICIT, built by hand
	KeyEncryptionAlgorithm pkix.AlgorithmIdentifier
	RecipientEncryptedKeys []rekOut
}

type eciOut struct {
	ContentType                asn1.ObjectIdentifier
	ContentEncryptionAlgorithm pkix.AlgorithmIdentifier
	EncryptedContent           asn1.RawValue
}

type envelopedOut struct {
	Version              int
	RecipientInfos       []asn1.RawValue `asn1:"set"`
	EncryptedContentInfo eciOut
}

type authEnvelopedOut struct {
	Version                  int
	RecipientInfos           []asn1.RawValue `asn1:"set"`
	AuthEncryptedContentInfo eciOut
	MAC                      []byte
}

// Encrypt wraps entity in application/pkcs7-mime (RFC 8551 section 3.3)
// encrypted to every recipient certificate (RSA or EC P-256/P-384/P-521).
// Include the sender's own certificate to be able to read sent mail.
func Encrypt(entity []byte, recipients []*x509.Certificate, opts EncryptOptions) ([]byte, error) {
	if len(recipients) == 0 {
		return nil, errors.New("smime: no recipient certificate to encrypt to")
	}
	rnd := opts.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	content := mimepart.CanonicalCRLF(entity)
	cek := make([]byte, 32)
	if _, err := io.ReadFull(rnd, cek); err != nil {
		return nil, err
	}
	defer clear(cek)
	var ris []asn1.RawValue
	anyKari := false
	for _, rc := range recipients {
		ri, kari, err := recipientInfo(rc, cek, opts, rnd)
		if err != nil {
			return nil, err
		}
		anyKari = anyKari || kari
		ris = append(ris, asn1.RawValue{FullBytes: ri})
	}
	var inner []byte
	var typ asn1.ObjectIdentifier
	smimeType := "enveloped-data"
	if opts.AuthEnveloped {
		nonce := make([]byte, 12)
		if _, err := io.ReadFull(rnd, nonce); err != nil {
			return nil, err
		}
		alg, ct, tag, err := sealGCM(cek, nonce, content)
		if err != nil {
			return nil, err
		}
		inner, err = asn1.Marshal(authEnvelopedOut{
			Version: 0, RecipientInfos: ris, MAC: tag,
			AuthEncryptedContentInfo: eciOut{ContentType: oidData, ContentEncryptionAlgorithm: alg,
				EncryptedContent: asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, Bytes: ct}},
		})
		if err != nil {
			return nil, err
		}
		typ, smimeType = oidAuthEnvelopedData, "authEnveloped-data"
	} else {
		iv := make([]byte, aes.BlockSize)
		if _, err := io.ReadFull(rnd, iv); err != nil {
			return nil, err
		}
		block, _ := aes.NewCipher(cek)
		n := aes.BlockSize - len(content)%aes.BlockSize
		padded := append(append([]byte{}, content...), bytes.Repeat([]byte{byte(n)}, n)...)
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(padded, padded)
		ivDER, _ := asn1.Marshal(iv)
		version := 0
		if anyKari { // RFC 5652 section 6.1: a RecipientInfo version other than 0
			version = 2
		}
		var err error
		inner, err = asn1.Marshal(envelopedOut{
			Version: version, RecipientInfos: ris,
			EncryptedContentInfo: eciOut{ContentType: oidData,
				ContentEncryptionAlgorithm: pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivDER}},
				EncryptedContent:           asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, Bytes: padded}},
		})
		if err != nil {
			return nil, err
		}
		typ = oidEnvelopedData
	}
	der, err := asn1.Marshal(contentInfoOut{ContentType: typ, Content: explicit0(inner)})
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteString("Content-Type: application/pkcs7-mime; smime-type=" + smimeType + "; name=\"smime.p7m\"\r\n")
	out.WriteString("Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"smime.p7m\"\r\nContent-Description: S/MIME Encrypted Message\r\n\r\n")
	mimepart.WriteBase64Lines(&out, der)
	return out.Bytes(), nil
}

func recipientInfo(rc *x509.Certificate, cek []byte, opts EncryptOptions, rnd io.Reader) ([]byte, bool, error) {
	ias, err := asn1.Marshal(issuerAndSerial{Issuer: asn1.RawValue{FullBytes: rc.RawIssuer}, Serial: rc.SerialNumber})
	if err != nil {
		return nil, false, err
	}
	switch pub := rc.PublicKey.(type) {
	case *rsa.PublicKey:
		var ek []byte
		alg := pkix.AlgorithmIdentifier{Algorithm: oidRSAEncryption, Parameters: asn1.NullRawValue}
		if opts.RSAOAEP {
			ek, err = rsa.EncryptOAEP(sha256.New(), rnd, pub, cek, nil)
			sha := pkix.AlgorithmIdentifier{Algorithm: oidSHA256}
			shaDER, _ := asn1.Marshal(sha)
			params, perr := asn1.Marshal(oaepParams{Hash: sha, MGF: pkix.AlgorithmIdentifier{Algorithm: oidMGF1, Parameters: asn1.RawValue{FullBytes: shaDER}}})
			if perr != nil {
				return nil, false, perr
			}
			alg = pkix.AlgorithmIdentifier{Algorithm: oidRSAOAEP, Parameters: asn1.RawValue{FullBytes: params}}
		} else {
			ek, err = rsa.EncryptPKCS1v15(rnd, pub, cek)
		}
		if err != nil {
			return nil, false, err
		}
		b, err := asn1.Marshal(ktriOut{Version: 0, RID: asn1.RawValue{FullBytes: ias}, KeyEncryptionAlgorithm: alg, EncryptedKey: ek})
		return b, false, err
	case *ecdsa.PublicKey:
		// RFC 5753 section 3.1.1: ephemeral-static ECDH, X9.63 KDF with
		// SHA-256, AES-256 key wrap.
		remote, err := pub.ECDH()
		if err != nil {
			return nil, false, errors.New("smime: unsupported EC curve for encryption")
		}
		eph, err := remote.Curve().GenerateKey(rnd)
		if err != nil {
			return nil, false, err
		}
		z, err := eph.ECDH(remote)
		if err != nil {
			return nil, false, err
		}
		kek, err := x963KDF(crypto.SHA256, z, oidAES256Wrap, nil, 32)
		clear(z)
		if err != nil {
			return nil, false, err
		}
		wrapped, err := aesKeyWrap(kek, cek)
		clear(kek)
		if err != nil {
			return nil, false, err
		}
		opk, err := asn1.Marshal(originatorPublicKeyASN{
			Algorithm: pkix.AlgorithmIdentifier{Algorithm: oidECPublicKey},
			PublicKey: asn1.BitString{Bytes: eph.PublicKey().Bytes(), BitLength: 8 * len(eph.PublicKey().Bytes())},
		})
		if err != nil {
			return nil, false, err
		}
		opk[0] = 0xa1 // [1] IMPLICIT OriginatorPublicKey
		wrapAlg, _ := asn1.Marshal(pkix.AlgorithmIdentifier{Algorithm: oidAES256Wrap})
		b, err := asn1.Marshal(kariOut{
			Version:                3,
			Originator:             explicit0(opk),
			KeyEncryptionAlgorithm: pkix.AlgorithmIdentifier{Algorithm: oidStdDHSHA256KDF, Parameters: asn1.RawValue{FullBytes: wrapAlg}},
			RecipientEncryptedKeys: []rekOut{{RID: asn1.RawValue{FullBytes: ias}, EncryptedKey: wrapped}},
		})
		if err != nil {
			return nil, false, err
		}
		b[0] = 0xa1 // [1] IMPLICIT KeyAgreeRecipientInfo
		return b, true, nil
	}
	return nil, false, errors.New("smime: cannot encrypt to a " + keyTypeName(rc.PublicKey) + " key")
}

func keyTypeName(pub any) string {
	switch pub.(type) {
	case *rsa.PublicKey:
		return "RSA"
	case *ecdsa.PublicKey:
		return "EC"
	}
	return "unsupported"
}
