package app

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/security"
)

// TestImportAsksAboutSelfSignedContactCertificate: the UI's import of a
// self-signed certificate naming an address stores nothing and asks; the
// answer "contact" stores it trusted for its addresses only, never as a
// CA; Trust takes that back and gives it again (issue 14).
func TestImportAsksAboutSelfSignedContactCertificate(t *testing.T) {
	svc, rec, _ := newCertificates(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "Dan"},
		EmailAddresses: []string{"dan@example.test"}, NotBefore: certNow.AddDate(0, -1, 0), NotAfter: certNow.AddDate(1, 0, 0),
		BasicConstraintsValid: true, IsCA: true} // as `openssl req -x509` makes it
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	c, _ := x509.ParseCertificate(der)
	dan := testCert{c, key}

	res, err := svc.ImportCertificates(ImportCertificatesRequest{Data: dan.pem()})
	if err != nil || len(res.NeedsChoice) != 1 || len(res.Imported) != 0 || rec.count() != 0 {
		t.Fatalf("first import: %+v, %v, %d events", res, err, rec.count())
	}
	if list, _ := svc.List(); len(list) != 0 {
		t.Fatalf("asking stored %d certificates", len(list))
	}
	res, err = svc.ImportCertificates(ImportCertificatesRequest{Data: dan.pem(), SelfSigned: security.SelfSignedContact})
	if err != nil || len(res.Imported) != 1 || !res.Imported[0].TrustedDirectly {
		t.Fatalf("import as the contact's own: %+v, %v", res, err)
	}
	fp := smime.Fingerprint(dan.cert)
	if r, err := svc.Trust(TrustCertificateRequest{Fingerprint: fp, On: false}); err != nil || r.Certificate.TrustedDirectly {
		t.Fatalf("trust off: %+v, %v", r, err)
	}
	if r, err := svc.Trust(TrustCertificateRequest{Fingerprint: fp, On: true}); err != nil || !r.Certificate.TrustedDirectly {
		t.Fatalf("trust on: %+v, %v", r, err)
	}
	ca := newCert(t, "Test CA", "", nil)
	if _, err := svc.ImportCertificates(ImportCertificatesRequest{Data: ca.pem()}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Trust(TrustCertificateRequest{Fingerprint: smime.Fingerprint(ca.cert), On: true}); code(err) != CodeInvalid {
		t.Fatalf("trusting a certificate without an address: %v", err)
	}
}
