package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
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
		comment           string // in the failing part's comment
	}{
		{"signed", IDSigned, ptr(true), nil, ""},
		{"signed and encrypted", IDSignedEncrypted, ptr(true), ptr(true), ""},
		{"pgp signed and encrypted", IDPGP, ptr(true), ptr(true), ""},
		{"tampered", IDTampered, ptr(false), nil, ""},
		{"unknown sender", IDUnknownSender, ptr(false), nil, "import the CA certificate"},
		{"key we lack", IDKeyWeLack, nil, ptr(false), "certificate and private key for decryption are missing"},
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
		if tc.comment != "" && !strings.Contains(r.Sign.Comment+r.Encryption.Comment, tc.comment) {
			t.Errorf("%s: comments %q / %q, want %q", tc.name, r.Sign.Comment, r.Encryption.Comment, tc.comment)
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
