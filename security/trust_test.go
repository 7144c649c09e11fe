package security

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// contactSelfSigned makes a contact's certificate the way
// `openssl req -x509` does by default: self-signed, basicConstraints
// critical CA:TRUE, no key usage. With leafEmail, it also issues a leaf
// for that address, returned second.
func contactSelfSigned(t *testing.T, email, leafEmail string) (own, issued []byte) {
	t.Helper()
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	dan := mkCert(t, &x509.Certificate{
		SerialNumber: big.NewInt(40), Subject: pkix.Name{CommonName: "Dan"}, EmailAddresses: []string{email},
		NotBefore: testNow.AddDate(0, -1, 0), NotAfter: testNow.AddDate(1, 0, 0),
		BasicConstraintsValid: true, IsCA: true,
	}, nil, key)
	if leafEmail != "" {
		issued = leaf(t, ident{dan, key}, 41, "Eve", leafEmail, false).certPEM()
	}
	return ident{dan, key}.certPEM(), issued
}

func (f *fixture) canEncryptTo(t *testing.T, addr string) AddressStatus {
	t.Helper()
	r, err := f.svc.Sealing.Readiness(f.ctx, SealRequest{Technology: verdict.TechSMIME, From: "help@example.test", Recipients: []string{addr}})
	if err != nil {
		t.Fatal(err)
	}
	return r.Recipients[0]
}

// TestSelfSignedContactCertificate: a contact's self-signed certificate
// (CA:TRUE, as `openssl req -x509` makes it) is asked about, not stored, when the UI
// imports it; as the contact's own it encrypts for its address, and the
// trust can be taken back and given again (issue 14). A leaf it issued is
// never usable through it.
func TestSelfSignedContactCertificate(t *testing.T) {
	dan, eve := contactSelfSigned(t, "dan@example.test", "eve@example.test")
	f := newFixture(t)

	res, err := f.svc.Certificates.ImportWith(f.ctx, SelfSignedAsk, Input{Data: dan})
	if err != nil || len(res.NeedsChoice) != 1 || len(res.Imported) != 0 {
		t.Fatalf("ask: %+v %v", res, err)
	}
	if n, _ := f.count(t); n != 0 {
		t.Fatalf("asking stored %d certificates", n)
	}
	if _, err := f.svc.Certificates.ImportWith(f.ctx, SelfSignedContact, Input{Data: dan}, Input{Data: eve}); err != nil {
		t.Fatal(err)
	}
	fp := res.NeedsChoice[0].Fingerprint
	if st := f.canEncryptTo(t, "dan@example.test"); !st.OK || st.Key != fp {
		t.Fatalf("contact's own certificate: %+v", st)
	}
	if st := f.canEncryptTo(t, "eve@example.test"); st.OK {
		t.Fatal("a leaf issued by a directly trusted certificate is usable")
	}
	list, _ := f.svc.Certificates.List(f.ctx)
	for _, c := range list {
		if c.TrustedDirectly != (c.Fingerprint == fp) {
			t.Errorf("%s trusted directly = %v", c.Subject, c.TrustedDirectly)
		}
	}

	if r, err := f.svc.Certificates.TrustDirectly(f.ctx, fp[:16], false); err != nil || r.Certificate.TrustedDirectly {
		t.Fatalf("trust off: %+v %v", r, err)
	}
	if st := f.canEncryptTo(t, "dan@example.test"); st.OK {
		t.Fatal("still usable after the trust was taken back")
	}
	if _, err := f.svc.Certificates.TrustDirectly(f.ctx, fp, true); err != nil {
		t.Fatal(err)
	}
	if st := f.canEncryptTo(t, "dan@example.test"); !st.OK {
		t.Fatalf("trusted again: %+v", st)
	}
}

// TestImportAsIsKeepsCA: `sealctl cert import` keeps today's behaviour: a
// self-signed CA:TRUE certificate is a trust anchor, not trusted directly,
// and is no recipient.
func TestImportAsIsKeepsCA(t *testing.T) {
	dan, _ := contactSelfSigned(t, "dan@example.test", "")
	f := newFixture(t)
	res, err := f.svc.Certificates.Import(f.ctx, Input{Data: dan})
	if err != nil || len(res.Imported) != 1 || res.Imported[0].TrustedDirectly || !res.Imported[0].IsCA {
		t.Fatalf("import: %+v %v", res, err)
	}
	if st := f.canEncryptTo(t, "dan@example.test"); st.OK {
		t.Fatal("a CA certificate is a recipient without direct trust")
	}
}

// TestTrustDirectlyNeedsAnAddress: a certificate naming no address is
// refused: trusting it for its own addresses would trust it for nothing.
func TestTrustDirectlyNeedsAnAddress(t *testing.T) {
	f := newFixture(t)
	mustImport(t, f, getPKI(t).root.certPEM())
	if _, err := f.svc.Certificates.TrustDirectly(f.ctx, smime.Fingerprint(getPKI(t).root.cert), true); !errors.Is(err, ErrNoAddresses) {
		t.Fatalf("err = %v, want ErrNoAddresses", err)
	}
}

// TestReadinessSignWithoutOurCA: our certificate and key without our CA
// are enough to sign; readiness says recipients need our CA (issue 14).
func TestReadinessSignWithoutOurCA(t *testing.T) {
	p := getPKI(t)
	f := newFixture(t)
	mustImport(t, f, p.alice.certPEM())
	if _, err := f.svc.Certificates.ImportKey(f.ctx, p.alice.keyPEM(t), nil); err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.Sealing.Readiness(f.ctx, SealRequest{Technology: verdict.TechSMIME, From: "alice@example.test", Recipients: []string{"alice@example.test"}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Sign.OK || r.Sign.Note != NoteRecipientsNeedOurCA {
		t.Fatalf("sign status without our CA: %+v", r.Sign)
	}
	if !strings.Contains(r.Sign.NoteText, noteWording[NoteRecipientsNeedOurCA]) {
		t.Errorf("the composer's note: %q", r.Sign.NoteText)
	}
	mustImport(t, f, p.root.certPEM())
	if r, _ := f.svc.Sealing.Readiness(f.ctx, SealRequest{Technology: verdict.TechSMIME, From: "alice@example.test"}); !r.Sign.OK || r.Sign.Note != "" || r.Sign.NoteText != "" {
		t.Fatalf("sign status with our CA: %+v", r.Sign)
	}
}

// TestAcceptingAFoundSelfSignedCertificate: a contact's self-signed
// certificate carried by their signed mail is proposed with what accepting
// it means, and accepting it trusts it for its address only, never as a
// CA (issue 14).
func TestAcceptingAFoundSelfSignedCertificate(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	dan := ident{mkCert(t, &x509.Certificate{
		SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "Dan"}, EmailAddresses: []string{"dan@example.test"},
		NotBefore: testNow.AddDate(0, -1, 0), NotAfter: testNow.AddDate(1, 0, 0), BasicConstraintsValid: true, IsCA: true,
	}, nil, key), key}
	kr := smime.NewMemoryKeyring()
	kr.AddTrustedDirectly(dan.cert)
	if err := kr.AddKey(dan.cert, dan.key); err != nil {
		t.Fatal(err)
	}
	signed, err := smime.Seal(message("Dan <dan@example.test>", "support@example.test", "self-signed", "Hello."), kr, true, false, smime.SealOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	in, err := f.svc.Processing.Inspect(f.ctx, signed, InspectOptions{})
	if err != nil || len(in.Pending) != 1 || !strings.Contains(in.Pending[0].Warning, "not as a CA") {
		t.Fatalf("proposed: %+v, %v", in.Pending, err)
	}
	if _, err := f.svc.FoundKeys.Accept(f.ctx, in.Pending[0].ID); err != nil {
		t.Fatal(err)
	}
	c, err := f.p.Store.Certificate(f.ctx, smime.Fingerprint(dan.cert))
	if err != nil || !c.TrustedDirectly {
		t.Fatalf("accepted certificate: %+v, %v", c, err)
	}
	if st := f.canEncryptTo(t, "dan@example.test"); !st.OK {
		t.Fatalf("accepted contact certificate does not encrypt: %+v", st)
	}
}

// TestDirectlyTrustedIsACandidate: when a contact holds a CA-issued
// certificate and a self-signed one trusted directly (CA:TRUE, as
// `openssl req -x509` makes it), the composer lists both to pick from,
// and a pick of either is the one the engine seals to: the choice reads
// the same end-entity rule as the engine (smime.EndEntity), not IsCA.
func TestDirectlyTrustedIsACandidate(t *testing.T) {
	p := getPKI(t)
	f := newFixture(t)
	if _, err := f.svc.Certificates.Import(f.ctx, Input{Data: p.root.certPEM()}); err != nil {
		t.Fatal(err)
	}
	issued := leaf(t, p.root, 50, "Dan", "dan@example.test", true)
	own, _ := contactSelfSigned(t, "dan@example.test", "")
	if _, err := f.svc.Certificates.ImportWith(f.ctx, SelfSignedContact, Input{Data: own}, Input{Data: issued.certPEM()}); err != nil {
		t.Fatal(err)
	}
	fpIssued := smime.Fingerprint(issued.cert)
	var fpOwn string
	list, _ := f.svc.Certificates.List(f.ctx)
	for _, c := range list {
		if c.TrustedDirectly {
			fpOwn = c.Fingerprint
		}
	}
	if fpOwn == "" {
		t.Fatal("the self-signed certificate is not trusted directly")
	}
	for _, pick := range []string{fpOwn, fpIssued} {
		r, err := f.svc.Sealing.Readiness(f.ctx, SealRequest{Technology: verdict.TechSMIME, From: "help@example.test",
			Recipients: []string{"dan@example.test"}, Choices: KeyChoice{"dan@example.test": pick}})
		if err != nil {
			t.Fatal(err)
		}
		st := r.Recipients[0]
		var listed []string
		for _, c := range st.Candidates {
			listed = append(listed, c.Fingerprint)
		}
		if len(listed) != 2 || !strings.Contains(strings.Join(listed, " "), fpOwn) || !strings.Contains(strings.Join(listed, " "), fpIssued) {
			t.Fatalf("candidates %v, want both %s and %s", listed, fpOwn, fpIssued)
		}
		if !st.OK || st.Key != pick {
			t.Errorf("pick %s: judged %+v", pick, st)
		}
	}
}
