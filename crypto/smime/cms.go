package smime

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// CMS structures of RFC 5652, RFC 5083 and RFC 5753. CHOICEs are kept as
// asn1.RawValue and dispatched by tag, since encoding/asn1 has no CHOICE.

var (
	oidData                = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidEnvelopedData       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 3}
	oidAuthEnvelopedData   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 23}
	oidAttrContentType     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidAttrMessageDigest   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidAttrSigningTime     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidAttrSMIMECapability = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 15}
	oidEmailAddress        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}

	oidSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidMD5    = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 5}
	oidSHA224 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 4}
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}

	oidRSAEncryption = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSAOAEP       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 7}
	oidMGF1          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
	oidPSpecified    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 9}
	oidRSAPSS        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidSHA1WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	oidSHA224WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 14}
	oidSHA256WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA384WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidSHA512WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidMD5WithRSA    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 4}
	oidECPublicKey   = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidECDSASHA1     = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}
	oidECDSASHA224   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 1}
	oidECDSASHA256   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSASHA384   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSASHA512   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}

	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidAES128GCM  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 6}
	oidAES192GCM  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 26}
	oidAES256GCM  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 46}
	oidAES128Wrap = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 5}
	oidAES192Wrap = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 25}
	oidAES256Wrap = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 45}
	oidDESEDE3CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
	oidDESCBC     = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 7}
	oidRC2CBC     = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 2}
)

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signedDataASN struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	EncapContentInfo encapContentInfo
	Certificates     asn1.RawValue   `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue   `asn1:"optional,tag:1"`
	SignerInfos      []signerInfoASN `asn1:"set"`
}

type signerInfoASN struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type attributeASN struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue `asn1:"set"`
}

type envelopedDataASN struct {
	Version              int
	OriginatorInfo       asn1.RawValue `asn1:"optional,tag:0"`
	RecipientInfos       asn1.RawValue // SET OF RecipientInfo (CHOICE)
	EncryptedContentInfo encryptedContentInfoASN
	UnprotectedAttrs     asn1.RawValue `asn1:"optional,tag:1"`
}

// RFC 5083 section 2.1.
type authEnvelopedDataASN struct {
	Version                  int
	OriginatorInfo           asn1.RawValue `asn1:"optional,tag:0"`
	RecipientInfos           asn1.RawValue
	AuthEncryptedContentInfo encryptedContentInfoASN
	AuthAttrs                asn1.RawValue `asn1:"optional,tag:1"`
	MAC                      []byte
	UnauthAttrs              asn1.RawValue `asn1:"optional,tag:2"`
}

type encryptedContentInfoASN struct {
	ContentType                asn1.ObjectIdentifier
	ContentEncryptionAlgorithm pkix.AlgorithmIdentifier
	EncryptedContent           asn1.RawValue `asn1:"optional,tag:0"`
}

type keyTransRecipientInfoASN struct {
	Version                int
	RID                    asn1.RawValue
	KeyEncryptionAlgorithm pkix.AlgorithmIdentifier
	EncryptedKey           []byte
}

// RFC 5652 section 6.2.2.
type keyAgreeRecipientInfoASN struct {
	Version                int
	Originator             asn1.RawValue `asn1:"explicit,tag:0"`
	UKM                    []byte        `asn1:"explicit,optional,tag:1"`
	KeyEncryptionAlgorithm pkix.AlgorithmIdentifier
	RecipientEncryptedKeys []recipientEncryptedKeyASN
}

type recipientEncryptedKeyASN struct {
	RID          asn1.RawValue // issuerAndSerialNumber or [0] RecipientKeyIdentifier
	EncryptedKey []byte
}

type originatorPublicKeyASN struct {
	Algorithm pkix.AlgorithmIdentifier
	PublicKey asn1.BitString
}

// Limits on what one CMS object may hold. Each certificate is parsed,
// each signer verified and each recipient matched against our keys (and,
// where it names one, costs a private-key operation), so a hostile message
// could otherwise buy seconds of CPU per kilobyte.
const (
	// maxCMSCertificates bounds the certificates of a SignedData (a
	// signer's chain, or a CA bundle to import).
	maxCMSCertificates = 32
	// maxSigners bounds the SignerInfos of a SignedData.
	maxSigners = 8
	// maxRecipients bounds the RecipientInfos of an EnvelopedData (each
	// key agreement's recipient keys counted one by one).
	maxRecipients = 512
	// maxKeyAttempts bounds the private-key operations spent opening one
	// message: several recipients may name the same key of ours.
	maxKeyAttempts = 4
)

// cmsObject is a ContentInfo read once (BER converted to DER once): its
// type, the DER of its content, and for SignedData the parsed structure.
type cmsObject struct {
	typ     asn1.ObjectIdentifier
	content []byte
	sd      *signedDataASN // set for a readable SignedData
}

// parseCMS reads a (BER) ContentInfo for classify and the layer that
// opens it, so that each S/MIME part is converted to DER once.
func parseCMS(ber []byte) (*cmsObject, error) {
	typ, content, err := parseContentInfo(ber)
	if err != nil {
		return nil, err
	}
	o := &cmsObject{typ: typ, content: content}
	if typ.Equal(oidSignedData) {
		var sd signedDataASN
		if _, err := asn1.Unmarshal(content, &sd); err == nil {
			o.sd = &sd
		}
	}
	return o, nil
}

// parseContentInfo reads a (BER) ContentInfo and returns its type and the
// DER of its content.
func parseContentInfo(der []byte) (asn1.ObjectIdentifier, []byte, error) {
	d, err := toDER(der)
	if err != nil {
		return nil, nil, fmt.Errorf("smime: the CMS structure is damaged: %w", err)
	}
	var ci contentInfo
	if _, err := asn1.Unmarshal(d, &ci); err != nil {
		return nil, nil, fmt.Errorf("smime: the CMS structure is damaged: %w", err)
	}
	return ci.ContentType, ci.Content.Bytes, nil
}

// octets returns the bytes of an OCTET STRING that may be primitive or (for
// an IMPLICIT tag, which toDER cannot recognise) constructed from chunks.
func octets(rv asn1.RawValue) ([]byte, error) {
	if !rv.IsCompound {
		return rv.Bytes, nil
	}
	var out []byte
	rest := rv.Bytes
	for len(rest) > 0 {
		var c asn1.RawValue
		var err error
		rest, err = asn1.Unmarshal(rest, &c)
		if err != nil {
			return nil, err
		}
		if c.Tag != asn1.TagOctetString {
			return nil, errors.New("smime: unexpected element in OCTET STRING")
		}
		b, err := octets(c)
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	return out, nil
}

// hashByOID maps digest algorithm OIDs to hashes. SHA-1 and MD5 are mapped
// so that a signature over them can be named, then refused by policy.
func hashByOID(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case oid.Equal(oidSHA1), oid.Equal(oidSHA1WithRSA), oid.Equal(oidECDSASHA1):
		return crypto.SHA1, true
	case oid.Equal(oidMD5), oid.Equal(oidMD5WithRSA):
		return crypto.MD5, true
	case oid.Equal(oidSHA224), oid.Equal(oidSHA224WithRSA), oid.Equal(oidECDSASHA224):
		return crypto.SHA224, true
	case oid.Equal(oidSHA256), oid.Equal(oidSHA256WithRSA), oid.Equal(oidECDSASHA256):
		return crypto.SHA256, true
	case oid.Equal(oidSHA384), oid.Equal(oidSHA384WithRSA), oid.Equal(oidECDSASHA384):
		return crypto.SHA384, true
	case oid.Equal(oidSHA512), oid.Equal(oidSHA512WithRSA), oid.Equal(oidECDSASHA512):
		return crypto.SHA512, true
	}
	return 0, false
}

// matchRID reports whether a SignerIdentifier / RecipientIdentifier names
// cert: issuerAndSerialNumber (SEQUENCE) or [0] subjectKeyIdentifier.
func matchRID(rid asn1.RawValue, cert *x509.Certificate) bool {
	switch {
	case rid.Class == asn1.ClassUniversal && rid.Tag == asn1.TagSequence:
		var ias issuerAndSerial
		if _, err := asn1.Unmarshal(rid.FullBytes, &ias); err != nil {
			return false
		}
		return ias.Serial != nil && ias.Serial.Cmp(cert.SerialNumber) == 0 &&
			bytes.Equal(ias.Issuer.FullBytes, cert.RawIssuer)
	case rid.Class == asn1.ClassContextSpecific && rid.Tag == 0:
		ski := rid.Bytes
		if rid.IsCompound { // RecipientKeyIdentifier (kari): SEQUENCE { ski, ... }
			var rki struct {
				SKI  []byte
				Rest asn1.RawValue `asn1:"optional"`
			}
			if _, err := asn1.Unmarshal(append([]byte{0x30}, rid.FullBytes[1:]...), &rki); err != nil {
				return false
			}
			ski = rki.SKI
		}
		return len(ski) > 0 && bytes.Equal(ski, cert.SubjectKeyId)
	}
	return false
}
