package security

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/profile"
)

// testNow is inside every test certificate's validity.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type ident struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func (i ident) certPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: i.cert.Raw})
}

func (i ident) keyPEM(t testing.TB) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(i.key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// testPKI is a root CA and three people, built once per test binary (RSA
// key generation is the slow part).
type testPKI struct {
	root, alice, bob, carol ident
}

var (
	pkiOnce sync.Once
	pki     testPKI
)

func getPKI(t testing.TB) testPKI {
	pkiOnce.Do(func() {
		rootKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		root := mkCert(t, &x509.Certificate{
			SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "SealDesk Test Root", Organization: []string{"SealDesk"}},
			NotBefore: testNow.AddDate(-1, 0, 0), NotAfter: testNow.AddDate(5, 0, 0),
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		}, nil, rootKey)
		pki.root = ident{root, rootKey}
		pki.alice = leaf(t, pki.root, 2, "Alice", "alice@example.test", true)
		pki.bob = leaf(t, pki.root, 3, "Bob", "bob@example.test", true)
		pki.carol = leaf(t, pki.root, 4, "Carol", "carol@example.test", false)
	})
	return pki
}

func leaf(t testing.TB, ca ident, serial int64, cn, email string, rsaKey bool) ident {
	var key crypto.Signer
	ku := x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	if rsaKey {
		key, _ = rsa.GenerateKey(rand.Reader, 2048)
	} else {
		key, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		ku = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyAgreement
	}
	c := mkCert(t, &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
		EmailAddresses: []string{email},
		NotBefore:      testNow.AddDate(0, -1, 0), NotAfter: testNow.AddDate(1, 0, 0),
		KeyUsage: ku, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}, &ca, key)
	return ident{c, key}
}

func mkCert(t testing.TB, tmpl *x509.Certificate, parent *ident, key crypto.Signer) *x509.Certificate {
	issuer, signer := tmpl, key
	if parent != nil {
		issuer, signer = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fixture is a profile over a temp dir and an in-memory keychain.
type fixture struct {
	svc  *Service
	p    *profile.Profile
	kc   *keystore.Memory
	down *atomic.Bool // makes the keychain unreachable while true
	ctx  context.Context
}

// switchable is a keychain that can be made unreachable, as a locked or
// absent Secret Service is.
type switchable struct {
	keystore.Backend
	down *atomic.Bool
}

func (s switchable) err() error {
	if s.down.Load() {
		return &keystore.UnavailableError{Platform: "test", Err: errors.New("locked"), Hint: "Unlock it."}
	}
	return nil
}

func (s switchable) Set(svc, acc string, b []byte) error {
	if err := s.err(); err != nil {
		return err
	}
	return s.Backend.Set(svc, acc, b)
}

func (s switchable) Get(svc, acc string) ([]byte, error) {
	if err := s.err(); err != nil {
		return nil, err
	}
	return s.Backend.Get(svc, acc)
}

func (s switchable) Delete(svc, acc string) error {
	if err := s.err(); err != nil {
		return err
	}
	return s.Backend.Delete(svc, acc)
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	kc := keystore.NewMemory(keystore.WindowsItemLimit)
	down := new(atomic.Bool)
	p, err := profile.Open(context.Background(), profile.Options{Dir: t.TempDir(), Keychain: switchable{kc, down}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return &fixture{
		svc: New(p, Options{Now: func() time.Time { return testNow }, KDFIterations: 1000}),
		p:   p, kc: kc, down: down, ctx: context.Background(),
	}
}

func (f *fixture) count(t *testing.T) (certs, items int) {
	t.Helper()
	l, err := f.p.Store.Certificates(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return len(l), f.kc.Len()
}

// message is dated testNow, when the fixtures with the injected clock
// sign: a signature made more than an hour from the Date field is a date
// mismatch. redate moves it to another time.
func message(from, to, subject, body string) []byte {
	return []byte("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject +
		"\r\nMessage-ID: <" + subject + "@example.test>\r\nDate: " + testNow.Format(time.RFC1123Z) + "\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
}

func redate(raw []byte, at time.Time) []byte {
	return bytes.Replace(raw, []byte("\r\nDate: "+testNow.Format(time.RFC1123Z)+"\r\n"), []byte("\r\nDate: "+at.Format(time.RFC1123Z)+"\r\n"), 1)
}
