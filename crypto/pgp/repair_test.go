package pgp

import (
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// exchangeShape is Microsoft Exchange's rewrite of a PGP/MIME encrypted
// message: the parts as listed (each "headers\n\nbody"), in a
// multipart/mixed unless ctype says otherwise.
func exchangeShape(ctype string, parts ...string) []byte {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString("--ex\n" + p + "\n")
	}
	b.WriteString("--ex--\n")
	if ctype == "" {
		ctype = "multipart/mixed"
	}
	return gpgDated(mkMail("Alice <"+aliceAddr+">", samAddr, "mangled", ctype+`; boundary="ex"`, b.String()))
}

const (
	exEmpty   = "Content-Type: text/plain; charset=\"us-ascii\"\nContent-Transfer-Encoding: quoted-printable\n\n"
	exControl = "Content-Type: application/pgp-encrypted\nContent-Disposition: attachment\n\nVersion: 1\n"
)

func exPayload(name string, armored []byte) string {
	return "Content-Type: application/octet-stream; name=\"" + name + "\"\nContent-Disposition: attachment; filename=\"" + name + "\"\n\n" + string(armored)
}

// TestExchangeMangledPGPMIME: the Exchange rewrite of a signed and
// encrypted PGP/MIME message, made by GnuPG, reads as the message it was
// (text shown, encrypted and validly signed as a whole) and says it was
// repaired; the near misses are not repaired and never read as
// encrypted as a whole (issue 12).
func TestExchangeMangledPGPMIME(t *testing.T) {
	f := needGPG(t)
	arm, err := f.gpg([]byte(innerPart), "--passphrase", alicePass, "-u", aliceAddr, "--armor", "-r", samAddr, "--sign", "--encrypt")
	if err != nil {
		t.Fatal(err)
	}
	eng := NewEngine(samKeyring(t, f, aliceAddr))
	payload := exPayload("encrypted.asc", arm)

	t.Run("repaired", func(t *testing.T) {
		for name, raw := range map[string][]byte{
			"as Exchange sends it": exchangeShape("", exEmpty, exControl, payload),
			"control part base64":  exchangeShape("", exEmpty, "Content-Type: application/pgp-encrypted\nContent-Transfer-Encoding: base64\n\nVmVyc2lvbjogMQ0K\n", payload),
			"payload name in caps": exchangeShape("", exEmpty, exControl, exPayload("ENCRYPTED.ASC", arm)),
		} {
			p, err := eng.Process(raw, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			r := p.Result
			if r.Repaired != verdict.RepairExchangePGPMIME || !r.Encrypted || !r.Encryption.Success || !r.Signed || !r.Sign.Success {
				t.Errorf("%s: %+v", name, r)
			}
			if !strings.Contains(p.Text, "meeting is at 10") || len(p.Attachments) != 0 {
				t.Errorf("%s: text %q, %d attachments", name, p.Text, len(p.Attachments))
			}
		}
	})

	for _, c := range []struct {
		name string
		raw  []byte
	}{
		{"text part not empty", exchangeShape("", exEmpty+"Wire 500 EUR.\n", exControl, payload)},
		{"no empty text part", exchangeShape("", exControl, payload)},
		{"a fourth part", exchangeShape("", exEmpty, exControl, payload, "Content-Type: application/pdf; name=\"x.pdf\"\n\n%PDF-1.4\n")},
		{"parts in another order", exchangeShape("", exControl, exEmpty, payload)},
		{"multipart/alternative", exchangeShape("multipart/alternative", exEmpty, exControl, payload)},
		{"control part says Version: 2", exchangeShape("", exEmpty, strings.Replace(exControl, "Version: 1", "Version: 2", 1), payload)},
		{"control part is text", exchangeShape("", exEmpty, strings.Replace(exControl, "application/pgp-encrypted", "text/plain", 1), payload)},
		{"payload named otherwise", exchangeShape("", exEmpty, exControl, exPayload("invoice.asc", arm))},
		{"payload of another type", exchangeShape("", exEmpty, exControl, strings.Replace(payload, "application/octet-stream", "application/pgp-keys", 1))},
	} {
		t.Run("not repaired: "+c.name, func(t *testing.T) {
			p, err := eng.Process(c.raw, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if r := p.Result; r.Repaired != "" || r.Encryption.Success || r.Sign.Success {
				t.Errorf("a near miss was read as the whole message's protection: %+v", r)
			}
		})
	}
}

// TestClearsignedInsideEncrypted: a multipart/encrypted whose payload is
// a cleartext-signed text, not ciphertext, is not encrypted; its text is
// shown and its signature judged as an inline one: valid when the block
// is all there is, partial when unsigned text is beside it (issue 12;
// before: "encrypted", "armor cannot be decoded", no text).
func TestClearsignedInsideEncrypted(t *testing.T) {
	f := needGPG(t)
	clear, err := f.gpg([]byte("Hello Sam,\n- please reset my password.\n"), "--passphrase", alicePass, "-u", aliceAddr, "--clearsign")
	if err != nil {
		t.Fatal(err)
	}
	eng := NewEngine(samKeyring(t, f, aliceAddr))
	for _, c := range []struct {
		name    string
		payload string
		valid   bool
	}{
		{"the block alone", string(clear), true},
		{"unsigned text beside the block", "PS: wire 500 EUR to X.\n" + string(clear), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw := gpgDated(pgpMIMEEncrypted("Alice <"+aliceAddr+">", samAddr, "s", []byte(c.payload)))
			p, err := eng.Process(raw, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			r := p.Result
			if r.Encrypted || r.Encryption.Success || r.Repaired != verdict.RepairClearsignedInEncrypted {
				t.Errorf("encryption: %+v, repaired %q", r.Encryption, r.Repaired)
			}
			if !r.Signed || r.Sign.Success != c.valid || r.Type != verdict.TechPGP {
				t.Errorf("signature: %+v", r.Sign)
			}
			if !strings.Contains(p.Text, "- please reset my password.") || strings.Contains(p.Text, "BEGIN PGP") {
				t.Errorf("text %q", p.Text)
			}
			if e := string(p.Entity); !strings.HasPrefix(e, "Content-Type: text/plain") || !strings.Contains(e, "reset my password") || strings.Contains(e, "BEGIN PGP") {
				t.Errorf("entity %q", e)
			}
		})
	}
}
