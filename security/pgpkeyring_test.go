package security

import (
	"strings"
	"testing"

	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/sealdesk/sealdesk/store"
)

// TestPGPKeyringKeysByAddressVerified: a stored row whose address index
// names an address the key's verified user IDs do not carry (a row
// written before user IDs were checked) is not offered for it.
func TestPGPKeyringKeysByAddressVerified(t *testing.T) {
	f := newFixture(t)
	gk, err := gcrypto.PGP().KeyGeneration().AddUserId("Help", "help@example.test").New().GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := gk.GetPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	row := store.PGPKey{Fingerprint: strings.ToUpper(gk.GetFingerprint()), UserIDs: []string{"Help <help@example.test>", "CEO <ceo@bank.example>"},
		Emails: []string{"help@example.test", "ceo@bank.example"}, Algorithm: "x", Created: "2025-01-01T00:00:00Z", PublicKey: pub}
	if _, err := f.p.Store.PutPGPKeys(f.ctx, []store.PGPKey{row}); err != nil {
		t.Fatal(err)
	}
	kr, err := f.svc.PGPKeys.Keyring(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer kr.Release()
	if got := kr.KeysByAddress("ceo@bank.example"); len(got) != 0 {
		t.Errorf("ceo@bank.example: %d keys offered", len(got))
	}
	if got := kr.KeysByAddress("Help@example.test"); len(got) != 1 {
		t.Errorf("help@example.test: %d keys, want 1", len(got))
	}
}
