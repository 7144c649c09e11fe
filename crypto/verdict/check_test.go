package verdict

import (
	"encoding/json"
	"testing"
)

func TestCheckJSON(t *testing.T) {
	for _, tc := range []struct {
		name  string
		check Check
		label string
	}{
		{"one signer", Check{Kind: CheckChain, Reason: ReasonUntrusted}, "chain"},
		{"second of two signers", Check{Kind: CheckKeyUsage, Signer: 2, Reason: ReasonKeyUsage}, "signer 2: key usage"},
		{"inner layer", Check{Kind: CheckSigningTime, Layer: 1, OK: true}, "inner signature 1: signing time"},
		{"both", Check{Kind: CheckDigest, Signer: 1, Layer: 2, Reason: ReasonWeakDigest}, "inner signature 2: signer 1: digest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.check)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			// inspect --json keeps name, ok, detail and gains the codes.
			for _, k := range []string{"kind", "name", "signer", "layer", "ok"} {
				if _, ok := m[k]; !ok {
					t.Errorf("%s lacks %q", b, k)
				}
			}
			if m["name"] != tc.label {
				t.Errorf("name %v, want %q", m["name"], tc.label)
			}
			var back Check
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			back.Name = ""
			if back != tc.check {
				t.Errorf("round trip %+v, want %+v", back, tc.check)
			}
			// A check stored before kinds existed has its name only.
			var legacy Check
			if err := json.Unmarshal([]byte(`{"name":"`+tc.label+`","ok":false}`), &legacy); err != nil {
				t.Fatal(err)
			}
			if legacy.Kind != tc.check.Kind || legacy.Signer != tc.check.Signer || legacy.Layer != tc.check.Layer || legacy.Reason != legacyReasons[tc.check.Kind] {
				t.Errorf("legacy %q read as %+v", tc.label, legacy)
			}
		})
	}
	if len(legacyReasons) != len(CheckKinds()) {
		t.Errorf("legacyReasons covers %d of %d kinds", len(legacyReasons), len(CheckKinds()))
	}
	var unknown Check
	if err := json.Unmarshal([]byte(`{"name":"signer x: something","ok":false}`), &unknown); err != nil || unknown.Kind != "" {
		t.Errorf("unknown legacy name: %+v, %v", unknown, err)
	}
}

func TestCheckCodes(t *testing.T) {
	valid := Result{Signed: true, Sign: SignResult{Success: true, Checks: []Check{{Kind: CheckStructure, OK: true}}}}
	if err := valid.CheckCodes(); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]Result{
		"check without kind":        {Sign: SignResult{Checks: []Check{{OK: true}}}},
		"failed check without code": {Sign: SignResult{Checks: []Check{{Kind: CheckChain}}}},
		"passed check with a code":  {Sign: SignResult{Checks: []Check{{Kind: CheckChain, OK: true, Reason: ReasonUntrusted}}}},
		"invalid without reason":    {Signed: true},
		"valid with reason":         {Signed: true, Sign: SignResult{Success: true, Reason: ReasonExpired}},
		"failed decryption uncoded": {Encrypted: true},
		"decrypted with a failure":  {Encrypted: true, Encryption: EncryptionResult{Success: true, Failure: DecryptNoKey}},
	} {
		if r.CheckCodes() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
