package store

import (
	"context"
	"errors"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/mail/mirror"
)

func TestArticlesStoreResultsAndListRetries(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	tk, err := s.CreateTicket(ctx, "help", "a@example.test")
	if err != nil {
		t.Fatal(err)
	}
	failed := verdict.Result{Type: verdict.TechSMIME, Signed: true, Sign: verdict.SignResult{Comment: "untrusted"}}
	var sealedFor int64
	a, err := s.InsertArticle(ctx, Article{TicketID: tk.ID, Raw: []byte("Subject: x\r\n\r\nbody"), Security: failed},
		func(id int64) ([]byte, error) { sealedFor = id; return []byte("sealed"), nil })
	if err != nil || a.SecurityState != SecurityFailed || sealedFor != a.ID {
		t.Fatalf("insert: %+v, %v", a, err)
	}
	pgp := verdict.Result{Type: verdict.TechPGP, Encrypted: true}
	if _, err := s.InsertArticle(ctx, Article{TicketID: tk.ID, Raw: []byte("other"), Security: pgp}, nil); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.ArticlesToRetry(ctx, "S/MIME"); len(ids) != 1 || ids[0] != a.ID {
		t.Fatalf("S/MIME retries %v", ids)
	}
	if ids, _ := s.ArticlesToRetry(ctx, ""); len(ids) != 2 {
		t.Fatalf("all retries %v", ids)
	}
	got, err := s.ArticleByContent(ctx, mirror.Hash([]byte("Subject: x\r\n\r\nbody")))
	if err != nil || got.ID != a.ID || string(got.SealedContent) != "sealed" || got.Security.Sign.Comment != "untrusted" {
		t.Fatalf("by content: %+v, %v", got, err)
	}
	failed.Sign.Success = true
	if err := s.UpdateArticleSecurity(ctx, a.ID, failed, nil); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Article(ctx, a.ID)
	if got.SecurityState != SecuritySigned || got.SealedContent != nil {
		t.Fatalf("after update: %s, sealed %q", got.SecurityState, got.SealedContent)
	}
	if err := s.UpdateArticleSecurity(ctx, 999, failed, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update of a missing article: %v", err)
	}
	// A failing seal stores nothing, not even the new ticket.
	before, _ := s.Tickets(ctx, TicketQuery{})
	if _, err := s.InsertArticle(ctx, Article{Raw: []byte("third")}, func(int64) ([]byte, error) {
		return nil, errors.New("no key")
	}); err == nil {
		t.Fatal("insert with a failing seal succeeded")
	}
	if _, err := s.ArticleByContent(ctx, mirror.Hash([]byte("third"))); !errors.Is(err, ErrNotFound) {
		t.Fatalf("half-inserted article: %v", err)
	}
	if after, _ := s.Tickets(ctx, TicketQuery{}); after.Total != before.Total {
		t.Fatalf("a failed insert left a ticket: %d, was %d", after.Total, before.Total)
	}
	b, err := s.InsertArticle(ctx, Article{Subject: "new", From: "Bob <b@x>", Raw: []byte("fourth")}, nil)
	page, _ := s.Tickets(ctx, TicketQuery{})
	if err != nil || b.TicketID == tk.ID || page.Total != 2 || page.Tickets[0].Customer != "Bob <b@x>" {
		t.Fatalf("article with a new ticket: %+v, %v, %+v", b, err, page)
	}
}

func TestAddCertificatesIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	good := Certificate{Fingerprint: "aa", Subject: "CN=A", DER: []byte{1}, Emails: []string{"a@x", "b@x"}}
	bad := Certificate{Fingerprint: "bb", Subject: "CN=B"} // no DER: violates NOT NULL
	if _, _, err := s.AddCertificates(ctx, []Certificate{good, bad}); err == nil {
		t.Fatal("insert of a broken row succeeded")
	}
	if l, _ := s.Certificates(ctx); len(l) != 0 {
		t.Fatalf("partial import stored %v", l)
	}
	added, present, err := s.AddCertificates(ctx, []Certificate{good})
	if err != nil || len(added) != 1 || len(present) != 0 {
		t.Fatalf("add: %v %v %v", added, present, err)
	}
	added, present, err = s.AddCertificates(ctx, []Certificate{good}, "aa")
	if err != nil || len(added) != 0 || len(present) != 1 {
		t.Fatalf("re-add: %v %v %v", added, present, err)
	}
	c, err := s.Certificate(ctx, "aa")
	if err != nil || !c.HasPrivate || len(c.Emails) != 2 {
		t.Fatalf("stored %+v, %v", c, err)
	}
	if l, _ := s.CertificatesByPrefix(ctx, "a"); len(l) != 1 {
		t.Fatalf("prefix %v", l)
	}
	if err := s.DeleteCertificate(ctx, "aa"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCertificate(ctx, "aa"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}
