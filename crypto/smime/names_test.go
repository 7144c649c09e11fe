package smime

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"slices"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// mint signs tmpl under parent (self-signed when parent is nil) with a
// serial, validity and basic constraints filled in.
func mint(t testing.TB, tmpl *x509.Certificate, key crypto.Signer, parent *x509.Certificate, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	serialMu.Lock()
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	serialMu.Unlock()
	tmpl.NotBefore, tmpl.NotAfter = testNow.AddDate(-1, 0, 0), testNow.AddDate(2, 0, 0)
	tmpl.BasicConstraintsValid = true
	if tmpl.IsCA {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else if tmpl.KeyUsage == 0 {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
	}
	return createCert(t, tmpl, key, parent, parentKey)
}

// subCA issues a CA under the test root, shaped by edit.
func (p *testPKI) subCA(t testing.TB, cn string, edit func(*x509.Certificate)) (*x509.Certificate, crypto.Signer) {
	cachedKeys()
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: cn}, IsCA: true}
	if edit != nil {
		edit(tmpl)
	}
	return mint(t, tmpl, rsaKeys[1], p.root, p.rootKey), rsaKeys[1]
}

// person issues an end-entity certificate with the given subjectAltName
// and subject emailAddress addresses.
func person(t testing.TB, ca *x509.Certificate, caKey crypto.Signer, key crypto.Signer, san []string, subject ...string) *x509.Certificate {
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: "Person"}, EmailAddresses: san}
	for _, s := range subject {
		tmpl.Subject.ExtraNames = append(tmpl.Subject.ExtraNames, pkix.AttributeTypeAndValue{Type: oidEmailAddress, Value: s})
	}
	return mint(t, tmpl, key, ca, caKey)
}

// TestNameConstraintsCoverTheSubjectEmail: a sub-CA restricted to
// example.org cannot vouch for another domain through the legacy subject
// emailAddress (issue 11, defect 1; RFC 5280 section 4.2.1.10).
func TestNameConstraintsCoverTheSubjectEmail(t *testing.T) {
	p := getPKI(t)
	ca, caKey := p.subCA(t, "Example Org CA", func(c *x509.Certificate) {
		c.PermittedEmailAddresses = []string{"example.org"}
		c.ExcludedEmailAddresses = []string{"boss@example.org"}
	})
	key := rsaKeys[2]
	cases := []struct {
		name       string
		cert       *x509.Certificate
		from       string
		wantValid  bool
		wantProven []string
	}{
		{"subject only, outside", person(t, ca, caKey, key, nil, "ceo@bank.example"), "ceo@bank.example", false, nil},
		{"subject beside an in-domain SAN", person(t, ca, caKey, key, []string{"alice@example.org"}, "ceo@bank.example"), "ceo@bank.example", false, []string{"alice@example.org"}},
		{"subject only, subdomain of a host constraint", person(t, ca, caKey, key, nil, "ceo@mail.example.org"), "ceo@mail.example.org", false, nil},
		{"subject only, excluded mailbox", person(t, ca, caKey, key, nil, "boss@example.org"), "boss@example.org", false, nil},
		{"subject only, inside", person(t, ca, caKey, key, nil, "alice@example.org"), "alice@example.org", true, []string{"alice@example.org"}},
		{"SAN inside", person(t, ca, caKey, key, []string{"alice@example.org"}), "alice@example.org", true, []string{"alice@example.org"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kr := p.keyring()
			kr.AddCertificate(ca)
			mustAddKey(t, kr, tc.cert, key)
			eng := NewEngine(kr)
			mail := signedMail(t, tc.from, tc.cert, key, []*x509.Certificate{ca}, testNow, testNow)
			res, err := eng.Process(mail, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			r := res.Result.Sign
			if r.Success != tc.wantValid {
				t.Fatalf("success = %v, want %v: %s %+v", r.Success, tc.wantValid, r.Comment, r.Checks)
			}
			if len(r.Signers) != 1 || !slices.Equal(r.Signers[0].Emails, tc.wantProven) {
				t.Errorf("signer emails %v, want %v", r.Signers[0].Emails, tc.wantProven)
			}
			// The composer's checks ask the same question.
			if st := eng.CanSign(tc.from, testNow); st.OK != tc.wantValid {
				t.Errorf("CanSign(%s) = %+v, want OK %v", tc.from, st, tc.wantValid)
			}
			if st := eng.CheckRecipient(tc.from, tc.cert, testNow); st.OK != tc.wantValid {
				t.Errorf("CheckRecipient(%s) = %+v, want OK %v", tc.from, st, tc.wantValid)
			}
		})
	}
}

func TestEmailsPreferSubjectAltNames(t *testing.T) {
	p := getPKI(t)
	cachedKeys()
	both := person(t, p.inter, p.interKey, rsaKeys[2], []string{"Alice@Example.org"}, "ceo@bank.example")
	subj := person(t, p.inter, p.interKey, rsaKeys[2], nil, "Legacy@Example.org")
	if got := Emails(both); !slices.Equal(got, []string{"alice@example.org"}) {
		t.Errorf("Emails(SAN and subject) = %v", got)
	}
	if got := Emails(subj); !slices.Equal(got, []string{"legacy@example.org"}) {
		t.Errorf("Emails(subject only) = %v", got)
	}
}

func TestEmailConstraintSemantics(t *testing.T) {
	ca := &x509.Certificate{Subject: pkix.Name{CommonName: "CA"}}
	for _, tc := range []struct {
		permitted, excluded []string
		addr                string
		ok                  bool
	}{
		{[]string{"example.org"}, nil, "a@example.org", true},
		{[]string{"example.org"}, nil, "a@sub.example.org", false},
		{[]string{".example.org"}, nil, "a@sub.example.org", true},
		{[]string{".example.org"}, nil, "a@example.org", false},
		{[]string{"a@example.org"}, nil, "a@example.org", true},
		{[]string{"a@example.org"}, nil, "b@example.org", false},
		{[]string{"Example.ORG"}, nil, "a@example.org", true},
		{nil, []string{".bank.example", "bank.example"}, "ceo@bank.example", false},
		{nil, []string{".bank.example"}, "ceo@notbank.example", true},
		{nil, nil, "no-at-sign", false},
	} {
		ca.PermittedEmailAddresses, ca.ExcludedEmailAddresses = tc.permitted, tc.excluded
		if got := emailConstraintProblem(tc.addr, []*x509.Certificate{ca}) == ""; got != tc.ok {
			t.Errorf("permitted %v excluded %v: %s allowed = %v, want %v", tc.permitted, tc.excluded, tc.addr, got, tc.ok)
		}
	}
}

// TestIntermediateEKUMustAllowEmail: a CA restricted to serverAuth cannot
// issue S/MIME signers; one without EKU or with anyExtendedKeyUsage can
// (issue 11, defect 2; RFC 5280 section 4.2.1.12).
func TestIntermediateEKUMustAllowEmail(t *testing.T) {
	p := getPKI(t)
	cachedKeys()
	key := rsaKeys[2]
	for _, tc := range []struct {
		name  string
		eku   []x509.ExtKeyUsage
		valid bool
	}{
		{"serverAuth only", []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, false},
		{"no EKU", nil, true},
		{"anyExtendedKeyUsage", []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, true},
		{"emailProtection", []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ca, caKey := p.subCA(t, "CA "+tc.name, func(c *x509.Certificate) { c.ExtKeyUsage = tc.eku })
			leaf := person(t, ca, caKey, key, []string{"alice@example.org"})
			kr := p.keyring()
			kr.AddCertificate(ca)
			mustAddKey(t, kr, leaf, key)
			eng := NewEngine(kr)
			mail := signedMail(t, "alice@example.org", leaf, key, []*x509.Certificate{ca}, testNow, testNow)
			if tc.valid {
				res, err := eng.Process(mail, ProcessOptions{Now: testNow})
				if err != nil || !res.Result.Sign.Success {
					t.Fatalf("want valid: %v %+v", err, res.Result.Sign)
				}
			} else {
				failingCheck(t, eng, mail, verdict.CheckChain, verdict.ReasonCAUsage)
			}
			if st := eng.CanSign("alice@example.org", testNow); st.OK != tc.valid {
				t.Errorf("CanSign = %+v, want OK %v", st, tc.valid)
			}
			if st := eng.CheckRecipient("alice@example.org", leaf, testNow); st.OK != tc.valid {
				t.Errorf("CheckRecipient = %+v, want OK %v", st, tc.valid)
			}
		})
	}
}

// TestWeakRSASignerRefused: a 1024-bit RSA signer neither verifies nor
// signs (issue 11, defect 3).
func TestWeakRSASignerRefused(t *testing.T) {
	p := getPKI(t)
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	leaf := person(t, p.inter, p.interKey, weak, []string{"alice@example.org"})
	kr := p.keyring()
	mustAddKey(t, kr, leaf, weak)
	eng := NewEngine(kr)
	failingCheck(t, eng, signedMail(t, "alice@example.org", leaf, weak, []*x509.Certificate{p.inter}, testNow, testNow), verdict.CheckKeySize, verdict.ReasonWeakKey)
	if st := eng.CanSign("alice@example.org", testNow); st.OK || st.Reason != SignUnsupportedKey {
		t.Errorf("CanSign = %+v, want %v", st, SignUnsupportedKey)
	}
}
