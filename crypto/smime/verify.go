package smime

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"time"

	sdcrypto "github.com/sealdesk/sealdesk/crypto"
	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/sender"
)

// signedLayer is the outcome of checking one SignedData. UnverifiedBody is
// the signed content; it is trustworthy only when valid is true.
type signedLayer struct {
	form           string // "multipart/signed" or "opaque"
	UnverifiedBody []byte
	valid          bool
	comment        string
	signers        []sdcrypto.Signer
	checks         []sdcrypto.Check
	signerCerts    []*x509.Certificate
}

type verifyEnv struct {
	now      time.Time
	id       sender.Identity // From (and Date) as crypto/sender reads them
	skipFrom bool            // inner opaque layer inside an opaque signature
	anchors  []*x509.Certificate
	certs    []*x509.Certificate
}

func (l *signedLayer) check(name string, ok bool, detail string) {
	l.checks = append(l.checks, sdcrypto.Check{Name: name, OK: ok, Detail: detail})
}

func (l *signedLayer) fail(comment string) {
	l.valid = false
	if l.comment == "" {
		l.comment = comment
	}
}

// verifySignedData checks a SignedData (RFC 5652 section 5). detached is
// the multipart/signed first part in canonical form, nil for opaque
// signatures.
func verifySignedData(ber, detached []byte, env *verifyEnv) *signedLayer {
	l := &signedLayer{form: "opaque", valid: true}
	if detached != nil {
		l.form = "multipart/signed"
		l.UnverifiedBody = detached
	}
	typ, content, err := parseContentInfo(ber)
	if err != nil || !typ.Equal(oidSignedData) {
		l.check("structure", false, "the signature is not a CMS SignedData")
		l.fail("The signature is damaged and cannot be read: ask the sender to send the message again.")
		return l
	}
	var sd signedDataASN
	if _, err := asn1.Unmarshal(content, &sd); err != nil {
		l.check("structure", false, "the SignedData is damaged: "+err.Error())
		l.fail("The signature is damaged and cannot be read: ask the sender to send the message again.")
		return l
	}
	var econtent []byte
	if len(sd.EncapContentInfo.EContent.FullBytes) > 0 {
		var oct asn1.RawValue
		if _, err := asn1.Unmarshal(sd.EncapContentInfo.EContent.Bytes, &oct); err == nil {
			econtent, _ = octets(oct)
		}
		if econtent == nil {
			econtent = []byte{}
		}
	}
	switch {
	case detached != nil && econtent != nil && len(econtent) > 0 && !bytes.Equal(mimepart.CanonicalCRLF(econtent), detached):
		l.check("structure", false, "the content inside the signature differs from the displayed part")
		l.fail("The displayed text is not what was signed (the signature holds a different text): do not trust this message.")
		return l
	case detached == nil && econtent == nil:
		l.check("structure", false, "the signature holds no content and none is attached")
		l.fail("The signature holds no content: nothing displayed is signed.")
		return l
	case detached == nil:
		l.UnverifiedBody = econtent
	}
	if len(sd.SignerInfos) == 0 {
		l.check("structure", false, "the SignedData has no signer")
		l.fail("The signature has no signer (it is only a certificate bundle): nothing is signed.")
		return l
	}
	l.check("structure", true, fmt.Sprintf("%s signature with %d signer(s)", l.form, len(sd.SignerInfos)))
	msgCerts, _ := parseCertSet(sd.Certificates.Bytes)
	pool := append(append([]*x509.Certificate{}, msgCerts...), env.certs...)
	for i := range sd.SignerInfos {
		first := len(l.checks)
		s := verifySigner(&sd.SignerInfos[i], sd.EncapContentInfo.EContentType, l.UnverifiedBody, pool, env, l)
		if len(sd.SignerInfos) > 1 {
			for j := first; j < len(l.checks); j++ {
				l.checks[j].Name = fmt.Sprintf("signer %d: %s", i+1, l.checks[j].Name)
			}
		}
		l.signers = append(l.signers, s.Signer)
		if !s.Valid {
			l.fail(s.Comment)
		}
	}
	if len(sd.SignerInfos) > 1 && !l.valid {
		l.comment = "One of several signatures is not valid: " + l.comment
	}
	return l
}

type signerOutcome struct{ sdcrypto.Signer }

func verifySigner(si *signerInfoASN, eType asn1.ObjectIdentifier, content []byte, pool []*x509.Certificate, env *verifyEnv, l *signedLayer) signerOutcome {
	var out signerOutcome
	bad := func(check, detail, comment string) signerOutcome {
		l.check(check, false, detail)
		out.Valid = false
		if out.Comment == "" {
			out.Comment = comment
		}
		return out
	}
	var cert *x509.Certificate
	for _, c := range pool {
		if matchRID(si.SID, c) {
			cert = c
			break
		}
	}
	if cert == nil {
		return bad("certificate", "the signer's certificate is neither in the message nor imported",
			"The sender's certificate is missing: import it or its CA, then retry.")
	}
	l.signerCerts = append(l.signerCerts, cert)
	out.Subject = subjectString(cert)
	out.Fingerprint = Fingerprint(cert)
	out.Emails = Emails(cert)
	out.NotBefore, out.NotAfter = cert.NotBefore, cert.NotAfter
	out.Valid = true

	// Digest over the content, then over the signed attributes.
	h, ok := hashByOID(si.DigestAlgorithm.Algorithm)
	if !ok || !h.Available() {
		return bad("digest", "unknown digest algorithm "+si.DigestAlgorithm.Algorithm.String(),
			"The signature uses an algorithm SealDesk does not know: it cannot be checked.")
	}
	if h == crypto.SHA1 || h == crypto.MD5 {
		bad("digest", h.String()+" is broken (collision attacks)",
			"The signature uses "+h.String()+", which is no longer secure: ask the sender to update their mail program.")
	}
	hh := h.New()
	hh.Write(content)
	digest := hh.Sum(nil)
	signed := content
	var signingTime time.Time
	if len(si.SignedAttrs.FullBytes) > 0 {
		attrs, err := parseAttributes(si.SignedAttrs.Bytes)
		if err != nil {
			return bad("structure", "the signed attributes are damaged", "The signature is damaged: ask the sender to send the message again.")
		}
		var md []byte
		var ct asn1.ObjectIdentifier
		if v, ok := attrs[oidAttrMessageDigest.String()]; ok {
			asn1.Unmarshal(v, &md)
		}
		if v, ok := attrs[oidAttrContentType.String()]; ok {
			asn1.Unmarshal(v, &ct)
		}
		if v, ok := attrs[oidAttrSigningTime.String()]; ok {
			signingTime = parseTime(v)
		}
		if md == nil || ct == nil || !ct.Equal(eType) {
			return bad("structure", "the signed attributes lack messageDigest or a matching contentType (RFC 5652 section 5.3)",
				"The signature is damaged: ask the sender to send the message again.")
		}
		if !bytes.Equal(md, digest) {
			return bad("digest", "the content's digest does not match the signed digest",
				"The message was changed after it was signed: do not trust its content.")
		}
		// RFC 5652 section 5.4: the signature covers the DER SET OF.
		signed = append([]byte{0x31}, si.SignedAttrs.FullBytes[1:]...)
	}
	l.check("digest", true, h.String()+" digest matches the content")

	if err := checkSignature(cert, si, h, signed); err != nil {
		return bad("signature", err.Error(), "The signature does not match the sender's certificate: the message was changed or forged.")
	}
	l.check("signature", true, "signature verified with the signer's public key")

	if env.now.Before(cert.NotBefore) {
		bad("validity", "not valid before "+cert.NotBefore.UTC().Format(time.RFC3339),
			"The sender's certificate is not valid yet (from "+cert.NotBefore.UTC().Format(time.DateOnly)+"): check your computer's clock, or ask the sender.")
	} else if env.now.After(cert.NotAfter) {
		bad("validity", "expired "+cert.NotAfter.UTC().Format(time.RFC3339),
			"The sender's certificate expired on "+cert.NotAfter.UTC().Format(time.DateOnly)+": ask the sender for a new one.")
	} else {
		l.check("validity", true, "valid until "+cert.NotAfter.UTC().Format(time.DateOnly))
	}
	// Chain to a trust anchor, EKU and validity, reported separately.
	chain, chainErr := buildChain(cert, pool, env)
	out.Chain = chain
	if errors.Is(chainErr, errCAValidity) {
		bad("chain", chainErr.Error(), "A CA certificate above the sender's is expired or not valid yet: check your computer's clock, or import the CA's current certificate.")
	} else if chainErr != nil {
		bad("chain", chainErr.Error(), "The sender's certificate is not issued by a CA you trust: import the CA certificate if you trust it, then retry.")
	} else {
		l.check("chain", true, "trusted through "+chain[len(chain)-1].Subject)
	}
	if msg := usageProblem(cert, true); msg != "" {
		bad("key usage", msg, "The sender's certificate is not meant for e-mail signatures: "+msg+".")
	} else {
		l.check("key usage", true, "e-mail protection")
	}
	// The signer must be the sender (RFC 8550 section 3; Go's verifier does
	// not check this), and the signature must be as old as the message
	// claims to be.
	if env.skipFrom {
		l.check("from", true, "inner signature: its content is vouched for by the outer signature")
	} else if reason, detail, comment := env.id.Judge(out.Emails, signerName(out.Emails, cert)); reason != "" {
		bad("from", detail, comment)
		l.checks[len(l.checks)-1].Reason = reason
	} else {
		l.check("from", true, env.id.Address)
	}
	if detail := sender.DateMismatch(signingTime, env.id.Date); detail != "" {
		bad("signing time", detail, "The message was signed on "+signingTime.UTC().Format(time.RFC1123)+" but dated "+env.id.Date.UTC().Format(time.RFC1123)+
			": more than an hour apart, which is how an old message sent again looks. Do not trust its date or that it is new.")
		l.checks[len(l.checks)-1].Reason = sdcrypto.ReasonDateMismatch
	}
	return out
}

// signerName names a signer for people: its addresses and common name.
func signerName(emails []string, cert *x509.Certificate) string {
	who := strings.Join(emails, ", ")
	if cn := subjectCN(cert); cn != "" && who != "" {
		return who + " (" + cn + ")"
	} else if who == "" && cn != "" {
		return cn
	} else if who == "" {
		return "a certificate without a name or address"
	}
	return who
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// parseAttributes maps attribute OIDs to the DER of their first value.
func parseAttributes(b []byte) (map[string][]byte, error) {
	out := map[string][]byte{}
	for len(b) > 0 {
		var a attributeASN
		rest, err := asn1.Unmarshal(b, &a)
		if err != nil {
			return nil, err
		}
		b = rest
		var v asn1.RawValue
		if _, err := asn1.Unmarshal(a.Values.Bytes, &v); err == nil {
			if _, dup := out[a.Type.String()]; dup {
				return nil, errors.New("duplicate attribute")
			}
			out[a.Type.String()] = v.FullBytes
		}
	}
	return out, nil
}

func parseTime(der []byte) time.Time {
	var t time.Time
	if _, err := asn1.Unmarshal(der, &t); err == nil {
		return t
	}
	return time.Time{}
}

type pssParams struct {
	Hash       pkix.AlgorithmIdentifier `asn1:"explicit,optional,tag:0"`
	MGF        pkix.AlgorithmIdentifier `asn1:"explicit,optional,tag:1"`
	SaltLength int                      `asn1:"explicit,optional,tag:2,default:20"`
	Trailer    int                      `asn1:"explicit,optional,tag:3,default:1"`
}

// checkSignature verifies the signature value: RSA PKCS #1 v1.5, RSA-PSS
// (RFC 4056) or ECDSA (RFC 5753 section 7.1.3).
func checkSignature(cert *x509.Certificate, si *signerInfoASN, h crypto.Hash, signed []byte) error {
	alg := si.SignatureAlgorithm.Algorithm
	if alg.Equal(oidRSAPSS) {
		var p pssParams
		if len(si.SignatureAlgorithm.Parameters.FullBytes) > 0 {
			if _, err := asn1.Unmarshal(si.SignatureAlgorithm.Parameters.FullBytes, &p); err != nil {
				return errors.New("bad RSA-PSS parameters")
			}
		}
		ph := crypto.SHA1
		if len(p.Hash.Algorithm) > 0 {
			var ok bool
			if ph, ok = hashByOID(p.Hash.Algorithm); !ok {
				return errors.New("unknown RSA-PSS hash")
			}
		}
		if ph == crypto.SHA1 || ph == crypto.MD5 {
			return errors.New("RSA-PSS over " + ph.String() + " is not accepted")
		}
		pub, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return errors.New("RSA-PSS signature but the certificate has no RSA key")
		}
		d := ph.New()
		d.Write(signed)
		return rsa.VerifyPSS(pub, ph, d.Sum(nil), si.Signature, &rsa.PSSOptions{SaltLength: p.SaltLength, Hash: ph})
	}
	d := h.New()
	d.Write(signed)
	sum := d.Sum(nil)
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if sh, ok := hashByOID(alg); ok && !alg.Equal(oidRSAEncryption) && sh != h {
			return errors.New("the signature algorithm's hash differs from the digest algorithm")
		}
		if err := rsa.VerifyPKCS1v15(pub, h, sum, si.Signature); err != nil {
			return errors.New("RSA signature verification failed")
		}
		return nil
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, sum, si.Signature) {
			return errors.New("ECDSA signature verification failed")
		}
		return nil
	}
	return fmt.Errorf("unsupported signer key %T", cert.PublicKey)
}

var errCAValidity = errors.New("a CA certificate is not valid now")

// buildChain verifies cert up to an imported trust anchor, with the
// message's and the store's certificates as intermediates, at a time inside
// the leaf's validity (validity at Now is reported separately).
func buildChain(cert *x509.Certificate, pool []*x509.Certificate, env *verifyEnv) ([]sdcrypto.ChainLink, error) {
	roots := x509.NewCertPool()
	for _, a := range env.anchors {
		roots.AddCert(a)
	}
	inter := x509.NewCertPool()
	for _, c := range pool {
		inter.AddCert(c)
	}
	at := env.now
	if at.Before(cert.NotBefore) {
		at = cert.NotBefore.Add(time.Second)
	} else if at.After(cert.NotAfter) {
		at = cert.NotAfter.Add(-time.Second)
	}
	chains, err := cert.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		var ua x509.UnknownAuthorityError
		if errors.As(err, &ua) {
			return nil, errors.New("no trusted CA issued this certificate (issuer: " + cert.Issuer.String() + ")")
		}
		return nil, err
	}
	var links []sdcrypto.ChainLink
	for i, c := range chains[0][1:] {
		links = append(links, sdcrypto.ChainLink{Subject: subjectString(c), Fingerprint: Fingerprint(c), Anchor: i == len(chains[0])-2})
	}
	if len(links) == 0 { // the leaf itself is a trust anchor
		links = []sdcrypto.ChainLink{{Subject: subjectString(cert), Fingerprint: Fingerprint(cert), Anchor: true}}
	}
	for _, c := range chains[0][1:] {
		if env.now.Before(c.NotBefore) || env.now.After(c.NotAfter) {
			return links, fmt.Errorf("%w: %s (valid %s to %s)", errCAValidity, subjectString(c), c.NotBefore.UTC().Format(time.DateOnly), c.NotAfter.UTC().Format(time.DateOnly))
		}
	}
	return links, nil
}

// usageProblem checks KeyUsage and ExtKeyUsage for S/MIME (RFC 8550
// sections 4.4.2 and 4.4.4); signing or encryption.
func usageProblem(cert *x509.Certificate, signing bool) string {
	if len(cert.ExtKeyUsage) > 0 || len(cert.UnknownExtKeyUsage) > 0 {
		ok := false
		for _, u := range cert.ExtKeyUsage {
			if u == x509.ExtKeyUsageEmailProtection || u == x509.ExtKeyUsageAny {
				ok = true
			}
		}
		if !ok {
			return "its extended key usage lacks e-mail protection"
		}
	}
	if cert.KeyUsage != 0 {
		if signing && cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
			return "its key usage does not allow signatures"
		}
		if !signing {
			switch cert.PublicKey.(type) {
			case *rsa.PublicKey:
				if cert.KeyUsage&x509.KeyUsageKeyEncipherment == 0 {
					return "its key usage does not allow key encipherment"
				}
			case *ecdsa.PublicKey:
				if cert.KeyUsage&x509.KeyUsageKeyAgreement == 0 {
					return "its key usage does not allow key agreement"
				}
			}
		}
	}
	return ""
}
