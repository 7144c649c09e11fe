package security

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
)

const bundlePass = "correct horse battery"

func TestBundleNeedsALongPassphrase(t *testing.T) {
	p := getPKI(t)
	f := newFixture(t)
	mustImport(t, f, p.alice.certPEM())
	if _, err := f.svc.Certificates.ImportKey(f.ctx, p.alice.keyPEM(t), nil); err != nil {
		t.Fatal(err)
	}
	fp := smime.Fingerprint(p.alice.cert)
	for _, tc := range []struct {
		name string
		pass []byte
		want error
	}{
		{"none", nil, ErrNoPassphrase},
		{"eleven characters", []byte("elevenchars"), ErrWeakPassphrase},
		// Twelve bytes but six characters: length is counted in characters.
		{"six umlauts", []byte("ääääää"), ErrWeakPassphrase},
	} {
		if _, err := f.svc.Certificates.ExportBundle(f.ctx, fp, tc.pass); !errors.Is(err, tc.want) {
			t.Errorf("certificate, %s: %v", tc.name, err)
		}
		if _, err := f.svc.PGPKeys.ExportBundle(f.ctx, "00000000000000000000", tc.pass); !errors.Is(err, tc.want) {
			t.Errorf("openpgp, %s: %v", tc.name, err)
		}
	}
	if _, err := f.svc.Certificates.ExportBundle(f.ctx, smime.Fingerprint(p.root.cert), []byte(bundlePass)); err == nil {
		t.Error("a certificate without a private key was exported")
	}
}

// TestCertBundleInterop: the PKCS #12 bundle is Modern2023 (PBES2 with
// AES-256-CBC, SHA-256 MAC), OpenSSL 3 reads it without -legacy, and a
// second profile imports key and chain from it with the passphrase only.
func TestCertBundleInterop(t *testing.T) {
	p := getPKI(t)
	a := newFixture(t)
	mustImport(t, a, p.root.certPEM())
	mustImport(t, a, p.alice.certPEM())
	if _, err := a.svc.Certificates.ImportKey(a.ctx, p.alice.keyPEM(t), nil); err != nil {
		t.Fatal(err)
	}
	fp := smime.Fingerprint(p.alice.cert)
	b, err := a.svc.Certificates.ExportBundle(a.ctx, fp, []byte(bundlePass))
	if err != nil {
		t.Fatal(err)
	}
	if b.Format != BundlePKCS12 || b.Fingerprint != fp || len(b.Addresses) != 1 || b.Addresses[0] != "alice@example.test" {
		t.Fatalf("bundle %+v", b)
	}
	key, leaf, chain, err := smime.ParsePKCS12(b.Data, []byte(bundlePass))
	if err != nil || !leaf.Equal(p.alice.cert) || !smime.KeyMatches(leaf, key) || len(chain) != 1 || !chain[0].Equal(p.root.cert) {
		t.Fatalf("reading the bundle back: chain %d, %v", len(chain), err)
	}

	if _, err := exec.LookPath("openssl"); err == nil {
		file := filepath.Join(t.TempDir(), "b.p12")
		if err := os.WriteFile(file, b.Data, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("openssl", "pkcs12", "-in", file, "-passin", "pass:"+bundlePass, "-nodes").CombinedOutput()
		if err != nil || bytes.Count(out, []byte("BEGIN CERTIFICATE")) != 2 || !bytes.Contains(out, []byte("BEGIN PRIVATE KEY")) {
			t.Fatalf("openssl pkcs12 (no -legacy): %v\n%s", err, out)
		}
		info, err := exec.Command("openssl", "pkcs12", "-in", file, "-passin", "pass:"+bundlePass, "-info", "-noout").CombinedOutput()
		if err != nil {
			t.Fatalf("openssl pkcs12 -info: %v\n%s", err, info)
		}
		for _, want := range []string{"MAC: sha256", "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC", "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC"} {
			if !bytes.Contains(info, []byte(want)) {
				t.Errorf("openssl pkcs12 -info lacks %q:\n%s", want, info)
			}
		}
		if bytes.Contains(info, []byte("RC2")) || bytes.Contains(info, []byte("3DES")) {
			t.Errorf("legacy cipher in the bundle:\n%s", info)
		}
	} else {
		t.Log("openssl not found: interop half skipped")
	}

	// The colleague's profile: wrong passphrase stores nothing.
	c := newFixture(t)
	if _, err := c.svc.Certificates.ImportKey(c.ctx, b.Data, []byte("not the passphrase")); !errors.Is(err, smime.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if certs, items := c.count(t); certs != 0 || items != 0 {
		t.Fatalf("a failed import stored %d certificates, %d keychain items", certs, items)
	}
	res, err := c.svc.Certificates.ImportKey(c.ctx, b.Data, []byte(bundlePass))
	if err != nil || len(res.Keys) != 1 || res.Keys[0] != fp || len(res.Imported) != 2 {
		t.Fatalf("import: %+v, %v", res, err)
	}
}

// TestPGPBundleInterop: the OpenPGP bundle is the secret key under the
// bundle passphrase (AES-256, iterated and salted S2K), not the stored
// one; GnuPG imports it with that passphrase and decrypts mail to the
// helpdesk with it, and a second profile imports it likewise.
func TestPGPBundleInterop(t *testing.T) {
	g := gpgtest.Get(t)
	a := newPGPFixture(t, Options{})
	importPGP(t, a, gpgtest.DeskPass, g.DeskSecret)
	b, err := a.svc.PGPKeys.ExportBundle(a.ctx, g.Desk, []byte(bundlePass))
	if err != nil {
		t.Fatal(err)
	}
	if b.Format != BundleOpenPGP || b.Fingerprint != g.Desk || !bytes.HasPrefix(b.Data, []byte("-----BEGIN PGP PRIVATE KEY BLOCK-----")) {
		t.Fatalf("bundle %+v", b)
	}

	home := &gpgtest.Fixture{Home: t.TempDir()}
	t.Cleanup(func() { _ = exec.Command("gpgconf", "--homedir", home.Home, "--kill", "all").Run() })
	packets, err := home.GPG(nil, "--list-packets", writeTemp(t, "desk.asc", b.Data))
	if err != nil {
		t.Fatal(err)
	}
	// Algorithm 9 is AES-256 (RFC 4880 section 9.2).
	for _, want := range []string{"iter+salt S2K, algo: 9,"} {
		if !bytes.Contains(packets, []byte(want)) {
			t.Errorf("gpg --list-packets lacks %q:\n%s", want, packets)
		}
	}
	if bytes.Contains(packets, []byte("protection: none")) || bytes.Contains(packets, []byte("unprotected")) {
		t.Errorf("an unprotected secret key packet:\n%s", packets)
	}
	if _, err := home.GPG(b.Data, "--passphrase", bundlePass, "--import"); err != nil {
		t.Fatalf("gpg --import: %v", err)
	}
	mail := g.Encrypted(t, "to the desk", false)
	ct := mail[bytes.Index(mail, []byte("-----BEGIN PGP MESSAGE-----")):]
	ct = ct[:bytes.Index(ct, []byte("-----END PGP MESSAGE-----"))+len("-----END PGP MESSAGE-----")]
	if _, err := home.GPG(ct, "--passphrase", gpgtest.DeskPass, "--decrypt"); err == nil {
		t.Error("gpg unlocked the bundle with the stored passphrase, not the bundle's")
	}
	if out, err := home.GPG(ct, "--passphrase", bundlePass, "--decrypt"); err != nil || !strings.Contains(string(out), "printer is on fire") {
		t.Fatalf("gpg decrypting with the imported key: %v\n%s", err, out)
	}

	c := newPGPFixture(t, Options{})
	if _, err := c.svc.PGPKeys.Import(c.ctx, []byte("not the passphrase"), Input{Data: b.Data}); !errors.Is(err, pgp.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if keys, items := c.pgpCount(t); keys != 0 || items != 0 {
		t.Fatalf("a failed import stored %d keys, %d keychain items", keys, items)
	}
	res := importPGP(t, c, bundlePass, b.Data)
	if len(res.Secret) != 1 {
		t.Fatalf("import: %+v", res)
	}
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}
