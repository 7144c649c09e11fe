package demo

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"

	"github.com/sealdesk/sealdesk/crypto/pgp"
)

// The demo's people. Addresses are under .test (RFC 2606): nothing here
// can reach a real mailbox.
const (
	HelpdeskName = "SealDesk Demo Helpdesk"
	HelpdeskAddr = "help@demo.sealdesk.test"
	aliceAddr    = "alice@customer.test"    // S/MIME, issued by the demo CA
	bobAddr      = "bob@customer.test"      // S/MIME, encrypts to an old helpdesk certificate
	carolAddr    = "carol@partner.test"     // OpenPGP
	daveAddr     = "dave@customer.test"     // no security at all
	malloryAddr  = "mallory@elsewhere.test" // S/MIME, issued by a CA the user does not have
)

// ident is a certificate with its key.
type ident struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// pki is the demo's material, made at start-up (P-256 and Ed25519/X25519
// keys, so it takes milliseconds) and never written to disk.
type pki struct {
	ca, helpdesk, oldHelpdesk, alice, bob ident
	otherCA, mallory                      ident
	// pgpHelpdesk and pgpCarol are unprotected secret keys.
	pgpHelpdesk, pgpCarol *gcrypto.Key
}

func newPKI(now time.Time) (*pki, error) {
	var p pki
	var err error
	serial := int64(1)
	mk := func(parent *ident, cn, email string) (ident, error) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return ident{}, err
		}
		serial++
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn, Organization: []string{"SealDesk demo"}},
			NotBefore: now.AddDate(0, -1, 0), NotAfter: now.AddDate(1, 0, 0),
		}
		issuer, signer := tmpl, crypto.Signer(key)
		if parent == nil {
			tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
			tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		} else {
			// An EC key signs and agrees keys (RFC 8551 section 4.4.2);
			// the e-mail protection purpose is what S/MIME checks.
			tmpl.EmailAddresses = []string{email}
			tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyAgreement
			tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
			issuer, signer = parent.cert, parent.key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), signer)
		if err != nil {
			return ident{}, err
		}
		c, err := x509.ParseCertificate(der)
		return ident{c, key}, err
	}
	steps := []struct {
		dst       *ident
		parent    *ident
		cn, email string
	}{
		{&p.ca, nil, "SealDesk Demo CA", ""},
		{&p.helpdesk, &p.ca, HelpdeskName, HelpdeskAddr},
		{&p.oldHelpdesk, &p.ca, "SealDesk Demo Helpdesk (old certificate)", HelpdeskAddr},
		{&p.alice, &p.ca, "Alice Customer", aliceAddr},
		{&p.bob, &p.ca, "Bob Customer", bobAddr},
		{&p.otherCA, nil, "Elsewhere Unknown CA", ""},
		{&p.mallory, &p.otherCA, "Mallory Elsewhere", malloryAddr},
	}
	for _, s := range steps {
		if *s.dst, err = mk(s.parent, s.cn, s.email); err != nil {
			return nil, fmt.Errorf("demo: making the certificate of %s: %w", s.cn, err)
		}
	}
	gen := func(name, addr string) (*gcrypto.Key, error) {
		return gcrypto.PGP().KeyGeneration().AddUserId(name, addr).GenerationTime(now.AddDate(0, -1, 0).Unix()).New().GenerateKey()
	}
	if p.pgpHelpdesk, err = gen(HelpdeskName, HelpdeskAddr); err != nil {
		return nil, fmt.Errorf("demo: making the OpenPGP key of the helpdesk: %w", err)
	}
	if p.pgpCarol, err = gen("Carol Partner", carolAddr); err != nil {
		return nil, fmt.Errorf("demo: making the OpenPGP key of %s: %w", carolAddr, err)
	}
	return &p, nil
}

// pgpKey parses a gopenpgp key into the engine's form: the secret one when
// secret is true, else its public part.
func pgpKey(k *gcrypto.Key, secret bool) (*pgp.Key, error) {
	armored, err := armoredPGP(k, secret)
	if err != nil {
		return nil, err
	}
	return pgp.ParseKey(armored)
}

func armoredPGP(k *gcrypto.Key, secret bool) ([]byte, error) {
	var s string
	var err error
	if secret {
		s, err = k.Armor()
	} else {
		s, err = k.GetArmoredPublicKey()
	}
	return []byte(s), err
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func keyPEM(k crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
