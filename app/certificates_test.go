package app

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/security"
)

var certNow = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

type testCert struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func newCert(t *testing.T, cn, email string, ca *testCert) testCert {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: certNow.AddDate(0, -1, 0), NotAfter: certNow.AddDate(1, 0, 0),
	}
	parent, signer := tmpl, crypto.Signer(key)
	if ca == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid, tmpl.KeyUsage = true, true, x509.KeyUsageCertSign
	} else {
		tmpl.EmailAddresses = []string{email}
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyAgreement
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return testCert{c, key}
}

func (c testCert) pem() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw}))
}

func newCertificates(t *testing.T) (*Certificates, *recorder, *security.Service) {
	t.Helper()
	p := openProfile(t, keystore.NewMemory(keystore.WindowsItemLimit))
	sec := security.New(p, security.Options{Now: func() time.Time { return certNow }, KDFIterations: 1000})
	r := &recorder{}
	dir := t.TempDir()
	return &Certificates{certs: sec.Certificates, emit: r, saveDialog: func(req SaveRequest) (string, error) {
		return filepath.Join(dir, req.Name), nil
	}}, r, sec
}

func code(err error) ErrorCode { return Classify(err).Code }

func TestCertificatesImportListDeleteAndEvents(t *testing.T) {
	svc, rec, _ := newCertificates(t)
	ca := newCert(t, "Test CA", "", nil)
	alice := newCert(t, "Alice", "alice@example.test", &ca)
	res, err := svc.ImportCertificates(ImportCertificatesRequest{Data: ca.pem() + alice.pem(), FileName: "bundle.pem"})
	if err != nil || len(res.Imported) != 2 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	if rec.count() != 1 || rec.events[0] != EventCertificatesChanged {
		t.Fatalf("events %v", rec.events)
	}
	_, err = svc.ImportCertificates(ImportCertificatesRequest{Data: alice.pem()})
	if e := Classify(err); e.Code != CodeDuplicate || !strings.Contains(e.Message, "CN=Alice") || strings.HasPrefix(e.Message, "security:") {
		t.Fatalf("duplicate: %+v", e)
	}
	// A binary .der sent base64 works; the same bytes read as text do not.
	bob := newCert(t, "Bob", "bob@example.test", &ca)
	if _, err := svc.ImportCertificates(ImportCertificatesRequest{Data: base64.StdEncoding.EncodeToString(bob.cert.Raw), FileName: "bob.der"}); err != nil {
		t.Fatal(err)
	}
	garbled := strings.ToValidUTF8(string(bob.cert.Raw), "\uFFFD")
	if _, err := svc.ImportCertificates(ImportCertificatesRequest{Data: garbled}); code(err) != CodeInvalid || !strings.Contains(err.Error(), "base64") {
		t.Fatalf("binary as text: %v", err)
	}
	if _, err := svc.ImportCertificates(ImportCertificatesRequest{Data: "-----BEGIN CERTIFICATE-----\nMIIB"}); code(err) != CodeInvalid {
		t.Fatalf("truncated: %v", err)
	}
	list, err := svc.List()
	if err != nil || len(list) != 3 {
		t.Fatalf("list: %d, %v", len(list), err)
	}
	fp := smime.Fingerprint(bob.cert)
	pemText, err := svc.ExportCertificate(ExportCertificateRequest{Fingerprint: fp[:10]})
	if err != nil || pemText != bob.pem() {
		t.Fatalf("export: %v", err)
	}
	if err := svc.Delete(DeleteCertificateRequest{Fingerprint: fp}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(DeleteCertificateRequest{Fingerprint: fp}); code(err) != CodeNotFound {
		t.Fatalf("second delete: %v", err)
	}
	if err := svc.Delete(DeleteCertificateRequest{Fingerprint: "zz"}); code(err) != CodeInvalid {
		t.Fatalf("bad fingerprint: %v", err)
	}
}

func TestCertificatesPrivateKeyNeverComesBack(t *testing.T) {
	svc, _, _ := newCertificates(t)
	ca := newCert(t, "Test CA", "", nil)
	alice := newCert(t, "Alice Example", "alice@example.test", &ca)
	der, _ := x509.MarshalPKCS8PrivateKey(alice.key)
	enc, _ := smime.EncryptPKCS8(der, []byte("pw"), 1000)
	keyDER := base64.StdEncoding.EncodeToString(enc) // a binary encrypted PKCS #8 upload

	if _, err := svc.ImportPrivateKey(ImportPrivateKeyRequest{Data: keyDER, Passphrase: "pw"}); code(err) != CodeCertificateMissing {
		t.Fatalf("key before its certificate: %v", err)
	}
	if _, err := svc.ImportCertificates(ImportCertificatesRequest{Data: ca.pem() + alice.pem()}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportPrivateKey(ImportPrivateKeyRequest{Data: keyDER}); code(err) != CodePassphraseRequired {
		t.Fatalf("no passphrase: %v", err)
	}
	if _, err := svc.ImportPrivateKey(ImportPrivateKeyRequest{Data: keyDER, Passphrase: "nope"}); code(err) != CodeWrongPassphrase {
		t.Fatalf("wrong passphrase: %v", err)
	}
	res, err := svc.ImportPrivateKey(ImportPrivateKeyRequest{Data: keyDER, Passphrase: "pw", FileName: "alice.key"})
	if err != nil || len(res.Keys) != 1 {
		t.Fatalf("import key: %+v, %v", res, err)
	}
	fp := smime.Fingerprint(alice.cert)
	if _, err := svc.ExportPrivateKey(ExportPrivateKeyRequest{Fingerprint: fp}); code(err) != CodePassphraseRequired {
		t.Fatalf("export without passphrase: %v", err)
	}
	out, err := svc.ExportPrivateKey(ExportPrivateKeyRequest{Fingerprint: fp, Passphrase: "export"})
	if err != nil || out.Cancelled || filepath.Base(out.Path) != "Alice-Example-"+fp[:8]+".key.pem" {
		t.Fatalf("export: %+v, %v", out, err)
	}
	fi, _ := os.Stat(out.Path)
	b, _ := os.ReadFile(out.Path)
	if fi == nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("exported file mode %v", fi)
	}
	if k, err := smime.ParsePrivateKey(b, []byte("export")); err != nil || !smime.KeyMatches(alice.cert, k) {
		t.Fatalf("exported key: %v", err)
	}
	svc.saveDialog = func(SaveRequest) (string, error) { return "", nil }
	if out, err := svc.ExportPrivateKey(ExportPrivateKeyRequest{Fingerprint: fp, Passphrase: "export"}); err != nil || !out.Cancelled {
		t.Fatalf("cancelled dialog: %+v, %v", out, err)
	}
	if _, err := svc.ExportPrivateKey(ExportPrivateKeyRequest{Fingerprint: smime.Fingerprint(ca.cert), Passphrase: "x"}); code(err) != CodeInvalid {
		t.Fatalf("export of a certificate without key: %v", err)
	}
}

func TestImportPublishesTheRecheckCount(t *testing.T) {
	svc, rec, sec := newCertificates(t)
	ca := newCert(t, "Test CA", "", nil)
	alice := newCert(t, "Alice", "alice@example.test", &ca)
	kr := smime.NewMemoryKeyring()
	kr.AddTrustAnchor(ca.cert)
	if err := kr.AddKey(alice.cert, alice.key); err != nil {
		t.Fatal(err)
	}
	signed, err := smime.Seal([]byte("From: alice@example.test\r\nTo: desk@example.test\r\nSubject: hi\r\n\r\nhello\r\n"),
		kr, true, false, smime.SealOptions{Now: certNow})
	if err != nil {
		t.Fatal(err)
	}
	in, err := sec.Processing.Inspect(context.Background(), signed, security.InspectOptions{})
	if err != nil || in.Security.Sign.Success {
		t.Fatalf("inspect before the CA: %+v, %v", in.Security.Sign, err)
	}
	res, err := svc.ImportCertificates(ImportCertificatesRequest{Data: ca.pem()})
	if err != nil || res.Rechecked != 1 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if got, ok := rec.last[EventArticlesRechecked].(ArticlesRechecked); !ok || got.Changed != 1 {
		t.Fatalf("articles:rechecked payload %#v (events %v)", rec.last[EventArticlesRechecked], rec.events)
	}
}

func TestClassifyKeepsKeychainFirst(t *testing.T) {
	err := errors.Join(security.ErrNoMatchingCertificate, &keystore.UnavailableError{Platform: "x", Err: errors.New("down")})
	if code(err) != CodeKeychainUnavailable {
		t.Fatalf("code %s", code(err))
	}
}
