package security

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/mail/mime"
)

// displayed returns the article's sections and all their text, failing
// the test when OpenPGP armor shows as content.
func displayed(t *testing.T, f *fixture, id int64) ([]mime.Section, string) {
	t.Helper()
	d, err := f.svc.Processing.Display(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	all := sectionsOf(d.Sections)
	if strings.Contains(all, "-----BEGIN PGP") {
		t.Errorf("OpenPGP armor shown as content:\n%s", all)
	}
	return d.Sections, all
}

// exchangeRewrite turns a PGP/MIME encrypted mail made by
// gpgtest.PGPMIMEEncrypted into what Microsoft Exchange delivers: a
// multipart/mixed of an empty text part, the control part and
// encrypted.asc.
func exchangeRewrite(raw []byte) []byte {
	raw = bytes.Replace(raw, []byte(`multipart/encrypted; protocol="application/pgp-encrypted"; boundary="enc"`), []byte(`multipart/mixed; boundary="enc"`), 1)
	return bytes.Replace(raw, []byte("\r\n\r\n--enc\r\n"), []byte("\r\n\r\n--enc\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n\r\n\r\n--enc\r\n"), 1)
}

// TestExchangeRewriteIsShownAsTheEncryptedMessage: the article of an
// Exchange-mangled PGP/MIME mail is encrypted and validly signed as a
// whole, says it was repaired, and shows the decrypted text as its one
// protected section, not encrypted.asc as an attachment (issue 12).
func TestExchangeRewriteIsShownAsTheEncryptedMessage(t *testing.T) {
	g, f, _ := deskReadsAlice(t)
	raw := exchangeRewrite(g.Encrypted(t, "exchange", true))
	in, err := f.svc.Processing.Inspect(f.ctx, raw, InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := in.Security
	if r.Repaired != verdict.RepairExchangePGPMIME || !r.Encryption.Success || !r.Sign.Success || !strings.Contains(in.Text, "printer is on fire") {
		t.Fatalf("result %+v text %q", r, in.Text)
	}
	for _, pass := range []string{"first", "again"} { // sealed copy, then as stored
		secs, all := displayed(t, f, in.ArticleID)
		if len(secs) != 1 || secs[0].Origin != mime.Protected || !strings.Contains(all, "printer is on fire") || len(secs[0].Attachments) != 0 {
			t.Errorf("%s display:\n%s", pass, all)
		}
	}
}

// TestClearsignedInsideEncryptedIsShown: a multipart/encrypted holding a
// cleartext-signed text is not encrypted, shows the signed text, and its
// signature counts as an inline one (issue 12).
func TestClearsignedInsideEncryptedIsShown(t *testing.T) {
	g, f, alice := deskReadsAlice(t)
	clear := g.Must(t, []byte("Please reset my password.\n"), append(alice, "--clearsign")...)
	in, err := f.svc.Processing.Inspect(f.ctx, gpgtest.PGPMIMEEncrypted("Alice <"+gpgtest.AliceAddr+">", gpgtest.DeskAddr, "clearsigned", clear), InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := in.Security
	if r.Encrypted || !r.Signed || !r.Sign.Success || r.Repaired != verdict.RepairClearsignedInEncrypted || r.Failed() {
		t.Fatalf("result %+v", r)
	}
	secs, all := displayed(t, f, in.ArticleID)
	if len(secs) != 1 || secs[0].Origin != mime.Protected || !strings.Contains(all, "reset my password") {
		t.Errorf("display:\n%s", all)
	}
}

// TestDisplaySeveralInlineBlocks: two GnuPG-encrypted blocks among plain
// paragraphs are two labelled decrypted sections between unprotected
// ones; the article is never decrypted as a whole (issue 12).
func TestDisplaySeveralInlineBlocks(t *testing.T) {
	g, f, _ := deskReadsAlice(t)
	enc := func(s string) string {
		return strings.ReplaceAll(string(g.Must(t, []byte(s), "--armor", "-r", g.Desk, "--encrypt")), "\n", "\r\n")
	}
	raw := []byte("From: Alice <" + gpgtest.AliceAddr + ">\r\nTo: " + gpgtest.DeskAddr + "\r\nSubject: two blocks\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDear support,\r\n" + enc("IBAN DE00 1234\n") + "and separately\r\n" + enc("PIN 4711\n") + "Kind regards\r\n")
	in, err := f.svc.Processing.Inspect(f.ctx, raw, InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r := in.Security; r.Encryption.Success || !strings.Contains(r.Encryption.Comment, "Only part") {
		t.Fatalf("encryption %+v: want never as a whole", r.Encryption)
	}
	secs, all := displayed(t, f, in.ArticleID)
	want := []struct {
		origin mime.Origin
		text   string
	}{{mime.Unprotected, "Dear support"}, {mime.Protected, "IBAN DE00 1234"}, {mime.Unprotected, "and separately"}, {mime.Protected, "PIN 4711"}, {mime.Unprotected, "Kind regards"}}
	if len(secs) != len(want) {
		t.Fatalf("%d sections, want %d:\n%s", len(secs), len(want), all)
	}
	for i, w := range want {
		s := sectionsOf(secs[i : i+1])
		if secs[i].Origin != w.origin || !strings.Contains(s, w.text) || (w.origin == mime.Protected) != (secs[i].Label != "") {
			t.Errorf("section %d: %s, want %s %q", i, s, w.origin, w.text)
		}
	}
}

// TestFoundKeyOfferedOnlyForTheSender: a key attached to Alice's mail is
// offered to the composer only when the mail proves it is hers (here: it
// verifies her signature); attached to an unsigned mail it is listed
// under "Found in mail" as unproven and the composer does not offer it
// (issue 12).
func TestFoundKeyOfferedOnlyForTheSender(t *testing.T) {
	g := gpgtest.Get(t)
	alice := []string{"--passphrase", gpgtest.AlicePass, "-u", g.Alice}
	for _, c := range []struct {
		name  string
		text  string
		want  string
		offer bool
	}{
		{"unsigned", "Here is my key.\r\n", "unproven", false},
		{"signed by the key", strings.ReplaceAll(string(g.Must(t, []byte("Here is my key.\n"), append(alice, "--clearsign")...)), "\n", "\r\n"), "sender", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newPGPFixture(t, Options{})
			importPGP(t, f, gpgtest.DeskPass, g.DeskSecret)
			raw := []byte("From: Alice <" + gpgtest.AliceAddr + ">\r\nTo: " + gpgtest.DeskAddr + "\r\nSubject: my key " + c.name + "\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) +
				"\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"mx\"\r\n\r\n--mx\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + c.text +
				"\r\n--mx\r\nContent-Type: application/pgp-keys; name=\"alice.asc\"\r\n\r\n" + strings.ReplaceAll(string(g.AlicePublic), "\n", "\r\n") + "\r\n--mx--\r\n")
			in, err := f.svc.Processing.Inspect(f.ctx, raw, InspectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(in.Pending) != 1 || in.Pending[0].Finding != c.want || in.Pending[0].Fingerprint != g.Alice {
				t.Fatalf("pending %+v, want one key, finding %q", in.Pending, c.want)
			}
			carried, err := f.svc.FoundKeys.CarriedFor(f.ctx, intoTicket(t, f, in.ArticleID, 0), gpgtest.AliceAddr)
			if err != nil {
				t.Fatal(err)
			}
			if (len(carried) == 1) != c.offer {
				t.Errorf("composer offers %+v, want offered %v", carried, c.offer)
			}
		})
	}
}

// TestGatewayWrappedSMIMEIsShownAsTheMessage: an S/MIME message a gateway
// wrapped whole in a message/rfc822 of the same From is the article's
// message: validly signed, and shown as its one protected section, not as
// an attached "forwarded message" (issue 12).
func TestGatewayWrappedSMIMEIsShownAsTheMessage(t *testing.T) {
	f := aliceWithBob(t)
	raw := append([]byte("From: Alice <alice@example.test>\r\nTo: support@example.test\r\nSubject: [gw] wrapped\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n"),
		signedByAlice(t, "gateway")...)
	in, err := f.svc.Processing.Inspect(f.ctx, raw, InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r := in.Security; r.Type != verdict.TechSMIME || !r.Sign.Success || r.Repaired != verdict.RepairGatewayRFC822 {
		t.Fatalf("result %+v", r)
	}
	secs, all := displayed(t, f, in.ArticleID)
	if len(secs) != 1 || secs[0].Origin != mime.Protected || !strings.Contains(all, "Please help.") || len(secs[0].Attachments) != 0 {
		t.Errorf("display:\n%s", all)
	}
}

// TestOutlookFromInArticleHeader: the article header and the stored
// article show Outlook's windows-1252 From name decoded, and the
// result's sender says the same (issue 12).
func TestOutlookFromInArticleHeader(t *testing.T) {
	f := newFixture(t)
	raw := []byte("From: =?windows-1252?Q?J=FCrgen_M=FCller?= <j@example.test>\r\nTo: support@example.test\r\nSubject: =?windows-1252?Q?f=FCr_Sie?=\r\nMessage-ID: <outlook@example.test>\r\n" +
		"Content-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe\r\n")
	in, err := f.svc.Processing.Inspect(f.ctx, raw, InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if in.From != "Jürgen Müller <j@example.test>" || in.Subject != "für Sie" || in.Security.Sender == nil || in.Security.Sender.Name != "Jürgen Müller" || in.Security.Sender.From != "j@example.test" {
		t.Fatalf("from %q subject %q sender %+v", in.From, in.Subject, in.Security.Sender)
	}
	a, err := f.p.Store.Article(f.ctx, in.ArticleID)
	if err != nil || a.From != in.From {
		t.Fatalf("stored From %q, %v", a.From, err)
	}
}
