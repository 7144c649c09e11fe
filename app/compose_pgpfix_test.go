package app

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	gcrypto "github.com/ProtonMail/gopenpgp/v3/crypto"

	"github.com/sealdesk/sealdesk/compose"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mail/smtp/smtptest"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

const annAddr = "ann@example.org"

// annKey makes an OpenPGP key for Ann, created a year before the fixture's
// clock, that never expires.
func annKey(t *testing.T, name string) *gcrypto.Key {
	t.Helper()
	k, err := gcrypto.PGP().KeyGeneration().AddUserId(name, annAddr).GenerationTime(certNow.AddDate(-1, 0, 0).Unix()).New().GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// signedWithAutocrypt is a PGP/MIME signed mail from Ann (RFC 3156
// section 5) whose Autocrypt header carries her public key: until the key
// is accepted, its signature cannot be checked.
func signedWithAutocrypt(t *testing.T, k *gcrypto.Key, subject string) string {
	t.Helper()
	pub, err := k.GetPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	part := "Content-Type: text/plain; charset=utf-8\r\n\r\nMy printer is on fire."
	signer, err := gcrypto.PGP().Sign().SigningKey(k).Detached().SignTime(certNow.Add(-time.Hour).Unix()).New()
	if err != nil {
		t.Fatal(err)
	}
	sig, err := signer.Sign([]byte(part), gcrypto.Armor)
	if err != nil {
		t.Fatal(err)
	}
	// Lines end in \n here; f.inspect turns them into CRLF, the form that was signed.
	return "From: Ann <" + annAddr + ">\nTo: sales@desk.test\nSubject: " + subject + "\nMessage-ID: <" + subject + "@example.org>\n" +
		"Date: Sat, 28 Feb 2026 23:00:00 +0000\nMIME-Version: 1.0\nAutocrypt: addr=" + annAddr + "; keydata=" + base64.StdEncoding.EncodeToString(pub) + "\n" +
		"Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"sig\"\n\n" +
		"--sig\n" + strings.ReplaceAll(part, "\r\n", "\n") + "\n--sig\nContent-Type: application/pgp-signature\n\n" + string(sig) + "\n--sig--\n"
}

// ticketOf is the ticket of a stored article.
func (f composeFixture) ticketOf(t *testing.T, articleID int64) int64 {
	t.Helper()
	a, err := f.c.p.Store.Article(f.ctx, articleID)
	if err != nil {
		t.Fatal(err)
	}
	return a.TicketID
}

func (f composeFixture) annReadiness(t *testing.T) (ok bool, reason string) {
	t.Helper()
	r, err := f.c.Readiness(ReadinessRequest{Technology: "PGP", From: "sales@desk.test", Recipients: []string{annAddr}})
	if err != nil || len(r.Recipients) != 2 { // Ann, then the sender
		t.Fatalf("readiness: %+v, %v", r, err)
	}
	return r.Recipients[0].OK, r.Recipients[0].Reason
}

// TestComposeOffersAndAcceptsTheOpenPGPKeyTheTicketsMailCarried: the key
// Ann's signed mail carried in its Autocrypt header is offered for her
// ticket only; applying the fix accepts it as an admin would (key stored,
// found key closed, her mail re-checked, the same events), and Encrypt is
// possible.
func TestComposeOffersAndAcceptsTheOpenPGPKeyTheTicketsMailCarried(t *testing.T) {
	f := newCompose(t, smtptest.Options{})
	k := annKey(t, "Ann")
	signed := f.inspect(t, signedWithAutocrypt(t, k, "fire"))
	ticket := f.ticketOf(t, signed)
	other := f.ticketOf(t, f.inspect(t, question)) // Ann's plain question, in a ticket of its own

	if ok, reason := f.annReadiness(t); ok || reason != "no_key" {
		t.Fatalf("before: ok %v, reason %q", ok, reason)
	}
	fixes, err := f.c.Fixes(FixesRequest{TicketID: ticket, Addresses: []string{"Ann@example.org"}, Technology: "PGP"})
	want := CarriedFix{Address: annAddr, Fingerprint: strings.ToUpper(k.GetFingerprint()), Subject: "Ann <" + annAddr + ">",
		ArticleID: signed, Technology: "PGP", Kind: FixAccept}
	if err != nil || len(fixes) != 1 || fixes[0] != want {
		t.Fatalf("fixes: %+v, %v; want %+v", fixes, err, want)
	}
	for _, req := range []FixesRequest{
		{TicketID: other, Addresses: []string{annAddr}, Technology: "PGP"}, // another ticket's mail carried it
		{TicketID: ticket, Addresses: []string{annAddr}},                   // S/MIME, as before: no certificate
	} {
		if got, err := f.c.Fixes(req); err != nil || len(got) != 0 {
			t.Errorf("fixes for %+v: %+v, %v", req, got, err)
		}
	}
	if _, err := f.c.Fixes(FixesRequest{TicketID: ticket, Technology: "GPG"}); code(err) != CodeInvalid {
		t.Errorf("an unknown technology: %v", err)
	}
	if _, err := f.c.ImportCarried(ImportCarriedRequest{TicketID: other, Address: annAddr, Technology: "PGP"}); code(err) != CodeNotFound {
		t.Fatalf("applying another ticket's key: %v", err)
	}

	res, err := f.c.ImportCarried(ImportCarriedRequest{TicketID: ticket, Address: annAddr, Technology: "PGP"})
	if err != nil || res.Rechecked != 1 {
		t.Fatalf("apply: %+v, %v", res, err)
	}
	f.rec.mu.Lock()
	events := slices.Clone(f.rec.events)
	f.rec.mu.Unlock()
	if !slices.Equal(events, []EventName{EventPendingChanged, EventPGPKeysChanged, EventArticlesRechecked}) {
		t.Errorf("events %s", events)
	}
	if ok, reason := f.annReadiness(t); !ok {
		t.Fatalf("after: reason %q", reason)
	}
	if a, _ := f.c.p.Store.Article(f.ctx, signed); !a.Security.Sign.Success {
		t.Errorf("her signed mail after the fix: %+v", a.Security.Sign)
	}
	if list, _ := f.sec.FoundKeys.List(f.ctx); len(list) != 0 {
		t.Errorf("the found key is still open: %+v", list)
	}
	if got, _ := f.c.Fixes(FixesRequest{TicketID: ticket, Addresses: []string{annAddr}, Technology: "PGP"}); len(got) != 0 {
		t.Errorf("an accepted key is offered again: %+v", got)
	}
	if _, err := f.c.ImportCarried(ImportCarriedRequest{TicketID: ticket, Address: annAddr, Technology: "PGP"}); code(err) != CodeNotFound {
		t.Errorf("applying again: %v", err)
	}
}

// TestComposeOffersAnOpenPGPKeyChangeOnlyAsAdvice: a different key for
// Ann, once we hold one, is named with advice to have an admin review it;
// applying it is refused and decides nothing.
func TestComposeOffersAnOpenPGPKeyChangeOnlyAsAdvice(t *testing.T) {
	f := newCompose(t, smtptest.Options{})
	f.inspect(t, signedWithAutocrypt(t, annKey(t, "Ann"), "first"))
	list, err := f.sec.FoundKeys.List(f.ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("pending: %+v, %v", list, err)
	}
	if _, err := f.sec.FoundKeys.Accept(f.ctx, list[0].ID); err != nil {
		t.Fatal(err)
	}
	changed := annKey(t, "Ann New Phone")
	ticket := f.ticketOf(t, f.inspect(t, signedWithAutocrypt(t, changed, "second")))
	fixes, err := f.c.Fixes(FixesRequest{TicketID: ticket, Addresses: []string{annAddr}, Technology: "PGP"})
	if err != nil || len(fixes) != 1 || fixes[0].Kind != FixReview || fixes[0].Fingerprint != strings.ToUpper(changed.GetFingerprint()) ||
		!strings.Contains(fixes[0].Comment, `"Found in mail"`) {
		t.Fatalf("fixes: %+v, %v; want the key change as advice", fixes, err)
	}
	_, err = f.c.ImportCarried(ImportCarriedRequest{TicketID: ticket, Address: annAddr, Technology: "PGP"})
	if code(err) != CodeInvalid || err.Error() != fixes[0].Comment {
		t.Fatalf("applying a key change: %v", err)
	}
	if list, _ := f.sec.FoundKeys.List(f.ctx); len(list) != 1 || list[0].Status != store.PendingOpen || !list[0].KeyChange {
		t.Fatalf("the key change after the refusal: %+v", list)
	}
	if f.rec.count() != 0 {
		t.Errorf("events for a refused fix: %v", f.rec.events)
	}
}

// TestComposeReplyToPGPMailStartsOnPGP: a reply to Ann's PGP/MIME mail,
// sent to the S/MIME group Support (Sign and Encrypt by default), used to
// open on S/MIME with Encrypt on but impossible, although Ann's OpenPGP
// key and ours were there. It starts on PGP, both on; without Ann's key
// still on PGP, which can sign, with Encrypt held off and why.
func TestComposeReplyToPGPMailStartsOnPGP(t *testing.T) {
	f := newCompose(t, smtptest.Options{})
	groups, err := f.c.p.Store.Groups(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	support, ok := compose.GroupByAddress(groups, "support@desk.test")
	if !ok {
		t.Fatal("no Support group")
	}
	support.DefaultSign, support.DefaultEncrypt = true, true
	if _, err := f.c.p.Store.SaveGroup(f.ctx, support); err != nil {
		t.Fatal(err)
	}
	ann := annKey(t, "Ann")
	ours, err := gcrypto.PGP().KeyGeneration().AddUserId("Support", "support@desk.test").GenerationTime(certNow.AddDate(-1, 0, 0).Unix()).New().GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	secret, err := ours.Armor()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sec.PGPKeys.Import(f.ctx, nil, security.Input{Data: []byte(secret)}); err != nil {
		t.Fatal(err)
	}
	mail := strings.Replace(signedWithAutocrypt(t, ann, "pgp-reply"), "To: sales@desk.test", "To: support@desk.test", 1)
	id := f.inspect(t, mail)
	if a, _ := f.c.p.Store.Article(f.ctx, id); a.Security.Type != verdict.TechPGP {
		t.Fatalf("the question is not PGP/MIME: %+v", a.Security)
	}

	d, err := f.c.Prepare(PrepareRequest{Mode: "reply", ArticleID: id})
	if err != nil {
		t.Fatal(err)
	}
	// PGP can sign, S/MIME nothing: PGP, Sign on, Encrypt held off.
	if d.GroupID != support.ID || d.Technology != "PGP" || !d.Sign || d.Encrypt {
		t.Fatalf("without Ann's key: %+v; want PGP, signed, Encrypt held off", d)
	}
	c, err := f.c.Choose(ChooseRequest{Mode: "reply", GroupID: d.GroupID, ArticleID: id, From: d.From, Recipients: []string{annAddr}})
	if err != nil || c.Technology != verdict.TechPGP || c.TechnologyWhy != compose.WhyBest || !c.EncryptHeld || c.EncryptNote == "" {
		t.Fatalf("choice without Ann's key: %+v, %v", c, err)
	}

	pub, err := ann.GetArmoredPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sec.PGPKeys.Import(f.ctx, nil, security.Input{Data: []byte(pub)}); err != nil {
		t.Fatal(err)
	}
	d, err = f.c.Prepare(PrepareRequest{Mode: "reply", ArticleID: id})
	if err != nil || d.Technology != "PGP" || !d.Sign || !d.Encrypt {
		t.Fatalf("with Ann's key: %+v, %v; want PGP, Sign and Encrypt on", d, err)
	}
	c, err = f.c.Choose(ChooseRequest{Mode: "reply", GroupID: d.GroupID, ArticleID: id, From: d.From, Recipients: []string{annAddr}})
	if err != nil || c.Technology != verdict.TechPGP || c.TechnologyWhy != compose.WhyAnswered || c.SignHeld || c.EncryptHeld {
		t.Fatalf("choice with Ann's key: %+v, %v", c, err)
	}
	// The agent's S/MIME is kept; Encrypt, not chosen, is held off.
	c, err = f.c.Choose(ChooseRequest{Mode: "reply", GroupID: d.GroupID, ArticleID: id, From: d.From, Recipients: []string{annAddr},
		Technology: "S/MIME", Chosen: compose.Chosen{Technology: true}})
	if err != nil || c.Technology != verdict.TechSMIME || c.TechnologyWhy != compose.WhyChosen || c.Encrypt || !c.EncryptHeld {
		t.Fatalf("the agent's S/MIME: %+v, %v", c, err)
	}
}
