package security

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/pgp"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/store"
)

func TestMain(m *testing.M) { gpgtest.Main(m) }

// newPGPFixture is newFixture on the real clock: GnuPG makes its keys now,
// and a key is not valid before it was created.
func newPGPFixture(t *testing.T, opts Options) *fixture {
	f := newFixture(t)
	opts.Now = time.Now
	f.svc = New(f.p, opts)
	return f
}

func importPGP(t *testing.T, f *fixture, pass string, data ...[]byte) PGPImportResult {
	t.Helper()
	var in []Input
	for _, d := range data {
		in = append(in, Input{Data: d})
	}
	var p []byte
	if pass != "" {
		p = []byte(pass)
	}
	res, err := f.svc.PGPKeys.Import(f.ctx, p, in...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (f *fixture) pgpCount(t *testing.T) (keys, items int) {
	t.Helper()
	l, err := f.p.Store.PGPKeys(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return len(l), f.kc.Len()
}

func TestPGPImportMergeExportDelete(t *testing.T) {
	g := gpgtest.Get(t)
	f := newPGPFixture(t, Options{})
	res := importPGP(t, f, "", g.AlicePublic)
	if len(res.Imported) != 1 || res.Imported[0].Fingerprint != g.Alice || len(res.Secret) != 0 || res.Imported[0].HasSecret {
		t.Fatalf("public import: %+v", res)
	}
	res = importPGP(t, f, "", g.AliceV2Public)
	if len(res.Merged) != 1 || res.Merged[0].Added != "1 new user ID" || len(res.Merged[0].Key.Emails) != 2 {
		t.Fatalf("merge: %+v", res)
	}
	_, err := f.svc.PGPKeys.Import(f.ctx, nil, Input{Data: g.AliceV2Public})
	if !errors.Is(err, ErrDuplicate) || !strings.Contains(err.Error(), "already present, unchanged") {
		t.Fatalf("unchanged re-import: %v", err)
	}

	// Secret keys: the passphrase is checked before anything is stored.
	_, err = f.svc.PGPKeys.Import(f.ctx, nil, Input{Data: g.DeskSecret})
	if !errors.Is(err, ErrPGPPassphraseRequired) {
		t.Fatalf("secret key without passphrase: %v", err)
	}
	_, err = f.svc.PGPKeys.Import(f.ctx, []byte("wrong"), Input{Name: "desk.asc", Data: g.DeskSecret})
	if !errors.Is(err, pgp.ErrWrongPassphrase) || !strings.HasPrefix(err.Error(), "desk.asc: ") {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if keys, items := f.pgpCount(t); keys != 1 || items != 0 {
		t.Fatalf("failed imports stored %d keys, %d keychain items", keys, items)
	}
	res = importPGP(t, f, gpgtest.DeskPass, g.DeskSecretAll)
	if len(res.Imported) != 1 || len(res.Secret) != 1 || res.Secret[0] != g.Desk || !res.Imported[0].HasSecret {
		t.Fatalf("secret import: %+v", res)
	}
	if _, err := f.kc.Get(f.p.Keys.Service(), PGPKeyItemName(g.Desk)); err != nil && f.kc.Len() < 2 {
		t.Fatalf("keychain after the secret import: %d items, %v", f.kc.Len(), err)
	}

	// Warnings: unprotected, expired, revoked all import.
	res = importPGP(t, f, "", g.BareSecret, g.OldPublic, g.GonePublic)
	warn := strings.Join(res.Warnings, "\n")
	for _, w := range []string{"not protected by a passphrase", "expired", "revoked"} {
		if !strings.Contains(warn, w) {
			t.Errorf("warnings lack %q:\n%s", w, warn)
		}
	}
	list, err := f.svc.PGPKeys.List(f.ctx)
	if err != nil || len(list) != 5 || !list[0].HasSecret {
		t.Fatalf("list: %d keys, %v", len(list), err)
	}
	for _, k := range list {
		if k.Fingerprint == g.Old && !k.Expired || k.Fingerprint == g.Gone && !k.Revoked {
			t.Errorf("inventory of %s: %+v", k.Fingerprint, k)
		}
	}

	// Export: public armor; the secret key under its stored passphrase.
	pub, err := f.svc.PGPKeys.ExportPublic(f.ctx, g.Desk[:12])
	if err != nil || !bytes.Contains(pub, []byte("BEGIN PGP PUBLIC KEY BLOCK")) {
		t.Fatalf("public export: %v", err)
	}
	sec, err := f.svc.PGPKeys.ExportSecret(f.ctx, strings.ToLower(g.Desk), nil)
	if err != nil {
		t.Fatal(err)
	}
	k, err := pgp.ParseKey(sec)
	if err != nil || !k.Secret || !k.Locked() {
		t.Fatalf("exported secret key: %v", err)
	}
	if _, err := pgp.UnlockKey(k, []byte(gpgtest.DeskPass)); err != nil {
		t.Fatalf("the exported key does not open with its passphrase: %v", err)
	}
	if _, err := f.svc.PGPKeys.ExportSecret(f.ctx, g.Bare, nil); !errors.Is(err, pgp.ErrPassphraseRequired) {
		t.Fatalf("export of an unprotected key without a passphrase: %v", err)
	}
	// Issue 14: a key imported without a passphrase is exported under the
	// one the admin sets, never unprotected.
	bare, err := f.svc.PGPKeys.ExportSecret(f.ctx, g.Bare, []byte("set at export"))
	if err != nil {
		t.Fatalf("export of an unprotected key with a new passphrase: %v", err)
	}
	if k, err := pgp.ParseKey(bare); err != nil || !k.Secret || !k.Locked() {
		t.Fatalf("exported unprotected key is not locked: %v", err)
	} else if _, err := pgp.UnlockKey(k, []byte("set at export")); err != nil {
		t.Fatalf("the exported key does not open with the passphrase set at export: %v", err)
	}
	if _, err := f.svc.PGPKeys.ExportSecret(f.ctx, g.Alice, []byte("x")); !errors.Is(err, pgp.ErrNoSecretKey) {
		t.Fatalf("secret export of a public key: %v", err)
	}

	// Delete takes the keychain items with it.
	before := f.kc.Len()
	if _, err := f.svc.PGPKeys.Delete(f.ctx, g.Desk); err != nil {
		t.Fatal(err)
	}
	if f.kc.Len() >= before {
		t.Fatalf("keychain items %d before the delete, %d after", before, f.kc.Len())
	}
	if _, err := f.svc.PGPKeys.Delete(f.ctx, g.Desk); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestPGPImportRejectsBadInputAndStoresNothing(t *testing.T) {
	g := gpgtest.Get(t)
	pub := string(g.AlicePublic)
	lines := strings.Split(strings.TrimSpace(pub), "\n")
	crc := len(lines) - 2 // the "=XXXX" checksum line
	badCRC := strings.Join(append(append(append([]string{}, lines[:crc]...), "=AAAA"), lines[crc+1:]...), "\n")
	cases := []struct {
		name   string
		inputs [][]byte
		pass   string
		reason pgp.ImportReason
		target error
	}{
		{name: "not a key", inputs: [][]byte{[]byte("hello, this is my key")}, reason: pgp.ReasonText},
		{name: "truncated armor", inputs: [][]byte{[]byte(pub[:len(pub)/2])}, reason: pgp.ReasonTruncatedArmor},
		{name: "bad checksum", inputs: [][]byte{[]byte(badCRC)}, reason: pgp.ReasonBadChecksum},
		{name: "S/MIME certificate", inputs: [][]byte{getPKI(t).alice.certPEM()}, reason: pgp.ReasonIsSMIME},
		{name: "good file then a bad one", inputs: [][]byte{g.AlicePublic, []byte(pub[:len(pub)/2])}, reason: pgp.ReasonTruncatedArmor},
		{name: "public and a secret key with the wrong passphrase", inputs: [][]byte{g.AlicePublic, g.DeskSecret}, pass: "wrong", target: pgp.ErrWrongPassphrase},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newPGPFixture(t, Options{})
			var in []Input
			for _, d := range tc.inputs {
				in = append(in, Input{Data: d})
			}
			_, err := f.svc.PGPKeys.Import(f.ctx, []byte(tc.pass), in...)
			var ie *pgp.ImportError
			switch {
			case tc.target != nil && !errors.Is(err, tc.target):
				t.Fatalf("error %v, want %v", err, tc.target)
			case tc.target == nil && (!errors.As(err, &ie) || ie.Reason != tc.reason):
				t.Fatalf("error %v, want reason %d", err, tc.reason)
			}
			if keys, items := f.pgpCount(t); keys != 0 || items != 0 {
				t.Fatalf("a failed import stored %d keys, %d keychain items", keys, items)
			}
		})
	}
}

func TestPGPInspectOutcomesAndLog(t *testing.T) {
	g := gpgtest.Get(t)
	f := newPGPFixture(t, Options{})
	importPGP(t, f, gpgtest.DeskPass, g.DeskSecret)
	importPGP(t, f, "", g.AlicePublic)
	cases := []struct {
		name                string
		raw                 []byte
		signed, encrypted   bool
		signedOK, decrypted bool
	}{
		{"signed", g.Signed(t, "pgp signed"), true, false, true, false},
		{"encrypted", g.Encrypted(t, "pgp encrypted", false), false, true, false, true},
		{"signed and encrypted", g.Encrypted(t, "pgp both", true), true, true, true, true},
	}
	for _, tc := range cases {
		in, err := f.svc.Processing.Inspect(f.ctx, tc.raw, InspectOptions{})
		r := in.Security
		if err != nil || r.Type != "PGP" || r.Signed != tc.signed || r.Encrypted != tc.encrypted ||
			r.Sign.Success != tc.signedOK || r.Encryption.Success != tc.decrypted || !strings.Contains(in.Text, "printer is on fire") {
			t.Errorf("%s: %+v text %q, %v", tc.name, r, in.Text, err)
		}
	}
	logs, _ := f.p.Store.Log(f.ctx, store.LogQuery{Technology: "PGP", Status: "success"})
	if len(logs) != 4 {
		t.Fatalf("PGP log: %+v", logs)
	}
	// Unlocked once, then kept for the next message; deleting locks it.
	if f.svc.PGPKeys.unlocked.held() != 1 {
		t.Fatalf("%d unlocked keys held", f.svc.PGPKeys.unlocked.held())
	}
	f.svc.PGPKeys.Delete(f.ctx, g.Desk)
	if f.svc.PGPKeys.unlocked.held() != 0 {
		t.Fatal("the deleted key stays unlocked")
	}
}

func TestPGPImportRechecksFailedArticles(t *testing.T) {
	g := gpgtest.Get(t)
	f := newPGPFixture(t, Options{})
	in, err := f.svc.Processing.Inspect(f.ctx, g.Signed(t, "before the key"), InspectOptions{})
	if err != nil || in.Security.Type != "PGP" || !in.Security.Signed || in.Security.Sign.Success {
		t.Fatalf("without Alice's key: %+v, %v", in.Security, err)
	}
	res := importPGP(t, f, "", g.AlicePublic)
	if res.Rechecked != 1 || res.RecheckError != "" {
		t.Fatalf("rechecked %d (%s), want 1", res.Rechecked, res.RecheckError)
	}
	a, err := f.p.Store.Article(f.ctx, in.ArticleID)
	if err != nil || !a.Security.Sign.Success || a.SecurityState != store.SecuritySigned {
		t.Fatalf("after the import: %+v, %v", a.Security.Sign, err)
	}
}

func TestPGPKeychainDownSaysSo(t *testing.T) {
	g := gpgtest.Get(t)
	f := newPGPFixture(t, Options{PGPUnlockTTL: -1})
	importPGP(t, f, gpgtest.DeskPass, g.DeskSecret)
	f.down.Store(true)
	in, err := f.svc.Processing.Inspect(f.ctx, g.Encrypted(t, "keychain down", false), InspectOptions{})
	f.down.Store(false)
	if err != nil || in.Security.Encryption.Success || in.Security.Encryption.Failure != verdict.DecryptKeychain {
		t.Fatalf("with the keychain down: %+v, %v", in.Security.Encryption, err)
	}
	again, changed, err := f.svc.Processing.Retry(f.ctx, in.ArticleID)
	if err != nil || !changed || !again.Security.Encryption.Success {
		t.Fatalf("retry: %+v, %v", again.Security.Encryption, err)
	}
	if f.svc.PGPKeys.unlocked.held() != 0 {
		t.Fatal("a negative TTL keeps unlocked keys")
	}
}

func TestPGPSealRoundTrip(t *testing.T) {
	g := gpgtest.Get(t)
	f := newPGPFixture(t, Options{})
	importPGP(t, f, gpgtest.DeskPass, g.DeskSecret)
	importPGP(t, f, "", g.AlicePublic)
	// The fixture's keys are made now, by the wall clock, and so is the seal.
	raw := redate(message(gpgtest.DeskAddr, "Alice <"+gpgtest.AliceAddr+">", "sealed pgp", "Your ticket is solved."), time.Now())
	out, err := f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: raw, Sign: true, Encrypt: true, Technology: verdict.TechPGP, PGP: PGPSealOptions{Autocrypt: true}})
	if err != nil || bytes.Contains(out, []byte("solved")) || !bytes.Contains(out, []byte("Autocrypt: addr="+gpgtest.DeskAddr)) {
		t.Fatalf("seal: %v\n%s", err, out)
	}
	in, err := f.svc.Processing.Inspect(f.ctx, out, InspectOptions{})
	if err != nil || !in.Security.Sign.Success || !in.Security.Encryption.Success || !strings.Contains(in.Text, "solved") {
		t.Fatalf("our copy: %+v, %v", in.Security, err)
	}
	for _, op := range []string{"sign", "encrypt"} {
		if logs, _ := f.p.Store.Log(f.ctx, store.LogQuery{Technology: "PGP", Operation: op}); len(logs) != 1 || logs[0].Direction != "out" {
			t.Errorf("%s log: %+v", op, logs)
		}
	}
	_, err = f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: message(gpgtest.DeskAddr, "nobody@example.test", "nokey", "x"), Sign: false, Encrypt: true, Technology: verdict.TechPGP})
	var nr *NotReadyError
	if !errors.As(err, &nr) || len(nr.Recipients) != 1 || nr.Recipients[0].Address != "nobody@example.test" {
		t.Fatalf("seal to a recipient without key: %v", err)
	}
}
