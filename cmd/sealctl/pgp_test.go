package main

import (
	"bytes"
	"encoding/json"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/store"
)

func TestMain(m *testing.M) { gpgtest.Main(m) }

// pgpCtl is a sealctl over a fresh data directory and an in-memory
// keychain, on the real clock: GnuPG made its keys now.
func pgpCtl(t *testing.T) (ctl, *gpgtest.Fixture, *keystore.Memory) {
	g := gpgtest.Get(t)
	kc := keystore.NewMemory(keystore.WindowsItemLimit)
	newKeychain = func() keystore.Backend { return kc }
	t.Cleanup(func() { newKeychain = nil })
	return ctl{t, t.TempDir()}, g, kc
}

func (c ctl) file(name string, data []byte) string { return writeFile(c.t, name, data) }

func TestPGPKeysThroughSealctl(t *testing.T) {
	c, g, kc := pgpCtl(t)
	pass := c.file("pass", []byte(gpgtest.DeskPass+"\n"))
	desk := c.file("desk.asc", g.DeskSecret)
	if out := c.run(exitFailed, "pgp", "import", desk); !strings.Contains(out, "--passphrase-file") {
		t.Fatalf("secret key without passphrase: %s", out)
	}
	if out := c.run(exitFailed, "pgp", "import", desk, "--passphrase-file", c.file("wrong", []byte("nope"))); !strings.Contains(out, "passphrase") {
		t.Fatalf("wrong passphrase: %s", out)
	}
	// Several files are one import: a bad one stores nothing.
	bad := c.file("bad.asc", g.AlicePublic[:len(g.AlicePublic)/2])
	if out := c.run(exitFailed, "pgp", "import", c.file("alice.asc", g.AlicePublic), bad); !strings.Contains(out, "bad.asc: pgp:") {
		t.Fatalf("bad second file: %s", out)
	}
	if out := c.run(exitOK, "pgp", "list"); !strings.Contains(out, "no OpenPGP keys") || kc.Len() != 0 {
		t.Fatalf("failed imports stored something (%d keychain items):\n%s", kc.Len(), out)
	}
	if out := c.run(exitOK, "pgp", "import", desk, "--passphrase-file", pass); !strings.Contains(out, "stored the secret key") {
		t.Fatalf("secret import: %s", out)
	}
	c.run(exitOK, "pgp", "import", c.file("alice.asc", g.AlicePublic))
	if out := c.run(exitOK, "pgp", "import", c.file("alice2.asc", g.AliceV2Public)); !strings.Contains(out, "already present, merged 1 new user ID") {
		t.Fatalf("merge: %s", out)
	}
	if out := c.run(exitFailed, "pgp", "import", c.file("alice2.asc", g.AliceV2Public)); !strings.Contains(out, "already present, unchanged") {
		t.Fatalf("unchanged: %s", out)
	}
	if out := c.run(exitOK, "pgp", "import", c.file("old.asc", g.OldPublic)); !strings.Contains(out, "warning:") || !strings.Contains(out, "expired") {
		t.Fatalf("expired key: %s", out)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(c.run(exitOK, "pgp", "list", "--json")), &list); err != nil || len(list) != 3 || list[0]["has_secret"] != true {
		t.Fatalf("pgp list --json: %v %v", list, err)
	}
	for _, k := range []string{"fingerprint", "user_ids", "emails", "algorithm", "created", "expires", "revoked", "has_secret", "expired"} {
		if _, ok := list[0][k]; !ok {
			t.Fatalf("inventory entry lacks %s: %v", k, list[0])
		}
	}
	if out := c.run(exitOK, "pgp", "list"); !strings.Contains(out, "secret key") || !strings.Contains(out, "expired") {
		t.Fatalf("pgp list:\n%s", out)
	}

	if out := c.run(exitOK, "pgp", "export", g.Alice); !strings.Contains(out, "BEGIN PGP PUBLIC KEY BLOCK") {
		t.Fatalf("public export: %s", out)
	}
	sec := c.run(exitOK, "pgp", "export", g.Desk[:10], "--secret")
	k, err := pgp.ParseKey([]byte(sec))
	if err != nil || !k.Locked() {
		t.Fatalf("secret export: %v", err)
	}
	if _, err := pgp.UnlockKey(k, []byte(gpgtest.DeskPass)); err != nil {
		t.Fatalf("the exported secret key does not open with its passphrase: %v", err)
	}
	c.run(exitFailed, "pgp", "export", g.Alice, "--secret")
	c.run(exitNotFound, "pgp", "export", "0123456789ABCDEF")
	c.run(exitUsage, "pgp", "delete", "xyz")
	c.run(exitUsage, "pgp", "frob")
	c.run(exitIO, "pgp", "import", filepath.Join(t.TempDir(), "missing.asc"))
	if out := c.run(exitOK, "pgp", "delete", g.Desk); !strings.Contains(out, "with its secret key") || kc.Len() != 0 {
		t.Fatalf("delete (%d keychain items left): %s", kc.Len(), out)
	}
}

func TestPGPInspectAndRecheckThroughSealctl(t *testing.T) {
	c, g, _ := pgpCtl(t)
	signed := c.file("signed.eml", g.Signed(t, "help please"))
	if got := inspectJSONOf(t, c, signed).Security; got.Type != "PGP" || !got.Signed || got.Sign.Success {
		t.Fatalf("signed, without Alice's key: %+v", got)
	}
	c.run(exitOK, "pgp", "import", c.file("desk.asc", g.DeskSecret), "--passphrase-file", c.file("p", []byte(gpgtest.DeskPass)))
	if out := c.run(exitOK, "pgp", "import", c.file("alice.asc", g.AlicePublic)); !strings.Contains(out, "re-checked stored articles: 1 changed") {
		t.Fatalf("import did not report the re-check:\n%s", out)
	}
	cases := []struct {
		name                       string
		raw                        []byte
		signed, encrypted, allGood bool
	}{
		{"signed", g.Signed(t, "help please"), true, false, true},
		{"encrypted", g.Encrypted(t, "secret help", false), false, true, true},
		{"signed+encrypted", g.Encrypted(t, "secret signed help", true), true, true, true},
	}
	for _, tc := range cases {
		got := inspectJSONOf(t, c, c.file(tc.name+".eml", tc.raw))
		r := got.Security
		if r.Type != "PGP" || r.Signed != tc.signed || r.Encrypted != tc.encrypted || r.Signed && !r.Sign.Success ||
			r.Encrypted && !r.Encryption.Success || !strings.Contains(got.Text, "printer is on fire") {
			t.Errorf("%s: %+v text %q", tc.name, r, got.Text)
		}
	}
	out := c.run(exitOK, "inspect", c.file("both.eml", g.Encrypted(t, "human", true)))
	for _, want := range []string{"Signed:    yes, valid", "Encrypted: yes, decrypted (AES-256)", "Type:      PGP", "printer is on fire"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}
}

func TestPGPSealIsReadByGnuPG(t *testing.T) {
	c, g, _ := pgpCtl(t)
	c.run(exitOK, "pgp", "import", c.file("desk.asc", g.DeskSecret), c.file("alice.asc", g.AlicePublic),
		"--passphrase-file", c.file("p", []byte(gpgtest.DeskPass)))
	plain := c.file("out.eml", []byte("From: SealDesk Support <"+gpgtest.DeskAddr+">\r\nTo: Alice <"+gpgtest.AliceAddr+
		">\r\nSubject: your ticket\r\nMessage-ID: <pgp-seal@example.test>\r\n\r\nThe printer is fixed.\r\n"))
	sealed := c.run(exitOK, "seal", "--type", "pgp", "--sign", "--encrypt", plain)
	if strings.Contains(sealed, "fixed") || !strings.Contains(sealed, "multipart/encrypted") {
		t.Fatalf("sealed message:\n%s", sealed)
	}
	c.run(exitUsage, "seal", "--type", "pgp", plain)
	payload := encryptedPayload(t, []byte(sealed))
	out, err := g.GPG(payload, "--passphrase", gpgtest.AlicePass, "--status-fd", "1", "--decrypt")
	if err != nil {
		t.Fatalf("gpg --decrypt: %v", err)
	}
	if !bytes.Contains(out, []byte("The printer is fixed.")) || !bytes.Contains(out, []byte("GOODSIG")) || !bytes.Contains(out, []byte(g.Desk)) {
		t.Fatalf("gpg --decrypt did not decrypt and verify:\n%s", out)
	}
}

// encryptedPayload is the OpenPGP message of a multipart/encrypted mail.
func encryptedPayload(t *testing.T, raw []byte) []byte {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var body bytes.Buffer
	for range 2 {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		body.Reset()
		body.ReadFrom(p)
	}
	return body.Bytes()
}

func pendingList(t *testing.T, c ctl) []store.PendingKey {
	t.Helper()
	var list []store.PendingKey
	if err := json.Unmarshal([]byte(c.run(exitOK, "pending", "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	return list
}

func TestPendingKeysThroughSealctl(t *testing.T) {
	c, g, _ := pgpCtl(t)
	out := c.run(exitOK, "inspect", c.file("ac.eml", gpgtest.Autocrypt(gpgtest.AliceAddr, "hello", g.AliceBinary)))
	if !strings.Contains(out, "Found key: PGP") || !strings.Contains(out, "pending accept 1") {
		t.Fatalf("inspect does not mention the found key:\n%s", out)
	}
	list := pendingList(t, c)
	if len(list) != 1 || list[0].Source != "autocrypt" || list[0].Fingerprint != g.Alice || list[0].KeyChange {
		t.Fatalf("pending list: %+v", list)
	}
	if out := c.run(exitOK, "pgp", "list"); !strings.Contains(out, "no OpenPGP keys") {
		t.Fatalf("a found key was imported without a decision:\n%s", out)
	}
	if out := c.run(exitOK, "pending", "accept", "1"); !strings.Contains(out, "accepted and imported PGP") {
		t.Fatalf("accept: %s", out)
	}
	if out := c.run(exitOK, "pgp", "list"); !strings.Contains(out, g.Alice[:16]) {
		t.Fatalf("accepted key not listed:\n%s", out)
	}
	c.run(exitFailed, "pending", "accept", "1")
	c.run(exitNotFound, "pending", "reject", "99")
	c.run(exitUsage, "pending", "reject", "x")

	c.run(exitOK, "inspect", c.file("other.eml", gpgtest.Autocrypt(gpgtest.AliceAddr, "new key", g.MalloryBinary)))
	list = pendingList(t, c)
	if len(list) != 1 || !list[0].KeyChange || list[0].Replaces != g.Alice || list[0].Fingerprint != g.Mallory {
		t.Fatalf("key change: %+v", list)
	}
	if out := c.run(exitOK, "pending", "list"); !strings.Contains(out, "KEY CHANGE") || strings.Contains(out, "seen in") {
		t.Fatalf("pending list:\n%s", out)
	}
	// The same key in a second mail: one proposal, seen twice.
	c.run(exitOK, "inspect", c.file("other1.eml", gpgtest.Autocrypt(gpgtest.AliceAddr, "new key, second mail", g.MalloryBinary)))
	if list := pendingList(t, c); len(list) != 1 || list[0].Seen != 2 {
		t.Fatalf("seen again: %+v", list)
	}
	if out := c.run(exitOK, "pending", "list"); !strings.Contains(out, "seen in 2 mails") {
		t.Fatalf("pending list:\n%s", out)
	}
	c.run(exitOK, "pending", "reject", "2")
	c.run(exitOK, "inspect", c.file("other2.eml", gpgtest.Autocrypt(gpgtest.AliceAddr, "new key again", g.MalloryBinary)))
	if list := pendingList(t, c); len(list) != 0 {
		t.Fatalf("a rejected key is proposed again: %+v", list)
	}
}

func TestSMIMESignerCertificateIsPending(t *testing.T) {
	corpus := corpusDir(t)
	memoryKeychain(t)
	c := ctl{t, t.TempDir()}
	inspectJSONOf(t, c, filepath.Join(corpus, "smime", "alice.dsig.SHA256.multipart.eml"), "--at", corpusAt)
	list := pendingList(t, c)
	found := false
	for _, k := range list {
		if k.Technology == "S/MIME" && k.Source == "signature" && strings.EqualFold(k.Address, "alice@example.com") {
			found = true
			c.run(exitOK, "pending", "accept", "1")
		}
	}
	if !found {
		t.Fatalf("the signer certificate is not pending: %+v", list)
	}
	if out := c.run(exitOK, "cert", "list"); !strings.Contains(out, "alice@example.com") {
		t.Fatalf("accepted certificate not listed:\n%s", out)
	}
}

// TestRealKeychainPGP stores an OpenPGP secret key and its passphrase in
// the Secret Service the harness starts, decrypts with it, exports and
// deletes it.
func TestRealKeychainPGP(t *testing.T) {
	if os.Getenv("SEALDESK_TEST_KEYRING") != "1" {
		t.Skip("SEALDESK_TEST_KEYRING is not 1: no Secret Service to test against")
	}
	g := gpgtest.Get(t)
	clock = time.Now
	c := ctl{t, t.TempDir()}
	c.run(exitOK, "pgp", "import", c.file("desk.asc", g.DeskSecret), "--passphrase-file", c.file("p", []byte(gpgtest.DeskPass)))
	if got := inspectJSONOf(t, c, c.file("enc.eml", g.Encrypted(t, "real keychain", false))); !got.Security.Encryption.Success {
		t.Fatalf("decrypt with the key in the Secret Service: %+v", got.Security.Encryption)
	}
	if out := c.run(exitOK, "pgp", "export", g.Desk, "--secret"); !strings.Contains(out, "BEGIN PGP PRIVATE KEY BLOCK") {
		t.Fatalf("secret export: %s", out)
	}
	c.run(exitOK, "pgp", "delete", g.Desk)
}

// TestPGPUnprotectedSecretKey: sealctl does not claim a passphrase it did
// not store, and exports a key imported without one only under the
// passphrase given with --passphrase-file (issue 14).
func TestPGPUnprotectedSecretKey(t *testing.T) {
	c, g, _ := pgpCtl(t)
	out := c.run(exitOK, "pgp", "import", c.file("bare.asc", g.BareSecret))
	if !strings.Contains(out, "stored the secret key") || strings.Contains(out, "and its passphrase") {
		t.Fatalf("import of an unprotected key says: %s", out)
	}
	if out := c.run(exitFailed, "pgp", "export", g.Bare, "--secret"); !strings.Contains(out, "passphrase") {
		t.Fatalf("export without a passphrase: %s", out)
	}
	c.run(exitUsage, "pgp", "export", g.Bare, "--passphrase-file", c.file("p", []byte("x\n")))
	sec := c.run(exitOK, "pgp", "export", g.Bare, "--secret", "--passphrase-file", c.file("new", []byte("set at export\n")))
	k, err := pgp.ParseKey([]byte(sec))
	if err != nil || !k.Locked() {
		t.Fatalf("exported key: %v", err)
	}
	if _, err := pgp.UnlockKey(k, []byte("set at export")); err != nil {
		t.Fatalf("the exported key does not open with the given passphrase: %v", err)
	}
}
