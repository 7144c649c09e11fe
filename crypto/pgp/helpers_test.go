package pgp

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"
)

// The deterministic clock: gpg makes its keys and messages at gpgTime
// (--faked-system-time), the tests judge them at testNow.
var (
	gpgTime = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	testNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

const (
	samAddr   = "sam@sealdesk.test"
	samPass   = "sam-secret"
	aliceAddr = "alice@example.org" // gpg, Ed25519/Cv25519, passphrase-protected
	alicePass = "alice-secret"
	bobAddr   = "bob@example.org" // gpg, RSA-3072, unprotected
	oldAddr   = "old@example.org" // gpg, expired
	revAddr   = "rev@example.org" // gpg, revoked
	eveAddr   = "eve@example.org" // gpg, known to nobody
)

// fixture is built once per test binary: key generation is the slow part.
type fixture struct {
	home     string // GNUPGHOME, or "" when gpg is missing
	sam      *Key   // our key, locked
	samArmor []byte // secret, armored, protected with samPass
	pub      map[string][]byte
	sec      map[string][]byte
	err      error
}

var (
	fixOnce sync.Once
	fix     fixture
)

func getFixture(t testing.TB) *fixture {
	t.Helper()
	fixOnce.Do(func() { fix = buildFixture() })
	if fix.err != nil {
		t.Fatalf("fixture: %v", fix.err)
	}
	return &fix
}

var (
	samOnce sync.Once
	samFix  fixture
)

// getSam returns the fixture's Go-made part alone (Sam's key, no GnuPG
// home): what the fuzz targets use. A fuzz worker builds its targets'
// seeds and is killed at the end, never reaching TestMain's cleanup, so a
// GnuPG fixture built there left its gpg-agent running after every fuzz
// run.
func getSam(t testing.TB) *fixture {
	t.Helper()
	samOnce.Do(func() { samFix = buildSam() })
	if samFix.err != nil {
		t.Fatalf("fixture: %v", samFix.err)
	}
	return &samFix
}

func buildSam() fixture {
	f := fixture{pub: map[string][]byte{}, sec: map[string][]byte{}}
	gk, err := gcrypto.PGP().KeyGeneration().AddUserId("Sam Seal", samAddr).GenerationTime(gpgTime.Unix()).New().GenerateKey()
	if err != nil {
		f.err = err
		return f
	}
	locked, err := gcrypto.PGP().LockKey(gk, []byte(samPass))
	if err != nil {
		f.err = err
		return f
	}
	a, err := locked.Armor()
	if err != nil {
		f.err = err
		return f
	}
	f.samArmor = []byte(a)
	if f.sam, err = ParseKey(f.samArmor); err != nil {
		f.err = err
	}
	return f
}

// buildFixture is buildSam's key plus GnuPG's, made in a home of their own.
func buildFixture() fixture {
	f := buildSam()
	if f.err != nil {
		return f
	}
	if _, err := exec.LookPath("gpg"); err != nil {
		return f
	}
	home, err := os.MkdirTemp("", "sealdesk-gpg-")
	if err != nil {
		f.err = err
		return f
	}
	f.home = home
	steps := [][]string{
		{"--passphrase", alicePass, "--quick-gen-key", "Alice <" + aliceAddr + ">", "future-default", "default", "never"},
		{"--passphrase", "", "--quick-gen-key", "Bob <" + bobAddr + ">", "rsa3072", "cert,sign,encr", "never"},
		{"--passphrase", "", "--quick-gen-key", "Old <" + oldAddr + ">", "future-default", "default", "2025-06-01"},
		{"--passphrase", "", "--quick-gen-key", "Rev <" + revAddr + ">", "future-default", "default", "never"},
		{"--passphrase", "", "--quick-gen-key", "Eve <" + eveAddr + ">", "future-default", "default", "never"},
	}
	for _, s := range steps {
		if _, err := f.gpg(nil, s...); err != nil {
			f.err = err
			return f
		}
	}
	// Revoke rev's key with the certificate gpg stored at generation.
	fp := f.fingerprint(revAddr)
	rc, err := os.ReadFile(filepath.Join(home, "openpgp-revocs.d", fp+".rev"))
	if err != nil {
		f.err = err
		return f
	}
	rc = bytes.Replace(rc, []byte(":-----BEGIN"), []byte("-----BEGIN"), 1)
	if _, err := f.gpg(rc, "--import"); err != nil {
		f.err = err
		return f
	}
	if _, err := f.gpg(f.samArmor, "--passphrase", samPass, "--import"); err != nil {
		f.err = err
		return f
	}
	if _, err := f.gpg(nil, "--quick-lsign-key", f.sam.Fingerprint); err != nil {
		// Trust is not needed with --trust-model always; ignore.
		_ = err
	}
	for _, a := range []string{aliceAddr, bobAddr, oldAddr, revAddr, eveAddr} {
		if f.pub[a], err = f.gpg(nil, "--armor", "--export", a); err != nil {
			f.err = err
			return f
		}
	}
	pass := map[string]string{aliceAddr: alicePass}
	for _, a := range []string{aliceAddr, bobAddr} {
		if f.sec[a], err = f.gpg(nil, "--passphrase", pass[a], "--armor", "--export-secret-keys", a); err != nil {
			f.err = err
			return f
		}
	}
	// The keys are made: stop the agent key generation started. A fuzz
	// worker builds the fixture for its seeds and is killed at the end,
	// never reaching TestMain's cleanup, so an agent left running here
	// outlived every fuzz run. A test that runs gpg later starts one
	// again, which TestMain stops.
	_ = exec.Command("gpgconf", "--homedir", f.home, "--kill", "gpg-agent").Run()
	return f
}

// gpg runs gpg in the fixture's home at the faked time.
func (f *fixture) gpg(stdin []byte, args ...string) ([]byte, error) {
	return f.gpgAt(gpgTime, stdin, args...)
}

func (f *fixture) gpgAt(at time.Time, stdin []byte, args ...string) ([]byte, error) {
	base := []string{"--homedir", f.home, "--batch", "--yes", "--no-tty", "--pinentry-mode", "loopback", "--trust-model", "always"}
	if !at.IsZero() {
		base = append(base, "--faked-system-time", at.UTC().Format("20060102T150405")+"!")
	}
	cmd := exec.Command("gpg", append(base, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.Bytes(), fmt.Errorf("gpg %s: %v: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes(), nil
}

func (f *fixture) fingerprint(addr string) string {
	out, err := f.gpg(nil, "--with-colons", "--list-keys", addr)
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "fpr:") {
			return strings.Split(l, ":")[9]
		}
	}
	return ""
}

func needGPG(t testing.TB) *fixture {
	f := getFixture(t)
	if f.home == "" {
		t.Skip("gpg is not installed: skipping GnuPG interop")
	}
	return f
}

// samKeyring holds our secret key (locked, with its passphrase) and the
// public keys of the named correspondents.
func samKeyring(t testing.TB, f *fixture, addrs ...string) *MemoryKeyring {
	t.Helper()
	kr := NewMemoryKeyring()
	if err := kr.AddSecret(f.sam, []byte(samPass)); err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		keys, err := ParseKeys(f.pub[a])
		if err != nil {
			t.Fatalf("parse %s: %v", a, err)
		}
		if _, err := kr.Add(keys...); err != nil {
			t.Fatal(err)
		}
	}
	return kr
}

// mail assembles a message with CRLF line ends.
func mkMail(from, to, subject, ctype string, body string) []byte {
	h := "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nDate: Thu, 1 Jan 2026 00:00:00 +0000\r\nMessage-ID: <t@sealdesk.test>\r\nMIME-Version: 1.0\r\n"
	if ctype != "" {
		h += "Content-Type: " + ctype + "\r\n"
	}
	return []byte(h + "\r\n" + strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
}

// gpgDated re-dates a mkMail message to gpgTime, when GnuPG (and the
// fixtures made like it) signed: a signature made more than an hour from
// the Date field is a date mismatch (issue 11).
func gpgDated(raw []byte) []byte {
	return bytes.Replace(raw, []byte("\r\nDate: Thu, 1 Jan 2026 00:00:00 +0000\r\n"), []byte("\r\nDate: "+gpgTime.Format(time.RFC1123Z)+"\r\n"), 1)
}

func pgpMIMEEncrypted(from, to, subject string, armored []byte) []byte {
	return mkMail(from, to, subject, `multipart/encrypted; protocol="application/pgp-encrypted"; boundary="enc"`,
		"--enc\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n--enc\nContent-Type: application/octet-stream\n\n"+string(armored)+"\n--enc--\n")
}

func pgpMIMESigned(from, to, subject, part string, armoredSig []byte) []byte {
	return mkMail(from, to, subject, `multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="sig"`,
		"--sig\n"+part+"\n--sig\nContent-Type: application/pgp-signature\n\n"+string(armoredSig)+"\n--sig--\n")
}

func crlf(s string) []byte {
	return []byte(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n"))
}
