package smime

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Interop with the OpenSSL CLI in both directions. Skipped without
// openssl on PATH.

type osslEnv struct {
	t    *testing.T
	dir  string
	eng  *Engine // holds Bob's keys, trusts the root
	keys []identity
}

func newOSSL(t *testing.T) *osslEnv {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not on PATH: skipping interop tests")
	}
	dir := t.TempDir()
	p := getPKI(t)
	e := &osslEnv{t: t, dir: dir}
	e.writeCert("ca.pem", p.root)
	e.writeCert("inter.pem", p.inter)
	ids := map[string]certSpec{
		"alice":    {cn: "Alice", email: "alice@example.org", keyIdx: 0},
		"alice-ec": {cn: "Alice EC", email: "alice@example.org", ec: true, keyIdx: 0},
		"bob":      {cn: "Bob", email: "bob@example.org", keyIdx: 1},
		"bob-ec":   {cn: "Bob EC", email: "bob@example.org", ec: true, keyIdx: 1},
	}
	kr := NewMemoryKeyring()
	kr.AddTrustAnchor(p.root)
	for name, spec := range ids {
		c, k := p.leaf(t, spec)
		e.writeCert(name+".pem", c)
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name+".key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
		if strings.HasPrefix(name, "bob") {
			mustAddKey(t, kr, c, k)
		} else {
			kr.AddCertificate(c)
			e.keys = append(e.keys, identity{name, c, k})
		}
	}
	e.eng = NewEngine(kr)
	os.WriteFile(filepath.Join(dir, "entity.txt"), []byte("Content-Type: text/plain; charset=us-ascii\r\n\r\nHello from OpenSSL.\r\n"), 0o644)
	return e
}

type identity struct {
	name string
	cert *x509.Certificate
	key  crypto.Signer
}

func (e *osslEnv) writeCert(name string, c *x509.Certificate) {
	os.WriteFile(filepath.Join(e.dir, name), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o644)
}

// run runs openssl in the temp dir; args may use a shell pipeline via sh -c.
func (e *osslEnv) run(script string, stdin []byte) ([]byte, error) {
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = e.dir
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, &exec.ExitError{Stderr: stderr.Bytes()}
	}
	return out, nil
}

func TestOpenSSLToUs(t *testing.T) {
	e := newOSSL(t)
	const hdr = "-from alice@example.org -to bob@example.org -subject interop"
	tests := []struct {
		name          string
		script        string
		signed, enc   bool
		wantAlgorithm string
	}{
		{"sign detached rsa", "openssl cms -sign -in entity.txt -signer alice.pem -inkey alice.key -certfile inter.pem -md sha256 " + hdr, true, false, ""},
		{"sign opaque rsa", "openssl cms -sign -nodetach -in entity.txt -signer alice.pem -inkey alice.key -certfile inter.pem -md sha384 " + hdr, true, false, ""},
		{"sign rsa-pss", "openssl cms -sign -in entity.txt -signer alice.pem -inkey alice.key -certfile inter.pem -md sha256 -keyopt rsa_padding_mode:pss " + hdr, true, false, ""},
		{"sign ecdsa", "openssl cms -sign -in entity.txt -signer alice-ec.pem -inkey alice-ec.key -certfile inter.pem -md sha512 " + hdr, true, false, ""},
		{"sign keyid", "openssl cms -sign -keyid -in entity.txt -signer alice.pem -inkey alice.key -certfile inter.pem " + hdr, true, false, ""},
		{"encrypt aes256-cbc", "openssl cms -encrypt -aes256 -in entity.txt " + hdr + " bob.pem", false, true, "AES-256-CBC, RSA PKCS #1 v1.5"},
		{"encrypt aes128 keyid", "openssl cms -encrypt -aes128 -keyid -in entity.txt " + hdr + " bob.pem", false, true, "AES-128-CBC"},
		{"encrypt 3des", "openssl cms -encrypt -des3 -in entity.txt " + hdr + " bob.pem", false, true, "3DES-CBC"},
		{"encrypt aes192", "openssl cms -encrypt -aes192 -in entity.txt " + hdr + " bob.pem", false, true, "AES-192-CBC"},
		{"encrypt aes-256-gcm (AuthEnveloped)", "openssl cms -encrypt -aes-256-gcm -in entity.txt " + hdr + " bob.pem", false, true, "AES-256-GCM"},
		{"encrypt oaep sha256", "openssl cms -encrypt -aes256 -in entity.txt " + hdr + " -recip bob.pem -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256", false, true, "RSA-OAEP (SHA-256)"},
		{"encrypt oaep default", "openssl cms -encrypt -aes256 -in entity.txt " + hdr + " -recip bob.pem -keyopt rsa_padding_mode:oaep", false, true, "RSA-OAEP (SHA-1)"},
		{"encrypt ec recipient", "openssl cms -encrypt -aes256 -in entity.txt " + hdr + " bob-ec.pem", false, true, "ECDH"},
		{"encrypt ec gcm", "openssl cms -encrypt -aes-128-gcm -in entity.txt " + hdr + " bob-ec.pem", false, true, "AES-128-GCM, ECDH"},
		{"sign then encrypt", "openssl cms -sign -in entity.txt -signer alice.pem -inkey alice.key -certfile inter.pem | openssl cms -encrypt -aes256 " + hdr + " bob.pem", true, true, "AES-256-CBC"},
		{"ec sign then ec encrypt", "openssl cms -sign -in entity.txt -signer alice-ec.pem -inkey alice-ec.key -certfile inter.pem -nodetach | openssl cms -encrypt -aes-256-gcm " + hdr + " bob-ec.pem", true, true, "AES-256-GCM"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.run(tc.script, nil)
			if err != nil {
				t.Fatalf("openssl: %v %s", err, err.(*exec.ExitError).Stderr)
			}
			if !bytes.Contains(out, []byte("From:")) {
				out = append([]byte("From: alice@example.org\r\nTo: bob@example.org\r\n"), out...)
			}
			res, err := e.eng.Process(out, ProcessOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			r := res.Result
			if r.Signed != tc.signed || r.Encrypted != tc.enc {
				t.Fatalf("signed=%v encrypted=%v, want %v %v (%s / %s)", r.Signed, r.Encrypted, tc.signed, tc.enc, r.Sign.Comment, r.Encryption.Comment)
			}
			if tc.signed && !r.Sign.Success {
				t.Errorf("signature: %s %+v", r.Sign.Comment, r.Sign.Checks)
			}
			if tc.enc && (!r.Encryption.Success || !strings.Contains(r.Encryption.Algorithm, tc.wantAlgorithm)) {
				t.Errorf("encryption: %+v", r.Encryption)
			}
			if !strings.Contains(res.Text, "Hello from OpenSSL.") {
				t.Errorf("text %q", res.Text)
			}
		})
	}
}

func TestUsToOpenSSL(t *testing.T) {
	e := newOSSL(t)
	p := getPKI(t)
	var alice, aliceEC identity
	for _, id := range e.keys {
		switch id.name {
		case "alice":
			alice = id
		case "alice-ec":
			aliceEC = id
		}
	}
	bob := mustCert(t, filepath.Join(e.dir, "bob.pem"))
	bobEC := mustCert(t, filepath.Join(e.dir, "bob-ec.pem"))
	entity := []byte("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße from SealDesk, a line that is rather long and will need to be wrapped by quoted-printable encoding.\r\n")
	inter := []*x509.Certificate{p.inter}
	signed := func(id identity) []byte {
		b, err := Sign(entity, id.key, id.cert, inter)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	enc := func(ent []byte, to *x509.Certificate, o EncryptOptions) []byte {
		b, err := Encrypt(ent, []*x509.Certificate{to}, o)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	const verify = "openssl cms -verify -CAfile ca.pem -out out.txt && cat out.txt"
	tests := []struct {
		name   string
		input  []byte
		script string
	}{
		{"rsa signature", signed(alice), verify},
		{"ecdsa signature", signed(aliceEC), verify},
		{"encrypt rsa cbc", enc(entity, bob, EncryptOptions{}), "openssl cms -decrypt -recip bob.pem -inkey bob.key"},
		{"encrypt rsa oaep", enc(entity, bob, EncryptOptions{RSAOAEP: true}), "openssl cms -decrypt -recip bob.pem -inkey bob.key"},
		{"encrypt rsa gcm", enc(entity, bob, EncryptOptions{AuthEnveloped: true}), "openssl cms -decrypt -recip bob.pem -inkey bob.key"},
		{"encrypt ec cbc", enc(entity, bobEC, EncryptOptions{}), "openssl cms -decrypt -recip bob-ec.pem -inkey bob-ec.key"},
		{"encrypt ec gcm", enc(entity, bobEC, EncryptOptions{AuthEnveloped: true}), "openssl cms -decrypt -recip bob-ec.pem -inkey bob-ec.key"},
		{"sign then encrypt", enc(signed(alice), bob, EncryptOptions{}), "openssl cms -decrypt -recip bob.pem -inkey bob.key | " + verify},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.run(tc.script, tc.input)
			if err != nil {
				t.Fatalf("openssl: %v\n%s", err, err.(*exec.ExitError).Stderr)
			}
			if !bytes.Contains(out, []byte("Gr=C3=BC=C3=9Fe from SealDesk")) && !bytes.Contains(out, []byte("Grüße from SealDesk")) {
				t.Errorf("openssl output lacks the text:\n%s", out)
			}
		})
	}

	// Seal output as a whole message.
	kr := NewMemoryKeyring()
	kr.AddTrustAnchor(p.root)
	kr.AddCertificate(p.inter, bob)
	mustAddKey(t, kr, alice.cert, alice.key)
	sealed, err := NewEngine(kr).Seal(plainMail("alice@example.org", "bob@example.org", ""), true, true, SealOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.run("openssl cms -decrypt -recip bob.pem -inkey bob.key | openssl cms -verify -CAfile ca.pem -attime "+itoa(testNow.Unix()), sealed)
	if err != nil {
		t.Fatalf("openssl on Seal output: %v\n%s", err, err.(*exec.ExitError).Stderr)
	}
	if !bytes.Contains(out, []byte("secret body")) {
		t.Errorf("openssl output: %s", out)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func mustCert(t testing.TB, path string) *x509.Certificate {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCertificates(b)
	if err != nil {
		t.Fatal(err)
	}
	return c[0]
}
