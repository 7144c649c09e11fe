package security

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// signedByAlice is a message Alice signed with her key, carrying her
// certificate but not the root's.
func signedByAlice(t *testing.T, subject string) []byte {
	t.Helper()
	p := getPKI(t)
	kr := smime.NewMemoryKeyring()
	kr.AddTrustAnchor(p.root.cert)
	if err := kr.AddKey(p.alice.cert, p.alice.key); err != nil {
		t.Fatal(err)
	}
	out, err := smime.Seal(message("Alice <alice@example.test>", "support@example.test", subject, "Please help."), kr, true, false, smime.SealOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportingTheCARechecksFailedArticles(t *testing.T) {
	p := getPKI(t)
	f := newFixture(t)
	raw := signedByAlice(t, "untrusted")
	in, err := f.svc.Processing.Inspect(f.ctx, raw, InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !in.Security.Signed || in.Security.Sign.Success || in.From != "Alice <alice@example.test>" || in.Subject != "untrusted" {
		t.Fatalf("before the CA: %+v", in)
	}
	// A plain message is stored too, and never retried.
	if _, err := f.svc.Processing.Inspect(f.ctx, message("bob@example.test", "x@example.test", "plain", "hi"), InspectOptions{}); err != nil {
		t.Fatal(err)
	}
	res := mustImport(t, f, p.root.certPEM())
	if res.Rechecked != 1 || res.RecheckError != "" {
		t.Fatalf("rechecked %d (%s), want 1", res.Rechecked, res.RecheckError)
	}
	a, err := f.p.Store.Article(f.ctx, in.ArticleID)
	if err != nil || !a.Security.Sign.Success || a.SecurityState != store.SecuritySigned {
		t.Fatalf("after the CA: %+v, %v", a.Security.Sign, err)
	}
	// Inspecting the same bytes again processes the stored article.
	again, err := f.svc.Processing.Inspect(f.ctx, raw, InspectOptions{})
	if err != nil || again.ArticleID != in.ArticleID || !again.Security.Sign.Success {
		t.Fatalf("re-inspect: %+v, %v", again, err)
	}
	logs, _ := f.p.Store.Log(f.ctx, store.LogQuery{Operation: "verify"})
	if len(logs) != 3 || logs[2].Status != "failed" || logs[0].Status != "success" || logs[0].ArticleID != in.ArticleID {
		t.Fatalf("verify log %+v", logs)
	}
}

func TestSealInspectRoundTripCachesOnlySealedContent(t *testing.T) {
	f := aliceWithBob(t)
	const secret = "The vault code is 4711."
	out, err := f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: message("alice@example.test", "Bob <bob@example.test>", "sealed", secret), Sign: true, Encrypt: true, Technology: verdict.TechSMIME})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("vault")) {
		t.Fatal("the sealed message carries the plaintext")
	}
	// Alice's copy: the sender is always a recipient.
	in, err := f.svc.Processing.Inspect(f.ctx, out, InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := in.Security
	if !r.Encrypted || !r.Encryption.Success || !r.Signed || !r.Sign.Success || !strings.Contains(in.Text, secret) {
		t.Fatalf("round trip: %+v text %q", r, in.Text)
	}
	a, _ := f.p.Store.Article(f.ctx, in.ArticleID)
	if a.SecurityState != store.SecurityEncrypted || a.SealedContent == nil || bytes.Contains(a.SealedContent, []byte("vault")) {
		t.Fatalf("stored state %s, sealed %d bytes", a.SecurityState, len(a.SealedContent))
	}
	sealer, _ := f.p.Sealer()
	plain, err := sealer.Open(a.SealedContent, ArticleAAD(a.ID))
	if err != nil || !bytes.Contains(plain, []byte(secret)) {
		t.Fatalf("sealed content: %v", err)
	}
	if _, err := sealer.Open(a.SealedContent, ArticleAAD(a.ID+1)); err == nil {
		t.Fatal("sealed content opens for another article")
	}
	dbFile, _ := os.ReadFile(filepath.Join(f.p.Store.Dir(), store.FileName))
	wal, _ := os.ReadFile(filepath.Join(f.p.Store.Dir(), store.FileName+"-wal"))
	if bytes.Contains(dbFile, []byte("vault")) || bytes.Contains(wal, []byte("vault")) {
		t.Fatal("plaintext reached the database file")
	}
	for _, op := range []string{"sign", "encrypt", "decrypt", "verify"} {
		logs, _ := f.p.Store.Log(f.ctx, store.LogQuery{Operation: op, Status: "success"})
		if len(logs) != 1 || strings.Contains(logs[0].Detail, "vault") {
			t.Errorf("%s log: %+v", op, logs)
		}
	}
}

func TestSealFailuresAreLoggedAndSayWhy(t *testing.T) {
	p := getPKI(t)
	f := newFixture(t)
	mustImport(t, f, append(p.root.certPEM(), p.alice.certPEM()...))
	if _, err := f.svc.Certificates.ImportKey(f.ctx, p.alice.keyPEM(t), nil); err != nil {
		t.Fatal(err)
	}
	raw := message("alice@example.test", "nobody@example.test", "nocert", "x")
	_, err := f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: raw, Sign: true, Encrypt: true, Technology: verdict.TechSMIME})
	var nr *NotReadyError
	if !errors.As(err, &nr) || len(nr.Recipients) != 1 || nr.Recipients[0].Address != "nobody@example.test" {
		t.Fatalf("seal to an unknown recipient: %v", err)
	}
	if logs, _ := f.p.Store.Log(f.ctx, store.LogQuery{Status: "failed"}); len(logs) != 1 || logs[0].Operation != "encrypt" {
		t.Fatalf("failure log %+v", logs)
	}
	// A locked keychain is reported as such, not as a missing key.
	f.down.Store(true)
	_, err = f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: raw, Sign: true, Encrypt: false, Technology: verdict.TechSMIME})
	f.down.Store(false)
	if !errors.Is(err, keystore.ErrUnavailable) {
		t.Fatalf("seal with the keychain down: %v", err)
	}
}

func TestDecryptWithTheKeychainDownSaysSoAndRetryFixesIt(t *testing.T) {
	p := getPKI(t)
	f := newFixture(t)
	mustImport(t, f, append(p.root.certPEM(), p.alice.certPEM()...))
	if _, err := f.svc.Certificates.ImportKey(f.ctx, p.alice.keyPEM(t), nil); err != nil {
		t.Fatal(err)
	}
	out, err := f.svc.Sealing.Seal(f.ctx, SealRequest{Raw: message("alice@example.test", "alice@example.test", "self", "note to self"), Sign: false, Encrypt: true, Technology: verdict.TechSMIME})
	if err != nil {
		t.Fatal(err)
	}
	f.down.Store(true)
	in, err := f.svc.Processing.Inspect(f.ctx, out, InspectOptions{At: testNow.Add(time.Hour)})
	f.down.Store(false)
	if err != nil || in.Security.Encryption.Success || in.Security.Encryption.Failure != verdict.DecryptKeychain {
		t.Fatalf("inspect with the keychain down: %+v, %v", in.Security.Encryption, err)
	}
	again, changed, err := f.svc.Processing.Retry(f.ctx, in.ArticleID)
	if err != nil || !changed || !again.Security.Encryption.Success || !strings.Contains(again.Text, "note to self") {
		t.Fatalf("retry: %+v changed=%v, %v", again.Security.Encryption, changed, err)
	}
	if _, _, err := f.svc.Processing.Retry(f.ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("retry of an unknown article: %v", err)
	}
}

func TestNotAMessage(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.Processing.Inspect(f.ctx, nil, InspectOptions{}); !errors.Is(err, smime.ErrNotMessage) {
		t.Fatalf("empty input: %v", err)
	}
}
