package security

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/store"
)

func TestImportRejectsBadInputAndStoresNothing(t *testing.T) {
	p := getPKI(t)
	garbage := make([]byte, 300)
	rand.Read(garbage)
	garbage[0] = 0x01 // no ASN.1 SEQUENCE by chance
	alicePEM := string(p.alice.certPEM())
	truncated := alicePEM[:len(alicePEM)/2]
	encKey := func() []byte {
		der, _ := x509.MarshalPKCS8PrivateKey(p.alice.key)
		enc, err := smime.EncryptPKCS8(der, []byte("right"), 1000)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: enc})
	}()
	cases := []struct {
		name  string
		setup func(f *fixture) // what is stored before
		key   bool             // ImportKey instead of ImportCertificates
		data  []byte
		pass  string
		check func(t *testing.T, err error)
	}{
		{name: "garbage", data: garbage, check: wantReason(smime.ReasonBinaryGarbage)},
		{name: "text", data: []byte("hello, this is my certificate"), check: wantReason(smime.ReasonText)},
		{name: "truncated PEM", data: []byte(truncated), check: wantReason(smime.ReasonTruncatedPEM)},
		{name: "key pasted as certificate", data: p.alice.keyPEM(t), check: wantReason(smime.ReasonIsPrivateKey)},
		{name: "certificate pasted as key", key: true, data: p.alice.certPEM(), check: wantReason(smime.ReasonIsCertificate)},
		{name: "binary where text expected", key: true, data: garbage, check: wantReason(smime.ReasonBinaryGarbage)},
		{name: "key matching no certificate", key: true, data: p.alice.keyPEM(t),
			setup: func(f *fixture) { mustImport(t, f, p.bob.certPEM()) },
			check: wantErr(ErrNoMatchingCertificate, "import its certificate first")},
		{name: "encrypted key without passphrase", key: true, data: encKey,
			setup: func(f *fixture) { mustImport(t, f, p.alice.certPEM()) },
			check: wantErr(smime.ErrPassphraseRequired, "")},
		{name: "wrong passphrase", key: true, data: encKey, pass: "wrong",
			setup: func(f *fixture) { mustImport(t, f, p.alice.certPEM()) },
			check: wantErr(smime.ErrWrongPassphrase, "")},
		{name: "duplicate certificate", data: p.alice.certPEM(),
			setup: func(f *fixture) { mustImport(t, f, p.alice.certPEM()) },
			check: wantErr(ErrDuplicate, "already imported: CN=Alice (SHA-256 fingerprint "+FormatFingerprint(smime.Fingerprint(p.alice.cert))+")")},
		{name: "duplicate bundle", data: append(p.alice.certPEM(), p.bob.certPEM()...),
			setup: func(f *fixture) { mustImport(t, f, append(p.bob.certPEM(), p.alice.certPEM()...)) },
			check: wantErr(ErrDuplicate, "all 2 certificates are already imported")},
		{name: "duplicate key", key: true, data: p.alice.keyPEM(t),
			setup: func(f *fixture) {
				mustImport(t, f, p.alice.certPEM())
				if _, err := f.svc.Certificates.ImportKey(f.ctx, p.alice.keyPEM(t), nil); err != nil {
					t.Fatal(err)
				}
			},
			check: wantErr(ErrDuplicate, "private key is already imported, for: CN=Alice")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			certs, items := f.count(t)
			var err error
			if tc.key {
				var pass []byte
				if tc.pass != "" {
					pass = []byte(tc.pass)
				}
				_, err = f.svc.Certificates.ImportKey(f.ctx, tc.data, pass)
			} else {
				_, err = f.svc.Certificates.Import(f.ctx, Input{Data: tc.data})
			}
			if err == nil {
				t.Fatal("import succeeded")
			}
			if !strings.HasPrefix(err.Error(), "smime: ") && !strings.HasPrefix(err.Error(), "security: ") {
				t.Errorf("error %q has no package prefix", err)
			}
			tc.check(t, err)
			if c, i := f.count(t); c != certs || i != items {
				t.Fatalf("after a failed import: %d certificates, %d keychain items; before: %d, %d", c, i, certs, items)
			}
		})
	}
}

func wantReason(r smime.ImportReason) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		var ie *smime.ImportError
		if !errors.As(err, &ie) || ie.Reason != r {
			t.Fatalf("error %v, want an ImportError with reason %d", err, r)
		}
	}
}

func wantErr(target error, text string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		if !errors.Is(err, target) || !strings.Contains(err.Error(), text) {
			t.Fatalf("error %q, want %v containing %q", err, target, text)
		}
	}
}

func mustImport(t *testing.T, f *fixture, data []byte) ImportResult {
	t.Helper()
	res, err := f.svc.Certificates.Import(f.ctx, Input{Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestImportBundleSkipsWhatIsPresent(t *testing.T) {
	p := getPKI(t)
	f := newFixture(t)
	mustImport(t, f, p.alice.certPEM())
	// The root twice in one file is one certificate, not a duplicate.
	res := mustImport(t, f, append(append(p.root.certPEM(), p.alice.certPEM()...), p.root.certPEM()...))
	if len(res.Imported) != 1 || res.Imported[0].Subject != "CN=SealDesk Test Root,O=SealDesk" || !res.Imported[0].IsCA {
		t.Fatalf("imported %+v", res.Imported)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Subject != "CN=Alice" {
		t.Fatalf("skipped %+v", res.Skipped)
	}
	list, _ := f.svc.Certificates.List(f.ctx)
	if len(list) != 2 || !list[0].IsCA {
		t.Fatalf("list %+v", list)
	}
	a := list[1]
	if a.Fingerprint != smime.Fingerprint(p.alice.cert) || a.Issuer != "CN=SealDesk Test Root,O=SealDesk" ||
		strings.Join(a.Emails, ",") != "alice@example.test" || a.Serial != "2" || a.HasPrivate ||
		strings.Join(a.KeyUsage, ",") != "digitalSignature,keyEncipherment" ||
		strings.Join(a.ExtKeyUsage, ",") != "emailProtection" || a.Expired || a.NotBefore != "2026-02-01T12:00:00Z" {
		t.Fatalf("inventory %+v", a)
	}
}

func TestKeyImportExportDelete(t *testing.T) {
	p := getPKI(t)
	f := newFixture(t)
	mustImport(t, f, p.alice.certPEM())
	res, err := f.svc.Certificates.ImportKey(f.ctx, p.alice.keyPEM(t), nil)
	fp := smime.Fingerprint(p.alice.cert)
	if err != nil || len(res.Keys) != 1 || res.Keys[0] != fp {
		t.Fatalf("key import: %+v, %v", res, err)
	}
	c, err := f.svc.Certificates.Resolve(f.ctx, strings.ToUpper(FormatFingerprint(fp)[:23])) // 8 bytes with colons
	if err != nil || !c.HasPrivate {
		t.Fatalf("resolve by prefix: %+v, %v", c, err)
	}
	if _, err := f.svc.Certificates.Resolve(f.ctx, fp[:6]); !errors.Is(err, ErrBadFingerprint) {
		t.Fatalf("short prefix: %v", err)
	}
	if _, err := f.svc.Certificates.Resolve(f.ctx, strings.Repeat("0", 64)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}

	certPEM, err := f.svc.Certificates.Export(f.ctx, fp)
	if err != nil || string(certPEM) != string(p.alice.certPEM()) {
		t.Fatalf("export certificate: %v", err)
	}
	if _, err := f.svc.Certificates.ExportPrivateKey(f.ctx, fp, nil); !errors.Is(err, ErrNoPassphrase) {
		t.Fatalf("export without passphrase: %v", err)
	}
	keyPEM, err := f.svc.Certificates.ExportPrivateKey(f.ctx, fp, []byte("s3cret pass"))
	if err != nil || !strings.HasPrefix(string(keyPEM), "-----BEGIN ENCRYPTED PRIVATE KEY-----") {
		t.Fatalf("export key: %q, %v", keyPEM, err)
	}
	back, err := smime.ParsePrivateKey(keyPEM, []byte("s3cret pass"))
	if err != nil || !smime.KeyMatches(p.alice.cert, back) {
		t.Fatalf("reading the export back: %v", err)
	}
	if _, err := smime.ParsePrivateKey(keyPEM, []byte("wrong")); !errors.Is(err, smime.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase on the export: %v", err)
	}
	if _, err := exec.LookPath("openssl"); err == nil {
		file := filepath.Join(t.TempDir(), "key.pem")
		os.WriteFile(file, keyPEM, 0o600)
		out, err := exec.Command("openssl", "pkey", "-in", file, "-passin", "pass:s3cret pass", "-noout", "-text").CombinedOutput()
		if err != nil {
			t.Fatalf("openssl cannot read the export: %v\n%s", err, out)
		}
	}

	if _, err := f.svc.Certificates.Delete(f.ctx, fp); err != nil {
		t.Fatal(err)
	}
	if _, err := f.p.Keys.Get(KeyItemName(fp)); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("the key outlived its certificate: %v", err)
	}
	if _, err := f.svc.Certificates.Delete(f.ctx, fp); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestDeleteKeepsEverythingWhenTheKeychainIsDown(t *testing.T) {
	p := getPKI(t)
	f := newFixture(t)
	mustImport(t, f, p.alice.certPEM())
	if _, err := f.svc.Certificates.ImportKey(f.ctx, p.alice.keyPEM(t), nil); err != nil {
		t.Fatal(err)
	}
	certs, items := f.count(t)
	f.down.Store(true)
	_, err := f.svc.Certificates.Delete(f.ctx, smime.Fingerprint(p.alice.cert))
	f.down.Store(false)
	if !errors.Is(err, keystore.ErrUnavailable) {
		t.Fatalf("delete with the keychain down: %v", err)
	}
	if c, i := f.count(t); c != certs || i != items {
		t.Fatal("a failed delete removed something")
	}
}

func TestNameStringWritesEmailAttributes(t *testing.T) {
	n := pkix.Name{CommonName: "Bob", Organization: []string{"Example"}}
	n.Names = []pkix.AttributeTypeAndValue{
		{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "Bob"},
		{Type: oidEmailAddress, Value: "Bob@example.com"},
	}
	if got := nameString(n); got != "CN=Bob,O=Example,E=Bob@example.com" {
		t.Fatalf("nameString = %q", got)
	}
}
