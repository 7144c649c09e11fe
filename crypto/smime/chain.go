package smime

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// What makes a certificate fit for S/MIME beyond its signature: the chain
// to a trust anchor with e-mail protection allowed at every level, its key
// usage, and its key size. Which addresses it proves is in names.go.

// minRSABits is the smallest RSA modulus accepted, for signatures as for
// encryption: 1024-bit RSA is within reach of a well-funded attacker
// (RFC 8551 section 6; NIST SP 800-131A disallows it since 2013).
const minRSABits = 2048

// maxChainLen bounds the certificates between a signer and its trust
// anchor, anchor included. Real S/MIME chains have two to four.
const maxChainLen = 8

var (
	errCAValidity = errors.New("a CA certificate is not valid now")
	// errCAUsage: a CA in the chain restricts its extended key usage to
	// purposes other than e-mail (RFC 5280 section 4.2.1.12).
	errCAUsage = errors.New("a CA in the chain may not issue e-mail certificates: its extended key usage lacks e-mail protection")
	// errNoTrustedCA: no chain to an imported trust anchor, and the
	// certificate is not trusted directly either.
	errNoTrustedCA = errors.New("no trusted CA issued this certificate")
)

// buildChain verifies cert up to an imported trust anchor, with the
// message's and the store's certificates as intermediates, at a time inside
// the leaf's validity (validity at Now is reported separately). It returns
// the links for people and the verified chain, leaf first.
//
// Every certificate of the chain must allow e-mail protection: Go applies
// the asked usage to the intermediates too, and passes one without EKU or
// with anyExtendedKeyUsage. The leaf's own EKU is judged by usageProblem,
// which reports it by name; a leaf that fails it is chained with any usage
// so that the trust check still says something of its own.
func buildChain(cert *x509.Certificate, pool []*x509.Certificate, env *verifyEnv) ([]verdict.ChainLink, []*x509.Certificate, error) {
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
	usage := x509.ExtKeyUsageEmailProtection
	if !ekuAllowsEmail(cert) {
		usage = x509.ExtKeyUsageAny
	}
	chains, err := cert.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{usage},
	})
	if err != nil {
		var ua x509.UnknownAuthorityError
		var inv x509.CertificateInvalidError
		switch {
		case errors.As(err, &ua) && containsCert(env.direct, cert):
			// Trusted directly: the chain is the certificate alone. Only
			// here, as the leaf: Go never saw it as a root, so nothing it
			// issued chains to it (direct.go).
			return nil, []*x509.Certificate{cert}, nil
		case errors.As(err, &ua):
			return nil, nil, fmt.Errorf("%w (issuer: %s)", errNoTrustedCA, cert.Issuer.String())
		case errors.As(err, &inv) && inv.Reason == x509.IncompatibleUsage:
			return nil, nil, errCAUsage
		}
		return nil, nil, err
	}
	chain := chains[0]
	if len(chain) > maxChainLen {
		return nil, nil, fmt.Errorf("the chain holds %d certificates, more than the %d accepted", len(chain), maxChainLen)
	}
	var links []verdict.ChainLink
	for i, c := range chain[1:] {
		links = append(links, verdict.ChainLink{Subject: subjectString(c), Fingerprint: Fingerprint(c), Anchor: i == len(chain)-2})
	}
	if len(links) == 0 { // the leaf itself is a trust anchor
		links = []verdict.ChainLink{{Subject: subjectString(cert), Fingerprint: Fingerprint(cert), Anchor: true}}
	}
	for _, c := range chain[1:] {
		if env.now.Before(c.NotBefore) || env.now.After(c.NotAfter) {
			return links, chain, fmt.Errorf("%w: %s (valid %s to %s)", errCAValidity, subjectString(c), c.NotBefore.UTC().Format(time.DateOnly), c.NotAfter.UTC().Format(time.DateOnly))
		}
	}
	return links, chain, nil
}

// usageProblem checks KeyUsage and ExtKeyUsage for S/MIME (RFC 8550
// sections 4.4.2 and 4.4.4); signing or encryption.
func usageProblem(cert *x509.Certificate, signing bool) string {
	if !ekuAllowsEmail(cert) {
		return "its extended key usage lacks e-mail protection"
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

// ekuAllowsEmail: no extended key usage at all, or one that includes
// e-mail protection or any usage (RFC 5280 section 4.2.1.12).
func ekuAllowsEmail(cert *x509.Certificate) bool {
	if len(cert.ExtKeyUsage) == 0 && len(cert.UnknownExtKeyUsage) == 0 {
		return true
	}
	for _, u := range cert.ExtKeyUsage {
		if u == x509.ExtKeyUsageEmailProtection || u == x509.ExtKeyUsageAny {
			return true
		}
	}
	return false
}

// keySizeProblem refuses RSA keys below minRSABits, for signatures and
// encryption alike; "" when the key is strong enough (or not RSA).
func keySizeProblem(cert *x509.Certificate) string {
	if k, ok := cert.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < minRSABits {
		return "its RSA key has " + strconv.Itoa(k.N.BitLen()) + " bits, fewer than the " + strconv.Itoa(minRSABits) + " required"
	}
	return ""
}
