package smime

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// selfSigned issues a contact's self-signed certificate the way
// `openssl req -x509` does by default: CA:TRUE, no key usage.
func selfSigned(t *testing.T, cn, email string, keyIdx int, edit func(*x509.Certificate)) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	cachedKeys()
	key := rsaKeys[keyIdx%len(rsaKeys)]
	serialMu.Lock()
	serial++
	sn := big.NewInt(serial)
	serialMu.Unlock()
	tmpl := &x509.Certificate{
		SerialNumber: sn, Subject: pkix.Name{CommonName: cn},
		NotBefore: testNow.AddDate(-1, 0, 0), NotAfter: testNow.AddDate(1, 0, 0),
		BasicConstraintsValid: true, IsCA: true,
		EmailAddresses: []string{email},
	}
	if edit != nil {
		edit(tmpl)
	}
	return createCert(t, tmpl, key, nil, nil), key
}

// TestTrustedDirectly: a contact's self-signed (CA:TRUE) or privately
// issued certificate, imported as is, neither encrypts nor verifies; the
// admin's direct trust makes it do both for its own addresses, and the
// signer is marked TrustedDirectly with no chain (issue 14).
func TestTrustedDirectly(t *testing.T) {
	p := getPKI(t)
	carol, carolKey := selfSigned(t, "Carol", "carol@example.net", 2, nil)
	// Dave's certificate comes from his company's CA, which we do not hold.
	dave, _ := issue(t, certSpec{cn: "Dave", email: "dave@example.net", keyIdx: 1}, p.foreign, p.foreignKey)
	us, usKey := p.leaf(t, certSpec{cn: "Help", email: "help@example.org", keyIdx: 0})

	for _, tc := range []struct {
		name       string
		cert       *x509.Certificate
		key        *rsa.PrivateKey
		addr       string
		notTrusted RecipientReason
	}{
		{"self-signed CA:TRUE", carol, carolKey, "carol@example.net", RecipientNoCertificate},
		{"privately issued", dave, nil, "dave@example.net", RecipientUntrusted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain := p.keyring()
			mustAddKey(t, plain, us, usKey)
			plain.AddCertificate(tc.cert)
			if st := NewEngine(plain).CanEncrypt([]string{tc.addr}, testNow)[0]; st.OK || st.Reason != tc.notTrusted {
				t.Fatalf("imported, not trusted: CanEncrypt = %v %s, want %v", st.Reason, st.Comment, tc.notTrusted)
			}
			trusted := p.keyring()
			mustAddKey(t, trusted, us, usKey)
			trusted.AddTrustedDirectly(tc.cert)
			eng := NewEngine(trusted)
			if st := eng.CanEncrypt([]string{tc.addr}, testNow)[0]; !st.OK {
				t.Fatalf("trusted directly: CanEncrypt = %v %s", st.Reason, st.Comment)
			}
			if _, err := eng.Seal(plainMail("help@example.org", tc.addr, ""), true, true, SealOptions{Now: testNow}); err != nil {
				t.Fatalf("sealing to a directly trusted certificate: %v", err)
			}
			if st := eng.CanEncrypt([]string{"someone-else@example.net"}, testNow)[0]; st.OK {
				t.Fatal("a directly trusted certificate encrypts for another address")
			}
		})
	}

	// Carol signs; we verify with her certificate trusted directly.
	sender := NewMemoryKeyring()
	sender.AddTrustedDirectly(carol)
	mustAddKey(t, sender, carol, carolKey)
	signed, err := NewEngine(sender).Seal(plainMail("carol@example.net", "help@example.org", ""), true, false, SealOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	untrusting := p.keyring()
	untrusting.AddCertificate(carol)
	if r := process(t, untrusting, signed); r.Sign.Success {
		t.Fatal("a self-signed certificate imported without trust verifies")
	}
	trusting := p.keyring()
	trusting.AddTrustedDirectly(carol)
	r := process(t, trusting, signed)
	if !r.Sign.Success || len(r.Sign.Signers) != 1 || !r.Sign.Signers[0].TrustedDirectly || len(r.Sign.Signers[0].Chain) != 0 {
		t.Fatalf("directly trusted signer: success=%v %s %+v", r.Sign.Success, r.Sign.Comment, r.Sign.Signers)
	}
}

// TestTrustedDirectlyIsNoAnchor: a leaf issued by a directly trusted
// certificate (CA:TRUE, as OpenSSL makes them) neither verifies nor is
// encrypted to, even when the Keyring also lists it as a trust anchor.
func TestTrustedDirectlyIsNoAnchor(t *testing.T) {
	carol, carolKey := selfSigned(t, "Carol", "carol@example.net", 2, func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign
	})
	mallory, malloryKey := issue(t, certSpec{cn: "Mallory", email: "ceo@example.org", keyIdx: 1}, carol, carolKey)

	sender := NewMemoryKeyring()
	sender.AddTrustAnchor(carol)
	mustAddKey(t, sender, mallory, malloryKey)
	signed, err := NewEngine(sender).Seal(plainMail("ceo@example.org", "help@example.org", ""), true, false, SealOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	kr := NewMemoryKeyring()
	kr.AddTrustAnchor(carol) // both lists: direct wins
	kr.AddTrustedDirectly(carol)
	kr.AddCertificate(mallory)
	if r := process(t, kr, signed); r.Sign.Success {
		t.Fatalf("a leaf issued by a directly trusted certificate verifies: %+v", r.Sign.Signers)
	}
	if st := NewEngine(kr).CanEncrypt([]string{"ceo@example.org"}, testNow)[0]; st.OK {
		t.Fatal("a leaf issued by a directly trusted certificate is encrypted to")
	}
}

// TestTrustedDirectlyKeepsRules: direct trust replaces the chain only;
// extended key usage, key size and the certificate's own e-mail name
// constraints still apply.
func TestTrustedDirectlyKeepsRules(t *testing.T) {
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tlsOnly, _ := selfSigned(t, "TLS", "tls@example.net", 0, func(c *x509.Certificate) {
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	})
	constrained, _ := selfSigned(t, "Constrained", "eve@example.net", 1, func(c *x509.Certificate) {
		c.PermittedEmailAddresses = []string{"example.com"}
	})
	weakCert := createCert(t, &x509.Certificate{SerialNumber: big.NewInt(77), Subject: pkix.Name{CommonName: "Weak"},
		NotBefore: testNow.AddDate(-1, 0, 0), NotAfter: testNow.AddDate(1, 0, 0), EmailAddresses: []string{"weak@example.net"}}, weak, nil, nil)
	kr := NewMemoryKeyring()
	kr.AddTrustedDirectly(tlsOnly, constrained, weakCert)
	want := map[string]RecipientReason{
		"tls@example.net":  RecipientWrongKeyUsage,
		"eve@example.net":  RecipientUntrusted,
		"weak@example.net": RecipientUnsupportedKey,
	}
	for addr, reason := range want {
		if st := NewEngine(kr).CanEncrypt([]string{addr}, testNow)[0]; st.OK || st.Reason != reason {
			t.Errorf("CanEncrypt(%s) = %v %q, want %v", addr, st.Reason, st.Comment, reason)
		}
	}
}

// TestSignWithoutOwnCA: our certificate and key are enough to sign; the
// status says recipients need our CA (SignNoteCANotImported), the
// signature passes the self-check, and a recipient holding our CA
// verifies it through the CA (issue 14).
func TestSignWithoutOwnCA(t *testing.T) {
	p := getPKI(t)
	us, usKey := p.leaf(t, certSpec{cn: "Help", email: "help@example.org", keyIdx: 0})
	kr := NewMemoryKeyring() // neither our root nor our intermediate
	mustAddKey(t, kr, us, usKey)
	eng := NewEngine(kr)
	st := eng.CanSign("help@example.org", testNow)
	if !st.OK || st.Note != SignNoteCANotImported {
		t.Fatalf("CanSign = ok %v note %q reason %v %s", st.OK, st.Note, st.Reason, st.Comment)
	}
	signed, err := eng.Seal(plainMail("help@example.org", "bob@example.org", ""), true, false, SealOptions{Now: testNow})
	if err != nil {
		t.Fatalf("signing without our CA: %v", err)
	}
	r := process(t, p.keyring(), signed)
	if !r.Sign.Success || r.Sign.Signers[0].TrustedDirectly {
		t.Fatalf("recipient with our CA: %v %s %+v", r.Sign.Success, r.Sign.Comment, r.Sign.Signers)
	}
	// With the CA imported there is nothing to say.
	full := p.keyring()
	mustAddKey(t, full, us, usKey)
	if st := NewEngine(full).CanSign("help@example.org", testNow); !st.OK || st.Note != "" {
		t.Fatalf("CanSign with our CA = %+v", st)
	}
}

func process(t *testing.T, kr Keyring, raw []byte) verdict.Result {
	t.Helper()
	p, err := NewEngine(kr).Process(raw, ProcessOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return p.Result
}
