package pgp

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// TestSignatureAroundEncryptionIsHandedOn: a PGP/MIME signature GnuPG made
// over a whole multipart/encrypted covers ciphertext: it is reported as an
// outer signature, never as the message's, and the encryption is handed
// on as Inner under the message's header. Beside another part nothing
// changes: the signature is the message's, not valid for its nested part
// (issue 12).
func TestSignatureAroundEncryptionIsHandedOn(t *testing.T) {
	f := needGPG(t)
	eng := NewEngine(samKeyring(t, f, aliceAddr))
	alice := []string{"--passphrase", alicePass, "-u", aliceAddr}
	armored, err := f.gpg([]byte(innerPart), "--armor", "-r", samAddr, "--encrypt")
	if err != nil {
		t.Fatal(err)
	}
	enc := "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"enc\"\r\n\r\n--enc\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n" +
		"--enc\r\nContent-Type: application/octet-stream\r\n\r\n" + string(crlf(string(armored))) + "\r\n--enc--"
	mixed := "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n--m\r\n" + enc + "\r\n--m--"
	for _, c := range []struct {
		name, part string
		handedOn   bool
	}{{"whole encryption", enc, true}, {"beside a text part", mixed, false}} {
		t.Run(c.name, func(t *testing.T) {
			sig, err := f.gpg([]byte(c.part), append(alice, "--armor", "--detach-sign")...)
			if err != nil {
				t.Fatal(err)
			}
			p, err := eng.Process(gpgDated(pgpMIMESigned(aliceAddr, samAddr, "outer", c.part, sig)), ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			r := p.Result
			if !c.handedOn {
				if p.Inner != nil || r.OuterSignature != nil || !r.Signed || r.Sign.Success || r.Encrypted {
					t.Fatalf("near miss changed: inner %v, result %+v", p.Inner != nil, r)
				}
				return
			}
			if r.Signed || r.Sign.Success || !r.Encrypted || r.Encryption.Success || r.Type != verdict.TechPGP || p.Entity != nil || p.Text != "" {
				t.Fatalf("the outer signature reads as the message's: %+v", r)
			}
			if o := r.OuterSignature; o == nil || o.Type != verdict.TechPGP || !o.Sign.Success || len(o.Sign.Signers) != 1 {
				t.Fatalf("outer signature %+v", o)
			}
			inner, err := mimepart.Parse(p.Inner)
			if err != nil || inner.MediaType != "multipart/encrypted" || inner.Header.Get("From") != aliceAddr {
				t.Fatalf("inner layer %q (%v)", p.Inner, err)
			}
			// The inner layer is a message the engine reads as such.
			in, err := eng.Process(p.Inner, ProcessOptions{Now: testNow})
			if err != nil || !in.Result.Encryption.Success || in.Result.Signed || !strings.Contains(in.Text, "meeting is at 10") ||
				!bytes.Contains(p.Inner, []byte("\r\nSubject: outer\r\n")) {
				t.Fatalf("inner processed: %+v %q (%v)", in.Result, in.Text, err)
			}
		})
	}
}
