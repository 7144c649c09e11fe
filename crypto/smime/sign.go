package smime

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"sort"
	"time"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
)

// Sign wraps entity (a MIME entity: header fields, blank line, body) in a
// multipart/signed with a detached SHA-256 signature (RFC 8551 sections
// 3.5 and 2.5), protocol application/pkcs7-signature, micalg=sha-256. The
// entity is canonicalized first (see mimepart.Canonicalize). chain are the
// intermediate certificates to include; the signer's certificate is always
// included. The signing-time attribute is the current time.
func Sign(entity []byte, signer crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate) ([]byte, error) {
	return signAt(entity, signer, cert, chain, time.Now())
}

func signAt(entity []byte, signer crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, now time.Time) ([]byte, error) {
	if signer == nil || cert == nil {
		return nil, errors.New("smime: Sign needs a key and its certificate")
	}
	if !KeyMatches(cert, signer) {
		return nil, errors.New("smime: the private key does not belong to the signing certificate")
	}
	content, err := mimepart.Canonicalize(entity)
	if err != nil {
		return nil, mimepart.EngineError(err, "smime: ", ErrNotMessage)
	}
	sig, err := signedData(content, signer, cert, chain, now, true)
	if err != nil {
		return nil, err
	}
	boundary := randomBoundary()
	var out bytes.Buffer
	out.WriteString("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;\r\n boundary=\"" + boundary + "\"\r\n\r\n")
	out.WriteString("This is an S/MIME signed message.\r\n\r\n")
	out.WriteString("--" + boundary + "\r\n")
	out.Write(content)
	out.WriteString("\r\n--" + boundary + "\r\n")
	out.WriteString("Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"smime.p7s\"\r\nContent-Description: S/MIME Cryptographic Signature\r\n\r\n")
	mimepart.WriteBase64Lines(&out, sig)
	out.WriteString("--" + boundary + "--\r\n")
	return out.Bytes(), nil
}

func randomBoundary() string {
	var b [16]byte
	rand.Read(b[:])
	return "----=_smime_" + hex.EncodeToString(b[:])
}

type attrOut struct {
	Type   asn1.ObjectIdentifier
	Values []asn1.RawValue `asn1:"set"`
}

type signerInfoOut struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
}

type encapOut struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"optional"` // [0] EXPLICIT, built by hand
}

type signedDataOut struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	EncapContentInfo encapOut
	Certificates     asn1.RawValue
	SignerInfos      []signerInfoOut `asn1:"set"`
}

type contentInfoOut struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue // [0] EXPLICIT, built by hand (encoding/asn1 drops the tag when FullBytes is set)
}

// explicit0 wraps DER in a [0] EXPLICIT tag.
func explicit0(der []byte) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: der}
}

// signedData builds a SignedData (RFC 5652 section 5) over content with
// the signed attributes contentType, signingTime, messageDigest and
// sMIMECapabilities (RFC 8551 section 2.5).
func signedData(content []byte, signer crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, now time.Time, detached bool) ([]byte, error) {
	digest := sha256.Sum256(content)
	mk := func(oid asn1.ObjectIdentifier, v any) ([]byte, error) {
		vb, err := asn1.Marshal(v)
		if err != nil {
			return nil, err
		}
		return asn1.Marshal(attrOut{Type: oid, Values: []asn1.RawValue{{FullBytes: vb}}})
	}
	caps, _ := asn1.Marshal([]pkix.AlgorithmIdentifier{{Algorithm: oidAES256GCM}, {Algorithm: oidAES256CBC}, {Algorithm: oidAES128CBC}})
	var attrs [][]byte
	for _, a := range []struct {
		oid asn1.ObjectIdentifier
		v   any
	}{
		{oidAttrContentType, oidData},
		{oidAttrSigningTime, now.UTC().Truncate(time.Second)},
		{oidAttrMessageDigest, digest[:]},
		{oidAttrSMIMECapability, asn1.RawValue{FullBytes: caps}},
	} {
		b, err := mk(a.oid, a.v)
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, b)
	}
	// DER SET OF: sorted by encoding (X.690 section 11.6).
	sort.Slice(attrs, func(i, j int) bool { return bytes.Compare(attrs[i], attrs[j]) < 0 })
	set := bytes.Join(attrs, nil)
	toSign := append(appendTagLen(nil, []byte{0x31}, len(set)), set...)
	h := sha256.Sum256(toSign)

	var sigAlg pkix.AlgorithmIdentifier
	switch cert.PublicKey.(type) {
	case *rsa.PublicKey:
		sigAlg = pkix.AlgorithmIdentifier{Algorithm: oidRSAEncryption, Parameters: asn1.NullRawValue}
	case *ecdsa.PublicKey:
		sigAlg = pkix.AlgorithmIdentifier{Algorithm: oidECDSASHA256}
	default:
		return nil, errors.New("smime: only RSA and ECDSA keys can sign")
	}
	sig, err := signer.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		return nil, errors.New("smime: signing failed: " + err.Error())
	}
	sid, err := asn1.Marshal(issuerAndSerial{Issuer: asn1.RawValue{FullBytes: cert.RawIssuer}, Serial: cert.SerialNumber})
	if err != nil {
		return nil, err
	}
	var certBytes []byte
	certBytes = append(certBytes, cert.Raw...)
	for _, c := range chain {
		if !c.Equal(cert) {
			certBytes = append(certBytes, c.Raw...)
		}
	}
	sd := signedDataOut{
		Version:          1,
		DigestAlgorithms: []pkix.AlgorithmIdentifier{{Algorithm: oidSHA256}},
		EncapContentInfo: encapOut{EContentType: oidData},
		Certificates:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: certBytes},
		SignerInfos: []signerInfoOut{{
			Version:            1,
			SID:                asn1.RawValue{FullBytes: sid},
			DigestAlgorithm:    pkix.AlgorithmIdentifier{Algorithm: oidSHA256},
			SignedAttrs:        asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: set},
			SignatureAlgorithm: sigAlg,
			Signature:          sig,
		}},
	}
	if !detached {
		oct, _ := asn1.Marshal(content)
		sd.EncapContentInfo.EContent = explicit0(oct)
	}
	inner, err := asn1.Marshal(sd)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(contentInfoOut{ContentType: oidSignedData, Content: explicit0(inner)})
}
