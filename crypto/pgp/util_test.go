package pgp

import (
	"testing"

	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"
)

func mustKey(t testing.TB, data []byte) []*Key {
	t.Helper()
	k, err := ParseKeys(data)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// hiddenKey is a cheap Ed25519 key for the Bcc recipient.
func hiddenKey(t testing.TB) *Key {
	t.Helper()
	gk, err := gcrypto.PGP().KeyGeneration().AddUserId("Hidden", "hidden@example.org").GenerationTime(gpgTime.Unix()).New().GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := gk.ToPublic()
	if err != nil {
		t.Fatal(err)
	}
	return inventory(pub)
}

// clearsignWith makes a cleartext signature with an unlocked or
// unprotected key, at gpgTime.
func clearsignWith(t testing.TB, k *Key, text string) []byte {
	t.Helper()
	h, err := gcrypto.PGP().Sign().SigningKey(k.key).SignTime(gpgTime.Unix()).New()
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.SignCleartext([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return out
}
