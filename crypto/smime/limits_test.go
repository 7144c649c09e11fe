package smime

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// TestBERConvertedOncePerCMSObject: Process converts each CMS object of a
// message from BER to DER once; classify's reading is reused by the layer
// that opens it (issue 11, resources). It was two conversions for an
// encrypted message and five for a signature around ciphertext.
func TestBERConvertedOncePerCMSObject(t *testing.T) {
	eng, mails := generatedMails(t)
	p := getPKI(t)
	bob := eng.keys.Certificates()
	var bobCert *x509.Certificate
	for _, c := range bob {
		if !c.IsCA && containsFold(Emails(c), "bob@example.org") {
			bobCert = c
		}
	}
	alice, aliceKey := p.leaf(t, certSpec{cn: "Alice", email: "alice@example.org", keyIdx: 0})
	enc, err := Encrypt([]byte(testBody), []*x509.Certificate{bobCert}, EncryptOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mails["signature around ciphertext"] = opaqueMail(t, "alice@example.org", alice, aliceKey, enc)
	for name, want := range map[string]int64{
		"RSA-2048/signed": 1, "RSA-2048/encrypted": 1, "RSA-2048/signed+encrypted": 2,
		"P-256/authenveloped": 2, "signature around ciphertext": 2,
	} {
		t.Run(name, func(t *testing.T) {
			before := derConversions.Load()
			res, err := eng.Process(mails[name], ProcessOptions{Now: testNow})
			if err != nil || (res.Result.Encrypted && !res.Result.Encryption.Success) {
				t.Fatalf("%v %+v", err, res.Result)
			}
			if got := derConversions.Load() - before; got != want {
				t.Errorf("%d BER conversions, want %d (one per CMS object)", got, want)
			}
		})
	}
}

func failingCheck(t *testing.T, eng *Engine, mail []byte, kind verdict.CheckKind, reason verdict.Reason) {
	t.Helper()
	res, err := eng.Process(mail, ProcessOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Result.Sign
	if r.Success {
		t.Fatalf("valid signature, want a failing %s check (%s)", kind, reason)
	}
	assertCodes(t, res.Result)
	for _, c := range r.Checks {
		if c.Kind == kind && !c.OK && c.Reason == reason {
			return
		}
	}
	t.Fatalf("no %s check failing with %s: %s %+v", kind, reason, r.Comment, r.Checks)
}

// TestSignedDataLimits: more certificates or signers than a signature
// needs are refused before they are parsed or verified.
func TestSignedDataLimits(t *testing.T) {
	p := getPKI(t)
	alice, aliceKey := p.leaf(t, certSpec{cn: "Alice", email: "alice@example.org", keyIdx: 0})
	kr := p.keyring()
	eng := NewEngine(kr)
	der, err := signedData([]byte(testBody), aliceKey, alice, []*x509.Certificate{p.inter}, testNow, false)
	if err != nil {
		t.Fatal(err)
	}
	mail := func(der []byte) []byte {
		return opaqueFromDER(t, "alice@example.org", der)
	}
	if res, err := eng.Process(mail(der), ProcessOptions{Now: testNow}); err != nil || !res.Result.Sign.Success {
		t.Fatalf("baseline not valid: %v %+v", err, res.Result.Sign)
	}

	manyCerts := rewriteSignedData(t, der, func(sd *signedDataASN) {
		var b []byte
		for range maxCMSCertificates + 1 {
			b = append(b, p.inter.Raw...)
		}
		sd.Certificates = asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: b}
	})
	failingCheck(t, eng, mail(manyCerts), verdict.CheckStructure, verdict.ReasonTooManyCertificates)
	var sd signedDataASN
	_, content, _ := parseContentInfo(manyCerts)
	asn1.Unmarshal(content, &sd)
	if _, err := parseCertSet(sd.Certificates.Bytes); !errors.Is(err, errTooManyCertificates) {
		t.Errorf("parseCertSet: %v, want errTooManyCertificates", err)
	}
	// The same limit applies to a certs-only bundle to import.
	var ie *ImportError
	if _, err := ParseCertificates(stripSigners(t, manyCerts)); !errors.Is(err, errTooManyCertificates) || !errors.As(err, &ie) {
		t.Errorf("ParseCertificates: %v, want errTooManyCertificates", err)
	}

	manySigners := rewriteSignedData(t, der, func(sd *signedDataASN) {
		for len(sd.SignerInfos) <= maxSigners {
			sd.SignerInfos = append(sd.SignerInfos, sd.SignerInfos[0])
		}
	})
	failingCheck(t, eng, mail(manySigners), verdict.CheckStructure, verdict.ReasonTooManySigners)
}

// TestRecipientLimit: an EnvelopedData listing more recipients than
// maxRecipients is not opened, even when one of them is ours.
func TestRecipientLimit(t *testing.T) {
	p := getPKI(t)
	bob, bobKey := p.leaf(t, certSpec{cn: "Bob", email: "bob@example.org", keyIdx: 1})
	kr := p.keyring()
	mustAddKey(t, kr, bob, bobKey)
	eng := NewEngine(kr)
	for _, tc := range []struct {
		n      int
		wantOK bool
	}{{maxRecipients, true}, {maxRecipients + 1, false}} {
		rcpts := make([]*x509.Certificate, tc.n)
		for i := range rcpts {
			rcpts[i] = bob
		}
		ent, err := Encrypt([]byte(testBody), rcpts, EncryptOptions{})
		if err != nil {
			t.Fatal(err)
		}
		raw := append([]byte(header("alice@example.org", testNow)), ent...)
		res, err := eng.Process(raw, ProcessOptions{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if res.Result.Encryption.Success != tc.wantOK {
			t.Errorf("%d recipients: success %v, want %v (%s)", tc.n, res.Result.Encryption.Success, tc.wantOK, res.Result.Encryption.Comment)
		}
		top, err := mimepart.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		_, obj := classify(top)
		var ed envelopedDataASN
		asn1.Unmarshal(obj.content, &ed)
		if err := countRecipients(ed.RecipientInfos.Bytes); errors.Is(err, errTooManyRecipients) == tc.wantOK {
			t.Errorf("%d recipients: countRecipients = %v", tc.n, err)
		}
	}
}
