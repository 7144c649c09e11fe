package mailbox

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
)

// mimeBombs are hostile mails that break one limit of package mimelimit
// each, by name: 10,000 nested multiparts, 100,000 parts, a 10 MB header.
func mimeBombs() map[string][]byte {
	hdr := func(mid, extra string) string {
		return "From: mallory@evil.example\r\nTo: agent@example.test\r\nSubject: bomb " + mid + "\r\nMessage-ID: <" + mid +
			"@evil.example>\r\nDate: Sun, 01 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n" + extra
	}
	var deep strings.Builder
	deep.WriteString(hdr("deep", ""))
	const levels = 10000
	for i := range levels {
		fmt.Fprintf(&deep, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
	}
	deep.WriteString("Content-Type: text/plain\r\n\r\nbottom\r\n")
	for i := levels - 1; i >= 0; i-- {
		fmt.Fprintf(&deep, "--b%d--\r\n", i)
	}
	var many strings.Builder
	many.WriteString(hdr("many", "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"))
	for range 100000 {
		many.WriteString("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n")
	}
	many.WriteString("--b--\r\n")
	var big strings.Builder
	big.WriteString(hdr("header", ""))
	line := "X-Pad: " + strings.Repeat("a", 990) + "\r\n"
	for big.Len() < 10<<20 {
		big.WriteString(line)
	}
	big.WriteString("Content-Type: text/plain\r\n\r\nhi\r\n")
	return map[string][]byte{"deep": []byte(deep.String()), "many": []byte(many.String()), "header": []byte(big.String())}
}

// TestMIMEBombsDoNotStopTheSync: bombs among normal mails cost bounded
// time; the normal mails are processed, each bomb is stored raw as
// received and marked processed with the limit it broke as its parse
// error, and is not retried.
func TestMIMEBombsDoNotStopTheSync(t *testing.T) {
	ctx := context.Background()
	addr, _ := memIMAP(t, goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapUIDPlus: {}})
	s, p := newService(t)
	if _, err := s.SaveAccount(ctx, AccountInput{Name: "help", IMAP: addr, IMAPTLS: "none",
		Username: "agent@example.test", Password: []byte("secret")}); err != nil {
		t.Fatal(err)
	}
	admin := adminClient(t, addr)
	bombs := mimeBombs()
	appendRaw(t, admin, "INBOX", message(0, "before@x", "Printer", "").Raw)
	for _, name := range []string{"deep", "many", "header"} {
		appendRaw(t, admin, "INBOX", bombs[name])
	}
	appendRaw(t, admin, "INBOX", message(0, "after@x", "Scanner", "").Raw)

	start := time.Now()
	if _, err := s.SyncOnce(ctx, "help", SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("the sync took %v over five mails", d)
	}
	a := mustAccount(t, p.Store, "help")
	ids := mirrorIDs(t, NewMirror(p.Store, a.ID), "INBOX")
	if len(ids) != 5 {
		t.Fatalf("%d articles, want 5 (two mails, three bombs)", len(ids))
	}
	want := map[string]string{"before": "", "after": "", "deep": "nesting depth", "many": "number of parts", "header": "header size"}
	for _, id := range ids {
		art, err := p.Store.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		name := "?"
		for n := range want {
			if bytes.Contains(art.Raw, []byte("Message-ID: <"+n+"@")) {
				name = n
			}
		}
		limit, ok := want[name]
		if !ok {
			t.Fatalf("article %d is none of %v", id, want)
		}
		delete(want, name)
		if limit == "" {
			if art.Security.ProcessedAt.IsZero() || art.ParseError != "" {
				t.Errorf("normal mail %s: processed at %v, parse error %q", name, art.Security.ProcessedAt, art.ParseError)
			}
			continue
		}
		if !strings.Contains(art.ParseError, "exceeds the limit on its "+limit) || len(art.Raw) < 100000 {
			t.Errorf("bomb %s: parse error %q, raw %d bytes", name, art.ParseError, len(art.Raw))
		}
	}
	if len(want) != 0 {
		t.Errorf("not found: %v", want)
	}
	pending, err := p.Store.PendingArticles(ctx)
	if err != nil || len(pending) != 0 {
		t.Errorf("still pending: %v, %v", pending, err)
	}
	if retry, err := p.Store.ArticlesToRetry(ctx, ""); err != nil || len(retry) != 0 {
		t.Errorf("offered for retry: %v, %v", retry, err)
	}
}
