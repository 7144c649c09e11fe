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

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/sender"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// signedLayer is the outcome of checking one SignedData. UnverifiedBody is
// the signed content; it is trustworthy only when valid is true.
type signedLayer struct {
	form           string // "multipart/signed" or "opaque"
	UnverifiedBody []byte
	valid          bool
	comment        string
	signers        []verdict.Signer
	checks         []verdict.Check
	signerCerts    []*x509.Certificate
}

type verifyEnv struct {
	now      time.Time
	id       sender.Identity // From (and Date) as crypto/sender reads them
	skipFrom bool            // inner opaque layer inside an opaque signature
	anchors  []*x509.Certificate
	direct   []*x509.Certificate // trusted for their own addresses only (direct.go)
	certs    []*x509.Certificate
}

// pass records a check that holds.
func (l *signedLayer) pass(kind verdict.CheckKind, detail string) {
	l.checks = append(l.checks, verdict.Check{Kind: kind, OK: true, Detail: detail})
}

// failed records a check that fails, with its code.
func (l *signedLayer) failed(kind verdict.CheckKind, reason verdict.Reason, detail string) {
	l.checks = append(l.checks, verdict.Check{Kind: kind, Detail: detail, Reason: reason})
}

// broken records a failed structure check and makes the layer not valid.
func (l *signedLayer) broken(reason verdict.Reason, detail, comment string) {
	l.failed(verdict.CheckStructure, reason, detail)
	l.fail(comment)
}

func (l *signedLayer) fail(comment string) {
	l.valid = false
	if l.comment == "" {
		l.comment = comment
	}
}

// verifySignedData checks a SignedData (RFC 5652 section 5), read once by
// parseCMS (nil when it could not be read). detached is the
// multipart/signed first part in canonical form, nil for opaque
// signatures.
func verifySignedData(obj *cmsObject, detached []byte, env *verifyEnv) *signedLayer {
	l := &signedLayer{form: "opaque", valid: true}
	if detached != nil {
		l.form = "multipart/signed"
		l.UnverifiedBody = detached
	}
	if obj == nil || !obj.typ.Equal(oidSignedData) {
		l.broken(verdict.ReasonDamaged, "the signature is not a CMS SignedData", "The signature is damaged and cannot be read: ask the sender to send the message again.")
		return l
	}
	if obj.sd == nil {
		l.broken(verdict.ReasonDamaged, "the SignedData is damaged", "The signature is damaged and cannot be read: ask the sender to send the message again.")
		return l
	}
	sd := *obj.sd
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
		l.broken(verdict.ReasonContentMismatch, "the content inside the signature differs from the displayed part", "The displayed text is not what was signed (the signature holds a different text): do not trust this message.")
		return l
	case detached == nil && econtent == nil:
		l.broken(verdict.ReasonNoContent, "the signature holds no content and none is attached", "The signature holds no content: nothing displayed is signed.")
		return l
	case detached == nil:
		l.UnverifiedBody = econtent
	}
	if len(sd.SignerInfos) == 0 {
		l.broken(verdict.ReasonNoSigner, "the SignedData has no signer", "The signature has no signer (it is only a certificate bundle): nothing is signed.")
		return l
	}
	if len(sd.SignerInfos) > maxSigners {
		l.broken(verdict.ReasonTooManySigners, fmt.Sprintf("the SignedData has %d signers, more than the %d read", len(sd.SignerInfos), maxSigners), fmt.Sprintf("The signature holds more than %d signers, which SealDesk does not check: treat the message as not signed.", maxSigners))
		return l
	}
	msgCerts, err := parseCertSet(sd.Certificates.Bytes)
	if errors.Is(err, errTooManyCertificates) {
		l.broken(verdict.ReasonTooManyCertificates, err.Error(), fmt.Sprintf("The signature carries more than %d certificates, which SealDesk does not read: treat the message as not signed.", maxCMSCertificates))
		return l
	}
	l.pass(verdict.CheckStructure, fmt.Sprintf("%s signature with %d signer(s)", l.form, len(sd.SignerInfos)))
	pool := append(append([]*x509.Certificate{}, msgCerts...), env.certs...)
	for i := range sd.SignerInfos {
		first := len(l.checks)
		s := verifySigner(&sd.SignerInfos[i], sd.EncapContentInfo.EContentType, l.UnverifiedBody, pool, env, l)
		if len(sd.SignerInfos) > 1 {
			for j := first; j < len(l.checks); j++ {
				l.checks[j].Signer = i + 1
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

// digestMismatch is the detail of a failed digest check: the content is
// not what was signed.
const digestMismatch = "the content's digest does not match the signed digest"

type signerOutcome struct{ verdict.Signer }

func verifySigner(si *signerInfoASN, eType asn1.ObjectIdentifier, content []byte, pool []*x509.Certificate, env *verifyEnv, l *signedLayer) signerOutcome {
	var out signerOutcome
	bad := func(kind verdict.CheckKind, reason verdict.Reason, detail, comment string) signerOutcome {
		l.failed(kind, reason, detail)
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
		return bad(verdict.CheckCertificate, verdict.ReasonNoCertificate, "the signer's certificate is neither in the message nor imported",
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
		return bad(verdict.CheckDigest, verdict.ReasonUnknownAlgorithm, "unknown digest algorithm "+si.DigestAlgorithm.Algorithm.String(),
			"The signature uses an algorithm SealDesk does not know: it cannot be checked.")
	}
	if h == crypto.SHA1 || h == crypto.MD5 {
		bad(verdict.CheckDigest, verdict.ReasonWeakDigest, h.String()+" is broken (collision attacks)",
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
			return bad(verdict.CheckStructure, verdict.ReasonDamaged, "the signed attributes are damaged", "The signature is damaged: ask the sender to send the message again.")
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
			return bad(verdict.CheckStructure, verdict.ReasonDamaged, "the signed attributes lack messageDigest or a matching contentType (RFC 5652 section 5.3)",
				"The signature is damaged: ask the sender to send the message again.")
		}
		if !bytes.Equal(md, digest) {
			return bad(verdict.CheckDigest, verdict.ReasonContentAltered, digestMismatch,
				"The message was changed after it was signed: do not trust its content.")
		}
		// RFC 5652 section 5.4: the signature covers the DER SET OF.
		signed = append([]byte{0x31}, si.SignedAttrs.FullBytes[1:]...)
	}
	l.pass(verdict.CheckDigest, h.String()+" digest matches the content")

	if err := checkSignature(cert, si, h, signed); err != nil {
		return bad(verdict.CheckSignature, verdict.ReasonBadSignature, err.Error(), "The signature does not match the sender's certificate: the message was changed or forged.")
	}
	l.pass(verdict.CheckSignature, "signature verified with the signer's public key")
	if msg := keySizeProblem(cert); msg != "" {
		bad(verdict.CheckKeySize, verdict.ReasonWeakKey, msg, "The sender's certificate has a key too weak to prove anything ("+msg+"): ask the sender for a new certificate.")
	}

	if env.now.Before(cert.NotBefore) {
		bad(verdict.CheckValidity, verdict.ReasonNotYetValid, "not valid before "+cert.NotBefore.UTC().Format(time.RFC3339),
			"The sender's certificate is not valid yet (from "+cert.NotBefore.UTC().Format(time.DateOnly)+"): check your computer's clock, or ask the sender.")
	} else if env.now.After(cert.NotAfter) {
		bad(verdict.CheckValidity, verdict.ReasonExpired, "expired "+cert.NotAfter.UTC().Format(time.RFC3339),
			"The sender's certificate expired on "+cert.NotAfter.UTC().Format(time.DateOnly)+": ask the sender for a new one.")
	} else {
		l.pass(verdict.CheckValidity, "valid until "+cert.NotAfter.UTC().Format(time.DateOnly))
	}
	// Chain to a trust anchor, EKU and validity, reported separately.
	links, verified, chainErr := buildChain(cert, pool, env)
	out.Chain = links
	switch {
	case errors.Is(chainErr, errCAValidity):
		bad(verdict.CheckChain, verdict.ReasonCAInvalid, chainErr.Error(), "A CA certificate above the sender's is expired or not valid yet: check your computer's clock, or import the CA's current certificate.")
	case errors.Is(chainErr, errCAUsage):
		bad(verdict.CheckChain, verdict.ReasonCAUsage, chainErr.Error(), "A CA above the sender's certificate is not allowed to issue e-mail certificates: do not trust this signature.")
	case chainErr != nil:
		bad(verdict.CheckChain, verdict.ReasonUntrusted, chainErr.Error(), "The sender's certificate is not issued by a CA you trust: import the CA certificate if you trust it, then retry.")
	case env.trustedDirectly(verified):
		out.TrustedDirectly = true
		l.pass(verdict.CheckChain, verdict.TrustedDirectlyNote)
	default:
		l.pass(verdict.CheckChain, "trusted through "+links[len(links)-1].Subject)
	}
	// Only the addresses the chain allows are proven; without a chain the
	// signature is not valid anyway and the certificate's claims are shown.
	refused := ""
	if verified != nil {
		out.Emails, refused = provenEmails(cert, verified)
	}
	if msg := usageProblem(cert, true); msg != "" {
		bad(verdict.CheckKeyUsage, verdict.ReasonKeyUsage, msg, "The sender's certificate is not meant for e-mail signatures: "+msg+".")
	} else {
		l.pass(verdict.CheckKeyUsage, "e-mail protection")
	}
	// The signer must be the sender (RFC 8550 section 3; Go's verifier does
	// not check this), and the signature must be as old as the message
	// claims to be.
	if env.skipFrom {
		l.pass(verdict.CheckFrom, "inner signature: its content is vouched for by the outer signature")
	} else if reason, detail, comment := env.id.Judge(out.Emails, signerName(out.Emails, cert)); reason != "" {
		if reason == verdict.ReasonFromMismatch && refused != "" && containsFold(Emails(cert), env.id.Address) {
			// The certificate names From, but a CA's e-mail name
			// constraints do not allow it (RFC 5280 section 4.2.1.10).
			detail = refused
			comment = "The certificate names " + env.id.Address + ", but its CA may not certify that address: the sender address may be forged."
		}
		bad(verdict.CheckFrom, reason, detail, comment)
	} else {
		l.pass(verdict.CheckFrom, env.id.Address)
	}
	if detail := sender.DateMismatch(signingTime, env.id.Date); detail != "" {
		bad(verdict.CheckSigningTime, verdict.ReasonDateMismatch, detail, "The message was signed on "+signingTime.UTC().Format(time.RFC1123)+" but dated "+env.id.Date.UTC().Format(time.RFC1123)+
			": more than an hour apart, which is how an old message sent again looks. Do not trust its date or that it is new.")
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
