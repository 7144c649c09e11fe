package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/mail/team/teamtest"
	"github.com/sealdesk/sealdesk/mailbox"
)

const colleaguePass = "told by phone, not by mail"

// TestPGPBundleThroughTeamFolder: `pgp export-bundle --to-team` on one
// laptop, `bundle list` and `bundle import` on the other; a wrong
// passphrase fails and stores nothing.
func TestPGPBundleThroughTeamFolder(t *testing.T) {
	anna, g, _ := pgpCtl(t)
	bob := ctl{t, t.TempDir()}
	srv := teamtest.NewServer(t)
	pw := writeFile(t, "pw", []byte(srv.Pass+"\n"))
	for _, c := range []ctl{anna, bob} {
		c.run(exitOK, "account", "add", "help", "--imap", srv.Addr, "--tls", "none", "--user", srv.User, "--password-file", pw)
	}
	anna.run(exitOK, "pgp", "import", anna.file("desk.asc", g.DeskSecret), "--passphrase-file", anna.file("p", []byte(gpgtest.DeskPass+"\n")))
	short := anna.file("short", []byte("too short\n"))
	if out := anna.run(exitFailed, "pgp", "export-bundle", g.Desk, "--passphrase-file", short, "--to-team"); !strings.Contains(out, "at least 12 characters") {
		t.Fatalf("short passphrase: %s", out)
	}
	anna.run(exitUsage, "pgp", "export-bundle", g.Desk, "--passphrase-file", short)
	pass := anna.file("cp", []byte(colleaguePass+"\n"))
	file := filepath.Join(t.TempDir(), "desk.asc")
	out := anna.run(exitOK, "pgp", "export-bundle", g.Desk, "--passphrase-file", pass, "--to-team", "-o", file)
	if !strings.Contains(out, "team folder") {
		t.Fatalf("export-bundle: %s", out)
	}
	if armored, err := os.ReadFile(file); err != nil || !strings.HasPrefix(string(armored), "-----BEGIN PGP PRIVATE KEY BLOCK-----") {
		t.Fatalf("bundle file: %v", err)
	}

	var list []mailbox.TeamBundle
	if err := json.Unmarshal([]byte(bob.run(exitOK, "bundle", "list", "--json")), &list); err != nil || len(list) != 1 ||
		list[0].Fingerprint != g.Desk || list[0].Imported {
		t.Fatalf("bundle list: %+v, %v", list, err)
	}
	if out := bob.run(exitOK, "bundle", "list"); !strings.Contains(out, "waiting for you to import with the passphrase") {
		t.Fatalf("bundle list: %s", out)
	}
	uid := strconv.FormatUint(uint64(list[0].UID), 10)
	bob.run(exitFailed, "bundle", "import", uid, "--passphrase-file", short)
	if out := bob.run(exitOK, "pgp", "list"); strings.Contains(out, g.Desk[:16]) {
		t.Fatalf("a failed import stored the key: %s", out)
	}
	bob.run(exitOK, "bundle", "import", uid, "--passphrase-file", pass)
	if err := json.Unmarshal([]byte(bob.run(exitOK, "bundle", "list", "--json")), &list); err != nil || !list[0].Imported {
		t.Fatalf("after import: %+v, %v", list, err)
	}

	// The file form: a third laptop imports it with `pgp import`.
	carol := ctl{t, t.TempDir()}
	carol.run(exitOK, "pgp", "import", file, "--passphrase-file", pass)
}

// TestCertBundleFileThroughSealctl: `cert export-bundle -o` writes a
// PKCS #12 file OpenSSL 3 reads without -legacy, and `cert key` imports it
// in another data directory.
func TestCertBundleFileThroughSealctl(t *testing.T) {
	corpus := corpusDir(t)
	memoryKeychain(t)
	anna := ctl{t, t.TempDir()}
	anna.run(exitOK, "cert", "import", filepath.Join(corpus, "smime", "TestCA.pem"))
	anna.run(exitOK, "cert", "key", filepath.Join(corpus, "smime/Bob.p12"), "--passphrase-file", writeFile(t, "nss", []byte("nss\n")))
	var certs []struct {
		Fingerprint string `json:"fingerprint"`
		HasPrivate  bool   `json:"has_private"`
	}
	if err := json.Unmarshal([]byte(anna.run(exitOK, "cert", "list", "--json")), &certs); err != nil {
		t.Fatal(err)
	}
	fp := ""
	for _, c := range certs {
		if c.HasPrivate {
			fp = c.Fingerprint
		}
	}
	pass := writeFile(t, "cp", []byte(colleaguePass+"\n"))
	file := filepath.Join(t.TempDir(), "bob.p12")
	anna.run(exitOK, "cert", "export-bundle", fp, "--passphrase-file", pass, "-o", file)
	if _, err := exec.LookPath("openssl"); err == nil {
		info, err := exec.Command("openssl", "pkcs12", "-in", file, "-passin", "pass:"+colleaguePass, "-info", "-nodes").CombinedOutput()
		if err != nil || !strings.Contains(string(info), "MAC: sha256") || !strings.Contains(string(info), "AES-256-CBC") {
			t.Fatalf("openssl pkcs12: %v\n%s", err, info)
		}
	}
	bob := ctl{t, t.TempDir()}
	bob.run(exitFailed, "cert", "key", file, "--passphrase-file", writeFile(t, "wrong", []byte("a wrong passphrase\n")))
	if out := bob.run(exitOK, "cert", "list"); strings.Contains(out, fp[:16]) {
		t.Fatalf("a failed import stored the certificate: %s", out)
	}
	if out := bob.run(exitOK, "cert", "key", file, "--passphrase-file", pass); !strings.Contains(out, "private key") {
		t.Fatalf("cert key: %s", out)
	}
}
