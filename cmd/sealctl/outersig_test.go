package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
)

// TestInspectSignatureOutsideTheEncryption: Alice's OpenPGP signature
// around her whole PGP/MIME encryption is printed as the outer signature,
// "signed outside the encryption", never as "Signed"; the encryption is
// decrypted and its text shown; --json carries it as
// security.outer_signature (issue 12).
func TestInspectSignatureOutsideTheEncryption(t *testing.T) {
	c, g, _ := pgpCtl(t)
	c.run(exitOK, "pgp", "import", c.file("desk.asc", g.DeskSecret), "--passphrase-file", c.file("p", []byte(gpgtest.DeskPass)))
	c.run(exitOK, "pgp", "import", c.file("alice.asc", g.AlicePublic))
	file := c.file("outer.eml", g.SignedPart(t, "signed outside", g.EncryptedPart(t, false)))

	out := c.run(exitOK, "inspect", file)
	for _, want := range []string{"Signed:    no", "Outer:     PGP signature, valid, by alice@example.test", verdict.OuterSignatureNote,
		"Encrypted: yes, decrypted", "printer is on fire"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}

	got := inspectJSONOf(t, c, file)
	r := got.Security
	if r.Signed || !r.Encryption.Success || r.OuterSignature == nil || r.OuterSignature.Type != verdict.TechPGP || !r.OuterSignature.Sign.Success {
		t.Fatalf("result %+v", r)
	}
	var shape struct {
		Security map[string]json.RawMessage `json:"security"`
	}
	if err := json.Unmarshal([]byte(c.run(exitOK, "inspect", "--json", file)), &shape); err != nil || shape.Security["outer_signature"] == nil {
		t.Fatalf("security JSON lacks outer_signature: %v %v", shape.Security, err)
	}
}
