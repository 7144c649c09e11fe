package app

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/mail/team/teamtest"
	"github.com/sealdesk/sealdesk/mailbox"
)

const bundlePass = "told by phone, not by mail"

// bundleLaptop is one agent's window over its own profile and keychain,
// with the account of the shared test server.
func bundleLaptop(t *testing.T, srv *teamtest.Server) (*Services, *recorder) {
	t.Helper()
	s := NewServices(openProfile(t, keystore.NewMemory(0)))
	r := &recorder{}
	s.Certificates.emit, s.PGPKeys.emit, s.Bundles.emit = r, r, r
	in := mailbox.AccountInput{Name: "help", IMAP: srv.Addr, IMAPTLS: "none", Username: srv.User, Password: []byte(srv.Pass)}
	if _, err := s.Accounts.mb.SaveAccount(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	return s, r
}

// TestBundleExportAndImportThroughTheBoundServices: Anna exports the
// helpdesk's certificate and OpenPGP key for a colleague, to a file and to
// the team folder; Bob lists the team's bundles, a wrong passphrase is
// CodeWrongPassphrase and stores nothing, the right one imports.
func TestBundleExportAndImportThroughTheBoundServices(t *testing.T) {
	srv := teamtest.NewServer(t)
	anna, _ := bundleLaptop(t, srv)
	bob, bobEvents := bundleLaptop(t, srv)
	g := gpgtest.Get(t)

	ca := newCert(t, "Desk CA", "", nil)
	desk := newCert(t, "SealDesk Support", gpgtest.DeskAddr, &ca)
	keyDER, _ := x509.MarshalPKCS8PrivateKey(desk.key)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	if _, err := anna.Certificates.ImportCertificates(ImportCertificatesRequest{Data: desk.pem()}); err != nil {
		t.Fatal(err)
	}
	if _, err := anna.Certificates.ImportPrivateKey(ImportPrivateKeyRequest{Data: string(keyPEM)}); err != nil {
		t.Fatal(err)
	}
	certFP := smime.Fingerprint(desk.cert)
	if _, err := anna.PGPKeys.Import(ImportPGPKeysRequest{Data: string(g.DeskSecret), Passphrase: gpgtest.DeskPass}); err != nil {
		t.Fatal(err)
	}

	// The passphrase is required and must be long enough; a typed code
	// each, checked before the save dialog opens.
	dialogOpened := false
	anna.Certificates.saveDialog = func(SaveRequest) (string, error) { dialogOpened = true; return "", nil }
	for _, tc := range []struct {
		name string
		pass string
		want ErrorCode
	}{
		{"no passphrase", "", CodePassphraseRequired},
		{"short passphrase", "eleven char", CodeInvalid},
	} {
		_, err := anna.Certificates.ExportBundle(ExportBundleRequest{Fingerprint: certFP, Passphrase: tc.pass})
		if code(err) != tc.want {
			t.Errorf("certificate, %s: %v (code %s), want %s", tc.name, err, code(err), tc.want)
		}
		_, err = anna.PGPKeys.ExportBundle(ExportBundleRequest{Fingerprint: g.Desk, Passphrase: tc.pass})
		if code(err) != tc.want {
			t.Errorf("openpgp, %s: %v (code %s), want %s", tc.name, err, code(err), tc.want)
		}
	}
	if dialogOpened {
		t.Fatal("the save dialog opened for a refused passphrase")
	}

	// Cancelled dialog: nothing written, no error.
	res, err := anna.Certificates.ExportBundle(ExportBundleRequest{Fingerprint: certFP, Passphrase: bundlePass})
	if err != nil || !res.Cancelled || res.Path != "" {
		t.Fatalf("cancelled: %+v, %v", res, err)
	}
	// To a file: a PKCS #12 file the passphrase opens, mode 0600.
	path := filepath.Join(t.TempDir(), "desk.p12")
	anna.Certificates.saveDialog = func(req SaveRequest) (string, error) {
		if filepath.Ext(req.Name) != ".p12" {
			t.Errorf("proposed name %q", req.Name)
		}
		return path, nil
	}
	res, err = anna.Certificates.ExportBundle(ExportBundleRequest{Fingerprint: certFP[:16], Passphrase: bundlePass})
	if err != nil || res.Path != path || res.Team != nil {
		t.Fatalf("to a file: %+v, %v", res, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("bundle file mode %v", fi.Mode().Perm())
	}
	if _, _, _, err := smime.ParsePKCS12(data, []byte(bundlePass)); err != nil {
		t.Fatalf("the saved bundle does not open: %v", err)
	}
	if _, err := anna.Certificates.ExportBundle(ExportBundleRequest{Fingerprint: certFP, Passphrase: bundlePass, Account: "help"}); code(err) != CodeInvalid {
		t.Fatalf("an account without to_team: %v", err)
	}

	// To the team folder, both kinds.
	cres, err := anna.Certificates.ExportBundle(ExportBundleRequest{Fingerprint: certFP, Passphrase: bundlePass, ToTeam: true})
	if err != nil || cres.Team == nil || cres.Team.UID == 0 || cres.Path != "" {
		t.Fatalf("certificate to the team: %+v, %v", cres, err)
	}
	pres, err := anna.PGPKeys.ExportBundle(ExportBundleRequest{Fingerprint: g.Desk, Passphrase: bundlePass, ToTeam: true, Account: "help"})
	if err != nil || pres.Team == nil || pres.Team.Fingerprint != g.Desk {
		t.Fatalf("openpgp key to the team: %+v, %v", pres, err)
	}

	// Bob's side.
	lists, err := bob.Bundles.List(ListBundlesRequest{})
	if err != nil || len(lists) != 1 || lists[0].Account != "help" || len(lists[0].Bundles) != 2 {
		t.Fatalf("bob's list: %+v, %v", lists, err)
	}
	for _, b := range lists[0].Bundles {
		if b.Imported {
			t.Fatalf("listed as imported before the import: %+v", b)
		}
		_, err := bob.Bundles.Import(ImportBundleRequest{Account: "help", UID: b.UID})
		if code(err) != CodePassphraseRequired {
			t.Errorf("%s, no passphrase: %v", b.Format, err)
		}
		_, err = bob.Bundles.Import(ImportBundleRequest{Account: "help", UID: b.UID, Passphrase: "a wrong passphrase"})
		if code(err) != CodeWrongPassphrase {
			t.Errorf("%s, wrong passphrase: %v (code %s)", b.Format, err, code(err))
		}
	}
	if c, _ := bob.Certificates.List(); len(c) != 0 {
		t.Fatalf("a wrong passphrase stored %d certificates", len(c))
	}
	if k, _ := bob.PGPKeys.List(); len(k) != 0 {
		t.Fatalf("a wrong passphrase stored %d keys", len(k))
	}
	for _, b := range lists[0].Bundles {
		got, err := bob.Bundles.Import(ImportBundleRequest{UID: b.UID, Passphrase: bundlePass})
		if err != nil || !got.Bundle.Imported {
			t.Fatalf("%s import: %+v, %v", b.Format, got, err)
		}
	}
	if c, _ := bob.Certificates.List(); len(c) != 1 || !c[0].HasPrivate {
		t.Fatalf("bob's certificates after import: %+v", c)
	}
	if k, _ := bob.PGPKeys.List(); len(k) != 1 || !k[0].HasSecret {
		t.Fatalf("bob's keys after import: %+v", k)
	}
	if _, ok := bobEvents.last[EventCertificatesChanged]; !ok {
		t.Error("no certificates:changed after the import")
	}
	if _, ok := bobEvents.last[EventPGPKeysChanged]; !ok {
		t.Error("no pgpkeys:changed after the import")
	}
}
