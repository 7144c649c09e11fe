package security

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/store"
)

func TestWarnings(t *testing.T) {
	// fail lists a passed structure check, then one failed check per
	// kind and reason pair.
	fail := func(pairs ...any) []verdict.Check {
		cs := []verdict.Check{{Kind: verdict.CheckStructure, OK: true}}
		for i := 0; i < len(pairs); i += 2 {
			cs = append(cs, verdict.Check{Kind: pairs[i].(verdict.CheckKind), Reason: pairs[i+1].(verdict.Reason)})
		}
		return cs
	}
	signed := func(checks []verdict.Check) verdict.Result {
		return verdict.Result{Type: verdict.TechSMIME, Signed: true, Sign: verdict.SignResult{Checks: checks, Comment: "engine says", Reason: verdict.ReasonOf(checks)}}
	}
	enc := func(ok bool, alg string, failure verdict.DecryptFailure) verdict.Result {
		return verdict.Result{Type: verdict.TechSMIME, Encrypted: true, Encryption: verdict.EncryptionResult{Success: ok, Algorithm: alg, Comment: "engine says", Failure: failure}}
	}
	protected := func(r verdict.Result) verdict.Result { r.Encryption.IntegrityProtected = true; return r }
	signedToo := func(r verdict.Result) verdict.Result {
		r.Signed, r.Sign = true, verdict.SignResult{Success: true}
		return r
	}
	// A result stored before check kinds existed, its second signer's
	// chain failing: the name carried the signer.
	var legacy verdict.Result
	if err := json.Unmarshal([]byte(`{"type":"S/MIME","signed":true,"sign":{"success":false,"checks":[{"name":"structure","ok":true},{"name":"signer 2: chain","ok":false}]}}`), &legacy); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		r     verdict.Result
		kinds string // comma-separated, in order
		retry bool   // the first warning offers Retry
	}{
		{"plain", verdict.Result{}, "", false},
		{"valid signature", verdict.Result{Type: verdict.TechSMIME, Signed: true, Sign: verdict.SignResult{Success: true}}, "", false},
		{"sender certificate missing", signed(fail(verdict.CheckCertificate, verdict.ReasonNoCertificate)), "sender_key_missing", true},
		{"sender pgp key missing", signed(fail(verdict.CheckKey, verdict.ReasonNoPublicKey)), "sender_key_missing", true},
		{"unknown CA", signed(fail(verdict.CheckChain, verdict.ReasonUntrusted)), "untrusted", true},
		// The defect: the checks of a second signer were renamed "signer
		// 2: chain", which the lookup by name missed ("other").
		{"second signer's CA unknown", signed([]verdict.Check{{Kind: verdict.CheckChain, Signer: 2, Reason: verdict.ReasonUntrusted}}), "untrusted", true},
		{"second signer's CA unknown, stored before kinds", legacy, "untrusted", true},
		{"inner signature's key expired", signed([]verdict.Check{{Kind: verdict.CheckValidity, Layer: 1, Reason: verdict.ReasonExpired}}), "expired", true},
		{"different address", signed(fail(verdict.CheckFrom, verdict.ReasonFromMismatch)), "from_mismatch", false},
		{"expired", signed(fail(verdict.CheckValidity, verdict.ReasonExpired)), "expired", true},
		{"display name shows another address", signed([]verdict.Check{{Kind: verdict.CheckFrom, Reason: verdict.ReasonFromName, Detail: "the display name shows boss@corp.example"}}), "from_name_address", false},
		{"several From fields", signed(fail(verdict.CheckFrom, verdict.ReasonFromHeaders)), "from_several_headers", false},
		{"replayed signature", signed([]verdict.Check{{Kind: verdict.CheckFrom, OK: true}, {Kind: verdict.CheckSigningTime, Reason: verdict.ReasonDateMismatch}}), "date_mismatch", false},
		{"tampered, one warning for two checks", signed(fail(verdict.CheckDigest, verdict.ReasonContentAltered, verdict.CheckSignature, verdict.ReasonBadSignature)), "tampered", false},
		// The defect: every failed digest check read as "changed after it
		// was signed", SHA-1 too, whose content is intact.
		{"SHA-1 is weak, not tampered", signed(fail(verdict.CheckDigest, verdict.ReasonWeakDigest)), "weak", false},
		{"revoked", signed(fail(verdict.CheckSignature, verdict.ReasonRevoked)), "revoked", true},
		{"expired and untrusted", signed(fail(verdict.CheckValidity, verdict.ReasonExpired, verdict.CheckChain, verdict.ReasonUntrusted)), "expired,untrusted", true},
		{"only part signed", signed(fail(verdict.CheckStructure, verdict.ReasonPartial)), "partial", false},
		{"no checks, a reason", verdict.Result{Signed: true, Sign: verdict.SignResult{Reason: verdict.ReasonNoSigner}}, "damaged", false},
		{"no checks at all", signed(nil), "other", true},
		{"our key missing", enc(false, "", verdict.DecryptNoKey), "our_key_missing", true},
		{"our key locked", enc(false, "", verdict.DecryptKeyLocked), "our_key_locked", true},
		{"keychain", enc(false, "", verdict.DecryptKeychain), "keychain", true},
		{"no MDC", enc(false, "", verdict.DecryptNotProtected), "not_integrity_protected", false},
		{"only part encrypted", enc(false, "AES-256", verdict.DecryptPartial), "partial", false},
		{"failure not known", enc(false, "", "from_a_newer_version"), "other", true},
		// The engine names the key transport beside the cipher: the typed
		// field decides, not the name (issue 11, defect 7).
		{"CBC and not signed", enc(true, "AES-256-CBC, RSA PKCS #1 v1.5", ""), "not_integrity_protected", false},
		{"GCM", protected(enc(true, "AES-256-GCM, RSA PKCS #1 v1.5", "")), "", false},
		{"CBC and validly signed", signedToo(enc(true, "AES-256-CBC, RSA PKCS #1 v1.5", "")), "", false},
		{"switched off", verdict.Result{Type: verdict.TechPGP, Signed: true, Encrypted: true, Sign: verdict.SignResult{Reason: verdict.ReasonSwitchedOff},
			Encryption: verdict.EncryptionResult{Failure: verdict.DecryptSwitchedOff}}, "switched_off", true},
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
			if len(ws) > 0 && ws[0].Retry != tc.retry {
				t.Fatalf("first warning %+v, want retry %v", ws[0], tc.retry)
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
