package smime

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

func TestProcessMisc(t *testing.T) {
	p := getPKI(t)
	alice, aliceKey := p.leaf(t, certSpec{cn: "Alice", email: "alice@example.org", keyIdx: 0})
	bob, bobKey := p.leaf(t, certSpec{cn: "Bob", email: "bob@example.org", keyIdx: 1})
	kr := p.keyring()
	mustAddKey(t, kr, bob, bobKey)
	kr.AddCertificate(alice)
	eng := NewEngine(kr)

	html := "Content-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<html><head><style>p{}</style></head><body><p>Gr=FC=DFe <b>Bob</b></p><script>x()</script></body></html>\r\n"
	encToBob, err := Encrypt([]byte(html), []*x509.Certificate{bob}, EncryptOptions{})
	if err != nil {
		t.Fatal(err)
	}
	encToAlice, err := Encrypt([]byte(testBody), []*x509.Certificate{alice}, EncryptOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gcm, err := Encrypt([]byte(testBody), []*x509.Certificate{bob}, EncryptOptions{AuthEnveloped: true})
	if err != nil {
		t.Fatal(err)
	}
	tamperedGCM := tamperBase64Body(t, gcm)

	// Two signers, the second with a broken signature.
	der, err := signedData(mimepart.CanonicalCRLF([]byte(testBody)), aliceKey, alice, nil, testNow, true)
	if err != nil {
		t.Fatal(err)
	}
	twoSigners := rewriteSignedData(t, der, func(sd *signedDataASN) {
		bad := sd.SignerInfos[0]
		bad.Signature = append([]byte{}, bad.Signature...)
		bad.Signature[10] ^= 0xff
		sd.SignerInfos = append(sd.SignerInfos, bad)
	})
	noSigners := rewriteSignedData(t, der, func(sd *signedDataASN) { sd.SignerInfos = nil })
	detached := func(sig []byte) string {
		var b bytes.Buffer
		b.WriteString(header("alice@example.org", testNow) + "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=b\r\n\r\n--b\r\n" + testBody + "\r\n--b\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		mimepart.WriteBase64Lines(&b, sig)
		b.WriteString("--b--\r\n")
		return b.String()
	}

	tests := []struct {
		name                 string
		mail                 string
		wantType             string
		signed, signOK       bool
		encrypted, decryptOK bool
		wantText             string
		code                 string // the sign Reason or the decryption Failure
	}{
		{"plain message", header("alice@example.org", testNow) + testBody, "", false, false, false, false, "Pay 100 EUR", ""},
		{"pgp/mime is not ours", header("alice@example.org", testNow) + "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=b\r\n\r\n--b\r\n" + testBody + "\r\n--b--\r\n", "", false, false, false, false, "Pay", ""},
		{"html only, latin-1", header("alice@example.org", testNow) + string(encToBob), "S/MIME", false, false, true, true, "Grüße Bob", ""},
		{"not for us", header("alice@example.org", testNow) + string(encToAlice), "S/MIME", false, false, true, false, "", string(verdict.DecryptNoKey)},
		{"authenveloped tampered", header("alice@example.org", testNow) + string(tamperedGCM), "S/MIME", false, false, true, false, "", string(verdict.DecryptIntegrity)},
		{"two signers, one bad", detached(twoSigners), "S/MIME", true, false, false, false, "Pay", string(verdict.ReasonBadSignature)},
		{"no signers", detached(noSigners), "S/MIME", true, false, false, false, "Pay", string(verdict.ReasonNoSigner)},
		{"broken pkcs7-mime", header("alice@example.org", testNow) + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQ=\r\n", "S/MIME", false, false, true, false, "", string(verdict.DecryptDamaged)},
		{"broken signed-data", header("alice@example.org", testNow) + "Content-Type: application/pkcs7-mime; smime-type=signed-data\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQ=\r\n", "S/MIME", true, false, false, false, "", string(verdict.ReasonDamaged)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := eng.Process([]byte(tc.mail), ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			r := res.Result
			if string(r.Type) != tc.wantType || r.Signed != tc.signed || r.Sign.Success != tc.signOK || r.Encrypted != tc.encrypted || r.Encryption.Success != tc.decryptOK {
				t.Fatalf("result %+v", r)
			}
			if !strings.Contains(res.Text, tc.wantText) {
				t.Errorf("text %q, want %q", res.Text, tc.wantText)
			}
			if strings.Contains(res.Text, "x()") || strings.Contains(res.Text, "p{}") {
				t.Errorf("script/style leaked into text %q", res.Text)
			}
			if code := string(r.Sign.Reason) + string(r.Encryption.Failure); code != tc.code {
				t.Errorf("code %q, want %q (%s / %s)", code, tc.code, r.Sign.Comment, r.Encryption.Comment)
			}
			assertCodes(t, r)
			if r.Failed() != ((tc.signed && !tc.signOK) || (tc.encrypted && !tc.decryptOK)) {
				t.Errorf("Failed() = %v", r.Failed())
			}
		})
	}

	// The second signer's checks say whose they are by number, and a
	// lookup by kind finds them (names were once rewritten to "signer 2:
	// signature", which lookups by name missed).
	res, err := eng.Process([]byte(detached(twoSigners)), ProcessOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	var failed []verdict.Check
	for _, c := range res.Result.Sign.Checks {
		if !c.OK {
			failed = append(failed, c)
		}
	}
	// DER sorts the SET OF SignerInfos by their encoding (X.690 section
	// 11.6), so the altered copy stands first or second by chance.
	if len(failed) != 1 || failed[0].Kind != verdict.CheckSignature || failed[0].Signer < 1 || failed[0].Signer > 2 || failed[0].Layer != 0 ||
		failed[0].Label() != fmt.Sprintf("signer %d: signature", failed[0].Signer) {
		t.Errorf("two signers, the second bad: failed checks %+v", failed)
	}

	for _, bad := range []string{"", "just some words without a header", "\x00\x01\x02"} {
		if _, err := eng.Process([]byte(bad), ProcessOptions{}); !errors.Is(err, ErrNotMessage) {
			t.Errorf("Process(%q) err = %v, want ErrNotMessage", bad, err)
		}
	}
}

// tamperBase64Body flips a byte in the middle of the decoded CMS of an
// application/pkcs7-mime entity.
func tamperBase64Body(t *testing.T, ent []byte) []byte {
	e, err := mimepart.Parse(ent)
	if err != nil {
		t.Fatal(err)
	}
	der, err := e.DecodedBody()
	if err != nil {
		t.Fatal(err)
	}
	der = append([]byte{}, der...)
	der[len(der)-40] ^= 0x01 // inside the ciphertext, before the tag
	var b bytes.Buffer
	b.Write(ent[:len(ent)-len(e.Body)])
	mimepart.WriteBase64Lines(&b, der)
	return b.Bytes()
}

func TestKeyringAndHelpers(t *testing.T) {
	p := getPKI(t)
	alice, aliceKey := p.leaf(t, certSpec{cn: "Alice", email: "Alice@Example.org", keyIdx: 0, subjEmail: true})
	kr := NewMemoryKeyring()
	if err := kr.AddKey(alice, rsaKeys[1]); err == nil {
		t.Error("AddKey accepted a key of another certificate")
	}
	mustAddKey(t, kr, alice, aliceKey)
	if _, err := kr.PrivateKey("00"); !errors.Is(err, ErrNoPrivateKey) {
		t.Errorf("PrivateKey(unknown) = %v", err)
	}
	if k, err := kr.PrivateKey(strings.ToUpper(Fingerprint(alice))); err != nil || k == nil {
		t.Errorf("PrivateKey by uppercase fingerprint: %v", err)
	}
	if got := Emails(alice); len(got) != 1 || got[0] != "alice@example.org" {
		t.Errorf("Emails = %v", got)
	}
	if !KeyMatches(alice, aliceKey) || KeyMatches(alice, ecKeys[0]) || KeyMatches(nil, aliceKey) {
		t.Error("KeyMatches")
	}
	if s := subjectString(alice); !strings.Contains(s, "E=Alice@Example.org") || strings.Contains(s, "#") {
		t.Errorf("subjectString = %q", s)
	}
}

func TestProcessTooDeep(t *testing.T) {
	p := getPKI(t)
	alice, aliceKey := p.leaf(t, certSpec{cn: "Alice", email: "alice@example.org", keyIdx: 0})
	kr := p.keyring()
	kr.AddCertificate(alice)
	ent := []byte(testBody)
	for range maxLayers + 2 {
		var err error
		if ent, err = signAt(ent, aliceKey, alice, nil, testNow); err != nil {
			t.Fatal(err)
		}
	}
	res, err := NewEngine(kr).Process(append([]byte(header("alice@example.org", testNow)), ent...), ProcessOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Result.Signed || res.Result.Sign.Success {
		t.Errorf("too deep nesting: %+v", res.Result.Sign)
	}
}
