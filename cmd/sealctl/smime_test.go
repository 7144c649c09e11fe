package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/mail/mirror"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/store"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// corpusNow is inside the corpus certificates' validity (2026-01-26 to
// 2031-01-26).
var corpusNow = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)

const corpusAt = "2026-02-01T00:00:00Z"

// corpusDir finds shared/corpora/thunderbird-smime by walking up from the
// working directory; the corpus is not copied into the project.
func corpusDir(t *testing.T) string {
	t.Helper()
	wd, _ := os.Getwd()
	for d := wd; ; d = filepath.Dir(d) {
		for _, c := range []string{filepath.Join(d, "shared", "corpora"), filepath.Join(d, "..", "shared", "corpora")} {
			if _, err := os.Stat(filepath.Join(c, "thunderbird-smime", "expected.tsv")); err == nil {
				return filepath.Join(c, "thunderbird-smime")
			}
		}
		if filepath.Dir(d) == d {
			t.Skip("shared/corpora/thunderbird-smime not found above " + wd)
		}
	}
}

// memoryKeychain points sealctl at one in-memory keychain for the test (it
// must outlive each run, as the OS keychain does) and pins the clock.
func memoryKeychain(t *testing.T) *keystore.Memory {
	kc := keystore.NewMemory(keystore.WindowsItemLimit)
	newKeychain = func() keystore.Backend { return kc }
	clock = func() time.Time { return corpusNow }
	t.Cleanup(func() { newKeychain, clock = nil, time.Now })
	return kc
}

// ctl runs sealctl over one data directory and fails the test on an
// unexpected exit code.
type ctl struct {
	t   *testing.T
	dir string
}

func (c ctl) run(want int, args ...string) string {
	c.t.Helper()
	out, errOut, code := sealctl(c.t, append([]string{"--data", c.dir}, args...)...)
	if code != want {
		c.t.Fatalf("sealctl %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, out, errOut)
	}
	return out + errOut
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// importCorpusKeys imports the test CA and every person's PKCS #12 file.
func importCorpusKeys(c ctl, corpus string) {
	pass := writeFile(c.t, "pass", []byte("nss\n"))
	c.run(exitOK, "cert", "import", filepath.Join(corpus, "smime", "TestCA.pem"))
	for _, f := range []string{"smime/Alice.p12", "smime/Bob.p12", "smime/Dave.p12", "smime/Alice-ec.p12", "smime/Eve.p12", "smime-interop/Fran.p12", "smime-interop/Fran-ec.p12"} {
		c.run(exitOK, "cert", "key", filepath.Join(corpus, f), "--passphrase-file", pass)
	}
}

type corpusRow struct {
	file                     string
	encrypted, signed, valid bool
	signer, text             string
}

func readExpected(t *testing.T, dir string) []corpusRow {
	f, err := os.Open(filepath.Join(dir, "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []corpusRow
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		c := append(strings.Split(sc.Text(), "\t"), "", "")
		if len(c) >= 7 {
			rows = append(rows, corpusRow{c[0], c[1] == "true", c[2] == "true", c[3] == "true", c[4], c[5]})
		}
	}
	return rows
}

func inspectJSONOf(t *testing.T, c ctl, file string, extra ...string) inspectJSON {
	t.Helper()
	out := c.run(exitOK, append(append([]string{"inspect", "--json"}, extra...), file)...)
	var got inspectJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("inspect --json printed %q: %v", out, err)
	}
	// The shape is a contract: exactly these keys at the top.
	var shape map[string]json.RawMessage
	json.Unmarshal([]byte(out), &shape)
	if len(shape) != 4 || shape["subject"] == nil || shape["from"] == nil || shape["security"] == nil || shape["text"] == nil {
		t.Fatalf("inspect --json keys: %s", out)
	}
	// Every check keeps its name, ok and detail and carries its codes.
	var sec struct {
		Sign struct {
			Checks []map[string]json.RawMessage `json:"checks"`
		} `json:"sign"`
	}
	json.Unmarshal(shape["security"], &sec)
	for _, c := range sec.Sign.Checks {
		for _, k := range []string{"kind", "name", "signer", "layer", "ok"} {
			if c[k] == nil {
				t.Fatalf("inspect --json check lacks %q: %s", k, out)
			}
		}
	}
	if err := got.Security.CheckCodes(); err != nil {
		t.Errorf("inspect --json: %v", err)
	}
	return got
}

func TestCorpusThroughSealctl(t *testing.T) {
	corpus := corpusDir(t)
	memoryKeychain(t)
	c := ctl{t, t.TempDir()}
	importCorpusKeys(c, corpus)

	var list []map[string]any
	if err := json.Unmarshal([]byte(c.run(exitOK, "cert", "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	private := 0
	for _, e := range list {
		if e["has_private"] == true {
			private++
		}
		for _, k := range []string{"fingerprint", "subject", "issuer", "emails", "serial", "not_before", "not_after", "is_ca", "key_usage", "ext_key_usage"} {
			if _, ok := e[k]; !ok {
				t.Fatalf("inventory entry lacks %s: %v", k, e)
			}
		}
	}
	if private != 7 {
		t.Fatalf("%d certificates with a private key, want 7:\n%s", private, c.run(exitOK, "cert", "list"))
	}
	human := c.run(exitOK, "cert", "list")
	if !strings.Contains(human, "FINGERPRINT") || !strings.Contains(human, "CA") || !strings.Contains(human, "private key") {
		t.Fatalf("cert list:\n%s", human)
	}

	for _, row := range readExpected(t, corpus) {
		t.Run(row.file, func(t *testing.T) {
			c := ctl{t, c.dir}
			got := inspectJSONOf(t, c, filepath.Join(corpus, row.file), "--at", corpusAt)
			r := got.Security
			if r.Type != "S/MIME" || r.Encrypted != row.encrypted || r.Encrypted && !r.Encryption.Success {
				t.Errorf("type %q encrypted %v (%s), want %v", r.Type, r.Encrypted, r.Encryption.Comment, row.encrypted)
			}
			if r.Signed != row.signed || r.Signed && r.Sign.Success != row.valid {
				t.Errorf("signed %v valid %v (%s), want %v %v", r.Signed, r.Sign.Success, r.Sign.Comment, row.signed, row.valid)
			}
			if row.text != "" && !strings.Contains(got.Text, row.text) {
				t.Errorf("text %q lacks %q", got.Text, row.text)
			}
			if row.signed && !strings.Contains(strings.ToLower(got.From), strings.ToLower(row.signer)) {
				t.Errorf("from %q, want %s", got.From, row.signer)
			}
		})
	}

	// Human output says who signed and whether it holds, then the text.
	out := c.run(exitOK, "inspect", "--at", corpusAt, filepath.Join(corpus, "smime/alice.dsig.SHA256.multipart.env.eml"))
	for _, want := range []string{"Signed:    yes, valid, by alice@example.com", "Encrypted: yes, decrypted", "This is a test message from Alice to Bob."} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}
	out = c.run(exitOK, "inspect", "--at", corpusAt, filepath.Join(corpus, "smime/alice.dsig.SHA256.multipart.bad.eml"))
	if !strings.Contains(out, "NOT VALID") || !strings.Contains(out, "Reason:    "+string(verdict.ReasonContentAltered)) {
		t.Errorf("bad signature output:\n%s", out)
	}
	bad := inspectJSONOf(t, c, filepath.Join(corpus, "smime/alice.dsig.SHA256.multipart.bad.eml"), "--at", corpusAt).Security.Sign
	if bad.Reason != verdict.ReasonContentAltered || verdict.ReasonOf(bad.Checks) != bad.Reason {
		t.Errorf("bad signature: reason %q, checks %+v", bad.Reason, bad.Checks)
	}
}

func TestCertKeyErrors(t *testing.T) {
	corpus := corpusDir(t)
	kc := memoryKeychain(t)
	c := ctl{t, t.TempDir()}
	p12 := filepath.Join(corpus, "smime", "Alice.p12")
	if out := c.run(exitFailed, "cert", "key", p12); !strings.Contains(out, "--passphrase-file") {
		t.Fatalf("p12 without passphrase: %s", out)
	}
	wrong := writeFile(t, "wrong", []byte("not-nss\n"))
	if out := c.run(exitFailed, "cert", "key", p12, "--passphrase-file", wrong); !strings.Contains(out, "passphrase is wrong") {
		t.Fatalf("wrong passphrase: %s", out)
	}
	c.run(exitIO, "cert", "key", p12, "--passphrase-file", filepath.Join(t.TempDir(), "missing"))
	c.run(exitIO, "cert", "import", filepath.Join(t.TempDir(), "missing.pem"))
	c.run(exitIO, "inspect", filepath.Join(t.TempDir(), "missing.eml"))
	c.run(exitIO, "inspect", writeFile(t, "empty.eml", nil))
	if out := c.run(exitFailed, "cert", "import", p12); !strings.Contains(out, "PKCS #12") {
		t.Fatalf("p12 as certificate: %s", out)
	}
	c.run(exitNotFound, "cert", "delete", "0123456789abcdef")
	c.run(exitNotFound, "cert", "export", "01:23:45:67:89:AB:CD:EF")
	c.run(exitUsage, "cert", "export", "xyz")
	c.run(exitUsage, "cert", "frob")
	c.run(exitUsage, "seal", "--type", "openpgp", "--sign", p12)
	if kc.Len() != 0 {
		t.Fatalf("failed commands left %d keychain items", kc.Len())
	}
	ca := filepath.Join(corpus, "smime", "TestCA.pem")
	// Several files are one transaction: a bad one stores nothing.
	if out := c.run(exitFailed, "cert", "import", ca, p12); !strings.Contains(out, "Alice.p12: smime:") {
		t.Fatalf("bad second file: %s", out)
	}
	if out := c.run(exitOK, "cert", "list"); !strings.Contains(out, "no certificates") {
		t.Fatalf("a failed import stored something:\n%s", out)
	}
	c.run(exitOK, "cert", "import", ca)
	if out := c.run(exitFailed, "cert", "import", ca); !strings.Contains(out, "already imported: CN=NSS Test CA") || !strings.Contains(out, "fingerprint") {
		t.Fatalf("duplicate: %s", out)
	}
}

func TestImportingTheCARechecksStoredArticles(t *testing.T) {
	corpus := corpusDir(t)
	kc := memoryKeychain(t)
	c := ctl{t, t.TempDir()}
	mail := filepath.Join(corpus, "smime", "alice.dsig.SHA256.multipart.eml")
	if got := inspectJSONOf(t, c, mail, "--at", corpusAt); got.Security.Sign.Success || !got.Security.Signed {
		t.Fatalf("verified without the CA: %+v", got.Security.Sign)
	}
	out := c.run(exitOK, "cert", "import", filepath.Join(corpus, "smime", "TestCA.pem"))
	if !strings.Contains(out, "re-checked stored articles: 1 changed") {
		t.Fatalf("cert import did not report the re-check:\n%s", out)
	}
	p, err := profile.Open(context.Background(), profile.Options{Dir: c.dir, Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	a, err := p.Store.ArticleByContent(context.Background(), mirror.Hash(mustRead(t, mail)))
	if err != nil || !a.Security.Sign.Success || a.SecurityState != store.SecuritySigned {
		t.Fatalf("stored article after the import: %+v, %v", a.Security.Sign, err)
	}
}

func mustRead(t *testing.T, name string) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSealRoundTripAndOpenSSL(t *testing.T) {
	corpus := corpusDir(t)
	memoryKeychain(t)
	c := ctl{t, t.TempDir()}
	importCorpusKeys(c, corpus)
	plain := writeFile(t, "out.eml", []byte("From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\nSubject: sealed by sealctl\r\n"+
		"Message-ID: <sealctl-test@example.com>\r\n\r\nMeet at noon.\r\n"))
	sealed := c.run(exitOK, "seal", "--type", "smime", "--sign", "--encrypt", plain)
	if strings.Contains(sealed, "noon") || !strings.Contains(sealed, "application/pkcs7-mime") {
		t.Fatalf("sealed message:\n%s", sealed)
	}
	sealedFile := writeFile(t, "sealed.eml", []byte(sealed))
	got := inspectJSONOf(t, c, sealedFile)
	r := got.Security
	if !r.Encrypted || !r.Encryption.Success || !r.Signed || !r.Sign.Success || !strings.Contains(got.Text, "Meet at noon.") || got.Subject != "sealed by sealctl" {
		t.Fatalf("inspect of sealed output: %+v", got)
	}
	c.run(exitUsage, "seal", "--type", "smime", plain)

	// Bob's key, exported encrypted, must read back and open the message
	// with OpenSSL.
	bobFP := ""
	var list []map[string]any
	json.Unmarshal([]byte(c.run(exitOK, "cert", "list", "--json")), &list)
	for _, e := range list {
		if e["subject"] == "CN=Bob,E=Bob@example.com" || strings.Contains(e["subject"].(string), "CN=Bob") {
			bobFP = e["fingerprint"].(string)
		}
	}
	if bobFP == "" {
		t.Fatalf("no Bob in %v", list)
	}
	pass := writeFile(t, "export-pass", []byte("export me\n"))
	keyPEM := c.run(exitOK, "cert", "export", bobFP[:12], "--private", "--passphrase-file", pass)
	if _, err := smime.ParsePrivateKey([]byte(keyPEM), []byte("export me")); err != nil {
		t.Fatalf("exported key does not read back: %v", err)
	}
	certPEM := c.run(exitOK, "cert", "export", strings.ToUpper(bobFP))
	c.run(exitUsage, "cert", "export", bobFP, "--private")

	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not on PATH: skipping the interop half")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bob.key"), []byte(keyPEM), 0o600)
	os.WriteFile(filepath.Join(dir, "bob.pem"), []byte(certPEM), 0o600)
	dec, err := exec.Command("openssl", "cms", "-decrypt", "-in", sealedFile, "-recip", filepath.Join(dir, "bob.pem"),
		"-inkey", filepath.Join(dir, "bob.key"), "-passin", "pass:export me").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl cms -decrypt: %v\n%s", err, dec)
	}
	signedFile := writeFile(t, "signed.eml", dec)
	ver, err := exec.Command("openssl", "cms", "-verify", "-in", signedFile, "-CAfile", filepath.Join(corpus, "smime", "TestCA.pem")).CombinedOutput()
	if err != nil || !strings.Contains(string(ver), "Meet at noon.") {
		t.Fatalf("openssl cms -verify: %v\n%s", err, ver)
	}
}

// TestRealKeychain runs import, export and delete against the Secret
// Service the test harness starts (scripts/with-keyring.sh).
func TestRealKeychain(t *testing.T) {
	if os.Getenv("SEALDESK_TEST_KEYRING") != "1" {
		t.Skip("SEALDESK_TEST_KEYRING is not 1: no Secret Service to test against")
	}
	corpus := corpusDir(t)
	clock = func() time.Time { return corpusNow }
	t.Cleanup(func() { clock = time.Now })
	c := ctl{t, t.TempDir()}
	pass := writeFile(t, "pass", []byte("nss"))
	c.run(exitOK, "cert", "key", filepath.Join(corpus, "smime", "Bob.p12"), "--passphrase-file", pass)
	var list []map[string]any
	json.Unmarshal([]byte(c.run(exitOK, "cert", "list", "--json")), &list)
	for _, e := range list {
		if e["has_private"] == true {
			fp := e["fingerprint"].(string)
			mail := filepath.Join(corpus, "smime", "alice.env.eml")
			if got := inspectJSONOf(t, c, mail, "--at", corpusAt); !got.Security.Encryption.Success {
				t.Fatalf("decrypt with the key in the Secret Service: %+v", got.Security.Encryption)
			}
			c.run(exitOK, "cert", "delete", fp)
			return
		}
	}
	t.Fatal("no certificate with a private key after the import")
}
