package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/demo"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/security"
	"github.com/sealdesk/sealdesk/store"
)

// demoTickets syncs the demo mailbox into a fresh profile and returns the
// Tickets service over it and the article IDs by Message-ID.
func demoTickets(t *testing.T) (*Tickets, *recorder, map[string]store.ArticleSummary) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	m, err := demo.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	s := NewServices(openProfile(t, keystore.NewMemory(0)))
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	if _, err := demo.Setup(ctx, s.Demo.mb, s.Demo.sec, m); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Demo.mb.SyncOnce(ctx, demo.AccountName, mailbox.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	s.Tickets.emit = rec
	page, err := s.Tickets.List(store.TicketQuery{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	arts := map[string]store.ArticleSummary{}
	for _, tk := range page.Tickets {
		v, err := s.Tickets.Get(TicketRequest{ID: tk.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range v.Articles {
			arts[a.Article.MessageID] = a.Article
		}
	}
	return s.Tickets, rec, arts
}

func TestTicketViewOfTheDemo(t *testing.T) {
	tk, _, arts := demoTickets(t)

	// The hostile HTML mail: nothing active, nothing remote, the fake
	// banner stays inside the document.
	h := arts[demo.IDHostileHTML]
	c, err := tk.Content(ContentRequest{ArticleID: h.ID})
	if err != nil || len(c.Sections) != 1 {
		t.Fatalf("hostile: %+v, %v", c, err)
	}
	doc := c.Sections[0].Document
	for _, bad := range []string{"<script", "onerror", "onload", demo.RemoteProbeAddr, "<iframe", "<link", "refresh"} {
		if strings.Contains(doc, bad) {
			t.Errorf("%q survived in the document:\n%s", bad, doc)
		}
	}
	if !strings.Contains(doc, "Signature verified") || c.RemoteBlocked < 3 || c.Sections[0].Label != "" {
		t.Errorf("hostile: blocked %d, label %q", c.RemoteBlocked, c.Sections[0].Label)
	}
	if ls := c.Sections[0].Links; len(ls) != 1 || !strings.Contains(ls[0].Warning, "shows www.yourbank.example") {
		t.Errorf("hostile: links %+v, want the one whose text names another site, with a warning", ls)
	}
	loaded, err := tk.Content(ContentRequest{ArticleID: h.ID, LoadRemote: true})
	if err != nil || !strings.Contains(loaded.Sections[0].Document, demo.RemoteProbeAddr+"/tracker.png") || loaded.RemoteBlocked != 0 {
		t.Fatalf("load remote: %+v, %v", loaded, err)
	}

	// The signed and encrypted mail shows its decrypted text as protected.
	c, err = tk.Content(ContentRequest{ArticleID: arts[demo.IDSignedEncrypted].ID})
	if err != nil || len(c.Sections) != 1 || c.Sections[0].Origin != "protected" ||
		!strings.Contains(c.Sections[0].Document, "4711-0815") || !strings.Contains(c.Sections[0].Label, "decrypted, signature valid") {
		t.Fatalf("signed+encrypted: %+v, %v", c, err)
	}
	c, err = tk.Content(ContentRequest{ArticleID: arts[demo.IDPGP].ID})
	if err != nil || c.Sections[0].Origin != "protected" || !strings.Contains(c.Sections[0].Document, "service hours") {
		t.Fatalf("pgp: %+v, %v", c, err)
	}
	// Encrypted to a key we lack: nothing to show but the reason.
	c, err = tk.Content(ContentRequest{ArticleID: arts[demo.IDKeyWeLack].ID})
	if err != nil || len(c.Sections) != 1 || c.Sections[0].Origin != "unopened" || c.Sections[0].Document != "" {
		t.Fatalf("key we lack: %+v, %v", c, err)
	}

	// Warnings in plain language, with Retry where it can help.
	v, err := tk.Get(TicketRequest{ID: ticketOf(t, tk, demo.IDUnknownSender)})
	if err != nil {
		t.Fatal(err)
	}
	w := v.Articles[0]
	if !w.CanRetry || len(w.Warnings) == 0 || w.Warnings[0].Kind != "untrusted" || w.Band.Seal != security.BandLabels(w.Article.Security).Seal || w.Article.Security.Sign.Reason != verdict.ReasonUntrusted {
		t.Fatalf("unknown sender: %+v", w)
	}
	if _, err := tk.Retry(ArticleRequest{ArticleID: w.Article.ID}); err != nil {
		t.Fatal(err)
	}

	// State and read marks.
	id := v.Ticket.ID
	if got, err := tk.SetState(SetStateRequest{ID: id, State: "closed"}); err != nil || got.Ticket.State != "closed" {
		t.Fatalf("set state: %+v, %v", got, err)
	}
	if _, err := tk.SetState(SetStateRequest{ID: id, State: "gone"}); Classify(err).Code != CodeInvalid {
		t.Fatalf("bad state: %v", err)
	}
	if got, err := tk.MarkRead(MarkReadRequest{ID: id, Read: true}); err != nil || got.Unread {
		t.Fatalf("mark read: %+v, %v", got, err)
	}
	if page, err := tk.List(store.TicketQuery{Security: "failed", Limit: 50}); err != nil || page.Total != 3 {
		t.Fatalf("failed tickets: %d, %v", page.Total, err)
	}
	if _, err := tk.List(store.TicketQuery{Security: "bogus"}); Classify(err).Code != CodeInvalid {
		t.Fatalf("bogus filter: %v", err)
	}
	if n, err := tk.Recheckable(); err != nil || n.Count != 0 {
		t.Fatalf("recheckable right after the import and sync: %+v, %v", n, err)
	}
}

func TestSaveAttachmentGoesThroughTheDialog(t *testing.T) {
	tk, _, arts := demoTickets(t)
	dir := t.TempDir()
	var asked SaveRequest
	tk.saveDialog = func(r SaveRequest) (string, error) {
		asked = r
		return filepath.Join(dir, r.Name), nil
	}
	// The demo mails carry no attachment: index 0 does not exist.
	if _, err := tk.SaveAttachment(SaveAttachmentRequest{ArticleID: arts[demo.IDPlain].ID, Index: 0}); Classify(err).Code != CodeNotFound {
		t.Fatalf("missing attachment: %v", err)
	}
	if asked.Title != "" {
		t.Fatal("the dialog opened for nothing")
	}
	raw := "From: a@example.test\r\nSubject: file\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n" +
		"Content-Type: text/plain\r\n\r\nsee attached\r\n--m\r\nContent-Type: application/pdf\r\n" +
		"Content-Disposition: attachment; filename=\"../../.report.pdf\"\r\n\r\n%PDF-1\r\n--m--\r\n"
	a, err := tk.p.Store.InsertArticle(context.Background(), store.Article{Raw: []byte(raw)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tk.SaveAttachment(SaveAttachmentRequest{ArticleID: a.ID, Index: 0})
	if err != nil || asked.Name != "report.pdf" || res.Path != filepath.Join(dir, "report.pdf") {
		t.Fatalf("save: %+v, %v (dialog %+v)", res, err, asked)
	}
	if b, err := os.ReadFile(res.Path); err != nil || string(b) != "%PDF-1" {
		t.Fatalf("saved %q, %v", b, err)
	}
	tk.saveDialog = func(SaveRequest) (string, error) { return "", nil }
	if res, err := tk.SaveAttachment(SaveAttachmentRequest{ArticleID: a.ID, Index: 0}); err != nil || !res.Cancelled {
		t.Fatalf("cancelled: %+v, %v", res, err)
	}
}

func ticketOf(t *testing.T, tk *Tickets, messageID string) int64 {
	t.Helper()
	page, _ := tk.List(store.TicketQuery{Limit: 50})
	for _, x := range page.Tickets {
		v, _ := tk.Get(TicketRequest{ID: x.ID})
		for _, a := range v.Articles {
			if a.Article.MessageID == messageID {
				return x.ID
			}
		}
	}
	t.Fatalf("no ticket for <%s>", messageID)
	return 0
}

func TestOpenLinkOpensOnlyTheArticlesOwnWebLinks(t *testing.T) {
	tk, _, arts := demoTickets(t)
	var opened []string
	tk.openURL = func(u string) error { opened = append(opened, u); return nil }
	h := arts[demo.IDHostileHTML].ID
	const inMail = "https://yourbank-secure.example.net/confirm"
	if err := tk.OpenLink(OpenLinkRequest{ArticleID: h, URL: inMail}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"https://elsewhere.example/", "javascript:alert(1)", "file:///etc/passwd", "mailto:a@b.example"} {
		if err := tk.OpenLink(OpenLinkRequest{ArticleID: h, URL: u}); Classify(err).Code != CodeInvalid {
			t.Errorf("%s: %v", u, err)
		}
	}
	// A link of another article is not this one's.
	if err := tk.OpenLink(OpenLinkRequest{ArticleID: arts[demo.IDSignedEncrypted].ID, URL: inMail}); Classify(err).Code != CodeInvalid {
		t.Errorf("link of another article: %v", err)
	}
	if len(opened) != 1 || opened[0] != inMail {
		t.Fatalf("opened %v", opened)
	}
}

// TestTicketRetryReturnsTheArticleAndItsTicketRow: Retry answers with the
// article it ran over and its ticket's row as the run left it (the list
// patches that row), and sends no tickets:changed, which made the open
// ticket reload whole with every shown content.
func TestTicketRetryReturnsTheArticleAndItsTicketRow(t *testing.T) {
	tk, rec, arts := demoTickets(t)
	a := arts[demo.IDSigned]
	ctx := context.Background()
	before, ticketID, err := tk.p.Store.ArticleSummary(ctx, a.ID)
	if err != nil || before.ID != a.ID || before.Security.Sign.Success != a.Security.Sign.Success {
		t.Fatalf("summary: %+v, %v", before, err)
	}
	good, err := tk.p.Store.Ticket(ctx, ticketID)
	if err != nil || good.Security != "signed" {
		t.Fatalf("ticket before: %+v, %v", good, err)
	}
	// As if an earlier run had failed: the ticket's summary follows.
	if _, err := tk.p.Store.DB().Exec(`UPDATE articles SET security_state = 'failed' WHERE id = ?`, a.ID); err != nil {
		t.Fatal(err)
	}
	if bad, _ := tk.p.Store.Ticket(ctx, ticketID); bad.Security != "failed" {
		t.Fatalf("ticket summary after the fake failure: %q", bad.Security)
	}
	events := len(rec.events)
	res, err := tk.Retry(ArticleRequest{ArticleID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Article.Article.ID != a.ID || !res.Article.Article.Security.Sign.Success || res.Article.CanRetry {
		t.Errorf("article: %+v", res.Article)
	}
	if res.Ticket.ID != ticketID || res.Ticket.Security != "signed" {
		t.Errorf("ticket row: %+v, want %d signed", res.Ticket, ticketID)
	}
	if got := rec.events[events:]; len(got) != 0 {
		t.Errorf("events after a retry: %v", got)
	}
	if _, err := tk.Retry(ArticleRequest{ArticleID: 1 << 40}); code(err) != CodeNotFound {
		t.Errorf("retry of no article: %v", err)
	}
}
