package smime

import (
	"crypto/x509"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/internal/mimepart"
	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// TestDecryptOverBudget: decrypted content over the message's size budget
// is refused as TooLarge, whether the ciphertext already shows it (before
// decrypting) or only the plaintext does.
func TestDecryptOverBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("encrypts 64 MiB")
	}
	p := getPKI(t)
	bob, bobKey := p.leaf(t, certSpec{cn: "Bob", email: "bob@example.org", keyIdx: 1})
	kr := p.keyring()
	mustAddKey(t, kr, bob, bobKey)
	for _, tc := range []struct {
		name string
		size int
		opts EncryptOptions
	}{
		{"CBC, one byte over: seen after decrypting", verdict.MaxMessageSize + 1, EncryptOptions{}},
		{"GCM, a block over: seen before decrypting", verdict.MaxMessageSize + 64, EncryptOptions{AuthEnveloped: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := Encrypt(make([]byte, tc.size), []*x509.Certificate{bob}, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			e, err := mimepart.Parse(enc)
			if err != nil {
				t.Fatal(err)
			}
			der, err := e.DecodedBody()
			if err != nil {
				t.Fatal(err)
			}
			obj, err := parseCMS(der)
			if err != nil {
				t.Fatal(err)
			}
			d := decryptCMS(obj, kr)
			if d.ok || d.failure != verdict.DecryptTooLarge || d.content != nil || d.comment != verdict.TooLargeComment {
				t.Fatalf("ok %v, failure %q, %d bytes, %q", d.ok, d.failure, len(d.content), d.comment)
			}
		})
	}
}
