package security

import (
	"strings"
	"testing"

	sdcrypto "github.com/sealdesk/sealdesk/crypto"
)

func TestWarnings(t *testing.T) {
	fail := func(names ...string) []sdcrypto.Check {
		cs := []sdcrypto.Check{{Name: "structure", OK: true}}
		for _, n := range names {
			cs = append(cs, sdcrypto.Check{Name: n, OK: false})
		}
		return cs
	}
	signed := func(checks []sdcrypto.Check) sdcrypto.Result {
		return sdcrypto.Result{Type: sdcrypto.TechSMIME, Signed: true, Sign: sdcrypto.SignResult{Checks: checks, Comment: "engine says"}}
	}
	enc := func(ok bool, alg, comment string) sdcrypto.Result {
		return sdcrypto.Result{Type: sdcrypto.TechSMIME, Encrypted: true, Encryption: sdcrypto.EncryptionResult{Success: ok, Algorithm: alg, Comment: comment}}
	}
	cases := []struct {
		name  string
		r     sdcrypto.Result
		kinds string // comma-separated, in order
		retry bool   // the first warning offers Retry
		title string // in the first title
	}{
		{"plain", sdcrypto.Result{}, "", false, ""},
		{"valid signature", sdcrypto.Result{Type: sdcrypto.TechSMIME, Signed: true, Sign: sdcrypto.SignResult{Success: true}}, "", false, ""},
		{"sender certificate missing", signed(fail("certificate")), "sender_key_missing", true, "certificate is missing"},
		{"sender pgp key missing", signed(fail("key")), "sender_key_missing", true, "public key is missing"},
		{"unknown CA", signed(fail("chain")), "untrusted", true, "CA you trust"},
		{"different address", signed(fail("from")), "from_mismatch", false, "different address"},
		{"expired", signed(fail("validity")), "expired", true, "Expired"},
		{"tampered, one warning for two checks", signed(fail("digest", "signature")), "tampered", false, "changed"},
		{"expired and untrusted", signed(fail("validity", "chain")), "expired,untrusted", true, ""},
		{"no checks at all", signed(nil), "other", true, "not valid"},
		{"our key missing", enc(false, "", "Our certificate and private key for decryption are missing (maybe ...)"), "our_key_missing", true, "maybe the sender used the wrong certificate"},
		{"pgp secret key missing", enc(false, "", "The message is encrypted for 0xAB, and you hold no secret key for it"), "our_key_missing", true, ""},
		{"no MDC", enc(false, "", "The message is encrypted without integrity protection (an obsolete format...)"), "not_integrity_protected", false, "Not integrity-protected"},
		{"CBC and not signed", enc(true, "AES-256-CBC", ""), "not_integrity_protected", false, ""},
		{"GCM", enc(true, "AES-256-GCM", ""), "", false, ""},
		{"switched off", sdcrypto.Result{Type: sdcrypto.TechPGP, Signed: true, Sign: sdcrypto.SignResult{Comment: "PGP is switched off in Settings > Integrations: switch it on"}},
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
