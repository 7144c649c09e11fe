package security

import (
	"bytes"
	"crypto/x509"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/mail/outgoing"
)

// notEntities are plaintexts a decryption may reveal that are not MIME
// entities (RFC 8551 section 3.3, RFC 3156 section 4).
var notEntities = map[string]string{
	"binary garbage":           "\x00\x9f\x13Secret 4711 \x01\x02\xff\xfe",
	"text with a control byte": "Secret 4711: wire\x1b it today.\r\n",
	"header without the end":   "Content-Type: text/plain\r\nSecret 4711",
	"broken header line":       "Content-Type: text/plain\r\nSecret 4711 here\r\n\r\nbody\r\n",
	"multipart sans boundary":  "Content-Type: multipart/mixed\r\n\r\nSecret 4711\r\n",
}

// checkNothingShown: the article's decryption failed with the typed
// reason, and neither its text, its display nor its sealed cache holds
// anything of the plaintext.
func checkNothingShown(t *testing.T, f *fixture, raw []byte, want verdict.DecryptFailure) {
	t.Helper()
	in, err := f.svc.Processing.Inspect(f.ctx, raw, InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := in.Security
	if !r.Encrypted || r.Encryption.Success || r.Encryption.Failure != want || r.Sign.Success {
		t.Fatalf("result %+v, want a failed decryption (%s)", r, want)
	}
	if strings.Contains(in.Text, "4711") {
		t.Errorf("the text shows the plaintext: %q", in.Text)
	}
	d, err := f.svc.Processing.Display(f.ctx, in.ArticleID)
	if err != nil {
		t.Fatal(err)
	}
	if all := sectionsOf(d.Sections); strings.Contains(all, "4711") {
		t.Errorf("the display shows the plaintext:\n%s", all)
	}
	if d.Article.SealedContent != nil {
		t.Error("a failed decryption left sealed content")
	}
}

// TestDecryptedNonEntityIsADecryptionFailure: S/MIME and PGP/MIME
// plaintext that is not a MIME entity is a failed decryption with the
// typed reason DecryptMalformed, never "Decrypted" text.
func TestDecryptedNonEntityIsADecryptionFailure(t *testing.T) {
	p := getPKI(t)
	f := aliceWithBob(t)
	g := gpgtest.Get(t)
	pf := newPGPFixture(t, Options{})
	importPGP(t, pf, gpgtest.DeskPass, g.DeskSecret)
	hdr := "From: bob@example.test\r\nTo: alice@example.test\r\nSubject: garbage\r\nDate: Sun, 01 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
	for name, plain := range notEntities {
		t.Run("S/MIME "+name, func(t *testing.T) {
			ent, err := smime.Encrypt([]byte(plain), []*x509.Certificate{p.alice.cert}, smime.EncryptOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkNothingShown(t, f, append([]byte(hdr+"Message-ID: <smime-"+strings.ReplaceAll(name, " ", "-")+"@x>\r\n"), ent...), verdict.DecryptMalformed)
		})
		t.Run("PGP/MIME "+name, func(t *testing.T) {
			armored := g.Must(t, []byte(plain), "--armor", "-r", g.Desk, "--encrypt")
			checkNothingShown(t, pf, gpgtest.PGPMIMEEncrypted("Alice <"+gpgtest.AliceAddr+">", gpgtest.DeskAddr, "garbage "+name, armored), verdict.DecryptMalformed)
		})
	}
}

// TestPGPIntegrityFailureShowsNothing: an OpenPGP message whose integrity
// check (MDC or AEAD tag) fails shows no plaintext at all, as a whole
// message or as an inline block, and leaves nothing in the sealed cache
// (EFAIL, USENIX Security 2018: the CFB gadget attack needs the client to
// show a tampered plaintext).
func TestPGPIntegrityFailureShowsNothing(t *testing.T) {
	g, f, _ := deskReadsAlice(t)
	// Uncompressed, so that the plaintext lies in the ciphertext's own
	// stream and a flipped bit reaches it.
	bin := g.Must(t, []byte(gpgtest.Inner+"Secret 4711, and more text so that the flip lands inside the literal data.\r\n"),
		"-z", "0", "-r", g.Desk, "--encrypt")
	bin[len(bin)-40] ^= 0x01 // inside the encrypted data, before the MDC / last tag
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, "PGP MESSAGE", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(bin)
	_ = w.Close()
	tampered := buf.Bytes()
	t.Run("PGP/MIME", func(t *testing.T) {
		checkNothingShown(t, f, gpgtest.PGPMIMEEncrypted("Alice <"+gpgtest.AliceAddr+">", gpgtest.DeskAddr, "tampered", tampered), verdict.DecryptIntegrity)
	})
	t.Run("inline", func(t *testing.T) {
		raw := []byte("From: Alice <" + gpgtest.AliceAddr + ">\r\nTo: " + gpgtest.DeskAddr + "\r\nSubject: tampered inline\r\n" +
			"Date: Sun, 01 Mar 2026 10:00:00 +0000\r\nContent-Type: text/plain\r\n\r\n" + strings.ReplaceAll(string(tampered), "\n", "\r\n"))
		checkNothingShown(t, f, raw, verdict.DecryptIntegrity)
	})
}

// TestReplyQuotesNoEncryptedPart: a reply or forward quotes encrypted
// content only when the whole mail was the encrypted part; from a partly
// encrypted mail it quotes the unencrypted parts and notes the rest
// (EFAIL's reply oracle, USENIX Security 2018, section 5).
func TestReplyQuotesNoEncryptedPart(t *testing.T) {
	g, f, _ := deskReadsAlice(t)
	enc := strings.ReplaceAll(string(g.Must(t, []byte("My PIN is 4711.\n"), "--armor", "-r", g.Desk, "--encrypt")), "\n", "\r\n")
	hdr := func(subject, ctype string) string {
		return "From: Mallory <mallory@evil.example>\r\nTo: " + gpgtest.DeskAddr + "\r\nSubject: " + subject +
			"\r\nMessage-ID: <" + strings.ReplaceAll(subject, " ", ".") + "@evil.example>\r\nDate: Sun, 01 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: " + ctype + "\r\n\r\n"
	}
	cases := []struct {
		name      string
		raw       []byte
		want, not string
		wantNote  bool
	}{
		{"inline block among plain text", []byte(hdr("inline among text", "text/plain") + "Please confirm this:\r\n" + enc + "Thanks\r\n"),
			"Please confirm this", "4711", true},
		{"encrypted attachment in a plain multipart", []byte(hdr("attachment", `multipart/mixed; boundary="b"`) +
			"--b\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n--b\r\nContent-Type: application/octet-stream; name=\"pin.txt.asc\"\r\n" +
			"Content-Disposition: attachment; filename=\"pin.txt.asc\"\r\n\r\n" + enc + "\r\n--b--\r\n"), "See the attachment", "4711", false},
		{"PGP/MIME part in a plain multipart", []byte(hdr("nested", `multipart/mixed; boundary="b"`) +
			"--b\r\nContent-Type: text/plain\r\n\r\nRead below.\r\n--b\r\n" + asPart(g.Encrypted(t, "inner", false)) + "\r\n--b--\r\n"),
			"Read below", "printer is on fire", true},
		{"whole message encrypted (PGP/MIME)", g.Encrypted(t, "whole", false), "printer is on fire", outgoing.EncryptedNote, false},
		{"whole text encrypted (inline)", []byte(hdr("whole inline", "text/plain") + enc), "My PIN is 4711", outgoing.EncryptedNote, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := f.svc.Processing.Inspect(f.ctx, c.raw, InspectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			o, _, err := f.svc.Processing.QuoteSource(f.ctx, in.ArticleID)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(o.Text, c.want) || strings.Contains(o.Text, c.not) || strings.Contains(o.Text, "BEGIN PGP") {
				t.Errorf("quoted %q: want %q, never %q or armor", o.Text, c.want, c.not)
			}
			if c.wantNote && !strings.Contains(o.Text, outgoing.EncryptedNote) {
				t.Errorf("quoted %q without %q", o.Text, outgoing.EncryptedNote)
			}
		})
	}
}
