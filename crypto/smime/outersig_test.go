package smime

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// pgpMIMEEntity is a PGP/MIME multipart/encrypted entity (RFC 3156
// section 4) as Thunderbird writes it; the S/MIME engine never opens its
// ciphertext, so a stand-in block does.
const pgpMIMEEntity = "Content-Type: multipart/encrypted;\r\n protocol=\"application/pgp-encrypted\";\r\n boundary=\"------------x1y2\"\r\n\r\n" +
	"This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r\n--------------x1y2\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n" +
	"--------------x1y2\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nhF4DRXhWPe7aOpoSAQdA\r\n=abcd\r\n-----END PGP MESSAGE-----\r\n\r\n--------------x1y2--\r\n"

// TestSignatureAroundPGPMIMEIsHandedOn: an S/MIME signature, detached or
// opaque, made by OpenSSL over a whole PGP/MIME encryption is reported as
// an outer signature, never as the message's, and the encryption is handed
// on as Inner under the message's header; beside another part it is not
// (issue 12).
func TestSignatureAroundPGPMIMEIsHandedOn(t *testing.T) {
	e := newOSSL(t)
	mixed := "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n--m\r\n" + pgpMIMEEntity + "\r\n--m--\r\n"
	for _, c := range []struct {
		name, entity, flags string
		handedOn            bool
	}{
		{"detached", pgpMIMEEntity, "", true},
		{"opaque", pgpMIMEEntity, "-nodetach", true},
		{"binary mode", pgpMIMEEntity, "-binary", true},
		{"beside a text part", mixed, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(e.dir, "pgpmime.txt"), []byte(c.entity), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := e.run("openssl smime -sign "+c.flags+" -in pgpmime.txt -signer alice.pem -inkey alice.key -certfile inter.pem -from alice@example.org -to bob@example.org -subject outer", nil)
			if err != nil {
				t.Fatalf("openssl: %v %s", err, err.(*exec.ExitError).Stderr)
			}
			p, err := e.eng.Process(mimepart.CanonicalCRLF(out), ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			r := p.Result
			if !c.handedOn {
				if p.Inner != nil || r.OuterSignature != nil || !r.Signed || r.Encrypted {
					t.Fatalf("near miss changed: inner %v, result %+v", p.Inner != nil, r)
				}
				return
			}
			if r.Signed || r.Sign.Success || !r.Encrypted || r.Encryption.Success || r.Type != verdict.TechSMIME || p.Entity != nil {
				t.Fatalf("the outer signature reads as the message's: %+v", r)
			}
			if o := r.OuterSignature; o == nil || o.Type != verdict.TechSMIME || !o.Sign.Success || len(o.Sign.Signers) != 1 {
				t.Fatalf("outer signature %+v", o)
			}
			inner, err := mimepart.Parse(p.Inner)
			if err != nil || inner.MediaType != "multipart/encrypted" || inner.Header.Get("From") != "alice@example.org" ||
				!bytes.Contains(p.Inner, []byte("-----BEGIN PGP MESSAGE-----")) {
				t.Fatalf("inner layer %q (%v)", p.Inner, err)
			}
		})
	}
}

// TestSignatureOverLFLineEnds: a signer that hashed its content with LF
// line ends (a gateway behind an MTA's content filter; `openssl smime
// -sign -binary` over a Unix file) made a signature valid for the content
// shown once the mail server made the ends CRLF; it was "changed after it
// was signed". Changed content still fails (issue 12).
func TestSignatureOverLFLineEnds(t *testing.T) {
	e := newOSSL(t)
	lf := strings.ReplaceAll(pgpMIMEEntity, "\r\n", "\n")
	for _, c := range []struct {
		name, entity string
		tamper       func([]byte) []byte
		valid        bool
	}{
		{"text", "Content-Type: text/plain; charset=us-ascii\n\nHello from a gateway.\nSecond line.\n", nil, true},
		{"pgp/mime", lf, nil, true},
		{"text changed", "Content-Type: text/plain; charset=us-ascii\n\nHello from a gateway.\nSecond line.\n", func(b []byte) []byte {
			return bytes.Replace(b, []byte("Second line."), []byte("Second line!"), 1)
		}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(e.dir, "lf.txt"), []byte(c.entity), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := e.run("openssl smime -sign -binary -in lf.txt -signer alice.pem -inkey alice.key -certfile inter.pem -from alice@example.org -to bob@example.org -subject lf", nil)
			if err != nil {
				t.Fatalf("openssl: %v %s", err, err.(*exec.ExitError).Stderr)
			}
			raw := mimepart.CanonicalCRLF(out) // the mail server's CRLF
			if c.tamper != nil {
				raw = c.tamper(raw)
			}
			p, err := e.eng.Process(raw, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			sign := p.Result.Sign
			if o := p.Result.OuterSignature; o != nil {
				sign = o.Sign
			}
			if sign.Success != c.valid {
				t.Fatalf("valid = %v, want %v: %s %+v", sign.Success, c.valid, sign.Comment, sign.Checks)
			}
			if c.valid && !strings.Contains(sign.Checks[1].Detail, "LF line ends") {
				t.Errorf("the digest check does not say the ends were LF: %+v", sign.Checks)
			}
		})
	}
}
