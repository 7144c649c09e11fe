package app

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// The public downloads (certificate, OpenPGP public key, log export) go
// through the native save dialog like the secret ones: the web view cannot
// save files, and no path ever comes from the UI.

func TestSaveCertificateWritesPEMWhereTheDialogSays(t *testing.T) {
	svc, _, _ := newCertificates(t)
	ca := newCert(t, "Test CA", "", nil)
	alice := newCert(t, "Alice Example", "alice@example.test", &ca)
	if _, err := svc.ImportCertificates(ImportCertificatesRequest{Data: ca.pem() + alice.pem()}); err != nil {
		t.Fatal(err)
	}
	fp := smime.Fingerprint(alice.cert)
	var asked SaveRequest
	dir := t.TempDir()
	svc.saveDialog = func(req SaveRequest) (string, error) {
		asked = req
		return filepath.Join(dir, req.Name), nil
	}
	path, err := svc.SaveCertificate(ExportCertificateRequest{Fingerprint: fp[:12]})
	if err != nil || filepath.Base(path) != "Alice-Example-"+fp[:8]+".pem" || asked.Pattern != "*.pem" {
		t.Fatalf("save: %q, %v (dialog %+v)", path, err, asked)
	}
	if b, _ := os.ReadFile(path); string(b) != alice.pem() {
		t.Fatalf("saved file = %q", b)
	}
	svc.saveDialog = func(SaveRequest) (string, error) { return "", nil }
	if path, err := svc.SaveCertificate(ExportCertificateRequest{Fingerprint: fp}); path != "" || err != nil {
		t.Fatalf("cancelled: %q, %v", path, err)
	}
	if _, err := svc.SaveCertificate(ExportCertificateRequest{Fingerprint: strings.Repeat("ab", 32)}); code(err) != CodeNotFound {
		t.Fatalf("unknown certificate: %v", err)
	}
}

func TestSavePGPPublicWritesArmor(t *testing.T) {
	g := gpgtest.Get(t)
	svc, _, _, _ := newPGPServices(t)
	pub := string(g.Must(t, nil, "--armor", "--export", g.Alice))
	if _, err := svc.Import(ImportPGPKeysRequest{Data: pub, FileName: "alice.asc"}); err != nil {
		t.Fatal(err)
	}
	path, err := svc.SavePublic(PGPKeyRequest{Fingerprint: g.Alice})
	if err != nil || !strings.HasSuffix(path, "-"+g.Alice[:8]+".asc") {
		t.Fatalf("save: %q, %v", path, err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "PUBLIC KEY BLOCK") || strings.Contains(string(b), "PRIVATE") {
		t.Fatalf("saved file = %q", b)
	}
	svc.saveDialog = func(SaveRequest) (string, error) { return "", nil }
	if path, err := svc.SavePublic(PGPKeyRequest{Fingerprint: g.Alice}); path != "" || err != nil {
		t.Fatalf("cancelled: %q, %v", path, err)
	}
}

func newLogs(t *testing.T) (*Logs, *store.Store, string) {
	t.Helper()
	p := openProfile(t, keystore.NewMemory(0))
	dir := t.TempDir()
	return &Logs{p: p, saveDialog: func(req SaveRequest) (string, error) { return filepath.Join(dir, req.Name), nil }}, p.Store, dir
}

func TestLogsExportCSVAndJSONOfTheFilter(t *testing.T) {
	l, st, _ := newLogs(t)
	ctx := t.Context()
	for _, e := range []store.LogEntry{
		{Direction: "in", Technology: "S/MIME", Operation: "verify", Status: "success", MessageID: "<a@x>", Detail: "=cmd()"},
		{Direction: "out", Technology: "PGP", Operation: "sign", Status: "success", MessageID: "<b@x>"},
		{Direction: "in", Technology: "PGP", Operation: "decrypt", Status: "failed", MessageID: "<c@x>"},
	} {
		if _, err := st.AppendLog(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	path, err := l.Export(ExportLogsRequest{Query: store.LogQuery{Direction: "in"}, Format: "csv"})
	if err != nil || !strings.HasSuffix(path, ".csv") {
		t.Fatalf("csv export: %q, %v", path, err)
	}
	f, _ := os.Open(path)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 3 || rows[0][0] != "time" {
		t.Fatalf("csv rows %q, %v", rows, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	if got := rows[2][7]; got != "'=cmd()" {
		t.Fatalf("formula cell = %q, want it defused", got)
	}
	path, err = l.Export(ExportLogsRequest{Query: store.LogQuery{Technology: "PGP"}, Format: "json"})
	if err != nil || !strings.HasSuffix(path, ".json") {
		t.Fatalf("json export: %q, %v", path, err)
	}
	var back []store.LogEntry
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &back); err != nil || len(back) != 2 {
		t.Fatalf("json %s, %v", b, err)
	}
	if _, err := l.Export(ExportLogsRequest{Format: "xlsx"}); code(err) != CodeInvalid {
		t.Fatalf("unknown format: %v", err)
	}
	l.saveDialog = func(SaveRequest) (string, error) { return "", nil }
	if path, err := l.Export(ExportLogsRequest{Format: "csv"}); path != "" || err != nil {
		t.Fatalf("cancelled: %q, %v", path, err)
	}
}

func TestGroupNameClashIsAFormError(t *testing.T) {
	g := &Groups{p: openProfile(t, keystore.NewMemory(0))}
	in := store.Group{Name: "Support", SenderAddress: "support@example.test", Technology: "S/MIME"}
	if _, err := g.Save(in); err != nil {
		t.Fatal(err)
	}
	_, err := g.Save(in)
	if e := Classify(err); e.Code != CodeInvalid || e.Message != `A group named "Support" already exists: choose another name` {
		t.Fatalf("clash: %+v", e)
	}
	_, err = g.Save(store.Group{Name: " ", SenderAddress: "a@b.test", Technology: "PGP"})
	if e := Classify(err); e.Code != CodeInvalid || e.Message != "The group needs a name" {
		t.Fatalf("no name: %+v", e)
	}
}

func TestAccountSaveKeepsBothPins(t *testing.T) {
	p := openProfile(t, keystore.NewMemory(0))
	a := &Accounts{mb: mailbox.New(p, security.New(p, security.Options{})), emit: &recorder{}}
	pin := strings.Repeat("AB:", 31) + "AB"
	saved, err := a.Save(SaveAccountRequest{Name: "desk", IMAP: "127.0.0.1:1993", IMAPTLS: "implicit", SMTP: "127.0.0.1:1587",
		SMTPTLS: "starttls", Username: "desk", Password: "pw", PinnedCert: pin, SMTPPinnedCert: pin})
	if err != nil || saved.PinnedCert != pin || saved.SMTPPinnedCert != pin {
		t.Fatalf("save: %+v, %v", saved, err)
	}
}
