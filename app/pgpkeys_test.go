package app

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/security"
)

func TestMain(m *testing.M) { gpgtest.Main(m) }

func newPGPServices(t *testing.T) (*PGPKeys, *PendingKeys, *recorder, *security.Service) {
	t.Helper()
	p := openProfile(t, keystore.NewMemory(keystore.WindowsItemLimit))
	sec := security.New(p, security.Options{Now: time.Now})
	r := &recorder{}
	dir := t.TempDir()
	return &PGPKeys{keys: sec.PGPKeys, emit: r, saveDialog: func(req SaveRequest) (string, error) {
		return filepath.Join(dir, req.Name), nil
	}}, &PendingKeys{found: sec.FoundKeys, emit: r}, r, sec
}

func TestPGPKeysImportExportAndEvents(t *testing.T) {
	g := gpgtest.Get(t)
	svc, _, rec, _ := newPGPServices(t)
	_, err := svc.Import(ImportPGPKeysRequest{Data: string(g.DeskSecret), FileName: "desk.asc"})
	if code(err) != CodePassphraseRequired {
		t.Fatalf("secret key without passphrase: %v (%s)", err, code(err))
	}
	_, err = svc.Import(ImportPGPKeysRequest{Data: string(g.DeskSecret), FileName: "desk.asc", Passphrase: "wrong"})
	if code(err) != CodeWrongPassphrase {
		t.Fatalf("wrong passphrase: %v (%s)", err, code(err))
	}
	if _, err := svc.Import(ImportPGPKeysRequest{Data: string(g.DeskSecret), FileName: "desk.asc", Passphrase: gpgtest.DeskPass}); err != nil {
		t.Fatal(err)
	}
	// Binary keys arrive base64-encoded.
	res, err := svc.Import(ImportPGPKeysRequest{Data: base64.StdEncoding.EncodeToString(g.AliceBinary), FileName: "alice.gpg"})
	if err != nil || len(res.Imported) != 1 {
		t.Fatalf("binary import: %+v, %v", res, err)
	}
	if _, err := svc.Import(ImportPGPKeysRequest{Data: base64.StdEncoding.EncodeToString(g.AliceBinary), FileName: "alice.gpg"}); code(err) != CodeDuplicate {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := svc.Import(ImportPGPKeysRequest{Data: "not a key at all", FileName: "x.asc"}); code(err) != CodeInvalid {
		t.Fatalf("not a key: %v", err)
	}
	list, err := svc.List()
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %+v, %v", list, err)
	}
	pub, err := svc.ExportPublic(PGPKeyRequest{Fingerprint: g.Alice})
	if err != nil || !strings.Contains(pub, "PUBLIC KEY BLOCK") {
		t.Fatalf("public export: %v", err)
	}
	if _, err := svc.ExportSecret(ExportPrivateKeyRequest{Fingerprint: g.Desk}); !errors.Is(err, security.ErrNoPassphrase) {
		t.Fatalf("secret export without a passphrase: %v", err)
	}
	out, err := svc.ExportSecret(ExportPrivateKeyRequest{Fingerprint: g.Desk, Passphrase: "file pass"})
	if err != nil || out.Path == "" {
		t.Fatalf("secret export: %+v, %v", out, err)
	}
	b, _ := os.ReadFile(out.Path)
	fi, _ := os.Stat(out.Path)
	k, perr := pgp.ParseKey(b)
	if perr != nil || !k.Locked() || fi.Mode().Perm() != 0o600 {
		t.Fatalf("exported file: %v, mode %v", perr, fi.Mode())
	}
	if _, err := pgp.UnlockKey(k, []byte("file pass")); err != nil {
		t.Fatalf("the exported file does not open with the passphrase set at export: %v", err)
	}
	if _, err := svc.ExportSecret(ExportPrivateKeyRequest{Fingerprint: g.Alice, Passphrase: "x"}); code(err) != CodeInvalid {
		t.Fatalf("secret export of a public key: %v", err)
	}
	svc.saveDialog = func(SaveRequest) (string, error) { return "", nil }
	if out, err := svc.ExportSecret(ExportPrivateKeyRequest{Fingerprint: g.Desk, Passphrase: "x"}); err != nil || !out.Cancelled {
		t.Fatalf("cancelled dialog: %+v, %v", out, err)
	}
	if err := svc.Delete(PGPKeyRequest{Fingerprint: g.Desk}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(PGPKeyRequest{Fingerprint: g.Desk}); code(err) != CodeNotFound {
		t.Fatalf("second delete: %v", err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.events) != 3 || rec.events[0] != EventPGPKeysChanged {
		t.Fatalf("events %v", rec.events)
	}
}

func TestPendingKeysAcceptRejectAndEvents(t *testing.T) {
	g := gpgtest.Get(t)
	_, pending, rec, sec := newPGPServices(t)
	ctx := t.Context()
	if _, err := sec.Processing.Inspect(ctx, g.Signed(t, "before"), security.InspectOptions{}); err != nil {
		t.Fatal(err)
	}
	in, err := sec.Processing.Inspect(ctx, gpgtest.Autocrypt(gpgtest.AliceAddr, "ac", g.AliceBinary), security.InspectOptions{})
	if err != nil || len(in.Pending) != 1 {
		t.Fatalf("inspect: %+v, %v", in.Pending, err)
	}
	list, err := pending.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %+v, %v", list, err)
	}
	res, err := pending.Accept(PendingKeyRequest{ID: list[0].ID})
	if err != nil || res.Rechecked != 1 {
		t.Fatalf("accept: %+v, %v", res, err)
	}
	if _, err := pending.Accept(PendingKeyRequest{ID: list[0].ID}); code(err) != CodeInvalid {
		t.Fatalf("second accept: %v", err)
	}
	in, _ = sec.Processing.Inspect(ctx, gpgtest.Autocrypt(gpgtest.AliceAddr, "other", g.MalloryBinary), security.InspectOptions{})
	if _, err := pending.Reject(PendingKeyRequest{ID: in.Pending[0].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := pending.Reject(PendingKeyRequest{ID: 999}); code(err) != CodeNotFound {
		t.Fatalf("reject unknown: %v", err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	want := []EventName{EventPendingChanged, EventPGPKeysChanged, EventArticlesRechecked}
	if !slices.Equal(rec.events[:3], want) || rec.events[len(rec.events)-1] != EventPendingChanged {
		t.Fatalf("events %v", rec.events)
	}
}
