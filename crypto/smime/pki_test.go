package smime

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"sync"
	"testing"
	"time"
)

// testNow is the fixed clock of the generated PKI.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

var (
	keyOnce sync.Once
	rsaKeys []*rsa.PrivateKey
	ecKeys  []*ecdsa.PrivateKey
)

// cachedKeys generates a few keys once per test binary (RSA-2048 is slow
// under -race); certificates reuse them.
func cachedKeys() {
	keyOnce.Do(func() {
		for range 3 {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			rsaKeys = append(rsaKeys, k)
		}
		for range 3 {
			k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			if err != nil {
				panic(err)
			}
			ecKeys = append(ecKeys, k)
		}
	})
}

type certSpec struct {
	cn        string
	email     string
	ec        bool
	keyIdx    int
	ca        bool
	notBefore time.Time
	notAfter  time.Time
	eku       []x509.ExtKeyUsage // nil: emailProtection
	noEKU     bool
	keyUsage  x509.KeyUsage
	subjEmail bool // put the address in the subject emailAddress too
}

var serial int64 = 1000
var serialMu sync.Mutex

func issue(t testing.TB, s certSpec, parent *x509.Certificate, parentKey crypto.Signer) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	cachedKeys()
	var key crypto.Signer = rsaKeys[s.keyIdx%len(rsaKeys)]
	if s.ec {
		key = ecKeys[s.keyIdx%len(ecKeys)]
	}
	serialMu.Lock()
	serial++
	sn := big.NewInt(serial)
	serialMu.Unlock()
	nb, na := s.notBefore, s.notAfter
	if nb.IsZero() {
		nb = testNow.AddDate(-1, 0, 0)
	}
	if na.IsZero() {
		na = testNow.AddDate(2, 0, 0)
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: s.cn, Organization: []string{"SealDesk Test"}},
		NotBefore:    nb, NotAfter: na,
		BasicConstraintsValid: true,
		IsCA:                  s.ca,
	}
	if s.ca {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else {
		tmpl.EmailAddresses = []string{s.email}
		tmpl.KeyUsage = s.keyUsage
		if tmpl.KeyUsage == 0 {
			tmpl.KeyUsage = x509.KeyUsageDigitalSignature
			if s.ec {
				tmpl.KeyUsage |= x509.KeyUsageKeyAgreement
			} else {
				tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
			}
		}
		tmpl.ExtKeyUsage = s.eku
		if s.eku == nil && !s.noEKU {
			tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
		}
		if s.subjEmail {
			tmpl.Subject.ExtraNames = []pkix.AttributeTypeAndValue{{Type: oidEmailAddress, Value: s.email}}
		}
	}
	if !s.ca {
		ski := sha1.Sum(append([]byte(s.cn), sn.Bytes()...))
		tmpl.SubjectKeyId = ski[:]
	}
	return createCert(t, tmpl, key, parent, parentKey), key
}

// createCert signs tmpl for key under parent (self-signed when parent is
// nil).
func createCert(t testing.TB, tmpl *x509.Certificate, key crypto.Signer, parent *x509.Certificate, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testPKI: root → intermediate → leaves; plus a foreign root.
type testPKI struct {
	root, inter, foreign          *x509.Certificate
	rootKey, interKey, foreignKey crypto.Signer
}

var (
	pkiOnce sync.Once
	pki     testPKI
)

func getPKI(t testing.TB) *testPKI {
	pkiOnce.Do(func() {
		pki.root, pki.rootKey = issue(t, certSpec{cn: "Test Root", ca: true, keyIdx: 0, notAfter: testNow.AddDate(10, 0, 0)}, nil, nil)
		pki.inter, pki.interKey = issue(t, certSpec{cn: "Test Intermediate", ca: true, keyIdx: 1, notAfter: testNow.AddDate(5, 0, 0)}, pki.root, pki.rootKey)
		pki.foreign, pki.foreignKey = issue(t, certSpec{cn: "Foreign Root", ca: true, keyIdx: 2, ec: true, notAfter: testNow.AddDate(10, 0, 0)}, nil, nil)
	})
	return &pki
}

// leaf issues an end-entity certificate under the intermediate.
func (p *testPKI) leaf(t testing.TB, s certSpec) (*x509.Certificate, crypto.Signer) {
	return issue(t, s, p.inter, p.interKey)
}

// keyring trusting the root and holding the intermediate.
func (p *testPKI) keyring() *MemoryKeyring {
	kr := NewMemoryKeyring()
	kr.AddTrustAnchor(p.root)
	kr.AddCertificate(p.inter)
	return kr
}

func mustAddKey(t testing.TB, kr *MemoryKeyring, c *x509.Certificate, k crypto.Signer) {
	t.Helper()
	if err := kr.AddKey(c, k); err != nil {
		t.Fatal(err)
	}
}
