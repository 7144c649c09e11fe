package mailbox

import (
	"bytes"
	"context"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/ProtonMail/gopenpgp/v3/armor"
	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// TestBatchGoesOnPastABomb: an OpenPGP message to our key that
// decompresses past the size budget, between two ordinary mails, is
// refused as TooLarge with its raw form kept, and the batch processes the
// others.
func TestBatchGoesOnPastABomb(t *testing.T) {
	if testing.Short() {
		t.Skip("decompresses 64 MiB")
	}
	ctx := context.Background()
	s, p := newService(t)
	gk, err := gcrypto.PGP().KeyGeneration().AddUserId("Help", "help@example.test").New().GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	secret, err := gk.Armor()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.sec.PGPKeys.Import(ctx, nil, security.Input{Data: []byte(secret)}); err != nil {
		t.Fatal(err)
	}
	// Zeros, ZLIB at level 9: about a thousandfold.
	var bin bytes.Buffer
	w, err := openpgp.Encrypt(&bin, []*openpgp.Entity{gk.GetEntity()}, nil, nil, nil,
		&packet.Config{DefaultCompressionAlgo: packet.CompressionZLIB, CompressionConfig: &packet.CompressionConfig{Level: 9}})
	if err != nil {
		t.Fatal(err)
	}
	zero := make([]byte, 1<<20)
	for n := 0; n <= verdict.MaxMessageSize; n += len(zero) {
		if _, err := w.Write(zero); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	armored, err := armor.ArmorWithType(bin.Bytes(), "PGP MESSAGE")
	if err != nil {
		t.Fatal(err)
	}
	bomb := []byte("From: Customer <c@example.org>\r\nTo: help@example.test\r\nSubject: bomb\r\nMessage-ID: <bomb@x>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=enc\r\n\r\n" +
		"--enc\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--enc\r\nContent-Type: application/octet-stream\r\n\r\n" +
		armored + "\r\n--enc--\r\n")
	var ids []int64
	for _, raw := range [][]byte{message(0, "one@x", "Printer", "").Raw, bomb, message(0, "two@x", "Printer", "").Raw} {
		a, err := p.Store.InsertArticle(ctx, store.Article{Direction: "in", MessageID: "", Subject: "s", Raw: raw}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	for i, err := range s.sec.Processing.ProcessStoredBatch(ctx, ids) {
		if err != nil {
			t.Fatalf("article %d: %v", i, err)
		}
	}
	for i, id := range ids {
		a, err := p.Store.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Security.ProcessedAt.IsZero() {
			t.Errorf("article %d was not processed", i)
		}
		enc := a.Security.Encryption
		if i == 1 && (!a.Security.Encrypted || enc.Success || enc.Failure != verdict.DecryptTooLarge || !bytes.Equal(a.Raw, bomb)) {
			t.Errorf("bomb: %+v, raw kept %v", a.Security, bytes.Equal(a.Raw, bomb))
		}
	}
}
