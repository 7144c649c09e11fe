package pgp

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/sealtest"
)

// TestSealBccCopies: a Bcc recipient is named in no copy the others get
// (issue 11, item 8). Encrypting a message with Bcc as one message is
// refused (its PKESK packets named the Bcc recipient's key ID to Alice);
// each copy's PKESKs name only its own recipients and us, and GnuPG
// decrypts the Bcc copy with the Bcc recipient's key.
func TestSealBccCopies(t *testing.T) {
	f := needGPG(t)
	kr := samKeyring(t, f, aliceAddr, bobAddr)
	eng := NewEngine(kr)
	msg := append([]byte("Bcc: Bob <"+bobAddr+">\r\n"), mkMail("Sam Seal <"+samAddr+">", "Alice <"+aliceAddr+">", "Bcc", "text/plain; charset=utf-8", "for Alice, and Bob in Bcc\n")...)
	if _, err := eng.Seal(msg, true, true, SealOptions{Now: testNow}); !errors.Is(err, verdict.ErrBccNeedsCopies) {
		t.Fatalf("one message for To and Bcc: %v", err)
	}
	sam, _ := f.sam.PublicBytes()
	ids := map[string][]uint64{"sam": sealtest.PGPKeyIDsOf(t, sam), "alice": sealtest.PGPKeyIDsOf(t, f.pub[aliceAddr]),
		"bob": sealtest.PGPKeyIDsOf(t, f.pub[bobAddr])}
	whose := func(id uint64) string {
		for who, l := range ids {
			if slices.Contains(l, id) {
				return who
			}
		}
		return "unknown"
	}
	for _, c := range []struct {
		name  string
		rcpts []string
		want  []string
	}{
		{"main", []string{aliceAddr}, []string{"alice", "sam"}},
		{"Bob's", []string{bobAddr}, []string{"bob", "sam"}},
	} {
		out, err := eng.Seal(msg, true, true, SealOptions{Now: testNow, Recipients: c.rcpts})
		if err != nil {
			t.Fatalf("%s copy: %v", c.name, err)
		}
		if bytes.Contains(out, []byte("Bcc:")) || (c.name == "main" && bytes.Contains(out, []byte(bobAddr))) {
			t.Errorf("%s copy: Bcc leaked into the header", c.name)
		}
		var named []string
		for _, id := range sealtest.PGPKeyIDs(t, out) {
			named = append(named, whose(id))
		}
		slices.Sort(named)
		if !slices.Equal(named, c.want) {
			t.Errorf("%s copy: PKESKs for %v, want %v", c.name, named, c.want)
		}
		if c.name == "Bob's" {
			payload, err := sealtest.PGPPayload(out)
			if err != nil {
				t.Fatal(err)
			}
			status, err := f.gpgAt(testNow, payload, "--status-fd", "1", "--decrypt")
			if err != nil || !bytes.Contains(status, []byte("for Alice, and Bob in Bcc")) || !bytes.Contains(status, []byte("[GNUPG:] GOODSIG")) {
				t.Errorf("gpg cannot read Bob's copy: %v\n%s", err, status)
			}
		}
	}
}
