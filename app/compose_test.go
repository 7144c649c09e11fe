package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/smime"
	"github.com/sealdesk/sealdesk/mail/smtp/smtptest"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// composeFixture is a Compose over a fresh profile with two groups and an
// account submitting to an in-process SMTP server.
type composeFixture struct {
	c   *Compose
	sec *security.Service
	rec *recorder
	srv *smtptest.Server
	ctx context.Context
}

func newCompose(t *testing.T, opts smtptest.Options) composeFixture {
	t.Helper()
	ctx := context.Background()
	p := openProfile(t, keystore.NewMemory(0))
	sec := security.New(p, security.Options{Now: func() time.Time { return certNow }, KDFIterations: 1000})
	mb := mailbox.New(p, sec)
	opts.Username, opts.Password = "agent", "pw"
	srv := smtptest.Start(t, opts)
	if _, err := mb.SaveAccount(ctx, mailbox.AccountInput{Name: "desk", IMAP: "127.0.0.1:1", IMAPTLS: "none", Username: "agent",
		Password: []byte("pw"), SMTP: srv.Addr, SMTPTLS: "none"}); err != nil {
		t.Fatal(err)
	}
	for _, g := range []store.Group{
		{Name: "Support", SenderAddress: "Support <support@desk.test>", DefaultSign: false, DefaultEncrypt: false, Technology: "S/MIME"},
		{Name: "Sales", SenderAddress: "sales@desk.test", DefaultSign: true, DefaultEncrypt: true, Technology: "PGP"},
	} {
		if _, err := p.Store.SaveGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	rec := &recorder{}
	return composeFixture{c: &Compose{p: p, sec: sec, mb: mb, emit: rec}, sec: sec, rec: rec, srv: srv, ctx: ctx}
}

func (f composeFixture) inspect(t *testing.T, raw string) int64 {
	t.Helper()
	in, err := f.sec.Processing.Inspect(f.ctx, []byte(strings.ReplaceAll(raw, "\n", "\r\n")), security.InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return in.ArticleID
}

const question = `From: Ann <ann@example.org>
To: Sales <sales@desk.test>, bob@example.org
Cc: Support <support@desk.test>, carol@example.org
Subject: Printer broken
Message-ID: <q1@example.org>
Date: Sun, 01 Mar 2026 09:30:00 +0000

The printer says PC LOAD LETTER.
`

func TestComposePrepareReplyAllFromTheGroupItWasSentTo(t *testing.T) {
	f := newCompose(t, smtptest.Options{})
	id := f.inspect(t, question)
	d, err := f.c.Prepare(PrepareRequest{Mode: "reply-all", ArticleID: id})
	if err != nil {
		t.Fatal(err)
	}
	// Sales signs and encrypts with PGP by default, but holds no keys:
	// the defaults are held off rather than blocking the send.
	if d.From != "sales@desk.test" || d.Sign || d.Encrypt || d.Technology != "PGP" || d.TicketID == 0 {
		t.Errorf("group defaults: %+v", d)
	}
	if strings.Join(d.To, ",") != `"Ann" <ann@example.org>` || strings.Join(d.Cc, ",") != "<bob@example.org>,<carol@example.org>" {
		t.Errorf("reply-all recipients (our addresses left out): to %q cc %q", d.To, d.Cc)
	}
	if !strings.HasPrefix(d.Subject, "Re: Printer broken [Ticket#") || d.InReplyTo != "q1@example.org" {
		t.Errorf("subject %q, in-reply-to %q", d.Subject, d.InReplyTo)
	}
	if !strings.Contains(d.Text, "Ann <ann@example.org> wrote:\n> The printer says PC LOAD LETTER.") {
		t.Errorf("quote: %q", d.Text)
	}
	if _, err := f.c.Prepare(PrepareRequest{Mode: "reply"}); code(err) != CodeInvalid {
		t.Errorf("reply without article: %v", err)
	}
	fwd, err := f.c.Prepare(PrepareRequest{Mode: "forward", ArticleID: id})
	if err != nil || len(fwd.To) != 0 || !strings.HasPrefix(fwd.Subject, "Fwd: ") || fwd.InReplyTo != "" || !strings.Contains(fwd.Text, "Forwarded message") {
		t.Errorf("forward: %+v, %v", fwd, err)
	}
}

func TestComposeDraftsAreSealedAndResumed(t *testing.T) {
	f := newCompose(t, smtptest.Options{})
	id := f.inspect(t, question)
	d, err := f.c.Prepare(PrepareRequest{Mode: "reply", ArticleID: id})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "The PIN of the printer is 4711-SECRET"
	d.Text = secret + d.Text
	saved, err := f.c.SaveDraft(d)
	if err != nil || saved.ID == 0 {
		t.Fatalf("save: %+v, %v", saved, err)
	}
	// Nothing of it is in the database files in the clear.
	dir := f.c.p.Store.Dir()
	files, _ := filepath.Glob(filepath.Join(dir, store.FileName+"*"))
	for _, name := range files {
		b, _ := os.ReadFile(name)
		if bytes.Contains(b, []byte("4711-SECRET")) || bytes.Contains(b, []byte("PC LOAD LETTER\n")) {
			t.Fatalf("%s holds the draft's text in the clear", name)
		}
	}
	// Reopening the same intent resumes it.
	again, err := f.c.Prepare(PrepareRequest{Mode: "reply", ArticleID: id})
	if err != nil || again.ID != saved.ID || !strings.HasPrefix(again.Text, secret) {
		t.Fatalf("resume: %+v, %v", again, err)
	}
	list, err := f.c.Drafts()
	if err != nil || len(list) != 1 || list[0].Subject != d.Subject {
		t.Fatalf("drafts: %+v, %v", list, err)
	}
	// A sealed blob moved to another row does not open (AAD).
	if _, err := f.c.p.Store.DB().Exec(`UPDATE drafts SET id = 99 WHERE id = ?`, saved.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.OpenDraft(DraftRequest{ID: 99}); err == nil || !strings.Contains(err.Error(), "cannot be decrypted") {
		t.Fatalf("moved draft: %v", err)
	}
	if err := f.c.DeleteDraft(DraftRequest{ID: 99}); err != nil {
		t.Fatal(err)
	}
	if err := f.c.DeleteDraft(DraftRequest{ID: 99}); code(err) != CodeNotFound {
		t.Fatalf("second delete: %v", err)
	}
}

func TestComposeSendKeepsBccOffTheWireAndDeletesTheDraft(t *testing.T) {
	f := newCompose(t, smtptest.Options{})
	d := DraftMessage{Mode: "new", From: "Support <support@desk.test>", To: []string{"ann@example.org"}, Bcc: []string{"boss@desk.test"},
		Subject: "Hello", Text: "Grüße\n", Technology: "S/MIME"}
	d, err := f.c.SaveDraft(d)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := f.c.AddAttachment(AddAttachmentRequest{DraftID: d.ID, Name: "a.txt", ContentType: "text/plain", Data: "aGVsbG8="})
	if err != nil {
		t.Fatal(err)
	}
	d.Attachments = []AttachmentRef{ref}
	v, err := f.c.Send(SendRequest{SendID: "s1", Draft: d})
	if err != nil || v.Status != store.OutboxSent || v.Subject != "Hello" {
		t.Fatalf("send: %+v, %v", v, err)
	}
	msgs := f.srv.Messages()
	if len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "ann@example.org,boss@desk.test" || bytes.Contains(msgs[0].Data, []byte("boss@")) ||
		!bytes.Contains(msgs[0].Data, []byte("aGVsbG8=")) {
		t.Fatalf("server got %+v", msgs)
	}
	if _, err := f.c.OpenDraft(DraftRequest{ID: d.ID}); code(err) != CodeNotFound {
		t.Fatalf("the draft outlived the send: %v", err)
	}
	p, ok := f.rec.last[EventSendProgress].(SendProgress)
	if !ok || p.SendID != "s1" || (p.Step != mailbox.StepSent && p.Step != mailbox.StepSaved) {
		t.Fatalf("last progress %+v (%v)", f.rec.last[EventSendProgress], f.rec.events)
	}
	if _, ok := f.rec.last[EventOutboxChanged]; !ok {
		t.Fatal("no outbox:changed")
	}
	// Bad input is a form error, nothing queued. (The attachment went
	// with the sent draft.)
	d.To, d.Bcc, d.Attachments = []string{"not an address"}, nil, nil
	if _, err := f.c.Send(SendRequest{Draft: d}); code(err) != CodeInvalid || !strings.Contains(err.Error(), "not an e-mail address") {
		t.Fatalf("bad address: %v", err)
	}
	// Signing without a certificate says what to do.
	d.To, d.Sign = []string{"ann@example.org"}, true
	if _, err := f.c.Send(SendRequest{Draft: d}); code(err) != CodeInvalid || !strings.Contains(err.Error(), "import your .p12") {
		t.Fatalf("sign without a key: %v", err)
	}
}

func TestComposeFailedSendStaysInTheOutboxWithItsReason(t *testing.T) {
	f := newCompose(t, smtptest.Options{Rcpt: func(addr string) error {
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}})
	d := DraftMessage{Mode: "new", From: "support@desk.test", To: []string{"nobody@example.org"}, Subject: "Hi", Text: "x", Technology: "S/MIME"}
	v, err := f.c.Send(SendRequest{Draft: d})
	if err != nil || v.Status != store.OutboxFailed || !strings.Contains(v.Reason, "nobody@example.org") || strings.HasPrefix(v.Reason, "smtp:") || v.Advice == "" {
		t.Fatalf("failed send: %+v, %v", v, err)
	}
	list, err := f.c.Outbox()
	if err != nil || len(list) != 1 || list[0].ID != v.ID || list[0].Reason != v.Reason {
		t.Fatalf("outbox: %+v, %v", list, err)
	}
	// Retry tries again (still refused), Discard removes it.
	if r, err := f.c.RetryOutbox(OutboxRequest{ID: v.ID}); err != nil || r.Status != store.OutboxFailed || r.Attempts != 2 {
		t.Fatalf("retry: %+v, %v", r, err)
	}
	if err := f.c.DiscardOutbox(OutboxRequest{ID: v.ID}); err != nil {
		t.Fatal(err)
	}
	if list, _ := f.c.Outbox(); len(list) != 0 {
		t.Fatalf("after discard: %+v", list)
	}
}

func TestComposeContactsAndCarriedCertificateFix(t *testing.T) {
	f := newCompose(t, smtptest.Options{})
	ca := newCert(t, "Test CA", "", nil)
	ann := newCert(t, "Ann", "ann@example.org", &ca)
	if _, err := f.sec.Certificates.Import(f.ctx, security.Input{Data: []byte(ca.pem())}); err != nil {
		t.Fatal(err)
	}
	kr := smime.NewMemoryKeyring()
	kr.AddTrustAnchor(ca.cert)
	if err := kr.AddKey(ann.cert, ann.key); err != nil {
		t.Fatal(err)
	}
	signed, err := smime.Seal([]byte(strings.ReplaceAll(question, "\n", "\r\n")), kr, true, false, smime.SealOptions{Now: time.Date(2026, 3, 1, 9, 31, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	in, err := f.sec.Processing.Inspect(f.ctx, signed, security.InspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.c.Prepare(PrepareRequest{Mode: "reply", ArticleID: in.ArticleID})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.c.Readiness(ReadinessRequest{Technology: "S/MIME", From: "sales@desk.test", Recipients: []string{"ann@example.org"}})
	if err != nil || r.CanEncrypt || r.Recipients[0].Reason != "no_certificate" {
		t.Fatalf("before: %+v, %v", r, err)
	}
	fixes, err := f.c.Fixes(FixesRequest{TicketID: d.TicketID, Addresses: []string{"Ann@example.org"}})
	if err != nil || len(fixes) != 1 || fixes[0].Fingerprint != smime.Fingerprint(ann.cert) {
		t.Fatalf("fixes: %+v, %v", fixes, err)
	}
	if _, err := f.c.ImportCarried(ImportCarriedRequest{TicketID: d.TicketID, Address: "ann@example.org"}); err != nil {
		t.Fatal(err)
	}
	r, _ = f.c.Readiness(ReadinessRequest{Technology: "S/MIME", From: "sales@desk.test", Recipients: []string{"ann@example.org"}})
	if !r.Recipients[0].OK {
		t.Fatalf("after import: %+v", r.Recipients[0])
	}
	if _, err := f.c.ImportCarried(ImportCarriedRequest{TicketID: d.TicketID, Address: "ann@example.org"}); code(err) != CodeNotFound {
		t.Fatalf("nothing left to import: %v", err)
	}
	// A second certificate for Ann: readiness lists both and honours a pick.
	ann2 := newCert(t, "Ann (new)", "ann@example.org", &ca)
	if _, err := f.sec.Certificates.Import(f.ctx, security.Input{Data: []byte(ann2.pem())}); err != nil {
		t.Fatal(err)
	}
	fp1 := smime.Fingerprint(ann.cert)
	r, _ = f.c.Readiness(ReadinessRequest{Technology: "S/MIME", From: "sales@desk.test", Recipients: []string{"ann@example.org"},
		Keys: map[string]string{"Ann@example.org": fp1}})
	if len(r.Recipients[0].Candidates) != 2 || r.Recipients[0].Key != fp1 {
		t.Fatalf("pick: %+v", r.Recipients[0])
	}
	// Completion finds Ann by name and address, from mail and certificates.
	for _, prefix := range []string{"ann", "An", "ANN@ex"} {
		got, err := f.c.Contacts(store.ContactQuery{Prefix: prefix})
		if err != nil || len(got) != 1 || got[0].Address != "ann@example.org" {
			t.Errorf("contacts %q: %+v, %v", prefix, got, err)
		}
	}
	if got, _ := f.c.Contacts(store.ContactQuery{Prefix: "zz"}); len(got) != 0 {
		t.Errorf("contacts zz: %+v", got)
	}
}
