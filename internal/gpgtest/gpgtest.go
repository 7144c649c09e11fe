// Package gpgtest gives tests of the product's OpenPGP side keys and mails
// made by GnuPG, the implementation our users' correspondents run. One
// throwaway GNUPGHOME per test binary holds every key (Ed25519/Cv25519,
// generated once: key generation is the slow part); tests skip with a
// message when gpg is not on PATH. Call Cleanup from TestMain to stop the
// gpg-agent it started.
package gpgtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The people of the fixture. Desk is us (the helpdesk, secret key with a
// passphrase); Alice is a customer whose mails we receive; Mallory made a
// second key carrying Alice's address; Old expired in 2020; Gone revoked
// his key; Bare has a secret key without passphrase.
const (
	DeskAddr, DeskPass   = "support@example.test", "desk pass"
	AliceAddr, AlicePass = "alice@example.test", "alice pass"
	OldAddr, GoneAddr    = "old@example.test", "gone@example.test"
	BareAddr             = "bare@example.test"
)

// Fixture is the shared GnuPG home and what was exported from it.
type Fixture struct {
	Home                       string
	Desk, Alice, Mallory, Old  string // fingerprints
	Gone, Bare                 string
	DeskPublic, DeskSecret     []byte // armored
	AlicePublic, AliceSecret   []byte // armored; AliceV2Public has a second user ID
	AliceV2Public, AliceBinary []byte // AliceBinary: binary, for Autocrypt
	MalloryBinary              []byte
	OldPublic, GonePublic      []byte
	BareSecret                 []byte // unprotected
	DeskSecretAll              []byte // Desk's public and secret key in one file
}

var (
	once    sync.Once
	shared  *Fixture
	initErr error
)

// Get returns the fixture, building it on first use, or skips the test
// when gpg is missing.
func Get(t testing.TB) *Fixture {
	t.Helper()
	if _, err := exec.LookPath("gpg"); err != nil {
		t.Skip("gpg not on PATH: skipping the tests with GnuPG-made keys and mails")
	}
	once.Do(func() { shared, initErr = build() })
	if initErr != nil {
		t.Fatalf("gpgtest: %v", initErr)
	}
	return shared
}

// Main runs a package's tests and cleans up after them: call it from
// TestMain.
func Main(m *testing.M) {
	code := m.Run()
	Cleanup()
	os.Exit(code)
}

// Cleanup stops the fixture's gpg-agent and removes its home.
func Cleanup() {
	if shared != nil {
		_ = exec.Command("gpgconf", "--homedir", shared.Home, "--kill", "all").Run()
		os.RemoveAll(shared.Home)
	}
}

func build() (*Fixture, error) {
	home, err := os.MkdirTemp("", "sealdesk-gpg-")
	if err != nil {
		return nil, err
	}
	// A low S2K count keeps the exported secret keys quick to unlock; the
	// product's unlock path is the same whatever the count.
	if err := os.WriteFile(filepath.Join(home, "gpg-agent.conf"), []byte("s2k-count 65536\nallow-loopback-pinentry\n"), 0o600); err != nil {
		return nil, err
	}
	f := &Fixture{Home: home}
	var b builder
	b.f = f
	f.Desk = b.gen("SealDesk Support <"+DeskAddr+">", DeskPass, "")
	f.Alice = b.gen("Alice <"+AliceAddr+">", AlicePass, "")
	f.Mallory = b.gen("Alice <"+AliceAddr+">", "m", "")
	f.Old = b.gen("Old <"+OldAddr+">", "o", "20200101T000000")
	f.Gone = b.gen("Gone <"+GoneAddr+">", "g", "")
	f.Bare = b.gen("Bare <"+BareAddr+">", "", "")
	f.DeskPublic = b.run(nil, "--armor", "--export", f.Desk)
	f.DeskSecret = b.run(nil, "--passphrase", DeskPass, "--armor", "--export-secret-keys", f.Desk)
	f.DeskSecretAll = append(append([]byte{}, f.DeskPublic...), f.DeskSecret...)
	f.AlicePublic = b.run(nil, "--armor", "--export", f.Alice)
	f.AliceSecret = b.run(nil, "--passphrase", AlicePass, "--armor", "--export-secret-keys", f.Alice)
	f.AliceBinary = b.run(nil, "--export-options", "export-minimal", "--export", f.Alice)
	f.MalloryBinary = b.run(nil, "--export-options", "export-minimal", "--export", f.Mallory)
	f.OldPublic = b.run(nil, "--armor", "--export", f.Old)
	f.BareSecret = b.run(nil, "--armor", "--export-secret-keys", f.Bare)
	rev, err := os.ReadFile(filepath.Join(home, "openpgp-revocs.d", f.Gone+".rev"))
	if err == nil {
		b.run(bytes.ReplaceAll(rev, []byte(":-----BEGIN"), []byte("-----BEGIN")), "--import")
	}
	f.GonePublic = b.run(nil, "--armor", "--export", f.Gone)
	b.run(nil, "--passphrase", AlicePass, "--quick-add-uid", f.Alice, "Alice at work <alice@work.example>")
	f.AliceV2Public = b.run(nil, "--armor", "--export", f.Alice)
	if b.err != nil {
		return nil, b.err
	}
	// The keys are made: stop the agent key generation started, so that a
	// process that never reaches Cleanup (a fuzz worker, killed at the
	// end) leaves none running; a later gpg call starts one again.
	_ = exec.Command("gpgconf", "--homedir", home, "--kill", "gpg-agent").Run()
	if err == nil {
		return f, nil
	}
	return nil, fmt.Errorf("no revocation certificate for the Gone key: %w", err)
}

type builder struct {
	f   *Fixture
	err error
}

func (b *builder) run(stdin []byte, args ...string) []byte {
	if b.err != nil {
		return nil
	}
	out, err := b.f.GPG(stdin, args...)
	b.err = err
	return out
}

// gen makes a key (Ed25519 primary, Cv25519 subkey) and returns its
// fingerprint. at backdates it and makes it expire a day later.
func (b *builder) gen(uid, pass, at string) string {
	args := []string{"--passphrase", pass, "--quick-gen-key", uid, "future-default", "default"}
	if at != "" {
		args = append([]string{"--faked-system-time", at + "!"}, append(args, "1d")...)
	} else {
		args = append(args, "0")
	}
	b.run(nil, args...)
	return b.lastFP(b.run(nil, "--with-colons", "--list-keys", uid))
}

// lastFP is the primary fingerprint of the last "pub" block in a colon
// listing.
func (b *builder) lastFP(listing []byte) string {
	fp, afterPub := "", false
	for _, line := range strings.Split(string(listing), "\n") {
		f := strings.Split(line, ":")
		switch {
		case f[0] == "pub":
			afterPub = true
		case f[0] == "fpr" && afterPub && len(f) > 9:
			fp, afterPub = f[9], false
		}
	}
	return fp
}

// GPG runs gpg over the fixture's home, batch mode, loopback pinentry.
func (f *Fixture) GPG(stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.Command("gpg", append([]string{"--homedir", f.Home, "--batch", "--yes", "--pinentry-mode", "loopback",
		"--trust-model", "always", "--no-auto-key-locate"}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("gpg %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// Must is GPG that fails the test on error.
func (f *Fixture) Must(t testing.TB, stdin []byte, args ...string) []byte {
	t.Helper()
	out, err := f.GPG(stdin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Inner is the MIME entity the fixture's mails carry.
const Inner = "Content-Type: text/plain; charset=utf-8\r\n\r\nHello support,\r\nmy printer is on fire.\r\n"

// header is dated now, when GnuPG signs: a signature made more than an
// hour from the Date field is a date mismatch.
func header(from, to, subject, ctype string, extra ...string) string {
	h := "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <" +
		strings.ReplaceAll(subject, " ", "-") + "@example.test>\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\n"
	for _, e := range extra {
		h += e + "\r\n"
	}
	return h + "Content-Type: " + ctype + "\r\n\r\n"
}

// Signed is a PGP/MIME signed mail (RFC 3156 section 5) from Alice.
func (f *Fixture) Signed(t testing.TB, subject string) []byte {
	return f.SignedPart(t, subject, Inner)
}

// SignedPart is a PGP/MIME signed mail from Alice whose signed part is
// part, a MIME entity with CRLF line ends (a whole EncryptedPart makes a
// signature around the encryption).
func (f *Fixture) SignedPart(t testing.TB, subject, part string) []byte {
	part = strings.TrimSuffix(part, "\r\n")
	sig := f.Must(t, []byte(part), "--passphrase", AlicePass, "-u", f.Alice, "--digest-algo", "SHA256", "--armor", "--detach-sign")
	return []byte(header("Alice <"+AliceAddr+">", DeskAddr, subject,
		`multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="sig"`) +
		"--sig\r\n" + part + "\r\n--sig\r\nContent-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n" +
		crlf(sig) + "\r\n--sig--\r\n")
}

// Encrypted is a PGP/MIME encrypted mail (RFC 3156 section 4) from Alice to
// the desk, signed inside too when sign is set (section 6.2).
func (f *Fixture) Encrypted(t testing.TB, subject string, sign bool) []byte {
	args := []string{"--armor", "-r", f.Desk, "--encrypt"}
	if sign {
		args = append([]string{"--passphrase", AlicePass, "-u", f.Alice, "--sign"}, args...)
	}
	return PGPMIMEEncrypted("Alice <"+AliceAddr+">", DeskAddr, subject, f.Must(t, []byte(Inner), args...))
}

// pgpMIMEType is the Content-Type of PGPMIMEEncrypted.
const pgpMIMEType = `multipart/encrypted; protocol="application/pgp-encrypted"; boundary="enc"`

// EncryptedPart is the multipart/encrypted entity of Encrypted alone, its
// Content-Type and body, for a mail that carries it as a part.
func (f *Fixture) EncryptedPart(t testing.TB, sign bool) string {
	whole := string(f.Encrypted(t, "part", sign))
	return "Content-Type: " + pgpMIMEType + "\r\n\r\n" + whole[strings.Index(whole, "\r\n\r\n")+4:]
}

// PGPMIMEEncrypted wraps an armored OpenPGP message as multipart/encrypted.
func PGPMIMEEncrypted(from, to, subject string, armored []byte) []byte {
	return []byte(header(from, to, subject, pgpMIMEType) +
		"--enc\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--enc\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n" +
		crlf(armored) + "\r\n--enc--\r\n")
}

// Autocrypt is a plain mail from addr whose Autocrypt header (Autocrypt
// Level 1, section 2.1) carries key (binary).
func Autocrypt(addr, subject string, key []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(key)
	var folded strings.Builder
	for len(enc) > 0 {
		n := min(72, len(enc))
		folded.WriteString("\r\n " + enc[:n])
		enc = enc[n:]
	}
	return []byte(header(addr, DeskAddr, subject, "text/plain; charset=utf-8", "Autocrypt: addr="+addr+"; keydata="+folded.String()) +
		"Hello, here is my key.\r\n")
}

func crlf(b []byte) string {
	return strings.ReplaceAll(strings.ReplaceAll(strings.TrimRight(string(b), "\n"), "\r\n", "\n"), "\n", "\r\n")
}
