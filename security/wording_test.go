package security

import (
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// TestWording holds the table to every code verdict lists, and each
// sentence in it to one place: two codes that say the same share one
// entry or one constant, never two copies of a sentence.
func TestWording(t *testing.T) {
	var all []wording
	for _, r := range verdict.Reasons() {
		w, ok := signWording[r]
		if !ok {
			t.Errorf("sign reason %s has no wording", r)
		}
		all = append(all, w)
	}
	for _, f := range verdict.DecryptFailures() {
		w, ok := decryptWording[f]
		if !ok {
			t.Errorf("decryption failure %s has no wording", f)
		}
		all = append(all, w)
	}
	if len(signWording) != len(verdict.Reasons()) || len(decryptWording) != len(verdict.DecryptFailures()) {
		t.Errorf("the table has codes verdict does not list")
	}
	seen := map[string]wording{}
	for _, w := range all {
		if w.Kind == "" || w.Title == "" || w.Fix == "" {
			t.Errorf("incomplete wording %+v", w)
		}
		for _, s := range []string{w.Title, w.Fix} {
			if prev, dup := seen[s]; dup && prev != w {
				t.Errorf("%q is written twice", s)
			}
			seen[s] = w
		}
	}
	// The technology is named where the table says {tech}.
	w := Warnings(verdict.Result{Type: verdict.TechSMIME, Signed: true, Sign: verdict.SignResult{Reason: verdict.ReasonSwitchedOff}})
	if len(w) != 1 || w[0].Title != "S/MIME is switched off" {
		t.Errorf("switched off: %+v", w)
	}
	// A sender reason's warning names the addresses from the check.
	w = Warnings(verdict.Result{Signed: true, Sign: verdict.SignResult{Reason: verdict.ReasonFromName,
		Checks: []verdict.Check{{Kind: verdict.CheckFrom, Reason: verdict.ReasonFromName, Detail: "the display name shows boss@corp.example"}}}})
	if len(w) != 1 || !strings.HasSuffix(w[0].Fix, "(the display name shows boss@corp.example)") {
		t.Errorf("sender detail: %+v", w)
	}
}

func TestBandLabels(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    verdict.Result
		want Labels
	}{
		{"plain", verdict.Result{}, Labels{"Not signed", "Not encrypted"}},
		{"valid and decrypted", verdict.Result{Signed: true, Encrypted: true, Sign: verdict.SignResult{Success: true}, Encryption: verdict.EncryptionResult{Success: true}},
			Labels{"Signature valid", "Decrypted"}},
		{"trusted directly (issue 14)", verdict.Result{Signed: true, Sign: verdict.SignResult{Success: true, Signers: []verdict.Signer{{TrustedDirectly: true}}}},
			Labels{"Signature valid (certificate trusted directly)", "Not encrypted"}},
		{"another address", verdict.Result{Signed: true, Sign: verdict.SignResult{Reason: verdict.ReasonFromMismatch}}, Labels{"Signed by another address", "Not encrypted"}},
		{"date", verdict.Result{Signed: true, Sign: verdict.SignResult{Reason: verdict.ReasonDateMismatch}}, Labels{"Signed at another date", "Not encrypted"}},
		{"a code from a newer version", verdict.Result{Signed: true, Sign: verdict.SignResult{Reason: "some_future_code"}}, Labels{"Signature not valid", "Not encrypted"}},
		{"no key", verdict.Result{Encrypted: true, Encryption: verdict.EncryptionResult{Failure: verdict.DecryptNoKey}}, Labels{"Not signed", "Not decrypted"}},
		{"partly", verdict.Result{Encrypted: true, Encryption: verdict.EncryptionResult{Failure: verdict.DecryptPartial}}, Labels{"Not signed", "Partly encrypted"}},
	} {
		if got := BandLabels(tc.r); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
