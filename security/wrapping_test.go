package security

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/mail/mime"
)

// asPart turns a whole message into a body part: its Content-* fields
// (with their continuation lines) and its body, the other fields dropped,
// extra fields added ("Content-ID: <x>", "Content-Disposition: ...").
func asPart(msg []byte, extra ...string) string {
	hdr, body, _ := bytes.Cut(msg, []byte("\r\n\r\n"))
	var out strings.Builder
	keep := false
	for _, line := range strings.Split(string(hdr), "\r\n") {
		if line != "" && (line[0] == ' ' || line[0] == '\t') {
			if keep {
				out.WriteString(line + "\r\n")
			}
			continue
		}
		keep = strings.HasPrefix(strings.ToLower(line), "content-")
		if keep {
			out.WriteString(line + "\r\n")
		}
	}
	for _, e := range extra {
		out.WriteString(e + "\r\n")
	}
	return out.String() + "\r\n" + string(body)
}

// wrapping is one way an attacker puts a genuinely protected part into a
// mail of their own ("Johnny, You Are Fired", USENIX Security 2019,
// section 4.3; EFAIL's wrapping of captured ciphertext).
type wrapping struct {
	name string
	// build makes the outer mail around msg, a whole protected message.
	build func(msg []byte) []byte
}

func wrappings(from string) []wrapping {
	hdr := func(ctype string) string {
		return "From: " + from + "\r\nTo: support@example.test\r\nSubject: wrapped\r\nDate: Sun, 01 Mar 2026 10:00:00 +0000\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: " + ctype + "\r\n\r\n"
	}
	mixed := func(ctype string, parts ...string) []byte {
		var b strings.Builder
		b.WriteString(hdr(ctype + `; boundary="outer"`))
		for _, p := range parts {
			b.WriteString("--outer\r\n" + p + "\r\n")
		}
		b.WriteString("--outer--\r\n")
		return []byte(b.String())
	}
	text := "Content-Type: text/plain; charset=utf-8\r\n\r\nWire 500 EUR to the account below.\r\n"
	return []wrapping{
		{"after padding", func(m []byte) []byte {
			return mixed("multipart/mixed", text+strings.Repeat("\r\n", 80), asPart(m))
		}},
		{"behind CSS", func(m []byte) []byte {
			return mixed("multipart/mixed",
				"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Wire 500 EUR to the account below.</p><div style=\"display:none\">",
				asPart(m), "Content-Type: text/html; charset=utf-8\r\n\r\n</div>")
		}},
		{"by cid", func(m []byte) []byte {
			return mixed(`multipart/related; type="text/html"`,
				"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Wire 500 EUR to the account below.</p><iframe src=\"cid:part@x\"></iframe>",
				asPart(m, "Content-ID: <part@x>"))
		}},
		{"as an attachment", func(m []byte) []byte {
			return mixed("multipart/mixed", text, asPart(m, `Content-Disposition: attachment; filename="original.eml"`))
		}},
		{"inside message/rfc822", func(m []byte) []byte {
			return mixed("multipart/mixed", text, "Content-Type: message/rfc822\r\n\r\n"+string(m))
		}},
		{"as an alternative", func(m []byte) []byte {
			return mixed("multipart/alternative", text, asPart(m))
		}},
	}
}

// sectionsOf renders sections for failure messages.
func sectionsOf(secs []mime.Section) string {
	var out []string
	for _, s := range secs {
		var bodies []string
		for _, b := range s.Bodies {
			bodies = append(bodies, b.Text)
		}
		var atts []string
		for _, a := range s.Attachments {
			atts = append(atts, a.Name)
		}
		out = append(out, fmt.Sprintf("%s [%s] %q %q %q", s.Origin, s.Label, bodies, atts, s.Notices))
	}
	return strings.Join(out, "\n")
}

// checkWrapped inspects and displays one wrapped mail: the article is
// neither validly signed nor decrypted as a whole, nothing is Protected
// in the display, the wrapper's own text is Unprotected, and the
// protected part is marked as such (want: Unchecked for a signed part
// whose content shows, Unopened for an encrypted one, "" for a part only
// listed as an attachment, Protected for an inline block, which is then
// a labelled section of its own). secret never shows outside a section
// of origin want and is never cached.
func checkWrapped(t *testing.T, f *fixture, raw []byte, want mime.Origin, secret string, alternative bool) {
	t.Helper()
	in, err := f.svc.Processing.Inspect(f.ctx, raw, InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := in.Security
	if r.Sign.Success || r.Encryption.Success {
		t.Errorf("the wrapped part became the message's state: %+v", r)
	}
	if r.Signed && !hasFailedCheck(r.Sign, verdict.ReasonPartial) {
		t.Errorf("signed, but no failed structure check says only a part is: %+v", r.Sign)
	}
	d, err := f.svc.Processing.Display(f.ctx, in.ArticleID)
	if err != nil {
		t.Fatal(err)
	}
	all := sectionsOf(d.Sections)
	if strings.Contains(all, "-----BEGIN PGP") {
		t.Errorf("OpenPGP armor shown as content:\n%s", all)
	}
	var gotWant, gotWrapper bool
	for _, s := range d.Sections {
		text := sectionsOf([]mime.Section{s})
		switch {
		case s.Origin == mime.Protected && s.Label == "":
			// Only an inline block's own labelled section may be
			// Protected: never the message's content as a whole.
			t.Errorf("an unlabelled Protected section in a wrapped mail:\n%s", all)
		case s.Origin == want:
			gotWant = true
		}
		if s.Origin == mime.Unprotected && strings.Contains(text, "Wire 500 EUR") {
			gotWrapper = true
		}
		if secret != "" && s.Origin != want && strings.Contains(text, secret) {
			t.Errorf("the protected content %q shows in a %s section:\n%s", secret, s.Origin, all)
		}
	}
	if want != "" && !gotWant {
		t.Errorf("no %s section marks the protected part:\n%s", want, all)
	}
	// The view shows one alternative of a multipart/alternative (RFC 2046
	// section 5.1.4): when it picks the protected one, the wrapper's
	// alternative is rightly not on screen.
	if !gotWrapper && !(alternative && gotWant) {
		t.Errorf("the wrapper's text is not shown as unprotected:\n%s", all)
	}
	a, err := f.p.Store.Article(f.ctx, in.ArticleID)
	if err != nil {
		t.Fatal(err)
	}
	if a.SealedContent != nil {
		t.Error("a wrapped mail has sealed (decrypted) content")
	}
}

func hasFailedCheck(r verdict.SignResult, reason verdict.Reason) bool {
	for _, c := range r.Checks {
		if c.Kind == verdict.CheckStructure && c.Reason == reason && !c.OK {
			return true
		}
	}
	return false
}

// TestWrappedSMIMEPartIsNeverTheMessagesState: a part Alice really signed,
// or really encrypted to us, inside a mail someone else composed, is
// never the message's signature or encryption, however it is wrapped.
func TestWrappedSMIMEPartIsNeverTheMessagesState(t *testing.T) {
	f := aliceWithBob(t)
	// Bob encrypts to Alice (us): sealed through a keyring holding Bob's
	// key and Alice's certificate.
	encrypted, err := f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: message("alice@example.test", "alice@example.test", "enc", "The vault code is 4711."), Sign: false, Encrypt: true, Technology: verdict.TechSMIME})
	if err != nil {
		t.Fatal(err)
	}
	signed := signedByAlice(t, "signed")
	for _, w := range wrappings("Alice <alice@example.test>") {
		t.Run("signed "+w.name, func(t *testing.T) {
			want := mime.Unchecked
			if w.name == "inside message/rfc822" {
				want = ""
			}
			checkWrapped(t, f, w.build(signed), want, "", w.name == "as an alternative")
		})
		t.Run("encrypted "+w.name, func(t *testing.T) {
			want := mime.Unopened
			if w.name == "inside message/rfc822" {
				want = ""
			}
			checkWrapped(t, f, w.build(encrypted), want, "4711", w.name == "as an alternative")
		})
	}
}

// TestWrappedPGPPartIsNeverTheMessagesState is the OpenPGP side: PGP/MIME
// signed and encrypted parts, and inline blocks in a part of their own.
func TestWrappedPGPPartIsNeverTheMessagesState(t *testing.T) {
	g, f, alice := deskReadsAlice(t)
	clear := g.Must(t, []byte("Please reset my password.\n"), append(alice, "--clearsign")...)
	enc := g.Must(t, []byte("My PIN is 4711.\n"), "--armor", "-r", g.Desk, "--encrypt")
	inline := func(armored []byte) []byte {
		return []byte("Content-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(string(armored), "\n", "\r\n"))
	}
	from := "Alice <" + gpgtest.AliceAddr + ">"
	for _, w := range wrappings(from) {
		rfc822 := w.name == "inside message/rfc822"
		for _, c := range []struct {
			name   string
			msg    []byte
			want   mime.Origin
			secret string
		}{
			{"PGP/MIME signed", g.Signed(t, "signed"), mime.Unchecked, ""},
			{"PGP/MIME encrypted", g.Encrypted(t, "encrypted", true), mime.Unopened, "printer is on fire"},
			{"inline signed", inline(clear), mime.Unchecked, ""},
			// An inline block is decrypted into a labelled section of its
			// own, never the message's (display_test.go).
			{"inline encrypted", inline(enc), mime.Protected, "4711"},
		} {
			want := c.want
			if rfc822 || (w.name == "as an attachment" && strings.HasPrefix(c.name, "inline")) {
				// Listed as an attachment, not opened: a file that holds
				// a protected message or block is not shown as content.
				want = ""
			}
			t.Run(c.name+" "+w.name, func(t *testing.T) {
				checkWrapped(t, f, w.build(c.msg), want, c.secret, w.name == "as an alternative")
			})
		}
	}
}

// deskReadsAlice is a fixture holding the desk's secret key and Alice's
// public key, with the gpg arguments that sign as Alice.
func deskReadsAlice(t *testing.T) (*gpgtest.Fixture, *fixture, []string) {
	t.Helper()
	g := gpgtest.Get(t)
	f := newPGPFixture(t, Options{})
	importPGP(t, f, gpgtest.DeskPass, g.DeskSecret)
	importPGP(t, f, "", g.AlicePublic)
	return g, f, []string{"--passphrase", gpgtest.AlicePass, "-u", g.Alice}
}

// TestInlineBlockBesideTextlessHTMLIsPartial: an HTML part whose text is
// empty (an image, a style sheet, CSS-generated content) beside a
// cleartext-signed or encrypted text part is content the block does not
// cover; the message is not signed or encrypted as a whole.
func TestInlineBlockBesideTextlessHTMLIsPartial(t *testing.T) {
	g, f, alice := deskReadsAlice(t)
	clear := g.Must(t, []byte("Please reset my password.\n"), append(alice, "--clearsign")...)
	enc := g.Must(t, []byte("My PIN is 4711.\n"), append(alice, "--armor", "-r", g.Desk, "--sign", "--encrypt")...)
	for name, block := range map[string][]byte{"signed": clear, "encrypted": enc} {
		t.Run(name, func(t *testing.T) {
			raw := []byte("From: Alice <" + gpgtest.AliceAddr + ">\r\nTo: " + gpgtest.DeskAddr + "\r\nSubject: html " + name +
				"\r\nDate: Sun, 01 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n" +
				"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<style>body::before{content:\"Wire 500 EUR\"}</style><img src=\"https://evil.example/x.png\">\r\n" +
				"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(string(block), "\n", "\r\n") + "\r\n--b--\r\n")
			in, err := f.svc.Processing.Inspect(f.ctx, raw, InspectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if r := in.Security; r.Sign.Success || r.Encryption.Success {
				t.Fatalf("the block became the message's state: %+v", r)
			}
		})
	}
}
