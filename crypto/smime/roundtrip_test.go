package smime

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/sealtest"
)

func plainMail(from, to, extra string) []byte {
	return []byte("From: " + from + "\r\nTo: " + to + "\r\n" + extra + "Subject: test\r\nDate: " + testNow.Format(time.RFC1123Z) + "\r\nMessage-ID: <1@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nHällo wörld, this is the secret body.\r\nA line with trailing space \r\nFrom the start of a line.\r\n")
}

func TestSealProcessRoundTrip(t *testing.T) {
	p := getPKI(t)
	aliceRSA, aliceRSAKey := p.leaf(t, certSpec{cn: "Alice", email: "alice@example.org", keyIdx: 0})
	aliceEC, aliceECKey := p.leaf(t, certSpec{cn: "Alice EC", email: "alice-ec@example.org", ec: true, keyIdx: 0, subjEmail: true})
	bobRSA, bobRSAKey := p.leaf(t, certSpec{cn: "Bob", email: "bob@example.org", keyIdx: 1})
	bobEC, bobECKey := p.leaf(t, certSpec{cn: "Bob EC", email: "bob-ec@example.org", ec: true, keyIdx: 1})

	sender := p.keyring()
	mustAddKey(t, sender, aliceRSA, aliceRSAKey)
	mustAddKey(t, sender, aliceEC, aliceECKey)
	sender.AddCertificate(bobRSA, bobEC)

	receiver := p.keyring()
	mustAddKey(t, receiver, bobRSA, bobRSAKey)
	mustAddKey(t, receiver, bobEC, bobECKey)
	// The receiver does not hold the intermediate: it must come from the message.
	receiver = NewMemoryKeyring()
	receiver.AddTrustAnchor(p.root)
	mustAddKey(t, receiver, bobRSA, bobRSAKey)
	mustAddKey(t, receiver, bobEC, bobECKey)

	tests := []struct {
		name          string
		from, to      string
		sign, encrypt bool
		opts          EncryptOptions
		wantAlg       string
	}{
		{"rsa sign", "alice@example.org", "bob@example.org", true, false, EncryptOptions{}, ""},
		{"rsa encrypt", "alice@example.org", "bob@example.org", false, true, EncryptOptions{}, "AES-256-CBC, RSA PKCS #1 v1.5"},
		{"rsa sign+encrypt", "alice@example.org", "bob@example.org", true, true, EncryptOptions{}, "AES-256-CBC"},
		{"rsa oaep", "alice@example.org", "bob@example.org", true, true, EncryptOptions{RSAOAEP: true}, "RSA-OAEP (SHA-256)"},
		{"rsa authenveloped", "alice@example.org", "bob@example.org", true, true, EncryptOptions{AuthEnveloped: true}, "AES-256-GCM"},
		{"ec sign", "alice-ec@example.org", "bob-ec@example.org", true, false, EncryptOptions{}, ""},
		{"ec sign+encrypt", "alice-ec@example.org", "bob-ec@example.org", true, true, EncryptOptions{}, "ECDH (SHA-256 KDF, AES-256 key wrap)"},
		{"ec authenveloped", "alice-ec@example.org", "bob-ec@example.org", true, true, EncryptOptions{AuthEnveloped: true}, "AES-256-GCM"},
		{"mixed recipients", "alice@example.org", "bob@example.org, bob-ec@example.org", true, true, EncryptOptions{}, "AES-256-CBC"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := plainMail(tc.from, tc.to, "Bcc: secret@example.org\r\n")
			raw = bytes.Replace(raw, []byte("Bcc: secret@example.org\r\n"), nil, 1)
			out, err := NewEngine(sender).Seal(raw, tc.sign, tc.encrypt, SealOptions{Now: testNow, Encrypt: tc.opts})
			if err != nil {
				t.Fatal(err)
			}
			res, err := NewEngine(receiver).Process(out, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			r := res.Result
			if r.Type != "S/MIME" || r.Signed != tc.sign || r.Encrypted != tc.encrypt {
				t.Fatalf("result %+v", r)
			}
			if tc.sign && !r.Sign.Success {
				t.Errorf("signature: %s %+v", r.Sign.Comment, r.Sign.Checks)
			}
			if tc.sign && (len(r.Sign.Signers) != 1 || len(r.Sign.Signers[0].Chain) != 2 || !r.Sign.Signers[0].Chain[1].Anchor) {
				t.Errorf("signers/chain: %+v", r.Sign.Signers)
			}
			if tc.encrypt && (!r.Encryption.Success || !strings.Contains(r.Encryption.Algorithm, tc.wantAlg) || r.Encryption.Key == "") {
				t.Errorf("encryption: %+v", r.Encryption)
			}
			// Only AuthEnvelopedData carries its own integrity check.
			if r.Encryption.IntegrityProtected != (tc.encrypt && tc.opts.AuthEnveloped) {
				t.Errorf("integrity protected = %v: %+v", r.Encryption.IntegrityProtected, r.Encryption)
			}
			if !strings.Contains(res.Text, "Hällo wörld, this is the secret body.") || !strings.Contains(res.Text, "From the start") {
				t.Errorf("text %q", res.Text)
			}
		})
	}
}

// TestSealBccAndSelf: a Bcc recipient is never in the message the others
// get (issue 11, item 8). Encrypting a message with Bcc as one message is
// refused (it named Carol to Bob in its RecipientInfos); each copy names
// only the recipients given in SealOptions.Recipients and the sender.
func TestSealBccAndSelf(t *testing.T) {
	p := getPKI(t)
	alice, aliceKey := p.leaf(t, certSpec{cn: "Alice", email: "alice@example.org", keyIdx: 0})
	bob, bobKey := p.leaf(t, certSpec{cn: "Bob", email: "bob@example.org", keyIdx: 1})
	carol, carolKey := p.leaf(t, certSpec{cn: "Carol", email: "carol@example.org", ec: true, keyIdx: 2})
	kr := p.keyring()
	mustAddKey(t, kr, alice, aliceKey)
	kr.AddCertificate(bob, carol)
	eng := NewEngine(kr)
	raw := plainMail("Alice <alice@example.org>", "bob@example.org", "Bcc: carol@example.org\r\n")
	_, err := eng.Seal(raw, true, true, SealOptions{Now: testNow})
	if !errors.Is(err, verdict.ErrBccNeedsCopies) {
		t.Fatalf("one message for To and Bcc: %v", err)
	}
	copies := map[string]struct {
		rcpts   []string
		readers []*x509.Certificate
		keys    []crypto.Signer
		not     *x509.Certificate
	}{
		"main":    {[]string{"bob@example.org"}, []*x509.Certificate{bob, alice}, []crypto.Signer{bobKey, aliceKey}, carol},
		"carol's": {[]string{"carol@example.org"}, []*x509.Certificate{carol, alice}, []crypto.Signer{carolKey, aliceKey}, bob},
	}
	for name, c := range copies {
		out, err := eng.Seal(raw, true, true, SealOptions{Now: testNow, Recipients: c.rcpts})
		if err != nil {
			t.Fatalf("%s copy: %v", name, err)
		}
		if bytes.Contains(bytes.ToLower(out), []byte("bcc:")) || bytes.Contains(out, []byte("carol@")) {
			t.Errorf("%s copy: Bcc leaked into the output header", name)
		}
		var named []*x509.Certificate
		for _, r := range sealtest.SMIMERecipients(t, out) {
			for _, cert := range []*x509.Certificate{alice, bob, carol} {
				if r.Is(cert) {
					named = append(named, cert)
				}
			}
		}
		if len(named) != 2 || !containsCert(named, c.readers[0]) || !containsCert(named, alice) || containsCert(named, c.not) {
			t.Errorf("%s copy names %d recipients, want %s and Alice only", name, len(named), c.readers[0].Subject.CommonName)
		}
		for i, who := range c.readers {
			r := NewMemoryKeyring()
			r.AddTrustAnchor(p.root)
			mustAddKey(t, r, who, c.keys[i])
			res, err := NewEngine(r).Process(out, ProcessOptions{Now: testNow})
			if err != nil || !res.Result.Encryption.Success || !res.Result.Sign.Success {
				t.Errorf("%s copy, read by %s: %v %+v", name, who.Subject.CommonName, err, res.Result)
			}
		}
	}
	// Signed only: nothing names the Bcc recipient.
	out, err := eng.Seal(raw, true, false, SealOptions{Now: testNow})
	if err != nil || bytes.Contains(bytes.ToLower(out), []byte("bcc:")) || bytes.Contains(out, []byte("carol@")) {
		t.Fatalf("signed only: %v\n%s", err, out)
	}
}

func TestSealErrors(t *testing.T) {
	p := getPKI(t)
	alice, aliceKey := p.leaf(t, certSpec{cn: "Alice", email: "alice@example.org", keyIdx: 0})
	expired, _ := p.leaf(t, certSpec{cn: "Old", email: "old@example.org", keyIdx: 1, notBefore: testNow.AddDate(-3, 0, 0), notAfter: testNow.AddDate(-1, 0, 0)})
	kr := p.keyring()
	mustAddKey(t, kr, alice, aliceKey)
	kr.AddCertificate(expired)
	eng := NewEngine(kr)
	tests := []struct {
		name          string
		from, to      string
		sign, encrypt bool
		wantRecipient RecipientReason
		wantSign      SignReason
	}{
		{"unknown recipient", "alice@example.org", "nobody@example.org", false, true, RecipientNoCertificate, SignOK},
		{"expired recipient", "alice@example.org", "old@example.org", true, true, RecipientExpired, SignOK},
		{"no key for sender", "old@example.org", "alice@example.org", true, false, RecipientOK, SignNoPrivateKey},
		{"no cert for sender", "eve@example.org", "alice@example.org", true, false, RecipientOK, SignNoCertificate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := eng.Seal(plainMail(tc.from, tc.to, ""), tc.sign, tc.encrypt, SealOptions{Now: testNow})
			var se *SealError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *SealError", err)
			}
			if tc.wantSign != SignOK && (se.Sign == nil || se.Sign.Reason != tc.wantSign) {
				t.Errorf("sign status %+v, want %v", se.Sign, tc.wantSign)
			}
			if tc.wantRecipient != RecipientOK && (len(se.Recipients) != 1 || se.Recipients[0].Reason != tc.wantRecipient) {
				t.Errorf("recipients %+v, want %v", se.Recipients, tc.wantRecipient)
			}
		})
	}
}

func TestCanEncryptCanSign(t *testing.T) {
	p := getPKI(t)
	ok, okKey := p.leaf(t, certSpec{cn: "OK", email: "ok@example.org", keyIdx: 0})
	exp, expKey := p.leaf(t, certSpec{cn: "Expired", email: "expired@example.org", keyIdx: 1, notBefore: testNow.AddDate(-3, 0, 0), notAfter: testNow.AddDate(0, 0, -1)})
	future, _ := p.leaf(t, certSpec{cn: "Future", email: "future@example.org", keyIdx: 1, notBefore: testNow.AddDate(0, 0, 1)})
	tls, _ := p.leaf(t, certSpec{cn: "TLS", email: "tls@example.org", keyIdx: 1, eku: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	signOnly, _ := p.leaf(t, certSpec{cn: "SignOnly", email: "signonly@example.org", keyIdx: 1, keyUsage: x509.KeyUsageDigitalSignature})
	foreign, _ := issue(t, certSpec{cn: "Foreign", email: "foreign@example.org", keyIdx: 2}, p.foreign, p.foreignKey)
	self, _ := issue(t, certSpec{cn: "Self", email: "self@example.org", keyIdx: 2}, nil, nil)
	kr := p.keyring()
	mustAddKey(t, kr, ok, okKey)
	mustAddKey(t, kr, exp, expKey)
	kr.AddCertificate(future, tls, signOnly, foreign, self)
	eng := NewEngine(kr)
	enc := []struct {
		addr string
		want RecipientReason
	}{
		{"ok@example.org", RecipientOK},
		{"OK@Example.org", RecipientOK},
		{"nobody@example.org", RecipientNoCertificate},
		{"expired@example.org", RecipientExpired},
		{"future@example.org", RecipientNotYetValid},
		{"tls@example.org", RecipientWrongKeyUsage},
		{"signonly@example.org", RecipientWrongKeyUsage},
		{"foreign@example.org", RecipientUntrusted},
		{"self@example.org", RecipientUntrusted},
	}
	var addrs []string
	for _, e := range enc {
		addrs = append(addrs, e.addr)
	}
	st := eng.CanEncrypt(addrs, testNow)
	for i, e := range enc {
		if st[i].Reason != e.want || st[i].OK != (e.want == RecipientOK) || (!st[i].OK && st[i].Comment == "") {
			t.Errorf("CanEncrypt(%s) = %+v, want %v", e.addr, st[i], e.want)
		}
	}
	if s := eng.CheckRecipient("other@example.org", ok, testNow); s.Reason != RecipientAddressMismatch {
		t.Errorf("CheckRecipient mismatch = %+v", s)
	}
	sg := []struct {
		addr string
		want SignReason
	}{
		{"ok@example.org", SignOK},
		{"expired@example.org", SignExpired},
		{"tls@example.org", SignNoPrivateKey},
		{"nobody@example.org", SignNoCertificate},
	}
	for _, s := range sg {
		if got := eng.CanSign(s.addr, testNow); got.Reason != s.want || got.OK != (s.want == SignOK) {
			t.Errorf("CanSign(%s) = %+v, want %v", s.addr, got, s.want)
		}
	}
}
