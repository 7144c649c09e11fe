package security

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/store"
)

func TestWarnings(t *testing.T) {
	fail := func(names ...string) []verdict.Check {
		cs := []verdict.Check{{Name: "structure", OK: true}}
		for _, n := range names {
			cs = append(cs, verdict.Check{Name: n, OK: false})
		}
		return cs
	}
	signed := func(checks []verdict.Check) verdict.Result {
		return verdict.Result{Type: verdict.TechSMIME, Signed: true, Sign: verdict.SignResult{Checks: checks, Comment: "engine says"}}
	}
	enc := func(ok bool, alg, comment string) verdict.Result {
		return verdict.Result{Type: verdict.TechSMIME, Encrypted: true, Encryption: verdict.EncryptionResult{Success: ok, Algorithm: alg, Comment: comment}}
	}
	protected := func(r verdict.Result) verdict.Result { r.Encryption.IntegrityProtected = true; return r }
	signedToo := func(r verdict.Result) verdict.Result {
		r.Signed, r.Sign = true, verdict.SignResult{Success: true}
		return r
	}
	cases := []struct {
		name  string
		r     verdict.Result
		kinds string // comma-separated, in order
		retry bool   // the first warning offers Retry
		title string // in the first title
	}{
		{"plain", verdict.Result{}, "", false, ""},
		{"valid signature", verdict.Result{Type: verdict.TechSMIME, Signed: true, Sign: verdict.SignResult{Success: true}}, "", false, ""},
		{"sender certificate missing", signed(fail("certificate")), "sender_key_missing", true, "certificate is missing"},
		{"sender pgp key missing", signed(fail("key")), "sender_key_missing", true, "public key is missing"},
		{"unknown CA", signed(fail("chain")), "untrusted", true, "CA you trust"},
		{"different address", signed(fail("from")), "from_mismatch", false, "different address"},
		{"expired", signed(fail("validity")), "expired", true, "Expired"},
		{"display name shows another address", signed([]verdict.Check{{Name: "from", Reason: verdict.ReasonFromName, Detail: "the display name shows boss@corp.example"}}), "from_name_address", false, "shows another address"},
		{"several From fields", signed([]verdict.Check{{Name: "from", Reason: verdict.ReasonFromHeaders}}), "from_several_headers", false, "several From fields"},
		{"replayed signature", signed([]verdict.Check{{Name: "from", OK: true}, {Name: "signing time", Reason: verdict.ReasonDateMismatch}}), "date_mismatch", false, "another time"},
		{"tampered, one warning for two checks", signed(fail("digest", "signature")), "tampered", false, "changed"},
		{"expired and untrusted", signed(fail("validity", "chain")), "expired,untrusted", true, ""},
		{"no checks at all", signed(nil), "other", true, "not valid"},
		{"our key missing", enc(false, "", "Our certificate and private key for decryption are missing (maybe ...)"), "our_key_missing", true, "maybe the sender used the wrong certificate"},
		{"pgp secret key missing", enc(false, "", "The message is encrypted for 0xAB, and you hold no secret key for it"), "our_key_missing", true, ""},
		{"no MDC", enc(false, "", "The message is encrypted without integrity protection (an obsolete format...)"), "not_integrity_protected", false, "Not integrity-protected"},
		// The engine names the key transport beside the cipher: the typed
		// field decides, not the name (issue 11, defect 7).
		{"CBC and not signed", enc(true, "AES-256-CBC, RSA PKCS #1 v1.5", ""), "not_integrity_protected", false, "Not integrity-protected"},
		{"GCM", protected(enc(true, "AES-256-GCM, RSA PKCS #1 v1.5", "")), "", false, ""},
		{"CBC and validly signed", signedToo(enc(true, "AES-256-CBC, RSA PKCS #1 v1.5", "")), "", false, ""},
		{"switched off", verdict.Result{Type: verdict.TechPGP, Signed: true, Sign: verdict.SignResult{Comment: "PGP is switched off in Settings > Integrations: switch it on"}},
			"switched_off", true, "switched off"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws := Warnings(tc.r)
			var kinds []string
			for _, w := range ws {
				kinds = append(kinds, w.Kind)
				if w.Title == "" || w.Fix == "" {
					t.Errorf("warning without title or fix: %+v", w)
				}
			}
			if strings.Join(kinds, ",") != tc.kinds {
				t.Fatalf("kinds %v, want %s", kinds, tc.kinds)
			}
			if len(ws) > 0 && (ws[0].Retry != tc.retry || !strings.Contains(ws[0].Title, tc.title)) {
				t.Fatalf("first warning %+v, want retry %v, title with %q", ws[0], tc.retry, tc.title)
			}
		})
	}
}

// TestUnsignedCBCMailCarriesTheIntegrityWarning: an S/MIME message
// encrypted with AES-CBC and not signed, through the real engine, is
// reported as not integrity-protected and shown with that warning; the
// same text sealed and signed is not (issue 11, defect 7).
func TestUnsignedCBCMailCarriesTheIntegrityWarning(t *testing.T) {
	f := aliceWithBob(t)
	for _, tc := range []struct {
		name     string
		sign     bool
		wantWarn bool
	}{{"encrypted only", false, true}, {"signed and encrypted", true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: message("alice@example.test", "Bob <bob@example.test>", "cbc-"+strings.ReplaceAll(tc.name, " ", "-"), "Pay 100 EUR."), Sign: tc.sign, Encrypt: true, Technology: verdict.TechSMIME})
			if err != nil {
				t.Fatal(err)
			}
			in, err := f.svc.Processing.Inspect(f.ctx, out, InspectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			r := in.Security
			if !r.Encrypted || !r.Encryption.Success || r.Encryption.IntegrityProtected {
				t.Fatalf("encryption %+v: want decrypted, not integrity-protected", r.Encryption)
			}
			warned := false
			for _, w := range Warnings(r) {
				warned = warned || w.Kind == "not_integrity_protected"
			}
			if warned != tc.wantWarn {
				t.Fatalf("not_integrity_protected warning %v, want %v (%+v)", warned, tc.wantWarn, Warnings(r))
			}
		})
	}
}

// TestDisplayPartlyProtectedInline: a text with inline OpenPGP blocks
// among unprotected text is shown part by part; each block carries its own
// verdict, the article's result stays the engine's ("not valid", "not
// fully encrypted"), and nothing decrypted is stored or logged.
func TestDisplayPartlyProtectedInline(t *testing.T) {
	g, f, alice := deskReadsAlice(t)
	clear := string(g.Must(t, []byte("Please reset my password.\n"), append(alice, "--clearsign")...))
	enc := string(g.Must(t, []byte("My PIN is 4711.\n"), "--armor", "-r", g.Desk, "--encrypt"))
	encSigned := string(g.Must(t, []byte("My PIN is 4711.\n"), append(alice, "--armor", "-r", g.Desk, "--sign", "--encrypt")...))
	forAlice := string(g.Must(t, []byte("Not for the desk.\n"), "--armor", "-r", g.Alice, "--encrypt"))
	mail := func(ctype, body string) []byte {
		return []byte("From: Alice <" + gpgtest.AliceAddr + ">\r\nTo: " + gpgtest.DeskAddr + "\r\nSubject: inline\r\nMessage-ID: <" +
			strings.ReplaceAll(t.Name(), "/", ".") + "@example.test>\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\nContent-Type: " +
			ctype + "\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n"))
	}
	plain := "text/plain; charset=utf-8"
	type sec struct{ origin, label, body string } // label, body: contained
	cases := []struct {
		name     string
		raw      []byte
		signOK   bool // the article's verdict
		encOK    bool
		want     []sec
		notShown string // in no section, labels and notices included
	}{
		{"signed block with unsigned text around", mail(plain, "Also wire 500 EUR to X.\n"+clear+"-- \nsent from my phone\n"), false, false, []sec{
			{"unprotected", "", "wire 500 EUR"},
			{"unchecked", "signature valid for this block only (Alice", "reset my password"},
			{"unprotected", "", "sent from my phone"}}, "BEGIN PGP SIGNATURE"},
		{"encrypted block with unencrypted text around", mail(plain, "Hi support,\n"+enc+"Thanks\n"), false, false, []sec{
			{"unprotected", "", "Hi support"},
			{"protected", "Decrypted block", "My PIN is 4711"},
			{"unprotected", "", "Thanks"}}, "BEGIN PGP MESSAGE"},
		{"encrypted and signed block, text after", mail(plain, encSigned+"\nPS: unencrypted\n"), false, false, []sec{
			{"protected", "Decrypted block, signed inside: signature valid for this block only", "My PIN is 4711"},
			{"unprotected", "", "PS: unencrypted"}}, "BEGIN PGP MESSAGE"},
		{"block we cannot decrypt", mail(plain, "Hi\n"+forAlice), false, false, []sec{
			{"unprotected", "", "Hi"},
			{"unopened", "not decrypted", ""}}, "BEGIN PGP MESSAGE"},
		{"block in html", mail("text/html; charset=utf-8", "<p>Hi support,</p><p>"+strings.ReplaceAll(enc, "\n", "<br>\n")+"</p>"), false, false, []sec{
			{"unprotected", "", "Hi support"},
			{"protected", "Decrypted block", "My PIN is 4711"}}, "BEGIN PGP MESSAGE"},
		{"whole text clearsigned: one protected section, as before", mail(plain, clear), true, false, []sec{
			{"protected", "", "reset my password"}}, "BEGIN PGP SIGNATURE"},
		{"whole text encrypted: one protected section, as before", mail(plain, enc), false, true, []sec{
			{"protected", "", "My PIN is 4711"}}, "BEGIN PGP MESSAGE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in, err := f.svc.Processing.Inspect(f.ctx, tc.raw, InspectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			r := in.Security
			if r.Type != "PGP" || r.Sign.Success != tc.signOK || r.Encryption.Success != tc.encOK {
				t.Fatalf("article result %+v, want sign %v, decryption %v", r, tc.signOK, tc.encOK)
			}
			d, err := f.svc.Processing.Display(f.ctx, in.ArticleID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range d.Sections {
				var bodies []string
				for _, b := range s.Bodies {
					bodies = append(bodies, b.Text)
				}
				got = append(got, fmt.Sprintf("%s [%s] %q %q", s.Origin, s.Label, bodies, s.Notices))
			}
			all := strings.Join(got, "\n")
			if len(d.Sections) != len(tc.want) {
				t.Fatalf("%d sections, want %d:\n%s", len(d.Sections), len(tc.want), all)
			}
			for i, w := range tc.want {
				s := d.Sections[i]
				var text string
				for _, b := range s.Bodies {
					text += b.Text
				}
				if string(s.Origin) != w.origin || !strings.Contains(s.Label, w.label) || !strings.Contains(text, w.body) {
					t.Errorf("section %d: %s, want %+v", i, got[i], w)
				}
				if s.Origin == "unprotected" && strings.Contains(text, "4711") {
					t.Errorf("section %d: decrypted text merged into an unprotected section: %q", i, text)
				}
			}
			if strings.Contains(all, tc.notShown) {
				t.Errorf("%q shown:\n%s", tc.notShown, all)
			}
			a, err := f.p.Store.Article(f.ctx, in.ArticleID)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.encOK && a.SealedContent != nil {
				t.Error("a partly decrypted article has sealed content")
			}
			if a.Security.Sign.Success != tc.signOK || a.Security.Encryption.Success != tc.encOK {
				t.Errorf("Display changed the stored result: %+v", a.Security)
			}
		})
	}
	logs, err := f.p.Store.Log(f.ctx, store.LogQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range logs {
		if strings.Contains(l.Detail, "4711") || strings.Contains(l.Detail, "password") {
			t.Errorf("content in the log: %+v", l)
		}
	}
}
