package security

import (
	"errors"
	"strings"
	"testing"
	"time"

	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/internal/gpgtest"
	"github.com/sealdesk/sealdesk/store"
)

const year = 365 * 24 * time.Hour

// carriedKey stores a mail from choiceCust whose Autocrypt header carries
// k and returns its article and ticket. With ticketID set, the article is
// moved into that ticket, as the sync's threading would put a reply there.
func carriedKey(t *testing.T, f *fixture, subject string, k *gcrypto.Key, ticketID int64) (articleID, ticket int64) {
	t.Helper()
	pub, err := k.GetPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	in, err := f.svc.Processing.Inspect(f.ctx, gpgtest.Autocrypt(choiceCust, subject, pub), InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return in.ArticleID, intoTicket(t, f, in.ArticleID, ticketID)
}

// intoTicket moves the article into ticketID (0: leaves it in its own) and
// returns its ticket.
func intoTicket(t *testing.T, f *fixture, articleID, ticketID int64) int64 {
	t.Helper()
	if ticketID != 0 {
		if _, err := f.p.Store.DB().Exec(`UPDATE articles SET ticket_id = ? WHERE id = ?`, ticketID, articleID); err != nil {
			t.Fatal(err)
		}
	}
	a, err := f.p.Store.Article(f.ctx, articleID)
	if err != nil {
		t.Fatal(err)
	}
	return a.TicketID
}

func (f *fixture) custReadiness(t *testing.T) AddressStatus {
	t.Helper()
	r, err := f.svc.Sealing.Readiness(f.ctx, SealRequest{Technology: verdict.TechPGP, From: choiceDesk, Recipients: []string{choiceCust}})
	if err != nil || len(r.Recipients) != 2 || !r.Recipients[1].Own { // the customer, then the sender
		t.Fatalf("readiness: %+v, %v", r, err)
	}
	return r.Recipients[0]
}

func fingerprints(keys []CarriedPGPKey) string {
	var out []string
	for _, k := range keys {
		out = append(out, k.Fingerprint)
	}
	return strings.Join(out, ",")
}

// TestCarriedPGPKeyIsOfferedForItsTicketAndAccepted: the composer is
// offered the open found key of the ticket's newest mail that carried one
// (never a key from another ticket, never an unusable one), accepting it
// lets the message be encrypted, and then a different carried key is a key
// change and a rejected one is gone.
func TestCarriedPGPKeyIsOfferedForItsTicketAndAccepted(t *testing.T) {
	f := newFixture(t)
	question, err := f.svc.Processing.Inspect(f.ctx, message("Cust <"+choiceCust+">", choiceDesk, "printer", "It is on fire."), InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ticket := intoTicket(t, f, question.ArticleID, 0)
	older := genKey(t, "Cust Old", choiceCust, testNow.Add(-2*year), 0)
	newer := genKey(t, "Cust New", choiceCust, testNow.Add(-year), 2*year)
	elsewhere := genKey(t, "Cust Elsewhere", choiceCust, testNow.Add(-year), 0)
	expired := genKey(t, "Cust Expired", choiceCust, testNow.Add(-3*year), year)
	carriedKey(t, f, "other ticket", elsewhere, 0)
	if got, err := f.svc.FoundKeys.CarriedFor(f.ctx, ticket, choiceCust); err != nil || len(got) != 0 {
		t.Fatalf("a key from another ticket was offered: %+v, %v", got, err)
	}
	if _, err := f.svc.FoundKeys.CarriedToAccept(f.ctx, ticket, choiceCust); !errors.Is(err, ErrNoKeyCarried) {
		t.Fatalf("accept with nothing carried: %v", err)
	}
	carriedKey(t, f, "old key", older, ticket)
	newest, _ := carriedKey(t, f, "new key", newer, ticket)
	carriedKey(t, f, "expired key", expired, ticket)

	if a := f.custReadiness(t); a.OK || a.Reason != "no_key" {
		t.Fatalf("before: %+v", a)
	}
	got, err := f.svc.FoundKeys.CarriedFor(f.ctx, ticket, strings.ToUpper(choiceCust))
	if err != nil || fingerprints(got) != fp(newer)+","+fp(older) {
		t.Fatalf("offered %s, %v; want the newer, then the older key (not the expired one, nor the other ticket's)", fingerprints(got), err)
	}
	want := CarriedPGPKey{Fingerprint: fp(newer), UserID: "Cust New <" + choiceCust + ">",
		NotAfter: testNow.Add(year).UTC().Format(time.DateOnly), ArticleID: newest}
	if c := got[0]; c.PendingID == 0 || c.KeyChange || c.Comment != "" ||
		c.Fingerprint != want.Fingerprint || c.UserID != want.UserID || c.NotAfter != want.NotAfter || c.ArticleID != want.ArticleID {
		t.Fatalf("offer %+v, want %+v", c, want)
	}
	if got[1].NotAfter != "" {
		t.Errorf("a key without expiry: not_after %q", got[1].NotAfter)
	}

	k, err := f.svc.FoundKeys.CarriedToAccept(f.ctx, ticket, choiceCust)
	if err != nil || k.Fingerprint != fp(newer) {
		t.Fatalf("to accept: %+v, %v", k, err)
	}
	if res, err := f.svc.FoundKeys.Accept(f.ctx, k.PendingID); err != nil || res.Pending.Status != store.PendingAccepted {
		t.Fatalf("accept: %+v, %v", res, err)
	}
	if a := f.custReadiness(t); !a.OK || a.Key != fp(newer) {
		t.Fatalf("after accepting: %+v", a)
	}

	// The older key was found while no key was held; now it would replace
	// the accepted one: advice only.
	got, err = f.svc.FoundKeys.CarriedFor(f.ctx, ticket, choiceCust)
	if err != nil || len(got) != 1 || got[0].Fingerprint != fp(older) || !got[0].KeyChange {
		t.Fatalf("after accepting, offered %+v, %v; want the older key as a key change", got, err)
	}
	if _, err := f.svc.FoundKeys.Reject(f.ctx, got[0].PendingID); err != nil {
		t.Fatal(err)
	}
	if got, err := f.svc.FoundKeys.CarriedFor(f.ctx, ticket, choiceCust); err != nil || len(got) != 0 {
		t.Fatalf("an accepted or rejected key was offered: %+v, %v", got, err)
	}
}

// TestCarriedPGPKeyChangeIsOnlyAdvice: a different key for an address we
// hold a key for (here an expired one) is offered with advice to have an
// admin review it, and cannot be accepted from the composer.
func TestCarriedPGPKeyChangeIsOnlyAdvice(t *testing.T) {
	f := newFixture(t)
	held := genKey(t, "Cust Gone", choiceCust, testNow.Add(-3*year), 2*year)
	importPGP(t, f, "", armoredPublic(t, held))
	renewed := genKey(t, "Cust", choiceCust, testNow.Add(-time.Hour), 0)
	_, ticket := carriedKey(t, f, "my new key", renewed, 0)
	if a := f.custReadiness(t); a.OK || a.Reason != "expired" {
		t.Fatalf("before: %+v", a)
	}
	got, err := f.svc.FoundKeys.CarriedFor(f.ctx, ticket, choiceCust)
	if err != nil || len(got) != 1 || !got[0].KeyChange {
		t.Fatalf("offered %+v, %v; want the key change", got, err)
	}
	for _, part := range []string{"Found in mail", "administrator", FormatPGPFingerprint(fp(renewed)), FormatPGPFingerprint(fp(held))} {
		if !strings.Contains(got[0].Comment, part) {
			t.Errorf("the advice %q does not say %q", got[0].Comment, part)
		}
	}
	if _, err := f.svc.FoundKeys.CarriedToAccept(f.ctx, ticket, choiceCust); !errors.Is(err, ErrKeyChangeNeedsReview) {
		t.Fatalf("a key change to accept from the composer: %v", err)
	}
	if pk, err := f.p.Store.PendingKey(f.ctx, got[0].PendingID); err != nil || pk.Status != store.PendingOpen {
		t.Fatalf("the key change was decided: %+v, %v", pk, err)
	}
	if _, err := f.p.Store.PGPKey(f.ctx, fp(renewed)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the key change is in the store: %v", err)
	}
}

// TestCarriedPGPKeySeenAgainInAnotherTicket: a customer's Autocrypt header
// comes with each of their mails. A key still pending from their first
// ticket is offered in a later ticket whose mail carried it again, and
// "Found in mail" counts both mails.
func TestCarriedPGPKeySeenAgainInAnotherTicket(t *testing.T) {
	f := newFixture(t)
	k := genKey(t, "Cust", choiceCust, testNow.Add(-year), 0)
	first, firstTicket := carriedKey(t, f, "first question", k, 0)
	again, laterTicket := carriedKey(t, f, "a later question", k, 0)
	if firstTicket == laterTicket {
		t.Fatal("the two mails share a ticket; the test needs two")
	}
	got, err := f.svc.FoundKeys.CarriedFor(f.ctx, laterTicket, choiceCust)
	if err != nil || fingerprints(got) != fp(k) || got[0].ArticleID != again {
		t.Fatalf("later ticket offered %+v, %v; want the key, from article %d", got, err, again)
	}
	if got, _ := f.svc.FoundKeys.CarriedFor(f.ctx, firstTicket, choiceCust); len(got) != 1 || got[0].ArticleID != first {
		t.Fatalf("first ticket offered %+v", got)
	}
	open, err := f.p.Store.PendingKeys(f.ctx, store.PendingOpen)
	if err != nil || len(open) != 1 || open[0].Seen != 2 || open[0].ArticleID != first {
		t.Fatalf("found keys %+v, %v: want one, first found in %d, seen in 2 mails", open, err, first)
	}
	// Inspecting the same mail again is no new sighting.
	if _, _, err := f.svc.Processing.Retry(f.ctx, again); err != nil {
		t.Fatal(err)
	}
	if open, _ := f.p.Store.PendingKeys(f.ctx, store.PendingOpen); open[0].Seen != 2 {
		t.Fatalf("seen %d times after a retry", open[0].Seen)
	}
}
