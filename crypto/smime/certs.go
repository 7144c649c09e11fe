package smime

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
)

// ParseCertificates reads certificates from PEM (one or many CERTIFICATE
// blocks, or a PKCS7 block), DER, or a PKCS #7 certs-only bundle (.p7b,
// .p7c; RFC 8551 section 3.6). On failure it returns an *ImportError whose
// Reason names what the input is instead.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	// Trim only to judge and to read text: DER is binary, and its last
	// byte (part of a random signature) is a white-space byte in about one
	// certificate in forty.
	text := bytes.TrimSpace(data)
	if len(text) == 0 {
		return nil, importErr(ReasonEmpty, "the file is empty", ErrEmpty)
	}
	if bytes.Contains(text, []byte("-----BEGIN ")) {
		return parseCertsPEM(text)
	}
	if isText(text) {
		if bytes.HasPrefix(text, []byte("MI")) { // bare base64 DER, no armour
			if der, err := base64.StdEncoding.DecodeString(string(mimepart.StripSpace(text))); err == nil {
				return parseCertsDER(der)
			}
		}
		return nil, importErr(ReasonText, "this is text, not a certificate: expected a PEM file starting with -----BEGIN CERTIFICATE-----", nil)
	}
	return parseCertsDER(data)
}

func parseCertsPEM(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	var lastErr error
	for {
		block, r := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = r
		switch block.Type {
		case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
			der := block.Bytes
			if block.Type == "TRUSTED CERTIFICATE" { // OpenSSL: DER cert followed by trust settings
				var rv asn1.RawValue
				if _, err := asn1.Unmarshal(der, &rv); err == nil {
					der = rv.FullBytes
				}
			}
			c, err := x509.ParseCertificate(der)
			if err != nil {
				lastErr = importErr(ReasonMalformed, "a certificate in this file is damaged", err)
				continue
			}
			certs = append(certs, c)
		case "PKCS7", "CERTIFICATE CHAIN":
			cs, err := parsePKCS7Certs(block.Bytes)
			if err != nil {
				lastErr = err
				continue
			}
			certs = append(certs, cs...)
		default:
			if lastErr == nil {
				lastErr = pemKindError(block.Type, true)
			}
		}
	}
	if len(certs) > 0 {
		return certs, nil
	}
	if lastErr != nil {
		return nil, lastErr
	}
	return nil, pemDecodeFailure(data)
}

// pemDecodeFailure explains why pem.Decode found no block although the
// input contains "-----BEGIN ".
func pemDecodeFailure(data []byte) error {
	s := string(data)
	if strings.Contains(s, "-----BEGIN PGP") {
		return importErr(ReasonIsPGP, "this is an OpenPGP key or message, not an S/MIME certificate: import it under PGP keys", nil)
	}
	i := strings.Index(s, "-----BEGIN ")
	label := s[i+len("-----BEGIN "):]
	if j := strings.Index(label, "-----"); j >= 0 {
		label = label[:j]
	}
	if !strings.Contains(s, "-----END "+label+"-----") {
		return importErr(ReasonTruncatedPEM, "the PEM block \""+label+"\" has no END line: the file was cut off, copy all of it including -----END "+label+"-----", nil)
	}
	return importErr(ReasonBadPEM, "the PEM block \""+label+"\" is damaged (its base64 does not decode): copy the file again without changing it", nil)
}

// pemKindError names what a PEM block is when it is not what was asked.
func pemKindError(typ string, wantCert bool) error {
	switch {
	case strings.Contains(typ, "PRIVATE KEY"):
		if wantCert {
			return importErr(ReasonIsPrivateKey, "this is a private key, not a certificate: use Add private key or PKCS #12 (sealctl cert key)", nil)
		}
	case typ == "CERTIFICATE" || typ == "X509 CERTIFICATE" || typ == "TRUSTED CERTIFICATE" || typ == "PKCS7":
		if !wantCert {
			return importErr(ReasonIsCertificate, "this is a certificate, not a private key: use Add certificate (sealctl cert import)", nil)
		}
	case strings.Contains(typ, "CERTIFICATE REQUEST"):
		return importErr(ReasonIsCSR, "this is a certificate request (CSR): send it to your certificate authority and import the certificate they return", nil)
	case typ == "PUBLIC KEY" || typ == "RSA PUBLIC KEY":
		return importErr(ReasonIsPublicKey, "this is a bare public key: S/MIME needs the whole certificate", nil)
	case strings.Contains(typ, "CRL"):
		return importErr(ReasonIsCRL, "this is a certificate revocation list, not a certificate", nil)
	case strings.HasPrefix(typ, "PGP"):
		return importErr(ReasonIsPGP, "this is an OpenPGP key or message, not S/MIME: import it under PGP keys", nil)
	case typ == "PKCS12":
		return importErr(ReasonIsPKCS12, "this is a PKCS #12 bundle: use Add private key or PKCS #12 (sealctl cert key) and enter its passphrase", nil)
	}
	if wantCert {
		return importErr(ReasonUnsupported, "the PEM block \""+typ+"\" is not a certificate", nil)
	}
	return importErr(ReasonUnsupported, "the PEM block \""+typ+"\" is not a private key", nil)
}

func parseCertsDER(der []byte) ([]*x509.Certificate, error) {
	if certs, err := x509.ParseCertificates(der); err == nil && len(certs) > 0 {
		return certs, nil
	}
	if isOpenPGPBinary(der) {
		return nil, importErr(ReasonIsPGP, "this is an OpenPGP key, not an S/MIME certificate: import it under PGP keys", nil)
	}
	d, err := toDER(der)
	if err != nil {
		return nil, importErr(ReasonBinaryGarbage, "this file is not a certificate (it is no DER, PEM or PKCS #7 data)", nil)
	}
	var ci contentInfo
	if _, err := asn1.Unmarshal(d, &ci); err == nil && ci.ContentType.Equal(oidSignedData) {
		return parsePKCS7Certs(der)
	}
	switch derKind(d) {
	case "pkcs12":
		return nil, pemKindError("PKCS12", true)
	case "key":
		return nil, pemKindError("PRIVATE KEY", true)
	case "csr":
		return nil, pemKindError("CERTIFICATE REQUEST", true)
	case "crl":
		return nil, pemKindError("X509 CRL", true)
	case "pub":
		return nil, pemKindError("PUBLIC KEY", true)
	}
	if _, err := x509.ParseCertificate(d); err != nil && looksLikeCert(d) {
		return nil, importErr(ReasonMalformed, "the certificate is damaged", err)
	}
	return nil, importErr(ReasonBinaryGarbage, "this file is not a certificate (it is no DER, PEM or PKCS #7 data)", nil)
}

// derKind guesses what a DER structure other than a certificate is.
func derKind(d []byte) string {
	if _, err := x509.ParsePKCS8PrivateKey(d); err == nil {
		return "key"
	}
	if _, err := x509.ParsePKCS1PrivateKey(d); err == nil {
		return "key"
	}
	if _, err := x509.ParseECPrivateKey(d); err == nil {
		return "key"
	}
	if _, err := x509.ParseCertificateRequest(d); err == nil {
		return "csr"
	}
	if _, err := x509.ParseRevocationList(d); err == nil {
		return "crl"
	}
	if _, err := x509.ParsePKIXPublicKey(d); err == nil {
		return "pub"
	}
	var pfx struct {
		Version  int
		AuthSafe contentInfo
		MacData  asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(d, &pfx); err == nil && pfx.Version == 3 {
		return "pkcs12"
	}
	return ""
}

// looksLikeCert: SEQUENCE { SEQUENCE { [0] version ... } ... }.
func looksLikeCert(d []byte) bool {
	var outer asn1.RawValue
	if _, err := asn1.Unmarshal(d, &outer); err != nil || outer.Tag != asn1.TagSequence {
		return false
	}
	var tbs asn1.RawValue
	if _, err := asn1.Unmarshal(outer.Bytes, &tbs); err != nil || tbs.Tag != asn1.TagSequence {
		return false
	}
	return len(tbs.Bytes) > 0 && tbs.Bytes[0] == 0xa0
}

// parsePKCS7Certs reads the certificates of a certs-only SignedData.
func parsePKCS7Certs(ber []byte) ([]*x509.Certificate, error) {
	typ, content, err := parseContentInfo(ber)
	if err != nil || !typ.Equal(oidSignedData) {
		return nil, importErr(ReasonMalformed, "the PKCS #7 bundle is damaged", err)
	}
	var sd signedDataASN
	if _, err := asn1.Unmarshal(content, &sd); err != nil {
		return nil, importErr(ReasonMalformed, "the PKCS #7 bundle is damaged", err)
	}
	certs, err := parseCertSet(sd.Certificates.Bytes)
	if errors.Is(err, errTooManyCertificates) {
		return nil, importErr(ReasonUnsupported, fmt.Sprintf("the PKCS #7 bundle holds more than %d certificates: import them in smaller bundles", maxCMSCertificates), err)
	}
	if err != nil {
		return nil, importErr(ReasonMalformed, "a certificate in the PKCS #7 bundle is damaged", err)
	}
	if len(certs) == 0 {
		return nil, importErr(ReasonNoCertificates, "the PKCS #7 bundle holds no certificate", nil)
	}
	return certs, nil
}

// errTooManyCertificates: a SignedData carries more than
// maxCMSCertificates certificates.
var errTooManyCertificates = fmt.Errorf("smime: the SignedData carries more than %d certificates", maxCMSCertificates)

// parseCertSet reads the CertificateChoices of a SignedData, skipping
// attribute and other certificates ([1]..[3] tags). More than
// maxCMSCertificates entries are refused before any is parsed.
func parseCertSet(b []byte) ([]*x509.Certificate, error) {
	var raws []asn1.RawValue
	var damaged error // what was read before the damage is still used
	for len(b) > 0 {
		var rv asn1.RawValue
		rest, err := asn1.Unmarshal(b, &rv)
		if err != nil {
			damaged = err
			break
		}
		b = rest
		if len(raws) == maxCMSCertificates {
			return nil, errTooManyCertificates
		}
		raws = append(raws, rv)
	}
	var certs []*x509.Certificate
	for _, rv := range raws {
		if rv.Class != asn1.ClassUniversal || rv.Tag != asn1.TagSequence {
			continue
		}
		c, err := x509.ParseCertificate(rv.FullBytes)
		if err != nil {
			return certs, err
		}
		certs = append(certs, c)
	}
	return certs, damaged
}

func isText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b[:min(len(b), 4096)]) {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}

// isOpenPGPBinary recognises a binary OpenPGP packet stream starting with a
// public or secret key packet (RFC 9580 section 4.2).
func isOpenPGPBinary(b []byte) bool {
	if len(b) < 2 || b[0]&0x80 == 0 {
		return false
	}
	var tag byte
	if b[0]&0x40 != 0 {
		tag = b[0] & 0x3f
	} else {
		tag = (b[0] >> 2) & 0x0f
	}
	return tag == 5 || tag == 6
}

// Fingerprint is the SHA-256 of the certificate's DER, lowercase hex.
func Fingerprint(cert *x509.Certificate) string {
	if cert == nil {
		return ""
	}
	sum := sha256.Sum256(cert.Raw)
	return hex.EncodeToString(sum[:])
}

// KeyMatches reports whether key is the private key of cert.
func KeyMatches(cert *x509.Certificate, key crypto.Signer) bool {
	if cert == nil || key == nil {
		return false
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(cert.PublicKey)
}

// subjectString formats a certificate subject for people: like
// pkix.Name.String, but with the legacy emailAddress attribute shown as
// E=... instead of hex-encoded DER.
func subjectString(c *x509.Certificate) string {
	n := c.Subject
	var emails []string
	for _, a := range n.Names {
		if a.Type.Equal(oidEmailAddress) {
			if v, ok := a.Value.(string); ok {
				emails = append(emails, "E="+v)
			}
		}
	}
	if len(emails) == 0 {
		return n.String()
	}
	var kept []pkix.AttributeTypeAndValue
	for _, a := range n.Names {
		if !a.Type.Equal(oidEmailAddress) {
			kept = append(kept, a)
		}
	}
	n.Names, n.ExtraNames = kept, nil
	s := n.String()
	if s == "" {
		return strings.Join(emails, ",")
	}
	return s + "," + strings.Join(emails, ",")
}

// subjectCN is the certificate's common name, or its whole subject.
func subjectCN(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return c.Subject.String()
}
