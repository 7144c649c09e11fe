package smime

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

const testBody = "Content-Type: text/plain; charset=us-ascii\r\n\r\nPay 100 EUR to account 1234.\r\n"

func header(from string, date time.Time) string {
	return "From: " + from + "\r\nTo: bob@example.org\r\nSubject: s\r\nDate: " + date.Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\n"
}

func signedMail(t testing.TB, from string, c *x509.Certificate, k crypto.Signer, chain []*x509.Certificate, signTime, date time.Time) []byte {
	t.Helper()
	ent, err := signAt([]byte(testBody), k, c, chain, signTime)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(header(from, date)), ent...)
}

// opaqueMail builds application/pkcs7-mime signed-data.
func opaqueMail(t testing.TB, from string, c *x509.Certificate, k crypto.Signer, content []byte) []byte {
	t.Helper()
	der, err := signedData(content, k, c, nil, testNow, false)
	if err != nil {
		t.Fatal(err)
	}
	return opaqueFromDER(t, from, der)
}

// opaqueFromDER wraps a SignedData as an application/pkcs7-mime message.
func opaqueFromDER(t testing.TB, from string, der []byte) []byte {
	var b bytes.Buffer
	b.WriteString(header(from, testNow))
	b.WriteString("Content-Type: application/x-pkcs7-mime; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	mimepart.WriteBase64Lines(&b, der)
	return b.Bytes()
}

func TestVerifyFailures(t *testing.T) {
	p := getPKI(t)
	good, goodKey := p.leaf(t, certSpec{cn: "Alice", email: "alice@example.org", keyIdx: 0})
	goodEC, goodECKey := p.leaf(t, certSpec{cn: "Alice EC", email: "alice@example.org", ec: true, keyIdx: 0})
	expired, expiredKey := p.leaf(t, certSpec{cn: "Expired", email: "alice@example.org", keyIdx: 1, notBefore: testNow.AddDate(-3, 0, 0), notAfter: testNow.AddDate(0, 0, -1)})
	future, futureKey := p.leaf(t, certSpec{cn: "Future", email: "alice@example.org", keyIdx: 1, notBefore: testNow.AddDate(0, 0, 1)})
	tls, tlsKey := p.leaf(t, certSpec{cn: "TLS", email: "alice@example.org", keyIdx: 1, eku: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	self, selfKey := issue(t, certSpec{cn: "Self", email: "alice@example.org", keyIdx: 2}, nil, nil)
	foreign, foreignKey := issue(t, certSpec{cn: "Foreign", email: "alice@example.org", keyIdx: 2}, p.foreign, p.foreignKey)
	kr := p.keyring()
	eng := NewEngine(kr)
	inter := []*x509.Certificate{p.inter}

	tamper := func(b []byte) []byte { return bytes.Replace(b, []byte("100 EUR"), []byte("900 EUR"), 1) }
	tests := []struct {
		name      string
		mail      []byte
		wantOK    bool
		wantCheck verdict.CheckKind // the failing check
		reason    verdict.Reason
	}{
		{"valid rsa", signedMail(t, "alice@example.org", good, goodKey, inter, testNow, testNow), true, "", ""},
		{"valid ec", signedMail(t, "Alice <Alice@Example.org>", goodEC, goodECKey, inter, testNow, testNow), true, "", ""},
		{"valid opaque (intermediate from the keyring)", opaqueMail(t, "alice@example.org", good, goodKey, []byte(testBody)), true, "", ""},
		{"tampered", tamper(signedMail(t, "alice@example.org", good, goodKey, inter, testNow, testNow)), false, verdict.CheckDigest, verdict.ReasonContentAltered},
		{"expired", signedMail(t, "alice@example.org", expired, expiredKey, inter, testNow, testNow), false, verdict.CheckValidity, verdict.ReasonExpired},
		{"not yet valid", signedMail(t, "alice@example.org", future, futureKey, inter, testNow, testNow), false, verdict.CheckValidity, verdict.ReasonNotYetValid},
		{"no emailProtection", signedMail(t, "alice@example.org", tls, tlsKey, inter, testNow, testNow), false, verdict.CheckKeyUsage, verdict.ReasonKeyUsage},
		{"self-signed", signedMail(t, "alice@example.org", self, selfKey, nil, testNow, testNow), false, verdict.CheckChain, verdict.ReasonUntrusted},
		{"foreign CA", signedMail(t, "alice@example.org", foreign, foreignKey, nil, testNow, testNow), false, verdict.CheckChain, verdict.ReasonUntrusted},
		{"wrong address", signedMail(t, "mallory@example.org", good, goodKey, inter, testNow, testNow), false, verdict.CheckFrom, verdict.ReasonFromMismatch},
		{"two From", signedMail(t, "alice@example.org, bob@example.org", good, goodKey, inter, testNow, testNow), false, verdict.CheckFrom, verdict.ReasonFromAddresses},
		// Several senders never confirm one, Sender or not (issue 11).
		{"two From with Sender", append([]byte("Sender: alice@example.org\r\n"), signedMail(t, "carol@example.org, alice@example.org", good, goodKey, inter, testNow, testNow)...), false, verdict.CheckFrom, verdict.ReasonFromAddresses},
		// The defect: net/mail cannot decode windows-1252 names, and the
		// fallback kept the last <...>, the signer's.
		{"Outlook names hide a second sender", signedMail(t, "=?windows-1252?Q?Bank_=80?= <security@bank.example>, =?windows-1252?Q?M=FC?= <alice@example.org>", good, goodKey, inter, testNow, testNow), false, verdict.CheckFrom, verdict.ReasonFromAddresses},
		{"Outlook name", signedMail(t, "=?windows-1252?Q?Alice_M=FCller?= <alice@example.org>", good, goodKey, inter, testNow, testNow), true, "", ""},
		// Mail programs show one of two From fields; net/mail's Get read the first.
		{"two From fields", signedMail(t, "alice@example.org\r\nFrom: security@bank.example", good, goodKey, inter, testNow, testNow), false, verdict.CheckFrom, verdict.ReasonFromHeaders},
		{"address in the display name", signedMail(t, `"boss@corp.example" <alice@example.org>`, good, goodKey, inter, testNow, testNow), false, verdict.CheckFrom, verdict.ReasonFromName},
		{"unreadable From", signedMail(t, "Alice <alice@example.org", good, goodKey, inter, testNow, testNow), false, verdict.CheckFrom, verdict.ReasonFromUnreadable},
		{"re-dated replay", signedMail(t, "alice@example.org", good, goodKey, inter, testNow, testNow.Add(6*time.Hour)), false, verdict.CheckSigningTime, verdict.ReasonDateMismatch},
		{"signed after its date", signedMail(t, "alice@example.org", good, goodKey, inter, testNow.Add(2*time.Hour), testNow), false, verdict.CheckSigningTime, verdict.ReasonDateMismatch},
		{"date within tolerance", signedMail(t, "alice@example.org", good, goodKey, inter, testNow, testNow.Add(30*time.Minute)), true, "", ""},
		{"date within tolerance, signed later", signedMail(t, "alice@example.org", good, goodKey, inter, testNow.Add(50*time.Minute), testNow), true, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := eng.Process(tc.mail, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			r := res.Result.Sign
			if !res.Result.Signed || r.Success != tc.wantOK {
				t.Fatalf("signed=%v success=%v, want %v: %s", res.Result.Signed, r.Success, tc.wantOK, r.Comment)
			}
			if r.Reason != tc.reason {
				t.Errorf("reason = %q, want %q (%s)", r.Reason, tc.reason, r.Comment)
			}
			if !tc.wantOK && (len(r.Signers) == 0 || len(r.Signers[0].Emails) == 0) {
				t.Errorf("the result does not say whose signature it is: %+v", r.Signers)
			}
			if tc.wantCheck != "" {
				found := false
				for _, c := range r.Checks {
					if c.Kind == tc.wantCheck && !c.OK && c.Reason == tc.reason {
						found = true
					}
				}
				if !found {
					t.Errorf("no failing %q check in %+v", tc.wantCheck, r.Checks)
				}
			}
			assertCodes(t, res.Result)
			if !strings.Contains(res.Text, "Pay") {
				t.Errorf("text %q", res.Text)
			}
		})
	}
}

func TestVerifyStructure(t *testing.T) {
	p := getPKI(t)
	good, goodKey := p.leaf(t, certSpec{cn: "Alice", email: "alice@example.org", keyIdx: 0})
	kr := p.keyring()
	kr.AddCertificate(good)
	eng := NewEngine(kr)
	signedEnt, err := signAt([]byte(testBody), goodKey, good, nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	// A signed part wrapped in an unsigned multipart/mixed.
	wrapped := header("alice@example.org", testNow) + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\nContent-Type: text/plain\r\n\r\nUnsigned preface.\r\n--outer\r\n" + string(signedEnt) + "\r\n--outer--\r\n"
	// An encrypted part inside a signed multipart/mixed.
	encPart, err := Encrypt([]byte(testBody), []*x509.Certificate{good}, EncryptOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mixed := "Content-Type: multipart/mixed; boundary=\"in\"\r\n\r\n--in\r\nContent-Type: text/plain\r\n\r\nhello\r\n--in\r\n" + string(encPart) + "\r\n--in--\r\n"
	signedMixed, err := signAt([]byte(mixed), goodKey, good, nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	// No signers: a certs-only SignedData presented as the message.
	certsOnly, _ := signedData([]byte("x"), goodKey, good, nil, testNow, false)
	// Missing signature part.
	oneParted := header("alice@example.org", testNow) + "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=b\r\n\r\n--b\r\n" + testBody + "\r\n--b--\r\n"
	// Garbage signature.
	garbage := header("alice@example.org", testNow) + "Content-Type: multipart/signed; protocol=\"application/x-pkcs7-signature\"; boundary=b\r\n\r\n--b\r\n" + testBody + "\r\n--b\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b--\r\n"
	// Detached content differing from eContent.
	opaque, _ := signedData([]byte(testBody), goodKey, good, nil, testNow, false)
	var mismatch bytes.Buffer
	mismatch.WriteString(header("alice@example.org", testNow) + "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSomething else.\r\n--b\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	mimepart.WriteBase64Lines(&mismatch, opaque)
	mismatch.WriteString("--b--\r\n")
	// Missing certificate: the keyring lacks it and the message omits it.
	noCertKR := NewMemoryKeyring()
	noCertKR.AddTrustAnchor(p.root)

	tests := []struct {
		name       string
		eng        *Engine
		mail       string
		wantSigned bool
		wantOK     bool
		reason     verdict.Reason
	}{
		{"signed part in unsigned multipart", eng, wrapped, true, false, verdict.ReasonPartial},
		{"encrypted part in signed multipart", eng, header("alice@example.org", testNow) + string(signedMixed), true, false, verdict.ReasonNestedParts},
		{"one part multipart/signed", eng, oneParted, true, false, verdict.ReasonDamaged},
		{"garbage signature", eng, garbage, true, false, verdict.ReasonDamaged},
		{"detached differs from eContent", eng, mismatch.String(), true, false, verdict.ReasonContentMismatch},
		{"octet-stream p7m", eng, header("alice@example.org", testNow) + "Content-Type: application/octet-stream; name=\"smime.p7m\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(opaque) + "\r\n", true, true, ""},
		{"missing certificate", NewEngine(noCertKR), header("alice@example.org", testNow) + "Content-Type: application/pkcs7-mime; smime-type=signed-data\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(stripCertificates(t, opaque)) + "\r\n", true, false, verdict.ReasonNoCertificate},
		{"certs-only is not a signature", eng, header("alice@example.org", testNow) + "Content-Type: application/pkcs7-mime; smime-type=certs-only\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(stripSigners(t, certsOnly)) + "\r\n", false, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.eng.Process([]byte(tc.mail), ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			r := res.Result
			if r.Signed != tc.wantSigned {
				t.Fatalf("signed = %v, want %v (%s)", r.Signed, tc.wantSigned, r.Sign.Comment)
			}
			if r.Sign.Success != tc.wantOK || r.Sign.Reason != tc.reason {
				t.Errorf("success = %v reason %q, want %v %q: %s", r.Sign.Success, r.Sign.Reason, tc.wantOK, tc.reason, r.Sign.Comment)
			}
			assertCodes(t, r)
		})
	}
}

// stripCertificates re-encodes a SignedData without its certificate set.
func stripCertificates(t testing.TB, der []byte) []byte {
	return rewriteSignedData(t, der, func(sd *signedDataASN) { sd.Certificates = asnEmpty() })
}

func stripSigners(t testing.TB, der []byte) []byte {
	return rewriteSignedData(t, der, func(sd *signedDataASN) { sd.SignerInfos = nil })
}
