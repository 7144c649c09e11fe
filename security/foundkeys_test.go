package security

import (
	"errors"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/store"
)

func TestAutocryptKeyIsPendingUntilAccepted(t *testing.T) {
	g := gpgtest.Get(t)
	f := newPGPFixture(t, Options{})
	// A signed mail whose key is missing fails, and waits for the key.
	signed, err := f.svc.Processing.Inspect(f.ctx, g.Signed(t, "signed before"), InspectOptions{})
	if err != nil || signed.Security.Sign.Success {
		t.Fatalf("signed mail without the key: %+v, %v", signed.Security.Sign, err)
	}
	in, err := f.svc.Processing.Inspect(f.ctx, gpgtest.Autocrypt(gpgtest.AliceAddr, "autocrypt", g.AliceBinary), InspectOptions{})
	if err != nil || len(in.Pending) != 1 {
		t.Fatalf("autocrypt mail: %+v, %v", in.Pending, err)
	}
	pk := in.Pending[0]
	if pk.Source != "autocrypt" || pk.Address != gpgtest.AliceAddr || pk.Fingerprint != g.Alice || pk.KeyChange || pk.ArticleID != in.ArticleID {
		t.Fatalf("pending key: %+v", pk)
	}
	// Found, not trusted: the key is not in the store and the signature
	// still fails.
	if keys, _ := f.pgpCount(t); keys != 0 {
		t.Fatal("a key found in mail was imported without the agent")
	}
	again, _ := f.svc.Processing.Inspect(f.ctx, gpgtest.Autocrypt(gpgtest.AliceAddr, "autocrypt again", g.AliceBinary), InspectOptions{})
	if len(again.Pending) != 0 {
		t.Fatalf("the same key was proposed twice: %+v", again.Pending)
	}
	res, err := f.svc.FoundKeys.Accept(f.ctx, pk.ID)
	if err != nil || res.Pending.Status != store.PendingAccepted || res.Rechecked != 1 {
		t.Fatalf("accept: %+v, %v", res, err)
	}
	if a, _ := f.p.Store.Article(f.ctx, signed.ArticleID); !a.Security.Sign.Success {
		t.Fatalf("the signed mail after accepting the key: %+v", a.Security.Sign)
	}
	if _, err := f.svc.FoundKeys.Accept(f.ctx, pk.ID); !errors.Is(err, store.ErrDecided) {
		t.Fatalf("second accept: %v", err)
	}
	if _, err := f.svc.FoundKeys.Reject(f.ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reject of an unknown ID: %v", err)
	}

	// Another key for Alice's address is a key change, never a silent
	// replacement; rejected, it is not proposed again.
	in, _ = f.svc.Processing.Inspect(f.ctx, gpgtest.Autocrypt(gpgtest.AliceAddr, "other key", g.MalloryBinary), InspectOptions{})
	if len(in.Pending) != 1 || !in.Pending[0].KeyChange || in.Pending[0].Replaces != g.Alice {
		t.Fatalf("key change: %+v", in.Pending)
	}
	if _, err := f.svc.FoundKeys.Reject(f.ctx, in.Pending[0].ID); err != nil {
		t.Fatal(err)
	}
	in, _ = f.svc.Processing.Inspect(f.ctx, gpgtest.Autocrypt(gpgtest.AliceAddr, "other key again", g.MalloryBinary), InspectOptions{})
	list, _ := f.svc.FoundKeys.List(f.ctx)
	if len(in.Pending) != 0 || len(list) != 0 {
		t.Fatalf("a rejected key came back: %+v %+v", in.Pending, list)
	}
	if k, _ := f.p.Store.PGPKey(f.ctx, g.Mallory); k.Fingerprint != "" {
		t.Fatal("the rejected key is in the store")
	}
}

func TestSMIMESignerCertificateIsProposed(t *testing.T) {
	p := getPKI(t)
	f := newFixture(t)
	in, err := f.svc.Processing.Inspect(f.ctx, signedByAlice(t, "carried cert"), InspectOptions{})
	if err != nil || len(in.Pending) != 1 {
		t.Fatalf("pending after an S/MIME signed mail: %+v, %v", in.Pending, err)
	}
	pk := in.Pending[0]
	if pk.Technology != "S/MIME" || pk.Source != "signature" || pk.Fingerprint != smime.Fingerprint(p.alice.cert) ||
		pk.Address != "alice@example.test" || !strings.Contains(pk.Warning, "not valid") {
		t.Fatalf("pending certificate: %+v", pk)
	}
	mustImport(t, f, p.root.certPEM())
	res, err := f.svc.FoundKeys.Accept(f.ctx, pk.ID)
	if err != nil || res.Pending.Status != store.PendingAccepted {
		t.Fatalf("accept: %+v, %v", res, err)
	}
	if c, err := f.p.Store.Certificate(f.ctx, pk.Fingerprint); err != nil || c.Subject != "CN=Alice" {
		t.Fatalf("accepted certificate: %+v, %v", c, err)
	}
	// A certificate we hold is not proposed again.
	if in, _ := f.svc.Processing.Inspect(f.ctx, signedByAlice(t, "carried cert again"), InspectOptions{}); len(in.Pending) != 0 {
		t.Fatalf("a held certificate was proposed: %+v", in.Pending)
	}
}

// TestBatchProposesCarriedCertificates: processed in a batch (as the sync
// does, ProcessSaved), two mails carrying the same unknown certificate
// propose it once, seen in both, in the transaction that stores their
// results; one we hold is not proposed.
func TestBatchProposesCarriedCertificates(t *testing.T) {
	p := getPKI(t)
	f := newFixture(t)
	var ids []int64
	for _, subject := range []string{"first", "second"} {
		a, err := f.p.Store.InsertArticle(f.ctx, store.Article{Subject: subject, Raw: signedByAlice(t, subject)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	for i, err := range f.svc.Processing.ProcessStoredBatch(f.ctx, ids) {
		if err != nil {
			t.Fatalf("article %d: %v", ids[i], err)
		}
	}
	list, err := f.svc.FoundKeys.List(f.ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("found keys after the batch: %+v, %v", list, err)
	}
	if pk := list[0]; pk.Fingerprint != smime.Fingerprint(p.alice.cert) || pk.ArticleID != ids[0] || pk.Seen != 2 {
		t.Fatalf("proposed %+v: want Alice's certificate, first found in article %d, seen twice", pk, ids[0])
	}
	for _, id := range ids {
		if a, err := f.p.Store.Article(f.ctx, id); err != nil || !a.Security.Signed {
			t.Fatalf("article %d after the batch: %+v, %v", id, a.Security, err)
		}
	}
	// Held now: a third mail proposes nothing more.
	mustImport(t, f, p.root.certPEM())
	if _, err := f.svc.FoundKeys.Accept(f.ctx, list[0].ID); err != nil {
		t.Fatal(err)
	}
	a, err := f.p.Store.InsertArticle(f.ctx, store.Article{Subject: "third", Raw: signedByAlice(t, "third")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if errs := f.svc.Processing.ProcessStoredBatch(f.ctx, []int64{a.ID}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	if open, _ := f.svc.FoundKeys.List(f.ctx); len(open) != 0 {
		t.Fatalf("a held certificate was proposed again: %+v", open)
	}
}
