package demo

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mail/smtp"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

func TestDemoMailboxSyncsIntoEveryOutcome(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	m, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p, err := profile.Open(ctx, profile.Options{Dir: t.TempDir(), Keychain: keystore.NewMemory(0)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	sec := security.New(p, security.Options{})
	mb := mailbox.New(p, sec)
	for range 2 { // idempotent
		if _, err := Setup(ctx, mb, sec, m); err != nil {
			t.Fatal(err)
		}
	}
	if accounts, _ := mb.Accounts(ctx); len(accounts) != 1 || accounts[0].Name != AccountName {
		t.Fatalf("accounts: %+v", accounts)
	}
	sum, err := mb.SyncOnce(ctx, AccountName, mailbox.SyncOptions{})
	if err != nil || sum.New() != 10 || sum.Failed != 0 {
		t.Fatalf("sync: %+v, %v", sum, err)
	}

	page, err := p.Store.Tickets(ctx, store.TicketQuery{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 8 {
		t.Errorf("%d tickets, want 8", page.Total)
	}
	arts := map[string]store.Article{}
	for _, tk := range page.Tickets {
		list, err := p.Store.TicketArticles(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			full, err := p.Store.Article(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			arts[a.MessageID] = full
		}
	}
	get := func(id string) store.Article {
		t.Helper()
		a, ok := arts[id]
		if !ok {
			t.Fatalf("no article <%s>", id)
		}
		return a
	}
	cases := []struct {
		name string
		id   string
		// want: signature / decryption success; nil when not applicable.
		signOK, decryptOK *bool
		code              string // the failing part's code: Sign.Reason or Encryption.Failure
	}{
		{"signed", IDSigned, ptr(true), nil, ""},
		{"signed and encrypted", IDSignedEncrypted, ptr(true), ptr(true), ""},
		{"pgp signed and encrypted", IDPGP, ptr(true), ptr(true), ""},
		{"tampered", IDTampered, ptr(false), nil, string(verdict.ReasonContentAltered)},
		{"unknown sender", IDUnknownSender, ptr(false), nil, string(verdict.ReasonUntrusted)},
		{"key we lack", IDKeyWeLack, nil, ptr(false), string(verdict.DecryptNoKey)},
		{"plain", IDPlain, nil, nil, ""},
		{"hostile html", IDHostileHTML, nil, nil, ""},
	}
	for _, tc := range cases {
		a := get(tc.id)
		r := a.Security
		if tc.signOK == nil && r.Signed || tc.signOK != nil && (!r.Signed || r.Sign.Success != *tc.signOK) {
			t.Errorf("%s: signed %v, success %v (%s)", tc.name, r.Signed, r.Sign.Success, r.Sign.Comment)
		}
		if tc.decryptOK == nil && r.Encrypted || tc.decryptOK != nil && (!r.Encrypted || r.Encryption.Success != *tc.decryptOK) {
			t.Errorf("%s: encrypted %v, success %v (%s)", tc.name, r.Encrypted, r.Encryption.Success, r.Encryption.Comment)
		}
		if code := string(r.Sign.Reason) + string(r.Encryption.Failure); code != tc.code {
			t.Errorf("%s: code %q (%s / %s), want %q", tc.name, code, r.Sign.Comment, r.Encryption.Comment, tc.code)
		}
	}
	if get(IDPGP).Security.Type != "PGP" || get(IDSigned).Security.Type != "S/MIME" {
		t.Errorf("technologies: %s, %s", get(IDPGP).Security.Type, get(IDSigned).Security.Type)
	}
	if get(IDReply).TicketID != get(IDSigned).TicketID {
		t.Error("the reply is not threaded into the first ticket")
	}
	if a := get(IDSentAnswer); a.Direction != "out" || a.TicketID != get(IDPlain).TicketID {
		t.Errorf("the answer in Sent: %+v", a)
	}
}

func TestKeysLeaveOutWhatTheDemoLacks(t *testing.T) {
	p, err := newPKI(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	k, err := keysOf(p)
	if err != nil {
		t.Fatal(err)
	}
	all := string(k.CA) + string(k.HelpdeskCert) + string(k.HelpdeskKey)
	for _, leak := range [][]byte{certPEM(p.otherCA.cert), certPEM(p.oldHelpdesk.cert)} {
		if strings.Contains(all, string(leak)) {
			t.Fatal("the demo hands out what one mail is meant to lack")
		}
	}
}

func ptr(b bool) *bool { return &b }

func TestSubmissionDeliversOnlyToTheHelpdesk(t *testing.T) {
	ctx := context.Background()
	m, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	a := m.Account()
	cfg := smtp.Config{Addr: m.SMTPAddr(), TLS: smtp.TLSNone, Username: a.Username, Password: string(a.Password)}
	msg := func(to string) []byte {
		return []byte("From: " + HelpdeskAddr + "\r\nTo: " + to + "\r\nSubject: hi\r\nMessage-ID: <t-" + to + ">\r\n\r\nhi\r\n")
	}
	inbox := func() uint32 {
		t.Helper()
		st, err := m.mail.Status("INBOX", &imap.StatusOptions{NumMessages: true})
		if err != nil {
			t.Fatal(err)
		}
		return *st.NumMessages
	}
	seeded := inbox()
	cases := []struct {
		name    string
		cfg     smtp.Config
		to      string
		wantErr error
		want    uint32 // INBOX count after
	}{
		{"to a customer: accepted, dropped", cfg, aliceAddr, nil, seeded},
		{"to the helpdesk: INBOX", cfg, HelpdeskAddr, nil, seeded + 1},
		{"wrong password", smtp.Config{Addr: cfg.Addr, TLS: smtp.TLSNone, Username: cfg.Username, Password: "nope"}, HelpdeskAddr, smtp.ErrAuthFailed, seeded + 1},
		{"no login", smtp.Config{Addr: cfg.Addr, TLS: smtp.TLSNone}, HelpdeskAddr, errAny, seeded + 1},
	}
	for _, tc := range cases {
		err := smtp.Send(ctx, tc.cfg, smtp.Envelope{From: HelpdeskAddr, To: []string{tc.to}}, msg(tc.to))
		if tc.wantErr == nil && err != nil || tc.wantErr == errAny && err == nil ||
			tc.wantErr != nil && tc.wantErr != errAny && !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.wantErr)
		}
		if n := inbox(); n != tc.want {
			t.Errorf("%s: INBOX holds %d, want %d", tc.name, n, tc.want)
		}
	}
}

var errAny = errors.New("any error")

func TestResumeKeepsTheSeedAndSkipsSeenUIDs(t *testing.T) {
	ctx := context.Background()
	first, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	again, err := Resume(ctx, map[string]uint32{"INBOX": 15, "Sent": 0})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	opts := &imap.StatusOptions{UIDValidity: true, UIDNext: true, NumMessages: true}
	for _, f := range folders {
		a, err1 := first.mail.Status(f, opts)
		b, err2 := again.mail.Status(f, opts)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		wantNext := a.UIDNext
		if f == "INBOX" {
			wantNext = 16
		}
		if a.UIDValidity != b.UIDValidity || *a.NumMessages != *b.NumMessages || b.UIDNext != wantNext {
			t.Errorf("%s: first %d/%d/%d, resumed %d/%d/%d (UIDVALIDITY/messages/UIDNEXT); want UIDNEXT %d", f,
				a.UIDValidity, *a.NumMessages, a.UIDNext, b.UIDValidity, *b.NumMessages, b.UIDNext, wantNext)
		}
	}
}

func TestAddGroupOnceAndKeepsEdits(t *testing.T) {
	ctx := context.Background()
	p, err := profile.Open(ctx, profile.Options{Dir: t.TempDir(), Keychain: keystore.NewMemory(0)})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	g, err := AddGroup(ctx, p.Store)
	if err != nil || g.ID == 0 || !g.DefaultSign || !g.DefaultEncrypt || g.Technology != "S/MIME" ||
		g.SenderAddress != HelpdeskName+" <"+HelpdeskAddr+">" {
		t.Fatalf("first: %+v, %v", g, err)
	}
	g.Name, g.DefaultEncrypt, g.SenderAddress = "Desk", false, "HELP@demo.sealdesk.test"
	if _, err := p.Store.SaveGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	again, err := AddGroup(ctx, p.Store)
	if err != nil || again != g {
		t.Fatalf("again: %+v, %v; want the edited %+v", again, err, g)
	}
	if list, _ := p.Store.Groups(ctx); len(list) != 1 {
		t.Fatalf("groups: %+v", list)
	}
}
