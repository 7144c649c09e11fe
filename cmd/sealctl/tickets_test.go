package main

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
	"github.com/sealdesk/sealdesk/store"
)

// `tickets` and `tickets --json` are contracts: the field names, the state
// spellings, the type spellings and the text columns. Pin them byte for
// byte over a store written here.
func TestTicketsOutputIsPinned(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	add := func(mid, subject string, r verdict.Result) int64 {
		a, err := s.InsertArticle(ctx, store.Article{MessageID: mid, From: "ann@example.org", To: "desk@example.org",
			Subject: subject, Date: "2026-01-02T03:04:05Z", Raw: []byte("Message-ID: <" + mid + ">\r\n\r\n" + subject), Security: r}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return a.TicketID
	}
	add("a@x", "Printer", verdict.Result{})
	pending := add("b@x", "Invoice", verdict.Result{Type: verdict.TechSMIME, Signed: true, Sign: verdict.SignResult{Success: true}})
	if err := s.SetTicketState(ctx, pending, store.TicketPending); err != nil {
		t.Fatal(err)
	}
	closed := add("c@x", "Keys", verdict.Result{Type: verdict.TechPGP, Encrypted: true, Encryption: verdict.EncryptionResult{Success: true}})
	if err := s.SetTicketState(ctx, closed, store.TicketClosed); err != nil {
		t.Fatal(err)
	}
	s.Close()

	out, errOut, code := sealctl(t, "--data", dir, "tickets")
	if code != exitOK {
		t.Fatalf("tickets: exit %d, %s", code, errOut)
	}
	// Most recently updated first; the state column as wide as "pending".
	const wantText = `#10003  closed  Keys
    <- 3  ann@example.org  Keys  [PGP encrypted]
#10002  pending Invoice
    <- 2  ann@example.org  Invoice  [S/MIME signed, valid]
#10001  open    Printer
    <- 1  ann@example.org  Printer  [plain]
`
	if out != wantText {
		t.Errorf("tickets printed\n%s\nwant\n%s", out, wantText)
	}
	out, errOut, code = sealctl(t, "--data", dir, "tickets", "--json")
	if code != exitOK {
		t.Fatalf("tickets --json: exit %d, %s", code, errOut)
	}
	// The security object is the verdict's own contract (inspect --json,
	// which may gain fields); here its type spelling and the fields
	// around it are pinned.
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("tickets --json printed %q: %v", out, err)
	}
	for _, tk := range got {
		for _, a := range tk["articles"].([]any) {
			art := a.(map[string]any)
			art["security"] = art["security"].(map[string]any)["type"]
		}
	}
	article := func(id int, mid, subject, typ string) map[string]any {
		return map[string]any{"id": float64(id), "message_id": mid, "from": "ann@example.org", "to": "desk@example.org",
			"subject": subject, "date": "2026-01-02T03:04:05Z", "direction": "in", "security": typ,
			"agent": ""} // issue 13: the sending agent of an outgoing article
	}
	// The team desk's fields (issue 13): no owner, no reminder, no
	// history for tickets no one changed.
	ticket := func(number int, subject, state string, a map[string]any) map[string]any {
		return map[string]any{"number": float64(number), "subject": subject, "state": state, "articles": []any{a},
			"owner": "", "pending_until": "", "history": []any{}}
	}
	want := []map[string]any{
		ticket(10003, "Keys", "closed", article(3, "c@x", "Keys", "PGP")),
		ticket(10002, "Invoice", "pending", article(2, "b@x", "Invoice", "S/MIME")),
		ticket(10001, "Printer", "open", article(1, "a@x", "Printer", "")),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tickets --json:\n%v\nwant\n%v", got, want)
	}
}
