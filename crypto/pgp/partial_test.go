package pgp

import (
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"strings"
	"testing"
)

// TestPartialInlineEncryptionFromGnuPG: GnuPG-made encrypted blocks
// among plain paragraphs are decrypted, but the message is never
// encrypted as a whole: the result says only part was, names our key,
// and the text keeps the readable paragraphs beside the plaintext
// (issue 12; the display cuts it into labelled sections, see
// InlineSplitter and security's TestDisplaySeveralInlineBlocks).
func TestPartialInlineEncryptionFromGnuPG(t *testing.T) {
	f := needGPG(t)
	enc := func(text string) string {
		out, err := f.gpg([]byte(text), "--armor", "-r", samAddr, "--encrypt")
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	eng := NewEngine(samKeyring(t, f, aliceAddr))
	for _, c := range []struct{ name, body string }{
		{"block between paragraphs", "Dear support,\n\nmy account data:\n" + enc("IBAN DE00 1234\n") + "\nKind regards\n"},
		{"two blocks, text between", enc("IBAN DE00 1234\n") + "\nand the PIN, separately:\n" + enc("PIN 4711\n")},
		{"block, then a signature line", enc("IBAN DE00 1234\n") + "-- \nAlice, sent from my phone\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := eng.Process(mkMail(aliceAddr, samAddr, "partial", "text/plain; charset=utf-8", c.body), ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			e := p.Result.Encryption
			if !p.Result.Encrypted || e.Success || e.Failure != verdict.DecryptPartial || e.Key != f.sam.Fingerprint {
				t.Errorf("encryption %+v: want decrypted in part, never as a whole", e)
			}
			if !strings.Contains(p.Text, "IBAN DE00 1234") || strings.Contains(p.Text, "BEGIN PGP") {
				t.Errorf("text %q", p.Text)
			}
		})
	}
}
